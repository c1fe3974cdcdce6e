/**
 * The partnership the access suites (access-matrix, report-visibility) share: ROOT holds two
 * sibling employers, A (with team A1) and B. One account of every role limited to A, plus the
 * unscoped administrator of createTestApp. Everything about B carries the word "Bravo" (names,
 * emails, employee references, titles, file names), so a leak of B into an answer for A shows as
 * the word "bravo" in it.
 *
 *   ROOT "Root Partnership"
 *   ├─ A "Alpha Council" (employer)
 *   │   A-TRN1  Tara Trainerton     trainer account; DSL, valid L3; trains SA and SA_OPEN (A)
 *   │   A-TRN2  Olga Othertrainer   DSL, valid L3; trains session SA2 (A)
 *   │   A-BK2   Percy Otherbooked   booked on SA2 (attended)
 *   │   A-OTH   Otto Outsider       no L1 (overdue), nobody's report
 *   │   └─ A1 "Alpha Team One"
 *   │       A1-MGR  Mona Managerial   manager account
 *   │       A1-REP  Rex Reportee      reports to Mona; no L1 (overdue)
 *   │       A1-BKD  Bella Bookedon    booked on SA (attended) and SA_OPEN; L1
 *   │       A1-LEAD Lena Leadworth    DSL, valid L3
 *   │       A1-EDIT Eddie Editable    changed (to the same values) by the write checks
 *   └─ B "Bravo Health Trust" (employer)
 *       BRAVO-PER Zara Bravoperson, BRAVO-TRN Zoltan Bravotrainer (DSL, L3; trains SB, SB_OPEN),
 *       BRAVO-BKD Zelda Bravobooked (booked on SB, attended, and SB_OPEN); an account limited
 *       to B with an API token; a requirement scoped to B; imports; impact figures; feedback;
 *       and the audit entries all of that leaves.
 * SA, SA2 and SB are today, delivered (registers taken, feedback links made); SA_OPEN and
 * SB_OPEN are next week, open for booking. Requirements: ALL needs L1 everywhere, DSL L3 in A,
 * ALL L2 in B.
 */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { addDays, quarterOf, todayIso } from '../../src/common/dates';
import { TokensService } from '../../src/users/tokens.service';
import { Client, TEST_PASSWORD, TestApp } from './app';
import { completion, organisation, person, requirement, role } from './builders';

export type MatrixRole = 'root' | 'admin' | 'coordinator' | 'trainer' | 'manager' | 'viewer';
export const A_ROLES = ['admin', 'coordinator', 'trainer', 'manager', 'viewer'] as const;
export const ALL_ROLES: MatrixRole[] = ['root', ...A_ROLES];

export interface PersonFacts {
  ref: string;
  first: string;
  last: string;
  org: 'A' | 'A1' | 'B';
  email?: string;
}

/** Everyone in the partnership, by a short key. Last names and references are unique, so either shows a person is named. */
export const PEOPLE = {
  trainer: { ref: 'A-TRN1', first: 'Tara', last: 'Trainerton', org: 'A', email: 'tara.trainerton@alpha.example' },
  otherTrainer: { ref: 'A-TRN2', first: 'Olga', last: 'Othertrainer', org: 'A', email: 'olga.othertrainer@alpha.example' },
  otherBooked: { ref: 'A-BK2', first: 'Percy', last: 'Otherbooked', org: 'A' },
  outsider: { ref: 'A-OTH', first: 'Otto', last: 'Outsider', org: 'A' },
  manager: { ref: 'A1-MGR', first: 'Mona', last: 'Managerial', org: 'A1' },
  report: { ref: 'A1-REP', first: 'Rex', last: 'Reportee', org: 'A1' },
  booked: { ref: 'A1-BKD', first: 'Bella', last: 'Bookedon', org: 'A1', email: 'bella.bookedon@alpha.example' },
  lead: { ref: 'A1-LEAD', first: 'Lena', last: 'Leadworth', org: 'A1' },
  editable: { ref: 'A1-EDIT', first: 'Eddie', last: 'Editable', org: 'A1' },
  bPerson: { ref: 'BRAVO-PER', first: 'Zara', last: 'Bravoperson', org: 'B', email: 'zara@bravo.example' },
  bTrainer: { ref: 'BRAVO-TRN', first: 'Zoltan', last: 'Bravotrainer', org: 'B' },
  bBooked: { ref: 'BRAVO-BKD', first: 'Zelda', last: 'Bravobooked', org: 'B' },
} satisfies Record<string, PersonFacts>;
export type PersonKey = keyof typeof PEOPLE;

/** The organisation names (B's is a marker too). */
export const ORG_NAMES = { ROOT: 'Root Partnership', A: 'Alpha Council', A1: 'Alpha Team One', B: 'Bravo Health Trust' };

export const B_ACCOUNT_EMAIL = 'coordinator@bravo.example';
export const SESSION_TITLES = {
  SA: 'Alpha WRAP today',
  SA2: 'Alpha WRAP by Olga',
  SB: 'Bravo WRAP workshop',
  SA_OPEN: 'Alpha WRAP next week',
  SB_OPEN: 'Bravo WRAP next week',
};
type SessionKey = keyof typeof SESSION_TITLES;

/** Case-insensitive: every B record carries it. */
export const B_MARKER = /bravo/i;

export interface AccessFixture {
  t: TestApp;
  today: string;
  quarter: { year: number; quarter: number };
  clients: Record<MatrixRole, Client>;
  /** The accounts behind the clients (email, id). */
  accounts: Record<MatrixRole, { id: number; email: string }>;
  staff: Record<PersonKey, number>;
  /** SA, SA2, SB: today, delivered (registers taken); SA_OPEN, SB_OPEN: next week, open for booking. */
  sessions: Record<SessionKey, number>;
  /** Bella on SA and SA_OPEN, Percy on SA2, Zelda on SB and SB_OPEN. */
  bookings: Record<SessionKey, number>;
  completions: { booked: number; bPerson: number };
  requirements: { wide: number; a: number; b: number };
  users: { aTarget: number; b: number };
  imports: { a: number; b: number };
  tokens: { bAccount: number };
  fresh: FreshRecords;
}

/** New records made by the unscoped administrator, for calls that use one up (delete, cancel, confirm). */
export interface FreshRecords {
  person(org: 'A1' | 'B'): Promise<{ id: number; ref: string }>;
  completion(org: 'A1' | 'B'): Promise<number>;
  organisation(parent: 'A' | 'B'): Promise<string>;
  role(): Promise<string>;
  requirement(org: 'A' | 'B' | null): Promise<number>;
  session(host: 'A' | 'B'): Promise<number>;
  /** A new person booked on SA_OPEN (A) or SB_OPEN (B). */
  booking(session: 'A' | 'B'): Promise<{ sessionId: number; bookingId: number; ref: string }>;
  /** A preview kept to confirm later, uploaded by `by` (the unscoped administrator unless given). */
  keptImport(org: 'A' | 'B', by?: Client): Promise<number>;
  token(client: Client): Promise<number>;
  courseMapping(): Promise<number>;
}

const STAFF_HEADER = 'employee_ref,first_name,last_name,email,organisation_code,roles,manager_employee_ref,start_date,end_date';
export const csvFile = (...lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

async function ok<T = any>(what: string, test: request.Test, ...statuses: number[]): Promise<T> {
  const res = await test;
  if (!(statuses.length ? statuses : [200, 201, 204]).includes(res.status)) {
    throw new Error(`Setting up: ${what} answered ${res.status}: ${JSON.stringify(res.body ?? res.text).slice(0, 400)}`);
  }
  return res.body as T;
}

export async function buildAccessFixture(t: TestApp): Promise<AccessFixture> {
  const root = t.http();
  const today = todayIso();
  const q = quarterOf(today);
  const day = (offset: number) => addDays(today, offset);

  await organisation(root, 'ROOT', null, { sector: 'other', name: ORG_NAMES.ROOT });
  await organisation(root, 'A', 'ROOT', { isEmployer: true, name: ORG_NAMES.A });
  await organisation(root, 'A1', 'A', { sector: 'education', name: ORG_NAMES.A1 });
  await organisation(root, 'B', 'ROOT', { isEmployer: true, sector: 'health', name: ORG_NAMES.B });
  await role(root, 'ALL', 'All staff');
  await role(root, 'DSL', 'Designated safeguarding lead');
  const wide = await requirement(root, 'ALL', 'L1');
  const aReq = await requirement(root, 'DSL', 'L3', { organisationCode: 'A', graceDays: 30 });
  const bReq = await requirement(root, 'ALL', 'L2', { organisationCode: 'B', graceDays: 45 });

  const staff = {} as Record<PersonKey, number>;
  const add = async (key: PersonKey, extra: { roleCodes?: string[]; managerEmployeeRef?: string } = {}) => {
    const p: PersonFacts = PEOPLE[key];
    staff[key] = (
      await person(root, { employeeRef: p.ref, firstName: p.first, lastName: p.last, organisationCode: p.org, email: p.email, roleCodes: ['ALL', ...(extra.roleCodes ?? [])], managerEmployeeRef: extra.managerEmployeeRef })
    ).id;
  };
  await add('trainer', { roleCodes: ['DSL'] });
  await add('otherTrainer', { roleCodes: ['DSL'] });
  await add('otherBooked');
  await add('outsider');
  await add('manager');
  await add('report', { managerEmployeeRef: PEOPLE.manager.ref });
  await add('booked');
  await add('lead', { roleCodes: ['DSL'] });
  await add('editable');
  await add('bPerson');
  await add('bTrainer', { roleCodes: ['DSL'] });
  await add('bBooked');

  for (const key of ['trainer', 'otherTrainer', 'lead', 'bTrainer'] as const) await completion(root, PEOPLE[key].ref, 'L3', day(-120));
  const bookedL1 = await completion(root, PEOPLE.booked.ref, 'L1', day(-30));
  const bPersonL1 = await completion(root, PEOPLE.bPerson.ref, 'L1', day(-30));
  await completion(root, PEOPLE.editable.ref, 'L1', day(-60));

  // Sessions today, all day, so their registers are open and they count in this quarter whatever the time.
  const session = async (title: string, host: 'A' | 'B', trainer: string) =>
    (
      await ok<{ id: number }>(
        `session ${title}`,
        root.post('/api/sessions').send({ levelCode: 'L2', title, startsAt: `${today}T00:05`, endsAt: `${today}T23:55`, venue: `${title} room`, hostOrganisationCode: host, capacity: 30, trainerEmployeeRefs: [trainer] }),
      )
    ).id;
  const upcoming = async (title: string, host: 'A' | 'B', trainer: string) =>
    (
      await ok<{ id: number }>(
        `session ${title}`,
        root.post('/api/sessions').send({ levelCode: 'L2', title, startsAt: `${day(7)}T09:30`, endsAt: `${day(7)}T12:30`, venue: `${title} room`, hostOrganisationCode: host, capacity: 30, trainerEmployeeRefs: [trainer] }),
      )
    ).id;
  const sessions = {
    SA: await session(SESSION_TITLES.SA, 'A', PEOPLE.trainer.ref),
    SA2: await session(SESSION_TITLES.SA2, 'A', PEOPLE.otherTrainer.ref),
    SB: await session(SESSION_TITLES.SB, 'B', PEOPLE.bTrainer.ref),
    SA_OPEN: await upcoming(SESSION_TITLES.SA_OPEN, 'A', PEOPLE.trainer.ref),
    SB_OPEN: await upcoming(SESSION_TITLES.SB_OPEN, 'B', PEOPLE.bTrainer.ref),
  };
  const book = async (sessionId: number, ref: string) => (await ok<{ id: number }>(`booking ${ref}`, root.post(`/api/sessions/${sessionId}/bookings`).send({ employeeRef: ref }))).id;
  const bookings = {
    SA: await book(sessions.SA, PEOPLE.booked.ref),
    SA2: await book(sessions.SA2, PEOPLE.otherBooked.ref),
    SB: await book(sessions.SB, PEOPLE.bBooked.ref),
    SA_OPEN: await book(sessions.SA_OPEN, PEOPLE.booked.ref),
    SB_OPEN: await book(sessions.SB_OPEN, PEOPLE.bBooked.ref),
  };
  await ok('register SA', root.put(`/api/sessions/${sessions.SA}/register`).send({ attended: [PEOPLE.booked.ref], noShow: [] }));
  await ok('register SA2', root.put(`/api/sessions/${sessions.SA2}/register`).send({ attended: [PEOPLE.otherBooked.ref], noShow: [] }));
  await ok('register SB', root.put(`/api/sessions/${sessions.SB}/register`).send({ attended: [PEOPLE.bBooked.ref], noShow: [] }));
  const tokenOf = async (id: number) => (await ok<{ token: string }>('feedback link', root.post(`/api/sessions/${id}/feedback-link`).send({ daysOpen: 14 }))).token;
  await tokenOf(sessions.SA);
  const tokenSA2 = await tokenOf(sessions.SA2);
  const tokenSB = await tokenOf(sessions.SB);
  // Feedback given with a name: reports show feedback, never who gave it to those who may not see them.
  await ok('feedback SA2', t.anonymous().post(`/api/feedback/${tokenSA2}`).send({ overallRating: 5, comments: 'Clear and practical', employeeRef: PEOPLE.otherBooked.ref }), 201);
  await ok('feedback SB', t.anonymous().post(`/api/feedback/${tokenSB}`).send({ overallRating: 4, comments: 'Bravo team found it useful', employeeRef: PEOPLE.bBooked.ref }), 201);

  // Imports: one done in each employer (with a row error, so its errors CSV has a row).
  const importStaff = (org: 'A' | 'B', name: string, lines: string[], options: string, by: Client = root) =>
    ok<{ id: number }>(`import ${name}`, by.post(`/api/imports/staff?organisation=${org}&${options}`).attach('file', csvFile(STAFF_HEADER, ...lines), name), 201);
  const imports = {
    a: (await importStaff('A', 'alpha-staff.csv', [`A1-IMP,Ivy,Imported,,A1,ALL,,2024-04-01,`, `A1-BAD,Ivan,Broken,,A1,ALL,,31/02/2024,`], 'validRowsOnly=true')).id,
    b: (await importStaff('B', 'bravo-staff.csv', [`BRAVO-IMP,Zack,Bravoimported,,B,ALL,,2024-04-01,`, `BRAVO-BAD,Zed,Bravobroken,,B,ALL,,31/02/2024,`], 'validRowsOnly=true')).id,
  };

  for (const org of ['A', 'B']) {
    await ok(
      `impact ${org}`,
      root.put('/api/impact-figures').send({ organisationCode: org, year: q.year, quarter: q.quarter, concerns: { education: 1, health: 2, localAuthority: 0, police: 0, community: 0, other: 0 }, channelReferrals: 1 }),
    );
  }

  // Accounts: one of each role limited to A (the manager and trainer linked to their records), one limited to B, one in A1 to manage.
  const clients = { root } as Record<MatrixRole, Client>;
  clients.admin = await t.as('admin', 'A');
  clients.coordinator = await t.as('coordinator', 'A');
  clients.trainer = await t.as('trainer', 'A', PEOPLE.trainer.ref);
  clients.manager = await t.as('manager', 'A1', PEOPLE.manager.ref);
  clients.viewer = await t.as('viewer', 'A');
  const accounts = {} as AccessFixture['accounts'];
  for (const r of ALL_ROLES) {
    const me = await ok<{ id: number; email: string }>(`me ${r}`, clients[r].get('/api/auth/me'));
    accounts[r] = { id: me.id, email: me.email };
  }
  const bUser = await ok<{ id: number }>(
    'B account',
    root.post('/api/users').send({ email: B_ACCOUNT_EMAIL, displayName: 'Zed Bravocoordinator', role: 'coordinator', organisationCode: 'B', password: TEST_PASSWORD }),
  );
  const aTarget = await ok<{ id: number }>(
    'A1 account',
    root.post('/api/users').send({ email: 'viewer.team@alpha.example', displayName: 'Vera Alphaviewer', role: 'viewer', organisationCode: 'A1', password: TEST_PASSWORD }),
  );
  const tokensService = t.app.get(TokensService);
  const bToken = await tokensService.issue(bUser.id, 'Bravo nightly sync');

  // The migrations seed the course-mapping table; the checks on it need a row to work with.
  const mappings = await ok<unknown[]>('course mappings', root.get('/api/imports/course-mappings'));
  if (mappings.length === 0) await ok('course mapping', root.put('/api/imports/course-mappings').send({ mappings: [{ courseName: 'Prevent awareness e-learning', levelCode: 'L1' }] }));

  let serial = 0;
  const ref = (prefix: string) => `${prefix}-${++serial}`;
  const fresh: FreshRecords = {
    async person(org) {
      const r = ref(org === 'B' ? 'BRAVO-NEW' : 'A1-NEW');
      const p = await person(root, { employeeRef: r, firstName: org === 'B' ? 'Zeb' : 'Nia', lastName: org === 'B' ? `Bravonew${serial}` : `Newcomer${serial}`, organisationCode: org, roleCodes: ['ALL'] });
      return { id: p.id, ref: r };
    },
    async completion(org) {
      const p = await fresh.person(org);
      return (await completion(root, p.ref, 'L1', day(-10))).id;
    },
    async organisation(parent) {
      const code = ref(parent === 'B' ? 'BRAVO-ORG' : 'A-ORG');
      await organisation(root, code, parent, { name: parent === 'B' ? `Bravo unit ${serial}` : `Alpha unit ${serial}` });
      return code;
    },
    async role() {
      const code = ref('ROLE');
      await role(root, code, `Spare role ${serial}`);
      return code;
    },
    async requirement(org) {
      const code = await fresh.role();
      return (await requirement(root, code, 'L1', org ? { organisationCode: org } : {})).id;
    },
    async session(host) {
      const trainer = host === 'B' ? PEOPLE.bTrainer.ref : PEOPLE.trainer.ref;
      const title = host === 'B' ? `Bravo spare session ${++serial}` : `Alpha spare session ${++serial}`;
      return (
        await ok<{ id: number }>(
          'spare session',
          root.post('/api/sessions').send({ levelCode: 'L2', title, startsAt: `${day(7)}T09:30`, endsAt: `${day(7)}T12:30`, venue: 'Room 1', hostOrganisationCode: host, capacity: 10, trainerEmployeeRefs: [trainer] }),
        )
      ).id;
    },
    async booking(which) {
      const p = await fresh.person(which === 'B' ? 'B' : 'A1');
      const sessionId = which === 'B' ? sessions.SB_OPEN : sessions.SA_OPEN;
      return { sessionId, bookingId: await book(sessionId, p.ref), ref: p.ref };
    },
    async keptImport(org, by = root) {
      const line = org === 'B' ? `${ref('BRAVO-KEPT')},Zina,Bravokept,,B,ALL,,2024-04-01,` : `${ref('A1-KEPT')},Kim,Kept,,A1,ALL,,2024-04-01,`;
      return (await importStaff(org, org === 'B' ? 'bravo-kept.csv' : 'alpha-kept.csv', [line], 'keep=true', by)).id;
    },
    async token(client) {
      return (await ok<{ id: number }>('token', client.post('/api/auth/tokens').send({ name: `spare ${ref('token')}` }))).id;
    },
    async courseMapping() {
      const current = await ok<{ courseName: string; levelCode: string }[]>('course mappings', root.get('/api/imports/course-mappings'));
      const name = `Spare course ${ref('course')}`;
      const next = await ok<{ id: number; courseName: string }[]>(
        'course mapping',
        root.put('/api/imports/course-mappings').send({ mappings: [...current.map((m) => ({ courseName: m.courseName, levelCode: m.levelCode })), { courseName: name, levelCode: 'L1' }] }),
      );
      return next.find((m) => m.courseName === name)!.id;
    },
  };

  return {
    t,
    today,
    quarter: { year: q.year, quarter: q.quarter },
    clients,
    accounts,
    staff,
    sessions,
    bookings,
    completions: { booked: bookedL1.id, bPerson: bPersonL1.id },
    requirements: { wide: wide.id, a: aReq.id, b: bReq.id },
    users: { aTarget: aTarget.id, b: bUser.id },
    imports,
    tokens: { bAccount: bToken.record.id },
    fresh,
  };
}

/** supertest leaves bodies it does not know unread; this keeps them as bytes (XLSX, PDF). */
export function binaryParser(res: NodeJS.ReadableStream & { setEncoding?: unknown }, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Every cell of every sheet of an XLSX file, as text. */
export async function xlsxText(body: Buffer): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as unknown as ArrayBuffer);
  const cells: string[] = [];
  book.eachSheet((sheet) => {
    cells.push(sheet.name);
    sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text ?? ''))));
  });
  return cells.join('\n');
}

/** The readable text of an answer: JSON, HTML, CSV and SVG as they are, XLSX cell by cell; PDF (compressed, subset fonts) has none. */
export async function answerText(res: request.Response): Promise<string> {
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('spreadsheetml')) return Buffer.isBuffer(res.body) ? xlsxText(res.body) : '';
  if (type.includes('application/pdf')) return '';
  if (typeof res.text === 'string' && res.text.length > 0) return res.text;
  return res.body === undefined ? '' : JSON.stringify(res.body);
}
