import request from 'supertest';
import type { Response } from 'superagent';
import { addDays, formatUkDate as ukDate, todayIso } from '../src/common/dates';
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, role, requirement } from './support/builders';

/** supertest does not buffer binary bodies it does not know; this keeps a PDF as bytes. */
function binary(res: Response, done: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

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

    it('asks for the date in three boxes and times as typed, with no date or time pickers', async () => {
      const blank = await page('/sessions/new').expect(200);
      expect(blank.text).not.toMatch(/type="(date|time)"/);
      expect(blank.text).toContain('name="date-day"');
      expect(blank.text).toContain('For example, 9:30am or 14:00');
      const [y, m, d] = nextWeek.split('-');
      const ok = await form('/sessions/new', {
        levelCode: 'L2', title: 'Afternoon WRAP', 'date-day': String(Number(d)), 'date-month': String(Number(m)), 'date-year': y,
        startTime: '1.30pm', endTime: '16:00', hostOrganisationCode: 'WCC', capacity: '12', venue: 'Shire Hall', trainers: 'T1',
      }).expect(303);
      const id = ok.headers.location.split(/[/?]/)[2];
      expect((await http.get(`/api/sessions/${id}`).expect(200)).body).toMatchObject({ startsAt: `${nextWeek}T13:30`, endsAt: `${nextWeek}T16:00` });
      await http.post(`/api/sessions/${id}/cancel`).expect(200);
    });

    it('schedules a session through the form, showing every error of the form at once, in plain English', async () => {
      const bad = await form('/sessions/new', {
        levelCode: 'L2', title: '', 'date-day': '31', 'date-month': '2', 'date-year': '2027', startTime: '2pm', endTime: '1pm', hostOrganisationCode: 'WCC', capacity: 'ten',
      }).expect(422);
      expect(bad.text).toContain('There is a problem');
      expect(bad.text).toContain('<title>Error: ');
      expect(bad.text).toContain('Enter a title');
      expect(bad.text).toContain('<a href="#date-day">The date of the session must be a real date');
      expect(bad.text).toContain('<a href="#endTime">The end time must be after the start time</a>');
      expect(bad.text).toContain('<a href="#venue">Enter a venue or an online link (or both)</a>');
      expect(bad.text).toContain('Enter the number of places, from 1 to 500');
      expect(bad.text).not.toMatch(/endsAt|startsAt/);
      expect(bad.text).toContain('name="date-day" type="text" inputmode="numeric" value="31"');
      const unreadable = await form('/sessions/new', { levelCode: 'L2', title: 'WRAP', startTime: 'half nine', endTime: '', hostOrganisationCode: 'WCC', capacity: '5', venue: 'Hall' }).expect(422);
      expect(unreadable.text).toContain('Enter the date of the session');
      expect(unreadable.text).toContain('Enter the start time like 9:30am or 14:00');
      expect(unreadable.text).toContain('Enter the end time');
      const untrained = await form('/sessions/new', {
        levelCode: 'L2', title: 'Evening WRAP', date: nextWeek, startTime: '18:00', endTime: '20:00', hostOrganisationCode: 'WCC', capacity: '12', venue: 'Shire Hall', trainers: 'Mo Manager',
      }).expect(422);
      expect(untrained.text).toContain('Mo Manager (M1) does not hold a valid L3');
      const ok = await form('/sessions/new', {
        levelCode: 'L2', title: 'Evening WRAP', date: nextWeek, startTime: '18:00', endTime: '20:00', hostOrganisationCode: 'WCC', capacity: '12', venue: 'Shire Hall', trainers: 'Tara Trainer (T1)',
      }).expect(303);
      expect(ok.headers.location).toMatch(/^\/sessions\/\d+\?done=created$/);
      const shown = await page(ok.headers.location).expect(200);
      expect(shown.text).toContain('Session scheduled');
      expect(shown.text).toContain('Evening WRAP');
      const id = ok.headers.location.split(/[/?]/)[2];
      const edited = await form(`/sessions/${id}/edit`, {
        levelCode: 'L2', title: 'Evening WRAP (moved)', date: nextWeek, startTime: '18:30', endTime: '20:30', hostOrganisationCode: 'WCC', capacity: '12', venue: 'Shire Hall', trainers: 'tara trainer',
      }).expect(303);
      expect(edited.headers.location).toBe(`/sessions/${id}?done=updated`);
      expect((await http.get(`/api/sessions/${id}`).expect(200)).body).toMatchObject({ title: 'Evening WRAP (moved)', startsAt: `${nextWeek}T18:30` });
    });

    it('books people, fills the waiting list and cancels a booking from the session page after asking', async () => {
      // One person in each box, as the person picker posts them: a name, a reference, "Name (REF)".
      const booked = await http.post(`/sessions/${ids.today}/bookings`).set('Accept', 'text/html').type('form').send('mode=people&people=Bea+Booked&people=B2&people=Bill+Third+(B3)&people=').expect(303);
      expect(booked.headers.location).toBe(`/sessions/${ids.today}?booked=2&waiting=1`);
      const shown = await page(booked.headers.location).expect(200);
      expect(shown.text).toContain('2 people booked, 1 on the waiting list');
      expect(shown.text).toContain('Waiting list (1)');
      const missing = await form(`/sessions/${ids.today}/bookings`, { mode: 'people', people: 'NOPE1' }).expect(422);
      expect(missing.text).toContain('<a href="#people-1">No one with employee reference NOPE1 in your organisations</a>');

      const detail = await http.get(`/api/sessions/${ids.today}`).expect(200);
      const b2 = detail.body.bookings.find((b: { employeeRef: string }) => b.employeeRef === 'B2');
      // The page links to a confirmation; nothing is cancelled until it is answered.
      expect(shown.text).toContain(`href="/sessions/${ids.today}/bookings/${b2.id}/cancel"`);
      const ask = await page(`/sessions/${ids.today}/bookings/${b2.id}/cancel`).expect(200);
      expect(ask.text).toContain('Cancel Bo Second’s booking?');
      expect(ask.text).toContain('Their place goes to the first person on the waiting list.');
      expect(ask.text).toContain('Keep the booking');
      expect((await http.get(`/api/sessions/${ids.today}`).expect(200)).body).toMatchObject({ booked: 2, waiting: 1 });
      const cancelled = await form(`/sessions/${ids.today}/bookings/${b2.id}/cancel`, {}).expect(303);
      expect(cancelled.headers.location).toBe(`/sessions/${ids.today}?done=promoted`);
      expect((await http.get(`/api/sessions/${ids.today}`).expect(200)).body).toMatchObject({ booked: 2, waiting: 0 });
    });

    it('says who is already booked instead of "0 people booked"', async () => {
      const again = await form(`/sessions/${ids.today}/bookings`, { mode: 'people', people: 'B1' }).expect(409);
      expect(again.text).toContain('Bea Booked is already booked on this session');
      expect(again.text).toContain('href="#people-1"');
      expect(again.text).not.toContain('0 people booked');
      const both = await http.post(`/sessions/${ids.today}/bookings`).set('Accept', 'text/html').type('form').send('mode=people&people=B1&people=B3').expect(409);
      expect(both.text).toContain('Bea Booked and Bill Third are already booked on this session');
    });

    it('shows who "book everyone overdue" would book and who would wait, and books only when confirmed', async () => {
      const empty = await page(`/sessions/${ids.otherTrainer}/book-overdue?organisationCode=`).expect(422);
      expect(empty.text).toContain('Choose the organisation whose overdue people to book');
      expect(empty.text).toContain('href="#organisationCode"');

      // In Children and Young People nobody holds L2: Mo, Bea, Bo and Bill; the session has 2 places.
      const preview = await page(`/sessions/${ids.otherTrainer}/book-overdue?organisationCode=WCC-CYP`).expect(200);
      expect(preview.text).toContain('Check who will be booked');
      expect(preview.text).toContain('2 people will get a place');
      expect(preview.text).toContain('2 people will join the waiting list');
      const willBook = /<ul class="govuk-list govuk-list--bullet" id="will-book">([\s\S]*?)<\/ul>/.exec(preview.text)?.[1] ?? '';
      const willWait = /<ol class="govuk-list govuk-list--number" id="will-wait">([\s\S]*?)<\/ol>/.exec(preview.text)?.[1] ?? '';
      expect(willBook).toContain('Bea Booked');
      expect(willBook).toContain('Mo Manager');
      expect(willWait).toContain('Bo Second');
      expect(willWait).toContain('Bill Third');
      expect((await http.get(`/api/sessions/${ids.otherTrainer}`).expect(200)).body).toMatchObject({ booked: 0, waiting: 0 });

      const confirmed = await form(`/sessions/${ids.otherTrainer}/bookings`, { mode: 'overdue', organisationCode: 'WCC-CYP' }).expect(303);
      expect(confirmed.headers.location).toBe(`/sessions/${ids.otherTrainer}?booked=2&waiting=2`);
      expect((await http.get(`/api/sessions/${ids.otherTrainer}`).expect(200)).body).toMatchObject({ booked: 2, waiting: 2 });
      const afterwards = await page(`/sessions/${ids.otherTrainer}/book-overdue?organisationCode=WCC-CYP`).expect(200);
      expect(afterwards.text).toContain('Nobody to book');
      expect(afterwards.text).toContain('Already on this session');
    });

    it('marks everyone attended on the register, to be changed one by one before saving', async () => {
      const register = await page(`/sessions/${ids.today}/register`).expect(200);
      expect(register.text).toContain(`href="/sessions/${ids.today}/register?mark=attended"`);
      expect(register.text).not.toMatch(/value="attended" checked/);
      const { bookings } = (await http.get(`/api/sessions/${ids.today}`).expect(200)).body;
      const booked = bookings.filter((b: { status: string }) => b.status === 'booked');
      const marked = await page(`/sessions/${ids.today}/register?mark=attended`).expect(200);
      expect(marked.text).toContain('Everyone booked is marked as attended');
      for (const b of booked) expect(marked.text).toContain(`id="attendance-${b.id}" name="attendance-${b.id}" type="radio" value="attended" checked`);
      // Nothing is saved until the register is completed.
      expect((await http.get(`/api/sessions/${ids.today}`).expect(200)).body.status).toBe('scheduled');
    });

    it('takes the register on the register page, naming anyone left unmarked', async () => {
      const register = await page(`/sessions/${ids.today}/register`).expect(200);
      expect(register.text).toContain('Bea Booked');
      expect(register.text).toContain('Complete the register');
      const { bookings } = (await http.get(`/api/sessions/${ids.today}`).expect(200)).body;
      const id = (ref: string) => bookings.find((b: { employeeRef: string }) => b.employeeRef === ref).id;
      const partial = await form(`/sessions/${ids.today}/register`, { [`attendance-${id('B1')}`]: 'attended' }).expect(422);
      expect(partial.text).toContain(`<a href="#attendance-${id('B3')}">Say whether Bill Third (B3) attended</a>`);
      expect(partial.text).toContain(`<p id="attendance-${id('B3')}-error" class="govuk-error-message">`);
      expect(partial.text).not.toContain(`<a href="#attendance-${id('B1')}">`);
      const done = await form(`/sessions/${ids.today}/register`, {
        [`attendance-${id('B1')}`]: 'attended',
        [`attendance-${id('B3')}`]: 'no_show',
        walkIns: 'Cai Adult',
      }).expect(303);
      expect(done.headers.location).toBe(`/sessions/${ids.today}?done=register`);
      const shown = await page(done.headers.location).expect(200);
      expect(shown.text).toContain('Attended');
      expect(shown.text).toContain('Walk-in');
      expect(shown.text).toContain('certificate.pdf');
      const again = await page(`/sessions/${ids.today}/register`).expect(200);
      expect(again.text).toContain('Save corrections');
    });

    it('downloads every attendee’s certificate as one tagged PDF', async () => {
      const shown = await page(`/sessions/${ids.today}`).expect(200);
      expect(shown.text).toContain(`href="/sessions/${ids.today}/certificates.pdf"`);
      expect(shown.text).toContain('Download all 2 certificates (one PDF)');
      const res = await http.get(`/sessions/${ids.today}/certificates.pdf`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toContain('application/pdf');
      expect(res.headers['content-disposition']).toContain('certificates-L2-wrap-for-schools-');
      const pdf = (res.body as Buffer).toString('latin1');
      expect(pdf.startsWith('%PDF-')).toBe(true);
      expect(pdf).toContain('/StructTreeRoot');
      expect(pdf).toMatch(/\/Lang \(en-GB\)/);
      expect(pdf).toContain('/DisplayDocTitle true');
      expect(pdf).toMatch(/\/Title \d+ 0 R/);
      expect(pdf).toContain('(Certificates of completion: WRAP for schools');
      expect(pdf).toMatch(/\/Type \/Pages[\s\S]*?\/Count 2/); // Bea, and Cai the walk-in: a page each
      // A single certificate is tagged the same way.
      const one = await http.get(`/api/sessions/${ids.today}/bookings`).expect(200);
      const bea = one.body.find((b: { employeeRef: string }) => b.employeeRef === 'B1');
      const single = await http.get(`/sessions/${ids.today}/bookings/${bea.id}/certificate.pdf`).buffer(true).parse(binary).expect(200);
      expect((single.body as Buffer).toString('latin1')).toContain('/StructTreeRoot');
      await http.get(`/sessions/${ids.adults}/certificates.pdf`).expect(404); // not delivered
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
      expect(invalid.text).toContain('<a href="#overallRating">Choose a rating for the session overall, from 1 to 5</a>');
      const stranger = await visitor
        .post(path)
        .set('Accept', 'text/html')
        .type('form')
        .send({ _csrf: csrfOf(invalid.text), comments: 'x'.repeat(4001), employeeRef: 'NOBODY' })
        .expect(422);
      // Every problem at once, each at its box, in plain words.
      expect(stranger.text).toContain('<a href="#comments">Comments must be 4000 characters or fewer</a>');
      expect(stranger.text).toContain('id="comments-error"');
      expect(stranger.text).toContain('<a href="#overallRating">Choose a rating');
      const unknown = await visitor.post(path).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(stranger.text), overallRating: '4', employeeRef: 'NOBODY' }).expect(422);
      expect(unknown.text).toContain('<a href="#employeeRef">Nobody booked on this session has the reference NOBODY; leave it blank to give feedback anonymously</a>');
      expect(unknown.text).not.toContain('employeeRef:');
      expect(unknown.text).toContain('value="NOBODY"');
      await visitor
        .post(path)
        .set('Accept', 'text/html')
        .type('form')
        .send({ _csrf: csrfOf(unknown.text), overallRating: '5', recogniseBefore: '2', recogniseAfter: '5', comments: 'Really useful' })
        .expect(200)
        .expect((res) => expect(res.text).toContain('Thank you for your feedback'));
      const shown = await page(`/sessions/${ids.today}`).expect(200);
      expect(shown.text).toContain('Really useful');
      await visitor.get('/feedback/this-is-not-a-valid-token').set('Accept', 'text/html').expect(404);
    });

    it('cancels a session and lists the people to tell: those with no email address (nobody here has one)', async () => {
      await http.post(`/api/sessions/${ids.adults}/bookings`).send({ employeeRef: 'C1' }).expect(201);
      const confirm = await page(`/sessions/${ids.adults}/cancel`).expect(200);
      expect(confirm.text).toContain('Cancel this session?');
      const done = await form(`/sessions/${ids.adults}/cancel`, {}).expect(200);
      expect(done.text).toContain('2 people have no email address: tell them');
      expect(done.text).toContain('Cai Adult');
      expect(done.text).not.toContain('We have emailed');
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

    it('shows a manager the sessions open to their people, read-only, and books one of them from My team', async () => {
      // Dee reports to Mo; the county (above Mo's organisation) runs a WRAP that Mo may book onto but not run.
      ids.D1 = (await person(http, { employeeRef: 'D1', organisationCode: 'WCC-CYP', firstName: 'Dee', lastName: 'Report', roleCodes: ['FRONTLINE'], managerEmployeeRef: 'M1' })).id;
      const county = (await http.post('/api/sessions').send(api({ title: 'County WRAP', hostOrganisationCode: 'WCC', startsAt: `${nextWeek}T14:00`, endsAt: `${nextWeek}T16:00`, capacity: 5 })).expect(201)).body;
      const manager = await t.as('manager', 'WCC-CYP', 'M1');
      const asManager = (url: string) => manager.get(url).set('Accept', 'text/html');

      expect((await asManager('/sessions').expect(200)).text).toContain('County WRAP');
      expect((await asManager(`/sessions/calendar?month=${nextWeek.slice(0, 7)}`).expect(200)).text).toContain('County WRAP');
      const shown = await asManager(`/sessions/${county.id}`).expect(200);
      expect(shown.text).toContain('County WRAP');
      expect(shown.text).not.toContain('Change details');
      expect(shown.text).not.toContain('Take the register');
      expect(shown.text).toContain('Book people');
      await manager.get(`/sessions/${county.id}/edit`).set('Accept', 'text/html').expect(403);
      await manager.get(`/sessions/${county.id}/register`).set('Accept', 'text/html').expect(403);

      // My team offers "Book onto a session" for the level Dee lacks; the page lists the county's session with its places.
      const team = await asManager('/my-team').expect(200);
      expect(team.text).toContain('Dee Report');
      expect(team.text).toContain(`href="/sessions/book/${ids.D1}?level=L2"`);
      expect(team.text).toContain('Where the Prevent e-learning is done');
      expect(team.text).toContain('support-people-vulnerable-to-radicalisation.service.gov.uk');
      const elearning = await asManager(`/sessions/book/${ids.D1}?level=L1`).expect(200);
      expect(elearning.text).toContain('L1 is e-learning, done online at');
      expect(elearning.text).toContain('send it to your Prevent coordinator');
      expect(elearning.text).not.toContain('name="sessionId"');
      const offer = await asManager(`/sessions/book/${ids.D1}?level=L2`).expect(200);
      expect(offer.text).toContain('Book onto a L2 session');
      expect(offer.text).toContain('County WRAP');
      expect(offer.text).toContain('5 places left');
      expect(offer.text).not.toContain('Adults WRAP'); // hosted beside Mo's organisation, not above it
      const csrf = csrfOf(offer.text);
      const done = await manager.post(`/sessions/book/${ids.D1}?level=L2`).set('Accept', 'text/html').type('form').send({ _csrf: csrf, sessionId: String(county.id) }).expect(303);
      expect(done.headers.location).toBe(`/sessions/${county.id}?booked=1&waiting=0`);
      const again = await manager.post(`/sessions/book/${ids.D1}?level=L2`).set('Accept', 'text/html').type('form').send({ _csrf: csrf, sessionId: String(county.id) }).expect(409);
      expect(again.text).toContain('Dee Report is already booked on this session');
      const none = await manager.post(`/sessions/book/${ids.D1}?level=L2`).set('Accept', 'text/html').type('form').send({ _csrf: csrf }).expect(422);
      expect(none.text).toContain('<a href="#sessionId">Choose a session</a>');

      // My team says who is booked and on what; the offer to book is gone.
      const after = await asManager('/my-team').expect(200);
      expect(after.text).toContain(`<a class="govuk-link" href="/sessions/${county.id}">County WRAP</a> (L2), ${ukDate(nextWeek)}`);
      expect(after.text).not.toContain(`href="/sessions/book/${ids.D1}?level=L2"`);
      // The person's record lists the booking.
      const record = await asManager(`/staff/${ids.D1}`).expect(200);
      expect(record.text).toContain('<h2 class="govuk-heading-m" id="bookings">Bookings</h2>');
      expect(record.text).toContain('County WRAP');
      expect(record.text).toContain('govuk-tag--blue">Booked');

      // Someone outside Mo's people cannot be offered; another manager's person answers 404.
      await manager.get(`/sessions/book/${ids.C1}?level=L2`).set('Accept', 'text/html').expect(404);
    });

    it('does not answer 404 to a manager for a session one of their people is booked on, wherever it is hosted', async () => {
      const elsewhere = (await http.post('/api/sessions').send(api({ title: 'Adults WRAP again', hostOrganisationCode: 'WCC-ADULT', startsAt: `${nextWeek}T09:00`, endsAt: `${nextWeek}T11:00` })).expect(201)).body;
      const manager = await t.as('manager', 'WCC-CYP', 'M1');
      await manager.get(`/sessions/${elsewhere.id}`).set('Accept', 'text/html').expect(404);
      await http.post(`/api/sessions/${elsewhere.id}/bookings`).send({ employeeRef: 'D1' }).expect(201);
      const shown = await manager.get(`/sessions/${elsewhere.id}`).set('Accept', 'text/html').expect(200);
      expect(shown.text).toContain('Dee Report');
      expect(shown.text).not.toContain('Book people'); // open to see, not to book onto: it is hosted beside Mo's organisation
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
