import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { Response } from 'supertest';
import { addDays, todayIso } from '../src/common/dates';
import { sql } from '../src/database/sql';
import type { MailTransport } from '../src/notifications/mail-transport';
import { OutboxSender } from '../src/notifications/outbox-sender';
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';
import { emptyArrays, mismatches, okSchemaOf, type OpenApiDocument } from './support/openapi-answers';
import { pdfText } from './support/pdf-text';

type Agent = ReturnType<typeof request.agent>;

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const PDF_FILE = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200, 32)]);
const PUBLIC_URL = 'https://prevent.example.gov.uk';
/** supertest does not buffer binary bodies it does not know; this keeps a PDF as bytes. */
function binary(res: Response, done: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
const words = (s: string) => s.replace(/\s+/g, ' ');

interface LogEntry {
  userId: number | null;
  accountEmail: string | null;
  list: string;
  format: string;
  filter: Record<string, unknown>;
  rowCount: number;
  organisationCode: string | null;
}

/**
 * Data protection (issue 17): a subject access export holds everything about a person who has one
 * of everything; every view and download of a named list is logged with its filter and count (and a
 * viewer's figures are not); the privacy page is public, in every page's footer and every message.
 *
 *   P "Partnership" ── A "Alpha Council" (employer): ANN (has everything), MAN (her manager, no L1),
 *                  │                                  OTTO (no L1), TESS (trainer, L3, a Prevent lead)
 *                  └─ B "Bravo Trust" (employer): BEA
 */
describeEachDatabase('data protection: subject access, who looked at named lists, privacy', (kind) => {
  let t: TestApp;
  let root: Client;
  let adminA: Client;
  let adminB: Client;
  let coordinatorA: Client;
  let managerA: Client;
  let viewerA: Client;
  let evidenceDir: string;
  const today = todayIso();
  const ids: Record<string, number> = {};
  const emails: Record<string, string> = {};
  let annAccountEmail = '';
  const sent: Parameters<MailTransport['send']>[0][] = [];

  const emailOf = async (client: Client) => (await client.get('/api/auth/me').expect(200)).body.email as string;
  const outbox = (to: string) => sql<{ kind: string; body: string }>(t.dataSource, 'SELECT kind, body FROM outbox_messages WHERE LOWER(to_address) = $1 ORDER BY id DESC', [to]);
  /** The access log as an account sees it through the API, newest first. */
  const log = async (client: Client, query = '') => (await client.get(`/api/access-log?pageSize=500${query}`).expect(200)).body as { items: LogEntry[]; total: number };
  const logOf = async (email: string) => (await log(root, `&account=${encodeURIComponent(email)}`)).items;

  async function signedIn(email: string): Promise<Agent> {
    const browser = request.agent(t.app.getHttpServer());
    const form = await browser.get('/my-training/sign-in').set('Accept', 'text/html').expect(200);
    await browser.post('/my-training/sign-in').set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(form.text), email }).expect(200);
    const [message] = await outbox(email);
    const token = /\/my-training\/sign-in\/([A-Za-z0-9_-]{43})/.exec(message.body)?.[1] ?? '';
    const page = await browser.get(`/my-training/sign-in/${token}`).set('Accept', 'text/html');
    await browser.post(`/my-training/sign-in/${token}`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(page.text) }).expect(303);
    return browser;
  }

  beforeAll(async () => {
    evidenceDir = mkdtempSync(join(tmpdir(), 'evidence-'));
    t = await createTestApp(kind, { EVIDENCE_DIR: evidenceDir, SIGN_IN_LINK_RATE_LIMIT: '1000', PUBLIC_URL });
    root = t.http();
    await organisation(root, 'P', null, { name: 'Partnership' });
    await organisation(root, 'A', 'P', { isEmployer: true, name: 'Alpha Council' });
    await organisation(root, 'B', 'P', { isEmployer: true, name: 'Bravo Trust' });
    await role(root, 'ALL', 'All staff');
    await role(root, 'DSL', 'Designated safeguarding lead');
    await requirement(root, 'ALL', 'L1');
    ids.tess = (await person(root, { employeeRef: 'TESS', organisationCode: 'A', firstName: 'Tess', lastName: 'Trainer', roleCodes: ['ALL', 'DSL'] })).id;
    await completion(root, 'TESS', 'L3', addDays(today, -100));
    ids.man = (await person(root, { employeeRef: 'MAN', organisationCode: 'A', firstName: 'Mandy', lastName: 'Manager', email: 'mandy@example.org', roleCodes: ['ALL'] })).id;
    ids.otto = (await person(root, { employeeRef: 'OTTO', organisationCode: 'A', firstName: 'Otto', lastName: 'Overdue', roleCodes: ['ALL'] })).id;
    ids.ann = (await person(root, { employeeRef: 'ANN', organisationCode: 'A', firstName: 'Ann', lastName: 'Annerson', email: 'ann@example.org', roleCodes: ['ALL'], managerEmployeeRef: 'MAN', startDate: '2020-01-06' })).id;
    ids.bea = (await person(root, { employeeRef: 'BEA', organisationCode: 'B', firstName: 'Bea', lastName: 'Bravo', roleCodes: ['ALL'] })).id;
    // Ann has one of everything: a change to her record, training with evidence, a session attended with feedback, a place asked for, a certificate sent in...
    await root.patch(`/api/staff/${ids.ann}`).send({ lastName: 'Annersson' }).expect(200);
    await root.post('/api/completions').send({ employeeRef: 'ANN', levelCode: 'L1', completedOn: '2025-03-03', source: 'manual', evidence: 'Home Office certificate 4417' }).expect(201);
    const session = (title: string, day: string) =>
      root.post('/api/sessions').send({ levelCode: 'L2', title, startsAt: `${day}T09:30`, endsAt: `${day}T12:30`, venue: 'Room 2', hostOrganisationCode: 'A', capacity: 10, trainerEmployeeRefs: ['TESS'] }).expect(201);
    ids.s1 = (await session('WRAP for the early help team', today)).body.id;
    ids.s2 = (await session('WRAP next month', addDays(today, 30))).body.id;
    await root.post(`/api/sessions/${ids.s1}/bookings`).send({ employeeRef: 'ANN' }).expect(201);
    await root.put(`/api/sessions/${ids.s1}/register`).send({ attended: ['ANN'], noShow: [] }).expect(200);
    const feedbackToken = (await root.post(`/api/sessions/${ids.s1}/feedback-link`).send({ daysOpen: 14 }).expect(200)).body.token as string;
    await t.anonymous().post(`/api/feedback/${feedbackToken}`).send({ overallRating: 4, employeeRef: 'ANN', comments: 'Clear and useful' }).expect(201);
    await root.post('/booking-requests/settings').set('Accept', 'text/html').type('form').send({ organisationCode: 'A', approval: 'on' }).expect(303);
    const ann = await signedIn('ann@example.org');
    const home = await ann.get('/my-training').set('Accept', 'text/html').expect(200);
    await ann.post(`/my-training/sessions/${ids.s2}/book`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(home.text) }).expect(303);
    const prefs = await ann.get('/my-training/preferences').set('Accept', 'text/html').expect(200);
    await ann.post('/my-training/preferences').set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(prefs.text), optionalMessages: 'no' }).expect(303);
    const form = await ann.get('/my-training/evidence/new').set('Accept', 'text/html').expect(200);
    await ann
      .post('/my-training/evidence/new')
      .set('Accept', 'text/html')
      .field('_csrf', csrfOf(form.text))
      .field('levelCode', 'L1')
      .field('completedOn-day', '3')
      .field('completedOn-month', '3')
      .field('completedOn-year', '2025')
      .attach('file', PDF_FILE, 'my-certificate.pdf')
      .expect(303);
    const annAccount = await t.as('coordinator', 'A', 'ANN');
    annAccountEmail = await emailOf(annAccount);

    adminA = await t.as('admin', 'A');
    adminB = await t.as('admin', 'B');
    coordinatorA = await t.as('coordinator', 'A');
    managerA = await t.as('manager', 'A', 'MAN');
    viewerA = await t.as('viewer', 'A');
    for (const [key, client] of Object.entries({ adminA, coordinatorA, managerA, viewerA })) emails[key] = await emailOf(client);

    t.app.get(OutboxSender).useTransport({ send: async (m) => (sent.push(m), { response: '250 OK' }), close: () => undefined });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    rmSync(evidenceDir, { recursive: true, force: true });
  });

  describe('subject access', () => {
    it('gives everything held about a person who has one of everything, as JSON, and records the download', async () => {
      const res = await adminA.get(`/api/staff/${ids.ann}/subject-access`).expect(200);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="personal-data-ann-\d{4}-\d\d-\d\d\.json"$/);
      const x = res.body;
      expect(x.person).toMatchObject({ employeeRef: 'ANN', firstName: 'Ann', lastName: 'Annersson', email: 'ann@example.org', organisation: { code: 'A' }, manager: { employeeRef: 'MAN', name: 'Mandy Manager' }, startDate: '2020-01-06', endDate: null });
      expect(x.roles).toEqual([{ code: 'ALL', name: 'All staff' }]);
      expect(x.completions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ levelCode: 'L1', completedOn: '2025-03-03', evidence: 'Home Office certificate 4417' }),
          expect.objectContaining({ levelCode: 'L2', completedOn: today, session: 'WRAP for the early help team' }),
        ]),
      );
      expect(x.evidenceUploads).toEqual([expect.objectContaining({ levelCode: 'L1', completedOn: '2025-03-03', fileName: 'my-certificate.pdf', contentType: 'application/pdf', sizeBytes: PDF_FILE.length, status: 'pending' })]);
      expect(x.bookings).toEqual([expect.objectContaining({ session: 'WRAP for the early help team', status: 'booked', attendance: 'attended', walkIn: false })]);
      expect(x.bookingRequests).toEqual([expect.objectContaining({ session: 'WRAP next month', status: 'pending' })]);
      expect(x.feedback).toEqual([expect.objectContaining({ session: 'WRAP for the early help team', overallRating: 4, comments: 'Clear and useful' })]);
      expect(x.messagePreferences).toMatchObject({ optionalMessages: false });
      expect(x.messages.map((m: { kind: string }) => m.kind)).toEqual(expect.arrayContaining(['sign-in-link', 'booking-confirmed']));
      expect(x.signInLinks).toHaveLength(1);
      expect(x.signInLinks[0]).toEqual({ id: expect.any(Number), issuedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), expiresAt: expect.any(String), usedAt: expect.any(String) });
      expect(x.account).toMatchObject({ email: annAccountEmail, role: 'coordinator', organisation: 'A', disabled: false });
      // Audit entries about her, each with who made it: her record created and changed by the administrator, her training, her booking.
      const entries = x.auditEntries as { action: string; record: string; by: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[];
      const rootEmail = await emailOf(root);
      expect(entries).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'create', record: 'staff', by: rootEmail }), expect.objectContaining({ action: 'update', record: 'staff', by: rootEmail })]));
      expect(entries.find((e) => e.action === 'update' && e.record === 'staff')).toMatchObject({ before: { lastName: 'Annerson' }, after: { lastName: 'Annersson' } });
      expect(entries.some((e) => e.record === 'completions')).toBe(true);
      expect(entries.some((e) => e.record === 'bookings')).toBe(true);
      // Nobody else's record, and never a sign-in link or its hash.
      expect(entries.every((e) => e.record !== 'staff' || (e.before ?? e.after)?.id === ids.ann)).toBe(true);
      const text = JSON.stringify(x);
      expect(text).not.toMatch(/\/my-training\/sign-in\/[A-Za-z0-9_-]{43}/);
      expect(text).not.toMatch(/tokenHash|token_hash/);
      expect(text).not.toContain('Otto');
      // The download itself is in the audit log, about Ann's organisation.
      const audit = await adminA.get('/api/audit?action=subject_access').expect(200);
      expect(audit.body.items[0]).toMatchObject({ action: 'subject_access', entity: 'staff', entityKey: 'ANN', actorEmail: emails.adminA });
      expect(JSON.parse(audit.body.items[0].afterJson)).toEqual({ id: ids.ann, format: 'json' });
    });

    it('answers the export as the OpenAPI document describes it, with something in every list between Ann and Tess (her trainer)', async () => {
      const doc = (await root.get('/api/docs-json').expect(200)).body as OpenApiDocument;
      const schema = okSchemaOf(doc, 'GET /api/staff/{id}/subject-access');
      const exports = [(await adminA.get(`/api/staff/${ids.ann}/subject-access`).expect(200)).body, (await adminA.get(`/api/staff/${ids.tess}/subject-access`).expect(200)).body];
      expect(exports.flatMap((x) => mismatches(doc, x, schema))).toEqual([]);
      // Nobody here signs in with single sign-on; the list would hold the issuers' names, plain strings.
      expect(emptyArrays(doc, exports, { type: 'array', items: schema })).toEqual(['$[].account.signInProviders']);
    });

    it('gives the same as a tagged PDF with its words as text and dates as "3 March 2025"', async () => {
      const res = await adminA.get(`/api/staff/${ids.ann}/subject-access.pdf`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const pdf = res.body as Buffer;
      const raw = pdf.toString('latin1');
      expect(raw).toContain('/Lang (en-GB)');
      expect(raw).toContain('(Personal data held about Ann Annersson)');
      expect(raw).toContain('/DisplayDocTitle true');
      expect(raw).toContain('/MarkInfo');
      const text = words(pdfText(pdf));
      for (const phrase of ['Personal data held about Ann Annersson', 'Employee reference: ANN', 'L1 Prevent awareness e-learning, completed 3 March 2025', 'Evidence: Home Office certificate 4417', 'my-certificate.pdf', 'Attendance: attended', 'Comments: Clear and useful', 'Optional messages stopped', 'Sign-in links issued', annAccountEmail, 'lastName from Annerson to Annersson']) {
        expect(text).toContain(phrase);
      }
      expect(text).not.toMatch(/\d{4}-\d\d-\d\d/);
      const audit = await adminA.get('/api/audit?action=subject_access').expect(200);
      expect(JSON.parse(audit.body.items[0].afterJson)).toEqual({ id: ids.ann, format: 'pdf' });
    });

    it('gives the export of a person with no account and nothing recorded but their record (both files)', async () => {
      const res = await adminA.get(`/api/staff/${ids.otto}/subject-access`).expect(200);
      expect(res.body.person.employeeRef).toBe('OTTO');
      expect(res.body.account).toBeNull();
      await adminA.get(`/api/staff/${ids.otto}/subject-access.pdf`).buffer(true).parse(binary).expect(200);
    });

    it('is offered on the record page to administrators only', async () => {
      expect((await adminA.get(`/staff/${ids.ann}`).set('Accept', 'text/html').expect(200)).text).toContain(`href="/api/staff/${ids.ann}/subject-access.pdf"`);
      expect((await coordinatorA.get(`/staff/${ids.ann}`).set('Accept', 'text/html').expect(200)).text).not.toContain('subject-access');
      await coordinatorA.get(`/api/staff/${ids.ann}/subject-access`).expect(403);
    });

    it("answers 404 to an administrator of another organisation, for both files, and records nothing", async () => {
      const before = (await root.get('/api/audit?action=subject_access&pageSize=500').expect(200)).body.total;
      await adminB.get(`/api/staff/${ids.ann}/subject-access`).expect(404);
      await adminB.get(`/api/staff/${ids.ann}/subject-access.pdf`).expect(404);
      expect((await root.get('/api/audit?action=subject_access&pageSize=500').expect(200)).body.total).toBe(before);
    });
  });

  describe('who looked at named lists', () => {
    const peopleQuery = 'organisation=A&level=L1&status=missing';

    it('records a view of the gap analysis people, its JSON and its CSV, with the filter and the people named', async () => {
      await coordinatorA.get(`/reports/gap-analysis/people?${peopleQuery}&asOf=${today}`).set('Accept', 'text/html').expect(200);
      const json = await coordinatorA.get(`/api/reports/gap-analysis/people?${peopleQuery}`).expect(200);
      expect(json.body.items.map((p: { employeeRef: string }) => p.employeeRef).sort()).toEqual(['MAN', 'OTTO']);
      const csv = await coordinatorA.get(`/api/reports/gap-analysis/people?${peopleQuery}&format=csv`).expect(200);
      expect(csv.text).toContain('OTTO');
      const [download, api, page] = await logOf(emails.coordinatorA);
      expect(page).toMatchObject({ list: 'gap-analysis-people', format: 'page', rowCount: 2, organisationCode: 'A', filter: { organisation: 'A', level: 'L1', status: ['missing'], asOf: today, page: 1 } });
      expect(api).toMatchObject({ list: 'gap-analysis-people', format: 'json', rowCount: 2, filter: { organisation: 'A', level: 'L1', status: ['missing'] } });
      expect(download).toMatchObject({ list: 'gap-analysis-people', format: 'csv', rowCount: 2, organisationCode: 'A', filter: { organisation: 'A', level: 'L1', status: ['missing'] } });
    });

    it('records My team, and the staff list with whether a name was searched for but never the words', async () => {
      await managerA.get('/my-team').set('Accept', 'text/html').expect(200);
      expect((await logOf(emails.managerA))[0]).toMatchObject({ list: 'my-team', format: 'page', rowCount: 1, organisationCode: 'A' });
      await coordinatorA.get('/staff?search=Otto&organisation=A').set('Accept', 'text/html').expect(200);
      await coordinatorA.get('/api/staff?organisation=A&pageSize=2').expect(200);
      const [api, page] = await logOf(emails.coordinatorA);
      expect(page).toMatchObject({ list: 'staff', format: 'page', rowCount: 1, filter: { organisation: 'A', status: 'current', search: true } });
      expect(JSON.stringify(page)).not.toContain('Otto');
      expect(api).toMatchObject({ list: 'staff', format: 'json', rowCount: 2, filter: { organisation: 'A', page: 1 } });
    });

    it('records trainer and Prevent lead coverage by name, on the page, the CSV and the API', async () => {
      await coordinatorA.get(`/reports/trainer-coverage?organisation=A&asOf=${today}`).set('Accept', 'text/html').expect(200);
      await coordinatorA.get(`/reports/trainer-coverage.csv?organisation=A&asOf=${today}`).expect(200);
      await coordinatorA.get('/api/reports/trainer-coverage/trainers?organisation=A').expect(200);
      const [tApi, tCsv, tPage] = await logOf(emails.coordinatorA);
      expect(tPage).toMatchObject({ list: 'trainer-coverage', format: 'page', rowCount: 1, organisationCode: 'A', filter: { organisation: 'A', asOf: today } });
      expect(tCsv).toMatchObject({ list: 'trainer-coverage', format: 'csv', rowCount: 1 });
      expect(tApi).toMatchObject({ list: 'trainer-coverage', format: 'json', organisationCode: 'A' });
      await coordinatorA.get('/reports/lead-coverage?organisation=A').set('Accept', 'text/html').expect(200);
      await coordinatorA.get('/reports/lead-coverage.csv?organisation=A').expect(200);
      await coordinatorA.get('/api/reports/lead-coverage/leads?organisation=A').expect(200);
      const [lApi, lCsv, lPage] = await logOf(emails.coordinatorA);
      expect(lPage).toMatchObject({ list: 'lead-coverage', format: 'page', organisationCode: 'A', filter: { organisation: 'A', depth: 1 } });
      expect(lCsv).toMatchObject({ list: 'lead-coverage', format: 'csv', rowCount: lPage.rowCount });
      expect(lApi).toMatchObject({ list: 'lead-coverage', format: 'json', rowCount: lPage.rowCount });
    });

    it("records the download of a session's certificates with the people it names", async () => {
      await coordinatorA.get(`/sessions/${ids.s1}/certificates.pdf`).buffer(true).parse(binary).expect(200);
      expect((await logOf(emails.coordinatorA))[0]).toMatchObject({ list: 'session-certificates', format: 'pdf', rowCount: 1, organisationCode: 'A', filter: { session: ids.s1 } });
    });

    it('records the inspection evidence pack with its named list (page, API and PDF), with the people it names', async () => {
      const pack = (await coordinatorA.get('/api/reports/evidence-pack?organisation=A').expect(200)).body;
      const named = new Set(pack.namedList.flatMap((l: { people: { id: number }[] }) => l.people.map((p) => p.id))).size;
      expect(named).toBeGreaterThan(0);
      await coordinatorA.get('/reports/evidence-pack?organisation=A').set('Accept', 'text/html').expect(200);
      await coordinatorA.get('/reports/evidence-pack.pdf?organisation=A').buffer(true).parse(binary).expect(200);
      const [pdf, page, api] = await logOf(emails.coordinatorA);
      expect(api).toMatchObject({ list: 'evidence-pack', format: 'json', rowCount: named, organisationCode: 'A', filter: { organisation: 'A' } });
      expect(page).toMatchObject({ list: 'evidence-pack', format: 'page', rowCount: named });
      expect(pdf).toMatchObject({ list: 'evidence-pack', format: 'pdf', rowCount: named });
    });

    it("does not log a viewer's figures and figure-only downloads as named", async () => {
      await viewerA.get('/reports/trainer-coverage?organisation=A').set('Accept', 'text/html').expect(200);
      await viewerA.get('/reports/trainer-coverage.csv?organisation=A').expect(200);
      await viewerA.get('/reports/lead-coverage.csv?organisation=A').expect(200);
      await viewerA.get('/reports/lead-coverage?organisation=A').set('Accept', 'text/html').expect(200);
      await viewerA.get('/api/reports/gap-analysis?organisation=A&format=csv').expect(200);
      await viewerA.get('/api/reports/gap-analysis/people?organisation=A&level=L1').expect(403);
      await viewerA.get('/reports/evidence-pack?organisation=A').set('Accept', 'text/html').expect(200);
      expect(await logOf(emails.viewerA)).toEqual([]);
    });

    it("shows an administrator their subtree's entries only, filtered by account and day; another subtree's none", async () => {
      const a = await log(adminA);
      expect(a.total).toBeGreaterThan(5);
      expect(a.items.every((e) => ['A', 'P'].includes(e.organisationCode ?? '') || e.organisationCode === null)).toBe(true);
      // Entries about the whole partnership (P) are for an administrator of P and above, as audit entries are.
      expect(a.items.some((e) => e.organisationCode === 'P')).toBe(false);
      expect((await log(adminA, `&account=${encodeURIComponent(emails.managerA)}`)).items.map((e) => e.list)).toEqual(['my-team']);
      expect((await log(adminA, `&from=${today}&to=${today}`)).total).toBe(a.total);
      expect((await log(adminA, `&from=${addDays(today, 1)}`)).total).toBe(0);
      expect((await log(adminA, `&to=${addDays(today, -1)}`)).total).toBe(0);
      const b = await log(adminB);
      expect(b.total).toBe(0);
      const page = await adminB.get('/admin/access-log').set('Accept', 'text/html').expect(200);
      expect(page.text).not.toContain(emails.coordinatorA);
      const aPage = await adminA.get(`/admin/access-log?account=coordinator&from-day=${Number(today.slice(8))}&from-month=${Number(today.slice(5, 7))}&from-year=${today.slice(0, 4)}`).set('Accept', 'text/html').expect(200);
      expect(aPage.text).toContain('Gap analysis: people');
      expect(aPage.text).toContain(emails.coordinatorA);
      const refused = await adminA.get('/admin/access-log?from-day=31&from-month=2&from-year=2026').set('Accept', 'text/html').expect(400);
      expect(refused.text).toContain('href="#from-day"');
      await coordinatorA.get('/api/access-log').expect(403);
    });
  });

  describe('privacy information', () => {
    it('is a page anyone can read, without signing in, with the default retention period until a controller is set', async () => {
      const page = await t.anonymous().get('/privacy').set('Accept', 'text/html').expect(200);
      expect(page.text).toContain('Section 26 of the Counter-Terrorism and Security Act 2015');
      expect(page.text).toContain('6 years after a person leaves');
      expect(page.text).toContain('has not yet given the data controller’s details');
      expect((await t.anonymous().get('/api/privacy').expect(200)).body).toMatchObject({ controller: null, retention: '6 years after a person leaves', url: `${PUBLIC_URL}/privacy` });
    });

    it("shows the controller's details set by an administrator of the whole partnership (nobody else may)", async () => {
      const details = { controllerName: 'Partnership Council', controllerAddress: '1 High Street\nTown TW1 1AA', controllerEmail: 'data@partnership.example', dpoName: 'Dana Protector', dpoEmail: 'dpo@partnership.example' };
      await adminA.put('/api/privacy').send(details).expect(403);
      const refused = await root.put('/api/privacy').send({ ...details, dpoEmail: 'not an email' }).expect(400);
      expect(String(refused.body.message)).toContain("data protection officer's email address");
      await root.put('/api/privacy').send(details).expect(200);
      const page = await t.anonymous().get('/privacy').set('Accept', 'text/html').expect(200);
      for (const part of ['Partnership Council', 'data@partnership.example', 'Dana Protector', 'mailto:dpo@partnership.example']) expect(page.text).toContain(part);
      const form = await root.get('/admin/privacy').set('Accept', 'text/html').expect(200);
      expect(form.text).toContain('value="Partnership Council"');
      const blank = await root.post('/admin/privacy').set('Accept', 'text/html').type('form').send({ ...details, controllerName: ' ' }).expect(422);
      expect(blank.text).toContain('href="#controllerName"');
      expect((await root.get('/api/audit?entity=privacy_controller').expect(200)).body.items[0]).toMatchObject({ action: 'update' });
    });

    it('is linked from the footer of every page, signed in or not', async () => {
      for (const page of [await t.anonymous().get('/sign-in').set('Accept', 'text/html'), await adminA.get('/staff').set('Accept', 'text/html')]) {
        expect(page.text).toMatch(/<footer[\s\S]*href="\/privacy"[\s\S]*<\/footer>/);
      }
    });

    it('is linked at the end of every message sent', async () => {
      const run = await t.app.get(OutboxSender).sendDue(new Date(Date.now() + 60_000));
      expect(run.sent).toBeGreaterThan(0);
      expect(sent.length).toBe(run.sent);
      for (const message of sent) expect(message.text.trimEnd().endsWith(`How we use your personal data: ${PUBLIC_URL}/privacy`)).toBe(true);
    });
  });
});
