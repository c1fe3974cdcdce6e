import { letOtherRequestsIn } from '../database/flow-context';
import { sql } from '../database/sql';
import { bulkInsert, placeholders, selectIn } from './bulk-sql';
import { courseKey } from './course-mapping.entity';
import type { ImportField } from './import-columns';
import { codeMap, OrganisationIndex, organisationReason } from './import-lookups';
import { ImportRun, RowProcessor } from './import-run';
import { COMPLETION_WORDS, completionStatus } from './import-words';
import { Cell, SheetRow } from './sheet-reader';

/** Imported completions are recorded with this source: how the record got in, whatever the training was. */
export const IMPORT_SOURCE = 'import';

const AMBIGUOUS = -1;

interface CompletionDraft {
  row: number;
  staffId: number;
  levelId: number;
  completedOn: string;
  evidence: string | null;
}

/**
 * Completion rows from a learning platform's export: a person (employee_ref, else email), a level
 * (level_code, else a course name looked up in the course mappings: never guessed) and a date.
 * A completion already recorded, or given twice in the file, is skipped and counted as a duplicate.
 */
export class CompletionImport implements RowProcessor {
  /** People read into the lookups per statement (smaller in a test, to try the slicing). */
  static peoplePerSlice = 5000;
  private orgs: OrganisationIndex;
  private levels: Map<string, number>;
  private courses: Map<string, number>;
  /** People the scope sees: employer|ref -> id, ref -> id (or AMBIGUOUS), likewise for email. */
  private readonly byEmployerRef = new Map<string, number>();
  private readonly byRef = new Map<string, number>();
  private readonly byEmployerEmail = new Map<string, number>();
  private readonly byEmail = new Map<string, number>();
  private employerOfImport: number | null = null;
  /** References written with leading zeros, by their digits without them ("123" -> "000123"). */
  private readonly zeroLed = new Map<string, string>();
  private lostZeros = 0;
  /** staff|level|date of completions already taken from this file. */
  private readonly seen = new Set<string>();

  constructor(private readonly run: ImportRun) {}

  async begin(): Promise<void> {
    const { m, scope, scopes, organisation, reader } = this.run;
    this.orgs = await OrganisationIndex.load(m, scope, organisation?.id ?? null);
    this.orgs.useNames(this.run.organisationNames);
    this.levels = await codeMap(m, 'levels');
    const courses = await sql<{ name_key: string; level_id: number }>(m, 'SELECT name_key, level_id FROM course_mappings');
    this.courses = new Map(courses.map((c) => [c.name_key, Number(c.level_id)]));
    if (organisation) this.employerOfImport = this.orgs.employer(organisation.id);

    // Everyone the scope sees (tens of thousands of small rows) in a few statements, not one per
    // row; in slices by id, letting other requests in between, as on SQLite each is read on the
    // main thread (50,000 people at once held every request up for 180 ms). The slices are of
    // the one snapshot: the import's transaction has begun.
    const visible = scopes.staffPredicate(scope, 's');
    const withEmail = reader.has('email');
    for (let after = 0; ; ) {
      const query = m
        .createQueryBuilder()
        .select(['s.id AS id', 's.employee_ref AS ref', 's.employer_id AS employer'])
        .from('staff', 's')
        .where(visible.sql, visible.params)
        .andWhere('s.id > :after', { after })
        .orderBy('s.id')
        .limit(CompletionImport.peoplePerSlice);
      if (withEmail) query.addSelect('s.email', 'email');
      if (this.employerOfImport !== null) query.andWhere('s.employer_id = :employer', { employer: this.employerOfImport });
      const people = await query.getRawMany<{ id: number; ref: string; employer: number; email?: string | null }>();
      for (const p of people) this.know(p, withEmail);
      if (people.length < CompletionImport.peoplePerSlice) break;
      after = Number(people[people.length - 1].id);
      await letOtherRequestsIn();
    }
  }

  /** Adds a person the import may name to the lookups. */
  private know(p: { id: number; ref: string; employer: number; email?: string | null }, withEmail: boolean): void {
    const id = Number(p.id);
    const employer = Number(p.employer);
    this.byEmployerRef.set(`${employer}|${p.ref}`, id);
    this.byRef.set(p.ref, this.byRef.has(p.ref) ? AMBIGUOUS : id);
    if (p.ref.startsWith('0') && /^\d+$/.test(p.ref)) this.zeroLed.set(p.ref.replace(/^0+/, ''), p.ref);
    if (withEmail && p.email) {
      const email = p.email.toLowerCase();
      const key = `${employer}|${email}`;
      this.byEmployerEmail.set(key, this.byEmployerEmail.has(key) ? AMBIGUOUS : id);
      this.byEmail.set(email, this.byEmail.has(email) ? AMBIGUOUS : id);
    }
  }

  async batch(rows: SheetRow[]): Promise<void> {
    const { outcome, skipRows } = this.run;
    const drafts: CompletionDraft[] = [];
    for (const r of rows) {
      outcome.rows++;
      if (skipRows.has(r.row)) continue;
      const draft = this.draft(r);
      if (draft) drafts.push(draft);
    }
    if (drafts.length === 0) return;
    const recorded = await this.alreadyRecorded([...new Set(drafts.map((d) => d.staffId))]);
    const fresh: CompletionDraft[] = [];
    for (const d of drafts) {
      const key = `${d.staffId}|${d.levelId}|${d.completedOn}`;
      if (recorded.has(key) || this.seen.has(key)) {
        outcome.duplicates++;
        continue;
      }
      this.seen.add(key);
      outcome.created++;
      fresh.push(d);
    }
    if (this.run.write && fresh.length > 0) {
      await bulkInsert(
        this.run.m,
        'completions',
        ['staff_id', 'level_id', 'completed_on', 'source', 'evidence', 'recorded_by'],
        fresh.map((d) => [d.staffId, d.levelId, d.completedOn, IMPORT_SOURCE, d.evidence, this.run.recordedBy]),
      );
    }
  }

  async finish(): Promise<void> {
    if (this.lostZeros > 0) {
      this.run.outcome.warnings.push(
        `${this.lostZeros} ${this.lostZeros === 1 ? 'row names a reference' : 'rows name references'} that would match people once leading zeros are put back (123 for 000123). The file may have been re-saved by Excel: format the column as text or put the zeros back before importing.`,
      );
    }
  }

  private draft(r: SheetRow): CompletionDraft | null {
    const { reader, today } = this.run;
    const cells = r.cells;
    let ok = true;
    const fail = (field: ImportField, reason: string) => {
      this.run.outcome.addError(r.row, reader.column(field), reader.raw(cells, field), reason);
      ok = false;
    };

    // Rows that are not completions ("Not yet started", "In progress") are left out and counted, not errors.
    if (reader.has('status')) {
      const status = reader.text(cells, 'status') ?? '';
      const meaning = status === '' ? 'unknown' : completionStatus(status);
      if (meaning === 'not-completed') {
        this.run.outcome.excluded++;
        return null;
      }
      if (meaning === 'unknown' && status !== '') fail('status', `"${status}" is not a completion status the tracker knows: use ${COMPLETION_WORDS}`);
    }
    // No completion date, and no status saying it was completed: Moodle and the gap analysis list write
    // nothing there for people who have not completed. Left out and counted, like "Not yet started".
    const completedText = reader.text(cells, 'completed_on') ?? '';
    const saysCompleted = reader.has('status') && completionStatus(reader.text(cells, 'status') ?? '') === 'completed';
    const notACompletion =
      (completedText === '' && !saysCompleted) ||
      (completedText !== '' && typeof reader.raw(cells, 'completed_on') === 'string' && completionStatus(completedText) === 'not-completed');
    if (notACompletion) {
      this.run.outcome.excluded++;
      return null;
    }

    const staffId = this.person(cells, fail);

    let levelId: number | undefined;
    const levelCode = reader.text(cells, 'level_code') ?? '';
    let course = reader.text(cells, 'course_name') ?? '';
    if (levelCode !== '') {
      levelId = this.levels.get(levelCode.toLowerCase());
      if (levelId === undefined) fail('level_code', `no level with code ${levelCode}`);
    } else if (course !== '') {
      levelId = this.courses.get(courseKey(course));
      if (levelId === undefined) fail('course_name', `the course "${course}" is not linked to a level: add it on the course mappings page`);
    } else if (this.run.defaultLevelId !== null) {
      levelId = this.run.defaultLevelId;
      course = this.run.defaultCourse ?? '';
    } else {
      fail(reader.has('level_code') ? 'level_code' : 'course_name', 'give a course name or a level code');
    }

    const completed = reader.date(cells, 'completed_on');
    let completedOn: string | null = null;
    if (!completed.ok) fail('completed_on', completed.reason);
    else if (completed.date === null) fail('completed_on', 'completed_on is empty');
    else if (completed.date > today) fail('completed_on', `${completed.date} is in the future`);
    else completedOn = completed.date;

    // Without evidence of its own, the course name is kept: it says what the person actually took.
    const evidence = (reader.text(cells, 'evidence') ?? '') || course || null;

    if (!ok || staffId === null || levelId === undefined || completedOn === null) return null;
    return { row: r.row, staffId, levelId, completedOn, evidence };
  }

  /** The person a row means; out-of-scope people are reported exactly like unknown ones. */
  private person(cells: Cell[], fail: (field: ImportField, reason: string) => void): number | null {
    const { reader, organisation } = this.run;
    const ref = reader.text(cells, 'employee_ref') ?? '';
    const email = (reader.text(cells, 'email') ?? '').toLowerCase();
    const orgCode = reader.text(cells, 'organisation_code') ?? '';
    const orgName = orgCode === '' ? (reader.text(cells, 'organisation_name') ?? '') : '';
    let employer = this.employerOfImport;
    let within = organisation?.code ?? null;
    if (orgCode !== '' || orgName !== '') {
      const found = orgCode !== '' ? this.orgs.lookup(orgCode) : this.orgs.lookupName(orgName);
      if (!found.ok) {
        if (orgCode !== '') fail('organisation_code', organisationReason(orgCode, found.reason, organisation?.code));
        else {
          if (found.reason === 'unknown' && this.run.outcome.unlinkedNames.size < 200) this.run.outcome.unlinkedNames.add(orgName);
          fail('organisation_name', found.reason === 'unknown' ? `the organisation "${orgName}" is not linked to one of the tracker's organisations: link it in the organisation names step` : organisationReason(orgName, found.reason, organisation?.code));
        }
        return null;
      }
      employer = found.employerId;
      within = found.code;
    }
    const where = within ? ` in ${within}` : '';
    if (ref !== '') {
      const id = employer !== null ? this.byEmployerRef.get(`${employer}|${ref}`) : this.byRef.get(ref);
      const padded = id === undefined && /^\d+$/.test(ref) ? this.zeroLed.get(ref.replace(/^0+/, '')) : undefined;
      if (id === undefined && padded !== undefined && padded !== ref) {
        this.lostZeros++;
        fail('employee_ref', `no person with employee reference ${ref}${where}, but ${padded} exists: the leading zeros may have been lost when the file was saved`);
      } else if (id === undefined) fail('employee_ref', `no person with employee reference ${ref}${where}`);
      else if (id === AMBIGUOUS) {
        fail('employee_ref', `employee reference ${ref} is used in more than one employer: add an organisation_code column or choose the organisation for the import`);
      } else return id;
      return null;
    }
    if (email !== '') {
      const id = employer !== null ? this.byEmployerEmail.get(`${employer}|${email}`) : this.byEmail.get(email);
      if (id === undefined) fail('email', `no person with email ${email}${where}`);
      else if (id === AMBIGUOUS) fail('email', `more than one person has the email ${email}: give their employee_ref instead`);
      else return id;
      return null;
    }
    fail(reader.has('employee_ref') ? 'employee_ref' : 'email', 'give the person\'s employee_ref or email');
    return null;
  }

  private async alreadyRecorded(staffIds: number[]): Promise<Set<string>> {
    const rows = await selectIn(staffIds, 900, (slice) =>
      sql<{ staff_id: number; level_id: number; completed_on: string }>(
        this.run.m,
        `SELECT staff_id, level_id, completed_on FROM completions WHERE staff_id IN (${placeholders(slice.length)})`,
        slice,
      ),
    );
    return new Set(rows.map((r) => `${r.staff_id}|${r.level_id}|${r.completed_on}`));
  }
}
