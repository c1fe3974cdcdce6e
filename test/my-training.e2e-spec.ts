import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { addDays, todayIso } from '../src/common/dates';
import { sql } from '../src/database/sql';
import { hashToken } from '../src/my-training/sign-in-links.service';
import { SessionMessages } from '../src/notifications/session-messages';
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

type Agent = ReturnType<typeof request.agent>;

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
/** The page's main content as words, without tags (the header is left out: it names the person signed in). */
const mainText = (html: string) =>
  html
    .slice(html.indexOf('<main'), html.indexOf('</main>'))
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200, 32)]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0)]);

/**
 * My training (issue 12): people without an account sign in with an emailed link and see their
 * own record, book and cancel places, and send certificates that coordinators approve or reject.
 */
describeEachDatabase('my training: sign-in links, a person’s own record, bookings and certificates', (kind) => {
  let t: TestApp;
  let admin: Client;
  let evidenceDir: string;
  const today = todayIso();
  const ids: Record<string, number> = {};
  let countySession: number;
  let otherSession: number;

  /** The messages queued to an address, newest first. */
  const outbox = (to: string) =>
    sql<{ kind: string; subject: string; body: string }>(t.dataSource, 'SELECT kind, subject, body FROM outbox_messages WHERE LOWER(to_address) = $1 ORDER BY id DESC', [to.toLowerCase()]);
  const linkIn = (body: string) => /\/my-training\/sign-in\/([A-Za-z0-9_-]{43})/.exec(body)?.[1] ?? '';

  /** Asks for a link for this address in a fresh browser: the answer. */
  async function ask(email: string, browser: Agent = request.agent(t.app.getHttpServer())) {
    const form = await browser.get('/my-training/sign-in').set('Accept', 'text/html').expect(200);
    return browser.post('/my-training/sign-in').set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(form.text), email });
  }

  /** Follows a link in a browser: GET shows a Continue button, POST signs in. */
  async function follow(token: string, browser: Agent = request.agent(t.app.getHttpServer())) {
    const page = await browser.get(`/my-training/sign-in/${token}`).set('Accept', 'text/html');
    const csrf = csrfOf(page.text) || csrfOf((await browser.get('/my-training/sign-in').set('Accept', 'text/html')).text);
    const answer = await browser.post(`/my-training/sign-in/${token}`).set('Accept', 'text/html').type('form').send({ _csrf: csrf });
    return { page, answer, browser };
  }

  /** A browser signed in to My training as the person with this address. */
  async function signedIn(email: string): Promise<Agent> {
    await ask(email).then((res) => expect(res.status).toBe(200));
    const [message] = await outbox(email);
    const { answer, browser } = await follow(linkIn(message.body));
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/my-training');
    return browser;
  }

  async function upload(browser: Agent, file: Buffer, name: string, fields: Record<string, string> = {}) {
    const form = await browser.get('/my-training/evidence/new').set('Accept', 'text/html').expect(200);
    const post = browser.post('/my-training/evidence/new').set('Accept', 'text/html').field('_csrf', csrfOf(form.text));
    const all = { levelCode: 'L1', 'completedOn-day': '3', 'completedOn-month': '3', 'completedOn-year': String(Number(today.slice(0, 4)) - 1), ...fields };
    for (const [k, v] of Object.entries(all)) post.field(k, v);
    return post.attach('file', file, name);
  }

  beforeAll(async () => {
    evidenceDir = mkdtempSync(join(tmpdir(), 'evidence-'));
    t = await createTestApp(kind, { EVIDENCE_DIR: evidenceDir, EVIDENCE_MAX_MB: '1', SIGN_IN_LINK_RATE_LIMIT: '1000' });
    admin = t.http();
    await organisation(admin, 'CTY', null, { isEmployer: true, name: 'County Council' });
    await organisation(admin, 'CTY-T', 'CTY', { name: 'Early help team' });
    await organisation(admin, 'OTH', null, { isEmployer: true, name: 'Other Council' });
    await role(admin, 'ALL', 'All staff');
    await role(admin, 'FRONT', 'Frontline');
    await requirement(admin, 'ALL', 'L1');
    await requirement(admin, 'FRONT', 'L2');
    ids.ann = (await person(admin, { employeeRef: 'ANN', organisationCode: 'CTY-T', firstName: 'Ann', lastName: 'Annerson', email: 'Ann@Example.org', roleCodes: ['ALL', 'FRONT'] })).id;
    ids.bob = (await person(admin, { employeeRef: 'BOB', organisationCode: 'CTY-T', firstName: 'Bob', lastName: 'Bobbington', email: 'bob@example.org', roleCodes: ['ALL'] })).id;
    ids.leaver = (await person(admin, { employeeRef: 'LEFT', organisationCode: 'CTY-T', firstName: 'Lee', lastName: 'Leaver', email: 'lee@example.org', roleCodes: ['ALL'], endDate: addDays(today, -30) })).id;
    ids.tess = (await person(admin, { employeeRef: 'TESS', organisationCode: 'CTY', firstName: 'Tess', lastName: 'Trainer', roleCodes: ['ALL'] })).id;
    ids.otto = (await person(admin, { employeeRef: 'OTTO', organisationCode: 'OTH', firstName: 'Otto', lastName: 'Other', email: 'otto@example.org', roleCodes: ['ALL'] })).id;
    await completion(admin, 'TESS', 'L3', addDays(today, -100));
    const session = async (host: string, title: string) =>
      (
        await admin
          .post('/api/sessions')
          .send({ levelCode: 'L2', title, startsAt: `${addDays(today, 20)}T09:30`, endsAt: `${addDays(today, 20)}T12:30`, venue: 'Room 1', hostOrganisationCode: host, capacity: 10, trainerEmployeeRefs: ['TESS'] })
          .expect(201)
      ).body.id as number;
    countySession = await session('CTY', 'County WRAP');
    await person(admin, { employeeRef: 'OTRA', organisationCode: 'OTH', firstName: 'Ola', lastName: 'Othertrainer', roleCodes: ['ALL'] });
    await completion(admin, 'OTRA', 'L3', addDays(today, -100));
    otherSession = (
      await admin
        .post('/api/sessions')
        .send({ levelCode: 'L2', title: 'Other WRAP', startsAt: `${addDays(today, 21)}T09:30`, endsAt: `${addDays(today, 21)}T12:30`, venue: 'Hall', hostOrganisationCode: 'OTH', capacity: 10, trainerEmployeeRefs: ['OTRA'] })
        .expect(201)
    ).body.id as number;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(evidenceDir, { recursive: true, force: true });
  });

  describe('the sign-in link', () => {
    it('answers the same page for a known and an unknown address, and queues a link to the known one only', async () => {
      const known = await ask('ann@example.org');
      const unknown = await ask('nobody@example.org');
      expect([known.status, unknown.status]).toEqual([200, 200]);
      expect(mainText(known.text).replace('ann@example.org', '<email>')).toBe(mainText(unknown.text).replace('nobody@example.org', '<email>'));
      expect(mainText(known.text)).toContain('Check your email');
      expect(await outbox('nobody@example.org')).toEqual([]);
      const [message] = await outbox('Ann@Example.org');
      expect(message.kind).toBe('sign-in-link');
      expect(message.body).toContain('Dear Ann Annerson');
      expect(message.body).toContain('Early help team');
      expect(message.body).not.toMatch(/Bob|Otto/);
      // Only a hash of the token is stored.
      const token = linkIn(message.body);
      const stored = await sql<{ token_hash: string }>(t.dataSource, 'SELECT token_hash FROM sign_in_links WHERE staff_id = $1', [ids.ann]);
      expect(stored.map((s) => s.token_hash)).toContain(hashToken(token));
      expect(JSON.stringify(stored)).not.toContain(token);
    });

    it('sends no link to someone who has left, with the same answer', async () => {
      const res = await ask('lee@example.org');
      expect(res.status).toBe(200);
      expect(mainText(res.text)).toContain('Check your email');
      expect(await outbox('lee@example.org')).toEqual([]);
    });

    it('refuses an address that is not one, at the field', async () => {
      const res = await ask('not an address');
      expect(res.status).toBe(422);
      expect(res.text).toContain('Enter an email address in the correct format, like name@example.com');
      expect(res.text).toContain('href="#email"');
    });

    it('signs in once: the link then answers that it has been used', async () => {
      await ask('bob@example.org');
      const token = linkIn((await outbox('bob@example.org'))[0].body);
      const first = await follow(token);
      expect(first.page.status).toBe(200);
      expect(first.answer.status).toBe(303);
      const page = await first.browser.get('/my-training').set('Accept', 'text/html').expect(200);
      expect(page.text).toContain('Bob Bobbington');
      const again = await follow(token);
      expect(again.page.status).toBe(410);
      expect(again.answer.status).toBe(410);
      expect(again.answer.text).toContain('This link has expired or has been used');
      await again.browser.get('/my-training').set('Accept', 'text/html').expect(303).expect('Location', '/my-training/sign-in');
    });

    it('signs out: the session ends and My training asks for a link again', async () => {
      const bob = await signedIn('bob@example.org');
      const page = await bob.get('/my-training').set('Accept', 'text/html').expect(200);
      const out = await bob.post('/my-training/sign-out').set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(page.text) }).expect(200);
      expect(mainText(out.text)).toContain('You have signed out of My training');
      expect(out.text).not.toContain('Bob Bobbington');
      await bob.get('/my-training').set('Accept', 'text/html').expect(303).expect('Location', '/my-training/sign-in');
    });

    it('does not sign in with an expired link', async () => {
      await ask('bob@example.org');
      const token = linkIn((await outbox('bob@example.org'))[0].body);
      await sql(t.dataSource, 'UPDATE sign_in_links SET expires_at = $1 WHERE token_hash = $2', [new Date(Date.now() - 1000).toISOString(), hashToken(token)]);
      const { answer, browser } = await follow(token);
      expect(answer.status).toBe(410);
      await browser.get('/my-training').set('Accept', 'text/html').expect(303);
    });

    it('sends one address at most three links in 15 minutes, answering the same each time', async () => {
      await organisation(admin, 'CTY-R', 'CTY');
      await person(admin, { employeeRef: 'RAY', organisationCode: 'CTY-R', firstName: 'Ray', lastName: 'Repeat', email: 'ray@example.org', roleCodes: ['ALL'] });
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await ask('ray@example.org'));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(answers.map((a) => mainText(a.text))).size).toBe(1);
      expect((await outbox('ray@example.org')).length).toBe(3);
    });

    it('limits requests from one client address, whatever the email', async () => {
      const limited = await createTestApp(kind, { SIGN_IN_LINK_RATE_LIMIT: '2' });
      try {
        const browser = request.agent(limited.app.getHttpServer());
        const csrf = csrfOf((await browser.get('/my-training/sign-in').set('Accept', 'text/html')).text);
        const answers = [];
        for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) {
          answers.push(await browser.post('/my-training/sign-in').set('Accept', 'text/html').type('form').send({ _csrf: csrf, email }));
        }
        expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
        expect(mainText(answers[2].text)).toContain('You have asked for a sign-in link too many times. Wait 15 minutes, then try again.');
      } finally {
        await limited.close();
      }
    });
  });

  describe('the person signed in', () => {
    let ann: Agent;
    beforeAll(async () => {
      ann = await signedIn('Ann@Example.org');
    });

    it('sees their own levels and statuses, and nobody else', async () => {
      const res = await ann.get('/my-training').set('Accept', 'text/html').expect(200);
      const text = mainText(res.text);
      expect(text).toContain('My training: Ann Annerson');
      expect(text).toMatch(/L1 .*Missing/);
      expect(text).toMatch(/L2 .*Missing/);
      expect(text).not.toMatch(/Bob|Otto|Tess Trainer/);
      // The header names them, with Sign out.
      expect(res.text).toMatch(/app-service-navigation__account">\s*<span>Ann Annerson<\/span>/);
      expect(res.text).toContain('action="/my-training/sign-out"');
    });

    it('reaches no page or API of the accounts', async () => {
      for (const url of ['/', '/staff', `/staff/${ids.ann}`, `/staff/${ids.bob}`, '/sessions', '/evidence', '/reports/gap-analysis', '/admin']) {
        const res = await ann.get(url).set('Accept', 'text/html');
        expect([url, res.status]).toEqual([url, 403]);
        expect(res.text).not.toMatch(/Bob Bobbington|Otto/);
      }
      for (const url of ['/api/staff', `/api/staff/${ids.ann}/compliance`, '/api/sessions', '/api/auth/me']) {
        const res = await ann.get(url);
        expect([url, res.status]).toEqual([url, 403]);
      }
    });

    it('books a place on a session open to their organisation, and cancels it after being asked', async () => {
      const page = await ann.get('/my-training').set('Accept', 'text/html').expect(200);
      expect(mainText(page.text)).toContain('County WRAP');
      expect(mainText(page.text)).not.toContain('Other WRAP');
      const booked = await ann.post(`/my-training/sessions/${countySession}/book`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(page.text) }).expect(303);
      expect(booked.headers.location).toBe('/my-training?done=booked');
      const after = await ann.get('/my-training?done=booked').set('Accept', 'text/html').expect(200);
      expect(mainText(after.text)).toContain('You have a place on the session');
      const bookingId = Number(/\/my-training\/bookings\/(\d+)\/cancel/.exec(after.text)?.[1]);
      const rows = await sql<{ status: string; staff_id: number }>(t.dataSource, 'SELECT status, staff_id FROM bookings WHERE id = $1', [bookingId]);
      expect(rows).toEqual([{ status: 'booked', staff_id: ids.ann }]);
      // A session of another organisation is not open to them.
      await ann.post(`/my-training/sessions/${otherSession}/book`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(page.text) }).expect(404);
      const ask = await ann.get(`/my-training/bookings/${bookingId}/cancel`).set('Accept', 'text/html').expect(200);
      expect(mainText(ask.text)).toContain('Cancel your place on County WRAP?');
      await ann.post(`/my-training/bookings/${bookingId}/cancel`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(ask.text) }).expect(303).expect('Location', '/my-training?done=cancelled');
      expect(await sql(t.dataSource, 'SELECT status FROM bookings WHERE id = $1', [bookingId])).toEqual([{ status: 'cancelled' }]);
      // Booking again for the browser test's sake is allowed (a cancelled place is replaced).
      await ann.post(`/my-training/sessions/${countySession}/book`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(ask.text) }).expect(303);
    });

    it("cannot cancel someone else's place", async () => {
      const bob = await admin.post(`/api/sessions/${countySession}/bookings`).send({ employeeRef: 'BOB' }).expect(201);
      const page = await ann.get('/my-training').set('Accept', 'text/html').expect(200);
      await ann.get(`/my-training/bookings/${bob.body.id}/cancel`).set('Accept', 'text/html').expect(404);
      await ann.post(`/my-training/bookings/${bob.body.id}/cancel`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(page.text) }).expect(404);
      expect(await sql(t.dataSource, 'SELECT status FROM bookings WHERE id = $1', [bob.body.id])).toEqual([{ status: 'booked' }]);
    });

    it('stops optional messages', async () => {
      const form = await ann.get('/my-training/preferences').set('Accept', 'text/html').expect(200);
      await ann.post('/my-training/preferences').set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(form.text), optionalMessages: 'no' }).expect(303);
      expect(await sql(t.dataSource, 'SELECT optional_messages FROM message_preferences WHERE staff_id = $1', [ids.ann]).then((r) => r.map((x) => Boolean(Number((x as { optional_messages: unknown }).optional_messages))))).toEqual([false]);
      const page = await ann.get('/my-training').set('Accept', 'text/html').expect(200);
      expect(mainText(page.text)).toContain('You have stopped optional messages');
    });

    it('gets no day-before reminder once optional messages are stopped; others still do', async () => {
      const tomorrow = addDays(today, 1);
      const session = (
        await admin
          .post('/api/sessions')
          .send({ levelCode: 'L2', title: 'County WRAP tomorrow', startsAt: `${tomorrow}T09:30`, endsAt: `${tomorrow}T12:30`, venue: 'Room 3', hostOrganisationCode: 'CTY', capacity: 10, trainerEmployeeRefs: ['TESS'] })
          .expect(201)
      ).body.id as number;
      await admin.post(`/api/sessions/${session}/bookings`).send({ employeeRefs: ['ANN', 'BOB'] }).expect(201);
      // In the morning: day-before reminders are not sent in the night, whatever time the suite runs.
      await t.app.get(SessionMessages).dayBeforeReminders(new Date(`${today}T10:00:00Z`));
      const reminders = async (email: string) => (await outbox(email)).filter((m) => m.kind === 'session-reminder');
      expect((await reminders('ann@example.org')).length).toBe(0);
      expect((await reminders('bob@example.org')).length).toBe(1);
    });

    describe('certificates of training done elsewhere', () => {
      it('accepts a PNG named .pdf, as a PNG, and keeps it in the evidence folder', async () => {
        const res = await upload(ann, PNG, 'certificate.pdf');
        expect(res.status).toBe(303);
        const [row] = await sql<{ content_type: string; stored_name: string; original_name: string; status: string }>(t.dataSource, 'SELECT content_type, stored_name, original_name, status FROM evidence_submissions WHERE staff_id = $1 ORDER BY id DESC', [ids.ann]);
        expect(row).toMatchObject({ content_type: 'image/png', original_name: 'certificate.png', status: 'pending' });
        expect(readdirSync(evidenceDir)).toContain(row.stored_name);
        await ann.get(`/static/${row.stored_name}`).expect(404);
      });

      it('refuses a program named .pdf, and a file over the size limit, at the field', async () => {
        const before = (await sql(t.dataSource, 'SELECT id FROM evidence_submissions')).length;
        const exe = await upload(ann, EXE, 'certificate.pdf');
        expect(exe.status).toBe(422);
        expect(exe.text).toContain('The file must be a PDF, PNG or JPEG');
        expect(exe.text).toContain('href="#file"');
        const big = await upload(ann, Buffer.concat([PDF, Buffer.alloc(1024 * 1024 + 10, 32)]), 'big.pdf');
        expect(big.status).toBe(422);
        expect(big.text).toContain('The file must be smaller than 1 MB');
        const blank = await upload(ann, PDF, 'ok.pdf', { levelCode: '', 'completedOn-day': '31', 'completedOn-month': '2' });
        expect(blank.status).toBe(422);
        expect(mainText(blank.text)).toMatch(/Choose the level of the training.*Date of the training must be a real date/);
        expect((await sql(t.dataSource, 'SELECT id FROM evidence_submissions')).length).toBe(before);
      });

      it('is approved by a coordinator over them: a completion with source evidence, counted in the gap analysis', async () => {
        await upload(ann, PDF, 'e-learning.pdf').then((r) => expect(r.status).toBe(303));
        const [row] = await sql<{ id: number }>(t.dataSource, 'SELECT id FROM evidence_submissions WHERE staff_id = $1 ORDER BY id DESC', [ids.ann]);
        const before = (await admin.get('/api/reports/gap-analysis?organisation=CTY-T').expect(200)).body.levels.find((l: { level: string }) => l.level === 'L1');

        const outsider = await t.as('coordinator', 'OTH');
        expect(mainText((await outsider.get('/evidence').set('Accept', 'text/html').expect(200)).text)).not.toContain('Ann');
        await outsider.get(`/evidence/${row.id}`).set('Accept', 'text/html').expect(404);
        await outsider.get(`/evidence/${row.id}/file`).expect(404);

        const coordinator = await t.as('coordinator', 'CTY');
        const queue = await coordinator.get('/evidence').set('Accept', 'text/html').expect(200);
        expect(mainText(queue.text)).toContain('Ann Annerson');
        const file = await coordinator.get(`/evidence/${row.id}/file`).expect(200);
        expect(file.headers['content-type']).toBe('application/pdf');
        expect(file.headers['content-security-policy']).toContain("default-src 'none'");
        const show = await coordinator.get(`/evidence/${row.id}`).set('Accept', 'text/html').expect(200);
        await coordinator.post(`/evidence/${row.id}/approve`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(show.text) }).expect(303).expect('Location', '/evidence?done=approved');

        const [recorded] = await sql<{ source: string; evidence: string; completed_on: string }>(t.dataSource, "SELECT c.source, c.evidence, c.completed_on FROM completions c JOIN levels l ON l.id = c.level_id WHERE c.staff_id = $1 AND l.code = 'L1'", [ids.ann]);
        expect(recorded.source).toBe('evidence');
        expect(recorded.evidence).toContain('e-learning.pdf');
        const compliance = (await admin.get(`/api/staff/${ids.ann}/compliance`).expect(200)).body.levels.find((l: { level: string }) => l.level === 'L1');
        expect(compliance.status).toBe('compliant');
        const after = (await admin.get('/api/reports/gap-analysis?organisation=CTY-T').expect(200)).body.levels.find((l: { level: string }) => l.level === 'L1');
        expect(after.met).toBe(before.met + 1);
        expect(after.missing).toBe(before.missing - 1);
        const overdue = (await admin.get('/api/reports/gap-analysis/people?organisation=CTY-T&level=L1').expect(200)).text;
        expect(overdue).not.toContain('Annerson');
        // Deciding twice is refused.
        await coordinator.post(`/evidence/${row.id}/approve`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(show.text) }).expect(409);
        const mine = await ann.get('/my-training').set('Accept', 'text/html').expect(200);
        expect(mainText(mine.text)).toMatch(/e-learning\.pdf .*Accepted/);
      });

      it('is rejected with a reason, which is queued to the person', async () => {
        await upload(ann, PNG, 'photo.png', { levelCode: 'L2' }).then((r) => expect(r.status).toBe(303));
        const [row] = await sql<{ id: number }>(t.dataSource, 'SELECT id FROM evidence_submissions WHERE staff_id = $1 ORDER BY id DESC', [ids.ann]);
        const coordinator = await t.as('coordinator', 'CTY');
        const show = await coordinator.get(`/evidence/${row.id}`).set('Accept', 'text/html').expect(200);
        const empty = await coordinator.post(`/evidence/${row.id}/reject`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(show.text), reason: ' ' }).expect(422);
        expect(empty.text).toContain('Enter why the certificate is not accepted');
        await coordinator
          .post(`/evidence/${row.id}/reject`)
          .set('Accept', 'text/html')
          .type('form')
          .send({ _csrf: csrfOf(show.text), reason: 'The certificate is for a different course' })
          .expect(303)
          .expect('Location', '/evidence?done=rejected');
        const [message] = (await outbox('Ann@Example.org')).filter((m) => m.kind === 'evidence-rejected');
        expect(message.subject).toBe('Your L2 certificate was not accepted');
        expect(message.body).toContain('The certificate is for a different course');
        expect(message.body).toContain('Dear Ann Annerson');
        expect(await sql(t.dataSource, "SELECT id FROM completions c WHERE c.staff_id = $1 AND c.source = 'evidence'", [ids.ann]).then((r) => r.length)).toBe(1);
      });

      it('is refused when the same training is already recorded, and stays waiting', async () => {
        await upload(ann, PDF, 'again.pdf').then((r) => expect(r.status).toBe(303));
        const [row] = await sql<{ id: number }>(t.dataSource, 'SELECT id FROM evidence_submissions WHERE staff_id = $1 ORDER BY id DESC', [ids.ann]);
        const coordinator = await t.as('coordinator', 'CTY');
        const show = await coordinator.get(`/evidence/${row.id}`).set('Accept', 'text/html').expect(200);
        const refused = await coordinator.post(`/evidence/${row.id}/approve`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(show.text) }).expect(409);
        expect(mainText(refused.text)).toContain('Ann Annerson (ANN) already has a L1 completion on 3 March');
        expect(await sql(t.dataSource, 'SELECT status, decided_by FROM evidence_submissions WHERE id = $1', [row.id])).toEqual([{ status: 'pending', decided_by: null }]);
      });

      it("does not show anyone else's certificate to the person", async () => {
        const bob = await signedIn('bob@example.org');
        await upload(bob, PDF, 'bob.pdf').then((r) => expect(r.status).toBe(303));
        const [row] = await sql<{ id: number }>(t.dataSource, 'SELECT id FROM evidence_submissions WHERE staff_id = $1', [ids.bob]);
        await ann.get(`/my-training/evidence/${row.id}/file`).expect(404);
        await bob.get(`/my-training/evidence/${row.id}/file`).expect(200);
      });
    });
  });
  describe('where a manager approves bookings first', () => {
    it('turns the setting on for an organisation, asks the manager, and books the person once approved or tells them when declined', async () => {
      const admin = await t.as('admin', 'CTY');
      const settings = await admin.get('/booking-requests/settings').set('Accept', 'text/html').expect(200);
      expect(mainText(settings.text)).toContain('It is off everywhere');
      const outside = await admin.post('/booking-requests/settings').set('Accept', 'text/html').type('form').send({ organisationCode: 'OTH', approval: 'on' });
      expect(outside.status).toBe(422);
      await admin.post('/booking-requests/settings').set('Accept', 'text/html').type('form').send({ organisationCode: 'CTY-T', approval: 'on' }).expect(303);

      await person(t.http(), { employeeRef: 'MGR', organisationCode: 'CTY', firstName: 'Maya', lastName: 'Manager', email: 'maya@example.org', roleCodes: ['ALL'] });
      // A person of their own: the others have used up their links for this quarter hour.
      const cleo = await person(t.http(), { employeeRef: 'CLEO', organisationCode: 'CTY-T', firstName: 'Cleo', lastName: 'Clark', email: 'cleo@example.org', roleCodes: ['ALL', 'FRONT'], managerEmployeeRef: 'MGR' });
      const manager = await t.as('manager', 'CTY', 'MGR');
      const sessionOf = async (title: string, days: number) =>
        (await t.http().post('/api/sessions').send({ levelCode: 'L2', title, startsAt: `${addDays(today, days)}T09:30`, endsAt: `${addDays(today, days)}T12:30`, venue: 'Room 2', hostOrganisationCode: 'CTY', capacity: 5, trainerEmployeeRefs: ['TESS'] }).expect(201)).body.id as number;
      const first = await sessionOf('County WRAP two', 30);
      const second = await sessionOf('County WRAP three', 40);

      const bob = await signedIn('cleo@example.org');
      const page = await bob.get('/my-training').set('Accept', 'text/html').expect(200);
      expect(mainText(page.text)).toContain('a manager approves places first');
      await bob.post(`/my-training/sessions/${first}/book`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(page.text) }).expect(303).expect('Location', '/my-training?done=requested');
      expect(await sql(t.dataSource, 'SELECT id FROM bookings WHERE session_id = $1', [first])).toEqual([]);
      expect(mainText((await bob.get('/my-training').set('Accept', 'text/html').expect(200)).text)).toMatch(/Waiting for your manager to approve County WRAP two/);
      const [asked] = await outbox('maya@example.org');
      expect(asked.kind).toBe('booking-request');
      expect(asked.body).toContain('Cleo Clark asks for a place on “County WRAP two”');

      // Someone outside cannot see or decide it.
      const outsider = await t.as('coordinator', 'OTH');
      expect(mainText((await outsider.get('/booking-requests').set('Accept', 'text/html').expect(200)).text)).not.toContain('Cleo');
      const [request1] = await sql<{ id: number }>(t.dataSource, 'SELECT id FROM booking_requests WHERE session_id = $1', [first]);
      await outsider.post(`/booking-requests/${request1.id}/approve`).set('Accept', 'text/html').type('form').send({}).expect(404);

      const queue = await manager.get('/booking-requests').set('Accept', 'text/html').expect(200);
      expect(mainText(queue.text)).toContain('Cleo Clark (CLEO)');
      await manager.post(`/booking-requests/${request1.id}/approve`).set('Accept', 'text/html').type('form').send({}).expect(303).expect('Location', '/booking-requests?done=approved');
      expect(await sql(t.dataSource, 'SELECT staff_id, status FROM bookings WHERE session_id = $1', [first])).toEqual([{ staff_id: cleo.id, status: 'booked' }]);
      await manager.post(`/booking-requests/${request1.id}/approve`).set('Accept', 'text/html').type('form').send({}).expect(409);

      await bob.post(`/my-training/sessions/${second}/book`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(page.text) }).expect(303);
      const [request2] = await sql<{ id: number }>(t.dataSource, 'SELECT id FROM booking_requests WHERE session_id = $1', [second]);
      await manager.post(`/booking-requests/${request2.id}/decline`).set('Accept', 'text/html').type('form').send({ reason: 'Please come to the one in January instead' }).expect(303);
      const [declined] = (await outbox('cleo@example.org')).filter((m) => m.kind === 'booking-request-declined');
      expect(declined.body).toContain('Please come to the one in January instead');
      expect(await sql(t.dataSource, 'SELECT id FROM bookings WHERE session_id = $1', [second])).toEqual([]);
    });
  });
});
