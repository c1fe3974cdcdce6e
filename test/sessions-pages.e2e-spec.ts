import request from 'supertest';
import { addDays, todayIso } from '../src/common/dates';
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, role, requirement } from './support/builders';

/** The hidden CSRF field of the first form on a page. */
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describeEachDatabase('training sessions: pages and access', (kind) => {
  let t: TestApp;
  let http: Client;
  const today = todayIso();
  const nextWeek = addDays(today, 7);
  const ids: Record<string, number> = {};

  const api = (over: Record<string, unknown> = {}) => ({
    levelCode: 'L2',
    title: 'WRAP for schools',
    startsAt: `${today}T13:00`,
    endsAt: `${today}T16:00`,
    venue: 'Nuneaton Library',
    hostOrganisationCode: 'WCC-CYP',
    capacity: 2,
    trainerEmployeeRefs: ['T1'],
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp(kind);
    http = t.http();
    await organisation(http, 'WCC', null, { isEmployer: true, name: 'Warwickshire County Council' });
    await organisation(http, 'WCC-CYP', 'WCC', { name: 'Children and Young People' });
    await organisation(http, 'WCC-ADULT', 'WCC', { name: 'Adult Social Care' });
    await role(http, 'FRONTLINE');
    await requirement(http, 'FRONTLINE', 'L2');
    for (const [ref, org, first, last] of [
      ['T1', 'WCC', 'Tara', 'Trainer'],
      ['T3', 'WCC', 'Theo', 'Other'],
      ['M1', 'WCC-CYP', 'Mo', 'Manager'],
      ['B1', 'WCC-CYP', 'Bea', 'Booked'],
      ['B2', 'WCC-CYP', 'Bo', 'Second'],
      ['B3', 'WCC-CYP', 'Bill', 'Third'],
      ['C1', 'WCC-ADULT', 'Cai', 'Adult'],
    ]) {
      ids[ref] = (await person(http, { employeeRef: ref, organisationCode: org, firstName: first, lastName: last, roleCodes: ['FRONTLINE'] })).id;
    }
    await completion(http, 'T1', 'L3', addDays(today, -400));
    await completion(http, 'T3', 'L3', addDays(today, -400));
    ids.today = (await http.post('/api/sessions').send(api()).expect(201)).body.id;
    ids.otherTrainer = (await http.post('/api/sessions').send(api({ title: 'Theo’s session', trainerEmployeeRefs: ['T3'], startsAt: `${nextWeek}T09:00`, endsAt: `${nextWeek}T12:00` })).expect(201)).body.id;
    ids.adults = (await http.post('/api/sessions').send(api({ title: 'Adults WRAP', hostOrganisationCode: 'WCC-ADULT', startsAt: `${nextWeek}T13:00`, endsAt: `${nextWeek}T16:00` })).expect(201)).body.id;
  });

  afterAll(() => t.close());

  const page = (url: string) => http.get(url).set('Accept', 'text/html');
  const form = (url: string, fields: Record<string, string>) => http.post(url).set('Accept', 'text/html').type('form').send(fields);

  describe('pages', () => {
    it('lists upcoming and past sessions, and shows a month as a calendar', async () => {
      const upcoming = await page('/sessions').expect(200);
      expect(upcoming.text).toContain('Theo’s session');
      // Today's session is upcoming or past depending on the time of day; every session is in "all".
      expect((await page('/sessions?when=all').expect(200)).text).toContain('WRAP for schools');
      const filtered = await page('/sessions?when=upcoming&organisation=WCC-ADULT').expect(200);
      expect(filtered.text).toContain('Adults WRAP');
      expect(filtered.text).not.toContain('Theo’s session');
      const calendar = await page(`/sessions/calendar?month=${nextWeek.slice(0, 7)}`).expect(200);
      expect(calendar.text).toContain('Adults WRAP');
      expect(calendar.text).toContain('<table class="govuk-table app-calendar">');
    });

    it('schedules a session through the form, showing errors first', async () => {
      const bad = await form('/sessions/new', { levelCode: 'L2', title: '', date: '', startTime: '09:00', endTime: '12:00', hostOrganisationCode: 'WCC', capacity: 'ten' }).expect(422);
      expect(bad.text).toContain('There is a problem');
      expect(bad.text).toContain('Enter a title');
      expect(bad.text).toContain('Enter the date of the session');
      expect(bad.text).toContain('Enter the number of places, from 1 to 500');
      const untrained = await form('/sessions/new', {
        levelCode: 'L2', title: 'Evening WRAP', date: nextWeek, startTime: '18:00', endTime: '20:00', hostOrganisationCode: 'WCC', capacity: '12', venue: 'Shire Hall', trainerEmployeeRefs: 'M1',
      }).expect(422);
      expect(untrained.text).toContain('Mo Manager (M1) does not hold a valid L3');
      const ok = await form('/sessions/new', {
        levelCode: 'L2', title: 'Evening WRAP', date: nextWeek, startTime: '18:00', endTime: '20:00', hostOrganisationCode: 'WCC', capacity: '12', venue: 'Shire Hall', trainerEmployeeRefs: 'T1',
      }).expect(303);
      expect(ok.headers.location).toMatch(/^\/sessions\/\d+\?done=created$/);
      const shown = await page(ok.headers.location).expect(200);
      expect(shown.text).toContain('Session scheduled');
      expect(shown.text).toContain('Evening WRAP');
      const id = ok.headers.location.split(/[/?]/)[2];
      const edited = await form(`/sessions/${id}/edit`, {
        levelCode: 'L2', title: 'Evening WRAP (moved)', date: nextWeek, startTime: '18:30', endTime: '20:30', hostOrganisationCode: 'WCC', capacity: '12', venue: 'Shire Hall', trainerEmployeeRefs: 'T1',
      }).expect(303);
      expect(edited.headers.location).toBe(`/sessions/${id}?done=updated`);
      expect((await http.get(`/api/sessions/${id}`).expect(200)).body).toMatchObject({ title: 'Evening WRAP (moved)', startsAt: `${nextWeek}T18:30` });
    });

    it('books people, fills the waiting list and cancels a booking from the session page', async () => {
      const booked = await form(`/sessions/${ids.today}/bookings`, { mode: 'people', employeeRefs: 'B1, B2\nB3' }).expect(303);
      expect(booked.headers.location).toBe(`/sessions/${ids.today}?booked=2&waiting=1&already=0`);
      const shown = await page(booked.headers.location).expect(200);
      expect(shown.text).toContain('2 people booked, 1 on the waiting list');
      expect(shown.text).toContain('Waiting list (1)');
      const missing = await form(`/sessions/${ids.today}/bookings`, { mode: 'people', employeeRefs: 'NOPE1' }).expect(422);
      expect(missing.text).toContain('no person with employee reference NOPE1');
      const empty = await form(`/sessions/${ids.today}/bookings`, { mode: 'overdue', organisationCode: '' }).expect(422);
      expect(empty.text).toContain('Choose the organisation whose overdue people to book');

      const detail = await http.get(`/api/sessions/${ids.today}`).expect(200);
      const b2 = detail.body.bookings.find((b: { employeeRef: string }) => b.employeeRef === 'B2');
      const cancelled = await form(`/sessions/${ids.today}/bookings/${b2.id}/cancel`, {}).expect(303);
      expect(cancelled.headers.location).toBe(`/sessions/${ids.today}?done=promoted`);
      expect((await http.get(`/api/sessions/${ids.today}`).expect(200)).body).toMatchObject({ booked: 2, waiting: 0 });
    });

    it('takes the register on the register page, naming anyone left unmarked', async () => {
      const register = await page(`/sessions/${ids.today}/register`).expect(200);
      expect(register.text).toContain('Bea Booked');
      expect(register.text).toContain('Complete the register');
      const { bookings } = (await http.get(`/api/sessions/${ids.today}`).expect(200)).body;
      const id = (ref: string) => bookings.find((b: { employeeRef: string }) => b.employeeRef === ref).id;
      const partial = await form(`/sessions/${ids.today}/register`, { [`attendance-${id('B1')}`]: 'attended' }).expect(422);
      expect(partial.text).toContain('Bill Third (B3)');
      const done = await form(`/sessions/${ids.today}/register`, {
        [`attendance-${id('B1')}`]: 'attended',
        [`attendance-${id('B3')}`]: 'no_show',
        walkIns: 'C1',
      }).expect(303);
      expect(done.headers.location).toBe(`/sessions/${ids.today}?done=register`);
      const shown = await page(done.headers.location).expect(200);
      expect(shown.text).toContain('Attended');
      expect(shown.text).toContain('Walk-in');
      expect(shown.text).toContain('certificate.pdf');
      const again = await page(`/sessions/${ids.today}/register`).expect(200);
      expect(again.text).toContain('Save corrections');
    });

    it('refuses the register page before the day', async () => {
      const early = await page(`/sessions/${ids.adults}/register`).expect(200);
      expect(early.text).toContain('The register opens on the day of the session');
    });

    it('shows the feedback link as a QR code image, and takes feedback on the public form', async () => {
      const feedback = await page(`/sessions/${ids.today}/feedback`).expect(200);
      expect(feedback.text).toContain(`src="/sessions/${ids.today}/feedback-qr.svg"`);
      const link = /href="(http[^"]+\/feedback\/[^"]+)"/.exec(feedback.text)?.[1] as string;
      const qr = await http.get(`/sessions/${ids.today}/feedback-qr.svg`).expect(200);
      expect(qr.headers['content-type']).toContain('image/svg+xml');
      expect(String(qr.body ?? qr.text)).toContain('<svg');

      const visitor = request.agent(t.app.getHttpServer());
      const path = new URL(link).pathname;
      const publicForm = await visitor.get(path).set('Accept', 'text/html').expect(200);
      expect(publicForm.text).toContain('Overall, how would you rate the session?');
      const invalid = await visitor.post(path).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(publicForm.text), comments: 'no rating' }).expect(422);
      expect(invalid.text).toContain('Choose a rating for the session overall');
      await visitor
        .post(path)
        .set('Accept', 'text/html')
        .type('form')
        .send({ _csrf: csrfOf(invalid.text), overallRating: '5', recogniseBefore: '2', recogniseAfter: '5', comments: 'Really useful' })
        .expect(200)
        .expect((res) => expect(res.text).toContain('Thank you for your feedback'));
      const shown = await page(`/sessions/${ids.today}`).expect(200);
      expect(shown.text).toContain('Really useful');
      await visitor.get('/feedback/this-is-not-a-valid-token').set('Accept', 'text/html').expect(404);
    });

    it('cancels a session and lists the people to tell', async () => {
      await http.post(`/api/sessions/${ids.adults}/bookings`).send({ employeeRef: 'C1' }).expect(201);
      const confirm = await page(`/sessions/${ids.adults}/cancel`).expect(200);
      expect(confirm.text).toContain('Cancel this session?');
      const done = await form(`/sessions/${ids.adults}/cancel`, {}).expect(200);
      expect(done.text).toContain('People to tell');
      expect(done.text).toContain('Cai Adult');
    });
  });

  describe('access', () => {
    it('shows a trainer only the sessions they train; another trainer’s answers 404', async () => {
      const trainer = await t.as('trainer', 'WCC', 'T1');
      const list = await trainer.get('/api/sessions?when=all').expect(200);
      expect(list.body.items.map((s: { title: string }) => s.title)).not.toContain('Theo’s session');
      await trainer.get(`/api/sessions/${ids.otherTrainer}`).expect(404);
      await trainer.put(`/api/sessions/${ids.otherTrainer}/register`).send({ attended: [], noShow: [] }).expect(404);
      await trainer.get(`/api/sessions/${ids.today}/register`).expect(200);
    });

    it('lets a trainer schedule only sessions they train, and book people in their organisation', async () => {
      const trainer = await t.as('trainer', 'WCC', 'T1');
      const notMine = await trainer.post('/api/sessions').send(api({ trainerEmployeeRefs: ['T3'], startsAt: `${nextWeek}T09:00`, endsAt: `${nextWeek}T10:00` })).expect(422);
      expect(notMine.body.message).toContain('only schedule sessions you train');
      const mine = await trainer.post('/api/sessions').send(api({ startsAt: `${nextWeek}T09:00`, endsAt: `${nextWeek}T10:00` })).expect(201);
      await trainer.post(`/api/sessions/${mine.body.id}/bookings`).send({ employeeRef: 'B2' }).expect(201);
    });

    it('lets a manager see and book onto sessions in their organisation, but not change them or take registers', async () => {
      const manager = await t.as('manager', 'WCC-CYP', 'M1');
      const list = await manager.get('/api/sessions?when=all').expect(200);
      const titles = list.body.items.map((s: { title: string }) => s.title);
      expect(titles).toContain('WRAP for schools');
      expect(titles).not.toContain('Adults WRAP');
      await manager.get(`/api/sessions/${ids.adults}`).expect(404);
      const session = (await http.post('/api/sessions').send(api({ title: 'Manager books', startsAt: `${nextWeek}T10:00`, endsAt: `${nextWeek}T12:00` })).expect(201)).body;
      await manager.post(`/api/sessions/${session.id}/bookings`).send({ employeeRef: 'B1' }).expect(201);
      await manager.post(`/api/sessions/${session.id}/bookings`).send({ employeeRef: 'C1' }).expect(422); // not one of theirs
      await manager.put(`/api/sessions/${ids.today}/register`).send({ attended: [], noShow: [] }).expect(403);
      await manager.post('/api/sessions').send(api()).expect(403);
      await manager.post(`/api/sessions/${session.id}/cancel`).expect(403);
    });

    it('gives viewers no session pages or people', async () => {
      const viewer = await t.as('viewer', 'WCC');
      await viewer.get('/api/sessions').expect(403);
      await viewer.get(`/api/sessions/${ids.today}`).expect(403);
      await viewer.get('/sessions').set('Accept', 'text/html').expect(403);
    });

    it('asks people who are not signed in to sign in, except for the feedback form', async () => {
      await t.anonymous().get('/api/sessions').expect(401);
      const page = await t.anonymous().get('/sessions').set('Accept', 'text/html');
      expect([302, 303]).toContain(page.status);
    });
  });
});
