/**
 * The scale generator: fills an empty, migrated database with a partnership modelled on
 * Warwickshire's (see partnership.ts), its people and roles, years of training history, and the
 * WRAP sessions of the last two financial years and the next three months. Deterministic for a
 * seed; every date is relative to `asOf`. Written in one transaction, in bulk (bulk-writer.ts).
 */
import type { DataSource } from 'typeorm';
import { isIsoDate, todayIso } from '../src/common/dates';
import { openBulkWriter } from './bulk-writer';
import { Calendar, ROLE, ROLES } from './framework';
import { planPartnership } from './partnership';
import { generatePeople, NO_END, OLDEST_START, SOURCE_NAMES } from './people';
import { Random } from './random';
import { planSessions } from './sessions';

export interface GeneratePartnershipOptions {
  /** How many people to create (staff, councillors, governors, volunteers). */
  staff: number;
  seed?: number;
  /** ISO date the data is built around (default: today in the UK). */
  asOf?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface GeneratedSummary {
  organisations: number;
  staff: number;
  completions: number;
  sessions: number;
  bookings: number;
  feedback: number;
  /** Milliseconds taken, generation and writing together. */
  ms: number;
}

const DEFAULT_SEED = 20151101;
const PEOPLE_PER_CHUNK = 2500;
const RECORDED_BY = ['learning platform import', 'session register', 'prevent.coordinator@warwickshire.gov.uk', 'prevent.coordinator@warwickshire.gov.uk'];
const EVIDENCE = [null, null, 'Attendance sheet held by the team', 'Certificate of completion seen'];

export async function generatePartnership(dataSource: DataSource, options: GeneratePartnershipOptions): Promise<GeneratedSummary> {
  const started = performance.now();
  const { staff, seed = DEFAULT_SEED, asOf = todayIso(), onProgress } = options;
  if (!Number.isInteger(staff) || staff < 1) throw new Error(`staff must be a whole number of people, got ${staff}`);
  if (!isIsoDate(asOf)) throw new Error(`asOf must be a date written YYYY-MM-DD, got ${asOf}`);

  const [{ count }] = await dataSource.query('SELECT COUNT(*) AS count FROM organisations');
  if (Number(count) > 0) {
    throw new Error(`The database already holds ${count} organisations: the generator only fills an empty database (reset it first)`);
  }
  const levels: { id: number; rank: number; validity_months: number | null }[] = await dataSource.query(
    'SELECT id, rank, validity_months FROM levels ORDER BY rank',
  );
  const levelId: number[] = [];
  const validity: (number | null)[] = [null];
  for (const rank of [1, 2, 3]) {
    const level = levels.find((l) => Number(l.rank) === rank);
    if (!level) throw new Error(`No level of rank ${rank}: run the migrations before generating`);
    levelId[rank] = Number(level.id);
    validity[rank] = level.validity_months === null ? null : Number(level.validity_months);
  }

  const random = new Random(seed);
  const calendar = new Calendar(asOf, -(OLDEST_START + 10), 200, validity);
  const plan = planPartnership(staff, random);
  const { people, completions } = generatePeople(plan, calendar, random);
  const sessions = planSessions(plan, people, completions, calendar, random);

  const writer = await openBulkWriter(dataSource);
  try {
    const maxId = async (table: string) => Number((await writer.query<{ m: number }>(`SELECT COALESCE(MAX(id), 0) AS m FROM ${table}`))[0].m);
    const orgBase = (await maxId('organisations')) + 1;
    const staffBase = (await maxId('staff')) + 1;
    const sessionBase = (await maxId('training_sessions')) + 1;

    await writer.deferIndexes(['staff', 'staff_roles', 'completions', 'bookings', 'session_feedback']);

    // Roles and requirements, reusing any that already exist.
    const roleIds = new Map<string, number>();
    const readRoles = async () =>
      (await writer.query<{ id: number; code: string }>('SELECT id, code FROM roles')).forEach((r) => roleIds.set(r.code, Number(r.id)));
    await readRoles();
    const newRoles = ROLES.filter((r) => !roleIds.has(r.code));
    await writer.insert('roles', ['code', 'name', 'description'], newRoles.flatMap((r) => [r.code, r.name, r.description]));
    await readRoles();
    const existing = new Set(
      (await writer.query<{ role_id: number; level_id: number }>('SELECT role_id, level_id FROM requirements WHERE organisation_id IS NULL')).map(
        (r) => `${r.role_id}:${r.level_id}`,
      ),
    );
    const requirementRows = ROLES.filter((r) => !existing.has(`${roleIds.get(r.code)}:${levelId[r.rank]}`)).flatMap((r) => [
      roleIds.get(r.code)!,
      levelId[r.rank],
      r.graceDays,
    ]);
    await writer.insert('requirements', ['role_id', 'level_id', 'grace_days'], requirementRows);
    const roleBits = ROLES.map((r) => [ROLE[r.code], roleIds.get(r.code)!] as const);

    // Organisations, their materialised paths and every ancestor pair of the closure table.
    const orgRows: (string | number | boolean | null)[] = [];
    const closureRows: number[] = [];
    const paths: string[] = [];
    plan.organisations.forEach((o, i) => {
      const id = orgBase + i;
      paths[i] = `${o.parent >= 0 ? paths[o.parent] : '/'}${id}/`;
      orgRows.push(id, o.code, o.name, o.sector, o.parent >= 0 ? orgBase + o.parent : null, writer.bool(o.isEmployer), paths[i], o.depth);
      for (let a = i, depth = 0; a >= 0; a = plan.organisations[a].parent, depth++) closureRows.push(orgBase + a, id, depth);
    });
    await writer.insert('organisations', ['id', 'code', 'name', 'sector', 'parent_id', 'is_employer', 'path', 'depth'], orgRows);
    await writer.insert('organisation_closure', ['ancestor_id', 'descendant_id', 'depth'], closureRows);

    const sessionRows: (string | number | null)[] = [];
    sessions.forEach((s, i) => {
      const date = calendar.isoAt(s.day);
      sessionRows.push(
        sessionBase + i,
        levelId[s.rank],
        s.title,
        `${date}T${s.times[0]}`,
        `${date}T${s.times[1]}`,
        s.venue,
        orgBase + s.host,
        s.capacity,
        s.status,
        s.notes,
        s.externalTrainer,
        s.token,
        s.feedbackClosesAt,
      );
    });
    await writer.insert(
      'training_sessions',
      [
        'id',
        'level_id',
        'title',
        'starts_at',
        'ends_at',
        'venue',
        'host_organisation_id',
        'capacity',
        'status',
        'notes',
        'external_trainer',
        'feedback_token',
        'feedback_closes_at',
      ],
      sessionRows,
    );

    // People, their roles and completions, a chunk at a time so that progress can be shown.
    const staffColumns = ['id', 'employee_ref', 'first_name', 'last_name', 'email', 'organisation_id', 'employer_id', 'manager_id', 'start_date', 'end_date'];
    const completionColumns = ['staff_id', 'level_id', 'completed_on', 'source', 'evidence', 'session_id', 'recorded_by'];
    for (let from = 0; from < people.count; from += PEOPLE_PER_CHUNK) {
      const to = Math.min(people.count, from + PEOPLE_PER_CHUNK);
      const staffRows: (string | number | null)[] = [];
      const roleRows: number[] = [];
      const completionRows: (string | number | null)[] = [];
      for (let p = from; p < to; p++) {
        const id = staffBase + p;
        staffRows.push(
          id,
          people.ref[p],
          people.first[p],
          people.last[p],
          people.email[p],
          orgBase + people.org[p],
          orgBase + people.employer[p],
          people.manager[p] >= 0 ? staffBase + people.manager[p] : null,
          calendar.isoAt(people.start[p]),
          people.end[p] === NO_END ? null : calendar.isoAt(people.end[p]),
        );
        for (const [bit, roleId] of roleBits) if (people.roles[p] & bit) roleRows.push(id, roleId);
        for (let c = people.completionStart[p]; c < people.completionStart[p + 1]; c++) {
          const source = completions.source[c];
          completionRows.push(
            id,
            levelId[completions.rank[c]],
            calendar.isoAt(completions.day[c]),
            SOURCE_NAMES[source],
            EVIDENCE[source],
            completions.session[c] >= 0 ? sessionBase + completions.session[c] : null,
            RECORDED_BY[source],
          );
        }
      }
      await writer.insert('staff', staffColumns, staffRows);
      await writer.insert('staff_roles', ['staff_id', 'role_id'], roleRows);
      await writer.insert('completions', completionColumns, completionRows);
      onProgress?.(to, people.count);
      await new Promise((resolve) => setImmediate(resolve));
    }

    // Who trained, who booked and came, and what they thought of it.
    const trainerRows: number[] = [];
    const bookingRows: (string | number | boolean | null)[] = [];
    const feedbackRows: (string | number | null)[] = [];
    sessions.forEach((s, i) => {
      const sessionId = sessionBase + i;
      for (const t of s.trainers) trainerRows.push(sessionId, staffBase + t);
      for (const b of s.bookings) bookingRows.push(sessionId, staffBase + b.person, b.status, b.attendance, writer.bool(b.walkIn));
      for (const f of s.feedback) {
        feedbackRows.push(
          sessionId,
          f.person === null ? null : staffBase + f.person,
          f.overall,
          f.recogniseBefore,
          f.recogniseAfter,
          f.referBefore,
          f.referAfter,
          f.comments,
        );
      }
    });
    await writer.insert('session_trainers', ['session_id', 'staff_id'], trainerRows);
    await writer.insert('bookings', ['session_id', 'staff_id', 'status', 'attendance', 'walk_in'], bookingRows);
    await writer.insert(
      'session_feedback',
      ['session_id', 'staff_id', 'overall_rating', 'recognise_before', 'recognise_after', 'refer_before', 'refer_after', 'comments'],
      feedbackRows,
    );

    if (writer.postgres) {
      // Rows were given their ids, so move the sequences past them.
      for (const table of ['organisations', 'staff', 'training_sessions']) {
        await writer.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT MAX(id) FROM ${table}))`);
      }
    }
    await writer.commit();
    return {
      organisations: plan.organisations.length,
      staff: people.count,
      completions: completions.count,
      sessions: sessions.length,
      bookings: bookingRows.length / 5,
      feedback: feedbackRows.length / 8,
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    await writer.rollback();
    throw error;
  }
}
