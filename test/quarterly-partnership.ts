/**
 * A small partnership built by hand for the quarterly report, annual report and needs analysis
 * tests; every expected figure in those tests is worked out by hand from this file.
 *
 * Levels as migrated: L1, L2, L3, each valid 36 months.
 *
 * Organisations                                  sector            employer
 *   P     Test Partnership (root)                other             yes
 *   ├ C1  County Council                         local_authority   yes
 *   │ └ C1Y Education Services (of the council)  education         no
 *   ├ S1  Oak School                             education         yes
 *   └ H1  Health Trust                           health            yes
 *   OUT   Elsewhere Partnership (another root)   other             yes
 *
 * Requirements: ALL -> L1 (grace 90 days), FRONT -> L2 (grace 180), DSL -> L3 (grace 365).
 *
 * People (start 2020-01-06 unless shown)    roles            completions
 *   A1   C1                                  ALL              L1 2022-05-15, L1 2025-06-20
 *   A2   C1                                  ALL FRONT        L1 2023-01-10, L2 2025-04-01 (session A)
 *   A3   C1Y                                 ALL FRONT        L2 2022-04-20, L2 2025-06-30 (session C)
 *   A4   C1   start 2025-02-01               ALL              -
 *   A5   C1   left 2025-05-31                ALL              L1 2025-04-15
 *   A6   C1                                  ALL              L1 2025-03-31, L1 2025-04-01
 *   B1   S1                                  ALL DSL          L3 2023-06-01
 *   B2   S1                                  ALL FRONT        L2 2025-03-31 (session B), L1 2025-05-05
 *   B3   S1                                  ALL              L1 2025-04-10, L1 2025-06-20
 *   H1a  H1                                  ALL FRONT        L1 2021-10-01, L2 2025-06-30 (session C)
 *   H1b  H1   start 2025-01-15               ALL FRONT        -
 *   P1   P                                   ALL              L1 2024-11-11
 *   T1   C1                                  ALL DSL          L3 2024-02-01
 *   T2   H1                                  ALL DSL          L3 2021-05-10, L3 2025-05-10 (session F)
 *   W1   C1Y                                 ALL FRONT        L2 2025-04-01 (walk-in at session A)
 *   WL1  C1                                  ALL FRONT        -  (on the waiting list of session A)
 *   CX1  C1                                  ALL              L1 2023-09-09 (cancelled their place on A)
 *   O1   OUT                                 ALL              L1 2025-05-01, L2 2025-04-20 (session G)
 *
 * Sessions (inserted directly, as registers taken long ago would have left them)
 *   A  L2  host C1   2025-04-01T09:30  delivered  trainer T1
 *        A2 booked attended; A3 booked no-show; W1 walk-in attended; WL1 waiting; CX1 cancelled
 *        feedback: 5 (recognise 2->4, refer 3->5, "Clear and practical"); 4 (recognise 3->4, refer -/4)
 *   B  L2  host S1   2025-03-31T13:00  delivered  trainer B1    B2 booked attended; feedback 2
 *   C  L2  host H1   2025-06-30T18:00  delivered  trainer B1
 *        A3 booked attended; H1a booked attended; H1b booked no-show; feedback 3 (recognise 1->3, refer 2->3, "Useful")
 *   D  L2  host C1Y  2025-05-15T09:30  cancelled  trainer T1    A1 cancelled
 *   E  L2  host C1   2025-05-20T09:30  scheduled  trainer T1    A1 booked (register never taken)
 *   F  L3  host C1   2025-05-10T09:00  delivered  external trainer   T2 booked attended
 *   G  L2  host OUT  2025-04-20T09:30  delivered  -             O1 booked attended; feedback 1
 *
 * Impact figures: C1 Q1 2025 (education 2, health 1, local authority 3, community 1; Channel 1);
 * H1 Q1 2025 (health 4); C1 Q4 2024 (education 1); OUT Q1 2025 (police 9; Channel 5).
 */
import type { DataSource } from 'typeorm';
import { sql } from '../src/database/sql';
import type { Client } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

export interface Partnership {
  staff: Record<string, number>;
  sessions: Record<string, number>;
}

interface PersonRow {
  ref: string;
  org: string;
  roles: string[];
  start?: string;
  end?: string;
  completions: [string, string][];
}

export const PEOPLE: PersonRow[] = [
  { ref: 'A1', org: 'C1', roles: ['ALL'], completions: [['L1', '2022-05-15'], ['L1', '2025-06-20']] },
  { ref: 'A2', org: 'C1', roles: ['ALL', 'FRONT'], completions: [['L1', '2023-01-10'], ['L2', '2025-04-01']] },
  { ref: 'A3', org: 'C1Y', roles: ['ALL', 'FRONT'], completions: [['L2', '2022-04-20'], ['L2', '2025-06-30']] },
  { ref: 'A4', org: 'C1', roles: ['ALL'], start: '2025-02-01', completions: [] },
  { ref: 'A5', org: 'C1', roles: ['ALL'], end: '2025-05-31', completions: [['L1', '2025-04-15']] },
  { ref: 'A6', org: 'C1', roles: ['ALL'], completions: [['L1', '2025-03-31'], ['L1', '2025-04-01']] },
  { ref: 'B1', org: 'S1', roles: ['ALL', 'DSL'], completions: [['L3', '2023-06-01']] },
  { ref: 'B2', org: 'S1', roles: ['ALL', 'FRONT'], completions: [['L2', '2025-03-31'], ['L1', '2025-05-05']] },
  { ref: 'B3', org: 'S1', roles: ['ALL'], completions: [['L1', '2025-04-10'], ['L1', '2025-06-20']] },
  { ref: 'H1a', org: 'H1', roles: ['ALL', 'FRONT'], completions: [['L1', '2021-10-01'], ['L2', '2025-06-30']] },
  { ref: 'H1b', org: 'H1', roles: ['ALL', 'FRONT'], start: '2025-01-15', completions: [] },
  { ref: 'P1', org: 'P', roles: ['ALL'], completions: [['L1', '2024-11-11']] },
  { ref: 'T1', org: 'C1', roles: ['ALL', 'DSL'], completions: [['L3', '2024-02-01']] },
  { ref: 'T2', org: 'H1', roles: ['ALL', 'DSL'], completions: [['L3', '2021-05-10'], ['L3', '2025-05-10']] },
  { ref: 'W1', org: 'C1Y', roles: ['ALL', 'FRONT'], completions: [['L2', '2025-04-01']] },
  { ref: 'WL1', org: 'C1', roles: ['ALL', 'FRONT'], completions: [] },
  { ref: 'CX1', org: 'C1', roles: ['ALL'], completions: [['L1', '2023-09-09']] },
  { ref: 'O1', org: 'OUT', roles: ['ALL'], completions: [['L1', '2025-05-01'], ['L2', '2025-04-20']] },
];

interface SessionRow {
  key: string;
  level: string;
  host: string;
  startsAt: string;
  status: 'delivered' | 'cancelled' | 'scheduled';
  trainers: string[];
  external?: string;
  /** [person, status, attendance, walk-in] */
  bookings: [string, 'booked' | 'waiting' | 'cancelled', 'attended' | 'no_show' | null, boolean][];
  /** [rating, recogniseBefore, recogniseAfter, referBefore, referAfter, comment] */
  feedback: [number, number | null, number | null, number | null, number | null, string | null][];
}

export const SESSIONS: SessionRow[] = [
  {
    key: 'A',
    level: 'L2',
    host: 'C1',
    startsAt: '2025-04-01T09:30',
    status: 'delivered',
    trainers: ['T1'],
    bookings: [
      ['A2', 'booked', 'attended', false],
      ['A3', 'booked', 'no_show', false],
      ['W1', 'booked', 'attended', true],
      ['WL1', 'waiting', null, false],
      ['CX1', 'cancelled', null, false],
    ],
    feedback: [
      [5, 2, 4, 3, 5, 'Clear and practical'],
      [4, 3, 4, null, 4, null],
    ],
  },
  { key: 'B', level: 'L2', host: 'S1', startsAt: '2025-03-31T13:00', status: 'delivered', trainers: ['B1'], bookings: [['B2', 'booked', 'attended', false]], feedback: [[2, null, null, null, null, null]] },
  {
    key: 'C',
    level: 'L2',
    host: 'H1',
    startsAt: '2025-06-30T18:00',
    status: 'delivered',
    trainers: ['B1'],
    bookings: [
      ['A3', 'booked', 'attended', false],
      ['H1a', 'booked', 'attended', false],
      ['H1b', 'booked', 'no_show', false],
    ],
    feedback: [[3, 1, 3, 2, 3, 'Useful']],
  },
  { key: 'D', level: 'L2', host: 'C1Y', startsAt: '2025-05-15T09:30', status: 'cancelled', trainers: ['T1'], bookings: [['A1', 'cancelled', null, false]], feedback: [] },
  { key: 'E', level: 'L2', host: 'C1', startsAt: '2025-05-20T09:30', status: 'scheduled', trainers: ['T1'], bookings: [['A1', 'booked', null, false]], feedback: [] },
  { key: 'F', level: 'L3', host: 'C1', startsAt: '2025-05-10T09:00', status: 'delivered', trainers: [], external: 'Police Prevent team', bookings: [['T2', 'booked', 'attended', false]], feedback: [] },
  { key: 'G', level: 'L2', host: 'OUT', startsAt: '2025-04-20T09:30', status: 'delivered', trainers: [], bookings: [['O1', 'booked', 'attended', false]], feedback: [[1, null, null, null, null, null]] },
];

export const IMPACT = [
  { organisationCode: 'C1', year: 2025, quarter: 1, concerns: { education: 2, health: 1, localAuthority: 3, police: 0, community: 1, other: 0 }, channelReferrals: 1 },
  { organisationCode: 'H1', year: 2025, quarter: 1, concerns: { education: 0, health: 4, localAuthority: 0, police: 0, community: 0, other: 0 }, channelReferrals: 0 },
  { organisationCode: 'C1', year: 2024, quarter: 4, concerns: { education: 1, health: 0, localAuthority: 0, police: 0, community: 0, other: 0 }, channelReferrals: 0 },
  { organisationCode: 'OUT', year: 2025, quarter: 1, concerns: { education: 0, health: 0, localAuthority: 0, police: 9, community: 0, other: 0 }, channelReferrals: 5 },
];

export async function buildPartnership(http: Client, dataSource: DataSource): Promise<Partnership> {
  await organisation(http, 'P', null, { name: 'Test Partnership', sector: 'other', isEmployer: true });
  await organisation(http, 'C1', 'P', { name: 'County Council', sector: 'local_authority', isEmployer: true });
  await organisation(http, 'C1Y', 'C1', { name: 'Education Services', sector: 'education' });
  await organisation(http, 'S1', 'P', { name: 'Oak School', sector: 'education', isEmployer: true });
  await organisation(http, 'H1', 'P', { name: 'Health Trust', sector: 'health', isEmployer: true });
  await organisation(http, 'OUT', null, { name: 'Elsewhere Partnership', sector: 'other', isEmployer: true });
  await role(http, 'ALL', 'All staff');
  await role(http, 'FRONT', 'Frontline care and support');
  await role(http, 'DSL', 'Designated safeguarding lead');
  await requirement(http, 'ALL', 'L1', { graceDays: 90 });
  await requirement(http, 'FRONT', 'L2', { graceDays: 180 });
  await requirement(http, 'DSL', 'L3', { graceDays: 365 });

  const staff: Record<string, number> = {};
  for (const p of PEOPLE) {
    const created = await person(http, {
      employeeRef: p.ref,
      organisationCode: p.org,
      firstName: 'Person',
      lastName: p.ref,
      roleCodes: p.roles,
      startDate: p.start ?? '2020-01-06',
      endDate: p.end ?? null,
    });
    staff[p.ref] = created.id;
    for (const [level, date] of p.completions) await completion(http, p.ref, level, date, { organisationCode: p.org });
  }

  const ids = async (table: string, column: string) =>
    new Map((await sql<{ id: number; code: string }>(dataSource, `SELECT id, ${column} AS code FROM ${table}`)).map((r) => [r.code, Number(r.id)]));
  const levels = await ids('levels', 'code');
  const organisations = await ids('organisations', 'code');
  const sessions: Record<string, number> = {};
  for (const s of SESSIONS) {
    const [{ id }] = await sql<{ id: number }>(
      dataSource,
      `INSERT INTO training_sessions (level_id, title, starts_at, ends_at, venue, host_organisation_id, capacity, status, external_trainer)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [levels.get(s.level), `Session ${s.key}`, s.startsAt, s.startsAt.slice(0, 11) + '23:00', 'Shire Hall', organisations.get(s.host), 20, s.status, s.external ?? null],
    );
    sessions[s.key] = Number(id);
    for (const t of s.trainers) await sql(dataSource, 'INSERT INTO session_trainers (session_id, staff_id) VALUES ($1, $2)', [id, staff[t]]);
    for (const [ref, status, attendance, walkIn] of s.bookings) {
      await sql(dataSource, `INSERT INTO bookings (session_id, staff_id, status, attendance, walk_in) VALUES ($1, $2, $3, $4, ${walkIn ? 'TRUE' : 'FALSE'})`, [
        id,
        staff[ref],
        status,
        attendance,
      ]);
    }
    for (const [rating, rb, ra, fb, fa, comment] of s.feedback) {
      await sql(
        dataSource,
        `INSERT INTO session_feedback (session_id, overall_rating, recognise_before, recognise_after, refer_before, refer_after, comments)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, rating, rb, ra, fb, fa, comment],
      );
    }
  }
  for (const figures of IMPACT) await http.put('/api/impact-figures').send(figures).expect(200);
  return { staff, sessions };
}
