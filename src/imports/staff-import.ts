import { addDays, formatUkDate } from '../common/dates';
import { sql } from '../database/sql';
import { bulkInsert, bulkUpdate, eachSlice, placeholders, selectIn } from './bulk-sql';
import type { ImportField } from './import-columns';
import { codeMap, OrganisationIndex, organisationReason } from './import-lookups';
import { isEmail } from './import-outcome';
import { ImportRun, RowProcessor } from './import-run';
import { meansNobody, STAFF_STATUS_WORDS, staffStatus } from './import-words';
import { applyRules, HrFacts, sameSet } from './role-rules';
import { Cell, SheetRow } from './sheet-reader';
import { subtreesIds } from '../access/subtree';
import { endDateProblem, ownManagerProblem, reportsToThisPerson } from '../staff/staff-rules';

/** The HR columns role rules read, kept on the person. */
const HR_FIELDS = ['job_title', 'position', 'staff_group', 'department'] as const;
type HrField = (typeof HR_FIELDS)[number];
/** A file that would mark more than this share of an organisation's people as leavers is worth a second look. */
const LEAVERS_WARNING_SHARE = 0.1;

type Category = 'created' | 'updated' | 'unchanged';

/** A valid row of a staff file, resolved to ids. Optional fields are undefined when the file lacks the column. */
interface StaffDraft {
  row: number;
  key: string;
  employeeRef: string;
  firstName: string;
  lastName: string;
  email: string | null | undefined;
  organisationId: number;
  employerId: number;
  roleIds: number[] | undefined;
  managerRef: string | null | undefined;
  startDate: string;
  endDate: string | null | undefined;
  /** The file's status column says the person is no longer in post. */
  inactive: boolean;
  /** HR columns; undefined when the file lacks the column. */
  hr: Partial<Record<HrField, string | null>>;
}

interface ExistingPerson {
  id: number;
  employee_ref: string;
  employer_id: number;
  first_name: string;
  last_name: string;
  email: string | null;
  organisation_id: number;
  start_date: string;
  end_date: string | null;
  manager_ref: string | null;
  job_title: string | null;
  position: string | null;
  staff_group: string | null;
  department: string | null;
}

/** A person's roles as the batch decided them: ids, and which the rules gave. */
interface RoleDecision {
  roleIds: number[];
  ruleGiven: number[];
}

/** A row whose manager is to be set or cleared once every row of the file is in. */
interface ManagerChange {
  row: number;
  key: string;
  employerId: number;
  managerRef: string | null;
  category: Category;
  staffId: number | null;
}

const keyOf = (employerId: number, ref: string) => `${employerId}|${ref}`;

/**
 * Staff rows: one person a row, matched on (employer, employee_ref). New people are created,
 * changed ones updated, the rest left alone; managers are set in a second pass so a row may name
 * a manager further down the file; roles come from the roles column or the person's record and the
 * role rules; a status column marks people no longer in post; with markLeavers, people in post in
 * the organisations of the file who are absent from it get the day before the extract as their
 * last day.
 */
export class StaffImport implements RowProcessor {
  private orgs: OrganisationIndex;
  private roles: Map<string, number>;
  private roleCodes = new Map<number, string>();
  /** First row of every reference in the file, whatever its organisation or errors (for messages). */
  private readonly refRows = new Map<string, number>();
  /** Digit-only references of new people (lost leading zeros?): employer -> refs, with a row. */
  private readonly digitRefs = new Map<number, Map<string, number>>();
  /** Every (employer, reference) in the file, with the first row it is on. */
  private readonly fileKeys = new Map<string, number>();
  /** References on rows whose organisation could not be found: never treated as absent. */
  private readonly unresolvedRefs = new Set<string>();
  private readonly namedOrganisations = new Set<number>();
  private readonly managerChanges: ManagerChange[] = [];

  constructor(private readonly run: ImportRun) {}

  async begin(): Promise<void> {
    this.orgs = await OrganisationIndex.load(this.run.m, this.run.scope, this.run.organisation?.id ?? null);
    this.orgs.useNames(this.run.organisationNames);
    this.roles = await codeMap(this.run.m, 'roles');
    const codes = await sql<{ id: number; code: string }>(this.run.m, 'SELECT id, code FROM roles');
    this.roleCodes = new Map(codes.map((r) => [Number(r.id), r.code]));
  }

  /** The last day in post of a leaver: the day before the extract was taken. */
  private get lastDay(): string {
    return addDays(this.run.extractDate, -1);
  }

  private get decidesRoles(): boolean {
    return this.run.reader.has('roles') || this.run.rules.length > 0;
  }

  async batch(rows: SheetRow[]): Promise<void> {
    const { outcome, skipRows } = this.run;
    const drafts: StaffDraft[] = [];
    for (const r of rows) {
      outcome.rows++;
      if (skipRows.has(r.row)) {
        this.notePresence(r.cells);
        continue;
      }
      const draft = this.draft(r);
      if (draft) drafts.push(draft);
    }
    if (drafts.length === 0) return;
    const existing = await this.existing(drafts);
    const ids = [...existing.values()].map((p) => p.id);
    const currentRoles = this.decidesRoles ? await this.currentRoles(ids, 'staff_roles') : new Map<number, number[]>();
    const ruleRoles = this.run.rules.length > 0 ? await this.currentRoles(ids, 'staff_rule_roles') : new Map<number, number[]>();

    const creates: { draft: StaffDraft; roles: RoleDecision | null }[] = [];
    const updates: { draft: StaffDraft; person: ExistingPerson; roles: RoleDecision | null; rolesChanged: boolean }[] = [];
    const newPeopleChanges = new Map<string, ManagerChange>();
    for (const draft of drafts) {
      const person = existing.get(draft.key);
      if (person && !this.orgs.isVisible(person.organisation_id)) {
        this.fail(draft.row, 'employee_ref', draft.employeeRef, `employee reference ${draft.employeeRef} is already used by a person outside your organisation`);
        continue;
      }
      if (draft.inactive) {
        // No longer in post: a person the tracker does not hold is left out; one it holds gets an end date.
        if (!person) {
          outcome.excluded++;
          continue;
        }
        if (draft.endDate === undefined || draft.endDate === null) {
          const last = this.lastDay < draft.startDate ? draft.startDate : this.lastDay;
          draft.endDate = person.end_date ?? last;
        }
      }
      if (!person && /^\d+$/.test(draft.employeeRef)) {
        const refs = this.digitRefs.get(draft.employerId) ?? new Map<string, number>();
        refs.set(draft.employeeRef, draft.row);
        this.digitRefs.set(draft.employerId, refs);
      }
      const roles = this.decidesRoles ? this.decideRoles(draft, person, currentRoles, ruleRoles) : null;
      const managerChanged = draft.managerRef !== undefined && draft.managerRef !== (person?.manager_ref ?? null);
      let category: Category;
      if (!person) {
        category = 'created';
        creates.push({ draft, roles });
        if (roles && roles.roleIds.length > 0) this.noteRoles(draft, null, roles.roleIds);
      } else {
        const before = currentRoles.get(person.id) ?? [];
        const rolesChanged = roles !== null && !sameSet(roles.roleIds, before);
        const marksChanged = roles !== null && !sameSet(roles.ruleGiven, ruleRoles.get(person.id) ?? []);
        if (rolesChanged) this.noteRoles(draft, before, roles.roleIds);
        if (fieldsChanged(draft, person) || rolesChanged) {
          category = 'updated';
          updates.push({ draft, person, roles, rolesChanged: rolesChanged || marksChanged });
        } else {
          category = managerChanged ? 'updated' : 'unchanged';
          if (marksChanged) updates.push({ draft, person, roles, rolesChanged: true });
        }
      }
      outcome[category]++;
      if (managerChanged) {
        const change: ManagerChange = {
          row: draft.row,
          key: draft.key,
          employerId: draft.employerId,
          managerRef: draft.managerRef ?? null,
          category,
          staffId: person?.id ?? null,
        };
        this.managerChanges.push(change);
        if (!person) newPeopleChanges.set(draft.key, change);
      }
    }
    if (this.run.write) await this.save(creates, updates, newPeopleChanges);
  }

  async finish(): Promise<void> {
    if (!this.run.write) {
      await this.checkManagers();
      await this.checkManagerLoops();
    } else {
      await this.saveManagers();
    }
    if (this.run.markLeavers) await this.markLeavers();
    await this.warnLostZeros();
  }

  /** The roles a row's person ends with: hand-set ones (the roles column, else their record's) and the rules'. */
  private decideRoles(draft: StaffDraft, person: ExistingPerson | undefined, current: Map<number, number[]>, ruleGiven: Map<number, number[]>): RoleDecision {
    const given = new Set(person ? (ruleGiven.get(person.id) ?? []) : []);
    const manual = draft.roleIds ?? (person ? (current.get(person.id) ?? []).filter((id) => !given.has(id)) : []);
    if (this.run.rules.length === 0) return { roleIds: manual, ruleGiven: [] };
    const hr = (field: HrField) => (draft.hr[field] !== undefined ? draft.hr[field]! : (person?.[field] ?? null));
    const organisation = this.orgs.codeAndName(draft.organisationId);
    const facts: HrFacts = {
      job_title: hr('job_title'),
      position: hr('position'),
      staff_group: hr('staff_group'),
      department: hr('department'),
      organisationCode: organisation.code,
      organisationName: organisation.name,
    };
    const decided = applyRules(this.run.rules, facts, manual);
    return { roleIds: decided.roles, ruleGiven: decided.ruleGiven };
  }

  private noteRoles(draft: StaffDraft, before: number[] | null, after: number[]): void {
    const codes = (ids: number[]) => ids.map((id) => this.roleCodes.get(id) ?? String(id)).sort();
    this.run.outcome.noteRoleChange({
      row: draft.row,
      employeeRef: draft.employeeRef,
      name: `${draft.firstName} ${draft.lastName}`,
      before: before === null ? null : codes(before),
      after: codes(after),
    });
  }

  /**
   * A new person whose reference is digits only, where an existing reference of the same employer
   * is those digits with leading zeros (123 for 000123): the file was probably re-saved by Excel.
   */
  private async warnLostZeros(): Promise<void> {
    let count = 0;
    let example: string | null = null;
    for (const [employerId, refs] of this.digitRefs) {
      const zeroLed = await sql<{ employee_ref: string }>(this.run.m, `SELECT employee_ref FROM staff WHERE employer_id = $1 AND employee_ref LIKE '0%'`, [employerId]);
      for (const { employee_ref: existing } of zeroLed) {
        const stripped = existing.replace(/^0+/, '');
        const row = refs.get(stripped);
        if (row === undefined || this.run.outcome.errorRows.has(row)) continue;
        count++;
        example ??= `${stripped} on row ${row} for ${existing}`;
      }
    }
    if (count > 0) {
      this.run.outcome.warnings.push(
        `${count} ${count === 1 ? 'reference' : 'references'} in the file ${count === 1 ? 'looks' : 'look'} like an existing reference that has lost its leading zeros (for example ${example}), so they would be added as new people. The file may have been re-saved by Excel: format the column as text or put the zeros back before importing.`,
      );
    }
  }

  /** Validates a row's cells; every problem on the row is reported, not just the first. */
  private draft(r: SheetRow): StaffDraft | null {
    const { reader } = this.run;
    const cells = r.cells;
    let ok = true;
    const fail = (field: ImportField, reason: string) => {
      this.fail(r.row, field, reader.raw(cells, field), reason);
      ok = false;
    };
    const required = (field: ImportField, max: number): string => {
      const value = reader.text(cells, field) ?? '';
      if (value === '') fail(field, `${field} is empty`);
      else if (value.length > max) fail(field, `${field} is longer than ${max} characters`);
      return value;
    };

    const employeeRef = required('employee_ref', 60);
    const firstName = required('first_name', 100);
    const lastName = required('last_name', 100);

    let email: string | null | undefined;
    if (reader.has('email')) {
      const text = reader.text(cells, 'email')!;
      email = text === '' ? null : text.toLowerCase();
      if (email && (email.length > 254 || !isEmail(email))) fail('email', `${text} is not an email address`);
    }

    const organisation = this.organisationOf(cells, (reason, field) => fail(field ?? 'organisation_code', reason));
    if (organisation) this.namedOrganisations.add(organisation.id);

    let roleIds: number[] | undefined;
    if (reader.has('roles')) {
      roleIds = [];
      for (const code of (reader.text(cells, 'roles') ?? '').split(';').map((c) => c.trim()).filter(Boolean)) {
        const id = this.roles.get(code.toLowerCase());
        if (id === undefined) fail('roles', `no role with code ${code}`);
        else if (!roleIds.includes(id)) roleIds.push(id);
      }
    }

    let managerRef: string | null | undefined;
    if (reader.has('manager_employee_ref')) {
      managerRef = reader.text(cells, 'manager_employee_ref') || null;
      if (managerRef !== null && meansNobody(managerRef)) managerRef = null;
      const ownManager = ownManagerProblem(employeeRef, managerRef);
      if (ownManager) fail('manager_employee_ref', ownManager);
    }

    let inactive = false;
    if (reader.has('status')) {
      const status = reader.text(cells, 'status') ?? '';
      if (status !== '') {
        const meaning = staffStatus(status);
        if (meaning === 'unknown') fail('status', `"${status}" is not a staff status the tracker knows: use ${STAFF_STATUS_WORDS}`);
        inactive = meaning === 'inactive';
      }
    }

    const hr: Partial<Record<HrField, string | null>> = {};
    for (const field of HR_FIELDS) {
      if (!reader.has(field)) continue;
      const value = reader.text(cells, field) ?? '';
      if (value.length > 200) fail(field, `${field} is longer than 200 characters`);
      else hr[field] = value === '' ? null : value;
    }

    const start = reader.date(cells, 'start_date');
    if (!start.ok) fail('start_date', start.reason);
    else if (start.date === null) fail('start_date', 'start_date is empty');
    let endDate: string | null | undefined;
    if (reader.has('end_date')) {
      const end = reader.date(cells, 'end_date');
      if (!end.ok) fail('end_date', end.reason);
      else {
        endDate = end.date;
        const endProblem = start.ok && start.date ? endDateProblem(start.date, endDate) : null;
        if (endProblem) fail('end_date', endProblem);
      }
    }

    if (employeeRef && !this.refRows.has(employeeRef)) this.refRows.set(employeeRef, r.row);
    if (employeeRef && employeeRef.length <= 60) {
      if (organisation) {
        const key = keyOf(organisation.employerId, employeeRef);
        const first = this.fileKeys.get(key);
        if (first !== undefined && first !== r.row) fail('employee_ref', `employee reference ${employeeRef} is also on row ${first}`);
        else this.fileKeys.set(key, r.row);
      } else this.unresolvedRefs.add(employeeRef);
    }
    if (!ok || !organisation || !start.ok || !start.date) return null;
    return {
      row: r.row,
      key: keyOf(organisation.employerId, employeeRef),
      employeeRef,
      firstName,
      lastName,
      email,
      organisationId: organisation.id,
      employerId: organisation.employerId,
      roleIds,
      managerRef,
      startDate: start.date,
      endDate,
      inactive,
      hr,
    };
  }

  /** The row's organisation: its code, else its name (remembered or ours), else the one chosen for the import. */
  private organisationOf(cells: Cell[], fail: (reason: string, field?: ImportField) => void, quiet = false): { id: number; employerId: number } | null {
    const { reader } = this.run;
    const code = reader.text(cells, 'organisation_code') ?? '';
    const name = reader.text(cells, 'organisation_name') ?? '';
    const given = this.run.organisation;
    if (code !== '') {
      const found = this.orgs.lookup(code);
      if (!found.ok) {
        const hint = found.reason === 'unknown' && this.orgs.lookupName(code).ok ? `: it is the name of an organisation, so map this column to organisation_name` : '';
        fail(organisationReason(code, found.reason, given?.code) + hint, 'organisation_code');
        return null;
      }
      return found;
    }
    if (name !== '') {
      const found = this.orgs.lookupName(name);
      if (!found.ok) {
        if (found.reason === 'unknown') {
          if (!quiet && this.run.outcome.unlinkedNames.size < 200) this.run.outcome.unlinkedNames.add(name);
          fail(`the organisation "${name}" is not linked to one of the tracker's organisations: link it in the organisation names step`, 'organisation_name');
        } else fail(organisationReason(name, found.reason, given?.code), 'organisation_name');
        return null;
      }
      return found;
    }
    if (given) return { id: given.id, employerId: this.orgs.employer(given.id) };
    fail(reader.has('organisation_code') ? 'organisation_code is empty' : 'organisation_name is empty', reader.has('organisation_code') ? 'organisation_code' : 'organisation_name');
    return null;
  }

  /** A row already known to be in error still names a person who is in the file (for leavers). */
  private notePresence(cells: Cell[]): void {
    const ref = this.run.reader.text(cells, 'employee_ref') ?? '';
    if (ref === '') return;
    if (!this.refRows.has(ref)) this.refRows.set(ref, -1);
    const organisation = this.organisationOf(cells, () => undefined, true);
    if (organisation) {
      this.namedOrganisations.add(organisation.id);
      if (!this.fileKeys.has(keyOf(organisation.employerId, ref))) this.fileKeys.set(keyOf(organisation.employerId, ref), -1);
    } else this.unresolvedRefs.add(ref);
  }

  private fail(row: number, field: ImportField, value: Cell | undefined, reason: string): void {
    this.run.outcome.addError(row, this.run.reader.column(field), value, reason);
  }

  /** The people the batch's rows already match, by key, with their manager's reference. */
  private async existing(drafts: StaffDraft[]): Promise<Map<string, ExistingPerson>> {
    const byEmployer = new Map<number, string[]>();
    for (const d of drafts) byEmployer.set(d.employerId, [...(byEmployer.get(d.employerId) ?? []), d.employeeRef]);
    const found = new Map<string, ExistingPerson>();
    for (const [employerId, refs] of byEmployer) {
      const rows = await selectIn(refs, 900, (slice) =>
        sql<ExistingPerson>(
          this.run.m,
          `SELECT s.id, s.employee_ref, s.employer_id, s.first_name, s.last_name, s.email, s.organisation_id,
                  s.start_date, s.end_date, m.employee_ref AS manager_ref, s.job_title, s.position, s.staff_group, s.department
           FROM staff s LEFT JOIN staff m ON m.id = s.manager_id
           WHERE s.employer_id = $1 AND s.employee_ref IN (${placeholders(slice.length, 1)})`,
          [employerId, ...slice],
        ),
      );
      for (const p of rows) found.set(keyOf(Number(p.employer_id), p.employee_ref), { ...p, id: Number(p.id), organisation_id: Number(p.organisation_id) });
    }
    return found;
  }

  private async currentRoles(staffIds: number[], table: 'staff_roles' | 'staff_rule_roles'): Promise<Map<number, number[]>> {
    const rows = await selectIn(staffIds, 900, (slice) =>
      sql<{ staff_id: number; role_id: number }>(this.run.m, `SELECT staff_id, role_id FROM ${table} WHERE staff_id IN (${placeholders(slice.length)})`, slice),
    );
    const out = new Map<number, number[]>();
    for (const r of rows) out.set(Number(r.staff_id), [...(out.get(Number(r.staff_id)) ?? []), Number(r.role_id)]);
    return out;
  }

  private async save(
    creates: { draft: StaffDraft; roles: RoleDecision | null }[],
    updates: { draft: StaffDraft; person: ExistingPerson; roles: RoleDecision | null; rolesChanged: boolean }[],
    newPeopleChanges: Map<string, ManagerChange>,
  ): Promise<void> {
    const { m } = this.run;
    const roleRows: number[][] = [];
    const markRows: number[][] = [];
    if (creates.length > 0) {
      const inserted = await bulkInsert<{ id: number; employer_id: number; employee_ref: string }>(
        m,
        'staff',
        ['employee_ref', 'first_name', 'last_name', 'email', 'organisation_id', 'employer_id', 'start_date', 'end_date', ...HR_FIELDS],
        creates.map(({ draft: d }) => [d.employeeRef, d.firstName, d.lastName, d.email ?? null, d.organisationId, d.employerId, d.startDate, d.endDate ?? null, ...HR_FIELDS.map((f) => d.hr[f] ?? null)]),
        'id, employer_id, employee_ref',
      );
      const idOf = new Map(inserted.map((r) => [keyOf(Number(r.employer_id), r.employee_ref), Number(r.id)]));
      for (const { draft: d, roles } of creates) {
        const id = idOf.get(d.key)!;
        for (const roleId of roles?.roleIds ?? []) roleRows.push([id, roleId]);
        for (const roleId of roles?.ruleGiven ?? []) markRows.push([id, roleId]);
        const change = newPeopleChanges.get(d.key);
        if (change) change.staffId = id;
      }
    }
    if (updates.length > 0) {
      await bulkUpdate(
        m,
        'staff',
        [
          { name: 'first_name' },
          { name: 'last_name' },
          { name: 'email' },
          { name: 'organisation_id', integer: true },
          { name: 'start_date' },
          { name: 'end_date' },
          ...HR_FIELDS.map((name) => ({ name })),
        ],
        updates.map(({ draft: d, person: p }) => [
          p.id,
          d.firstName,
          d.lastName,
          d.email === undefined ? p.email : d.email,
          d.organisationId,
          d.startDate,
          d.endDate === undefined ? p.end_date : d.endDate,
          ...HR_FIELDS.map((f) => (d.hr[f] === undefined ? p[f] : d.hr[f])),
        ]),
      );
      const rolesChanged = updates.filter((u) => u.rolesChanged && u.roles);
      const changedIds = rolesChanged.map((u) => u.person.id);
      await eachSlice(changedIds, 900, (slice) => sql(m, `DELETE FROM staff_roles WHERE staff_id IN (${placeholders(slice.length)})`, slice));
      await eachSlice(changedIds, 900, (slice) => sql(m, `DELETE FROM staff_rule_roles WHERE staff_id IN (${placeholders(slice.length)})`, slice));
      for (const u of rolesChanged) {
        for (const roleId of u.roles!.roleIds) roleRows.push([u.person.id, roleId]);
        for (const roleId of u.roles!.ruleGiven) markRows.push([u.person.id, roleId]);
      }
    }
    if (roleRows.length > 0) await bulkInsert(m, 'staff_roles', ['staff_id', 'role_id'], roleRows);
    if (markRows.length > 0) await bulkInsert(m, 'staff_rule_roles', ['staff_id', 'role_id'], markRows);
  }

  /**
   * Preview: each manager named must be someone the scope sees in the same employer, or a row of
   * the file without errors. Repeated because a manager's own row may turn out to be in error.
   */
  private async checkManagers(): Promise<void> {
    const { outcome } = this.run;
    const wanted = this.managerChanges.filter((c) => c.managerRef !== null);
    const inDatabase = await this.visibleKeys(wanted.map((c) => ({ employerId: c.employerId, ref: c.managerRef! })));
    for (let changed = true; changed; ) {
      changed = false;
      for (const c of wanted) {
        if (outcome.errorRows.has(c.row)) continue;
        const key = keyOf(c.employerId, c.managerRef!);
        const row = this.fileKeys.get(key);
        if (inDatabase.has(key) || (row !== undefined && row > 0 && !outcome.errorRows.has(row))) continue;
        this.rowFailedLate(c, this.noManagerReason(c.managerRef!, row));
        changed = true;
      }
    }
  }

  /** Why a manager cannot be found: not anywhere, or on a row of the file that has errors of its own. */
  private noManagerReason(ref: string, row: number | undefined): string {
    const onRow = row !== undefined && row > 0 ? row : this.refRows.get(ref);
    if (onRow !== undefined && onRow > 0 && this.run.outcome.errorRows.has(onRow)) {
      return `the manager ${ref} is on row ${onRow} of this file, which has errors: correct that row and this one will follow`;
    }
    if (onRow !== undefined) return `the manager ${ref} is on a row of this file that has errors: correct that row and this one will follow`;
    return `no person with employee reference ${ref} in the same employer`;
  }

  /** Preview: nobody may end up managing themselves, directly or through others. */
  private async checkManagerLoops(): Promise<void> {
    const changes = this.managerChanges.filter((c) => !this.run.outcome.errorRows.has(c.row));
    if (!changes.some((c) => c.managerRef !== null)) return;
    const employers = [...new Set(changes.map((c) => c.employerId))];
    const managerOf = new Map<string, string | null>();
    for (const employerId of employers) {
      const rows = await sql<{ employee_ref: string; manager_ref: string | null }>(
        this.run.m,
        `SELECT s.employee_ref, m.employee_ref AS manager_ref FROM staff s LEFT JOIN staff m ON m.id = s.manager_id WHERE s.employer_id = $1`,
        [employerId],
      );
      for (const r of rows) managerOf.set(keyOf(employerId, r.employee_ref), r.manager_ref === null ? null : keyOf(employerId, r.manager_ref));
    }
    for (const c of changes) managerOf.set(c.key, c.managerRef === null ? null : keyOf(c.employerId, c.managerRef));
    for (const c of changes) {
      if (c.managerRef === null) continue;
      const seen = new Set<string>();
      for (let current = managerOf.get(c.key) ?? null; current !== null && !seen.has(current); current = managerOf.get(current) ?? null) {
        if (current === c.key) {
          this.rowFailedLate(c, reportsToThisPerson(c.managerRef));
          break;
        }
        seen.add(current);
      }
    }
  }

  /** An error found after the row was counted: it moves from its count to the rows in error. */
  private rowFailedLate(c: ManagerChange, reason: string): void {
    const { outcome } = this.run;
    if (!outcome.errorRows.has(c.row)) outcome[c.category]--;
    outcome.addError(c.row, this.run.reader.column('manager_employee_ref'), c.managerRef, reason);
  }

  private async visibleKeys(refs: { employerId: number; ref: string }[]): Promise<Set<string>> {
    const byEmployer = new Map<number, Set<string>>();
    for (const r of refs) byEmployer.set(r.employerId, (byEmployer.get(r.employerId) ?? new Set()).add(r.ref));
    const keys = new Set<string>();
    for (const [employerId, set] of byEmployer) {
      const rows = await selectIn([...set], 900, (slice) =>
        sql<{ id: number; employee_ref: string; organisation_id: number }>(
          this.run.m,
          `SELECT id, employee_ref, organisation_id FROM staff WHERE employer_id = $1 AND employee_ref IN (${placeholders(slice.length, 1)})`,
          [employerId, ...slice],
        ),
      );
      for (const r of rows) if (this.orgs.isVisible(Number(r.organisation_id))) keys.add(keyOf(employerId, r.employee_ref));
    }
    return keys;
  }

  /** Write: managers are set once every row is in, so a manager further down the file is found. */
  private async saveManagers(): Promise<void> {
    const changes = this.managerChanges.filter((c) => c.staffId !== null);
    if (changes.length === 0) return;
    const wanted = changes.filter((c) => c.managerRef !== null);
    const idOf = new Map<string, number>();
    const byEmployer = new Map<number, Set<string>>();
    for (const c of wanted) byEmployer.set(c.employerId, (byEmployer.get(c.employerId) ?? new Set()).add(c.managerRef!));
    for (const [employerId, set] of byEmployer) {
      const rows = await selectIn([...set], 900, (slice) =>
        sql<{ id: number; employee_ref: string; organisation_id: number }>(
          this.run.m,
          `SELECT id, employee_ref, organisation_id FROM staff WHERE employer_id = $1 AND employee_ref IN (${placeholders(slice.length, 1)})`,
          [employerId, ...slice],
        ),
      );
      for (const r of rows) if (this.orgs.isVisible(Number(r.organisation_id))) idOf.set(keyOf(employerId, r.employee_ref), Number(r.id));
    }
    const updates: unknown[][] = [];
    for (const c of changes) {
      if (c.managerRef === null) {
        updates.push([c.staffId, null]);
        continue;
      }
      const managerId = idOf.get(keyOf(c.employerId, c.managerRef));
      if (managerId === undefined) {
        this.run.outcome.addError(c.row, this.run.reader.column('manager_employee_ref'), c.managerRef, this.noManagerReason(c.managerRef, this.fileKeys.get(keyOf(c.employerId, c.managerRef))));
      } else updates.push([c.staffId, managerId]);
    }
    await bulkUpdate(this.run.m, 'staff', [{ name: 'manager_id', integer: true }], updates);
  }

  /**
   * People in post on the extract's eve in the organisations the file is about (the import's
   * organisation, else every organisation named in the file, with their subtrees) who are not in
   * the file: their last day in post becomes the day before the extract. Kept, never deleted. A
   * file that would mark more than a tenth of those people is flagged in the preview.
   */
  private async markLeavers(): Promise<void> {
    const roots = this.run.organisation ? [this.run.organisation.id] : [...this.namedOrganisations];
    if (roots.length === 0) return;
    const { m } = this.run;
    const lastDay = this.lastDay;
    const candidates = await selectIn(roots, 500, (slice) =>
      sql<{ id: number; employee_ref: string; employer_id: number }>(
        m,
        `SELECT s.id, s.employee_ref, s.employer_id FROM staff s
         WHERE s.organisation_id IN (${subtreesIds(placeholders(slice.length, 1))})
           AND s.start_date <= $1 AND (s.end_date IS NULL OR s.end_date > $1)`,
        [lastDay, ...slice],
      ),
    );
    const seen = new Set<number>();
    const leavers: number[] = [];
    for (const p of candidates) {
      const id = Number(p.id);
      if (seen.has(id)) continue;
      seen.add(id);
      if (this.fileKeys.has(keyOf(Number(p.employer_id), p.employee_ref)) || this.unresolvedRefs.has(p.employee_ref)) continue;
      leavers.push(id);
    }
    this.run.outcome.leavers = leavers.length;
    if (seen.size > 0 && leavers.length / seen.size > LEAVERS_WARNING_SHARE) {
      const share = Math.round((leavers.length / seen.size) * 100);
      const where = roots.map((id) => this.orgs.codeAndName(id).code).sort().slice(0, 5).join(', ');
      this.run.outcome.warnings.push(
        `This file would mark ${leavers.length} of the ${seen.size} people in post in ${where}${roots.length > 5 ? ' and others' : ''} as leavers (${share}%), with ${formatUkDate(lastDay)} as their last day. Check that the file holds everyone before confirming.`,
      );
    }
    if (this.run.write) {
      await eachSlice(leavers, 900, (slice) =>
        sql(m, `UPDATE staff SET end_date = $1, updated_at = CURRENT_TIMESTAMP WHERE id IN (${placeholders(slice.length, 1)})`, [lastDay, ...slice]),
      );
    }
  }
}

function fieldsChanged(d: StaffDraft, p: ExistingPerson): boolean {
  return (
    d.firstName !== p.first_name ||
    d.lastName !== p.last_name ||
    (d.email !== undefined && d.email !== (p.email ?? null)) ||
    d.organisationId !== p.organisation_id ||
    d.startDate !== p.start_date ||
    (d.endDate !== undefined && d.endDate !== (p.end_date ?? null)) ||
    HR_FIELDS.some((f) => d.hr[f] !== undefined && d.hr[f] !== (p[f] ?? null))
  );
}
