import type { Response } from 'superagent';
import { addDays, todayIso } from '../src/common/dates';
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

/** supertest does not buffer binary bodies it does not know; this keeps a PDF as bytes. */
function binary(res: Response, done: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

describeEachDatabase('training sessions: the whole life of a session', (kind) => {
  let t: TestApp;
  let http: Client;
  const today = todayIso();
  const inAWeek = addDays(today, 7);
  const ids: Record<string, number> = {};

  const session = (over: Record<string, unknown> = {}) => ({
    levelCode: 'L2',
    title: 'WRAP for frontline staff',
    startsAt: `${today}T09:30`,
    endsAt: `${today}T12:30`,
    venue: 'Shire Hall, Warwick',
    hostOrganisationCode: 'WCC',
    capacity: 3,
    trainerEmployeeRefs: ['T1'],
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp(kind);
    http = t.http();
    await organisation(http, 'PWG', null, { name: 'Warwickshire Prevent Partnership' });
    await organisation(http, 'WCC', 'PWG', { isEmployer: true, name: 'Warwickshire County Council' });
    await organisation(http, 'WCC-CYP', 'WCC', { name: 'Children and Young People' });
    await organisation(http, 'NWBC', 'PWG', { isEmployer: true, name: 'North Warwickshire Borough Council' });
    await role(http, 'FRONTLINE', 'Frontline care and support');
    await requirement(http, 'FRONTLINE', 'L2');
    ids.T1 = (await person(http, { employeeRef: 'T1', organisationCode: 'WCC', firstName: 'Tara', lastName: 'Trainer', email: 'tara@wcc.example' })).id;
    ids.T2 = (await person(http, { employeeRef: 'T2', organisationCode: 'WCC', firstName: 'Tom', lastName: 'Unqualified' })).id;
    await completion(http, 'T1', 'L3', addDays(today, -100));
    await completion(http, 'T2', 'L3', '2019-01-10'); // lapsed long ago (36 months)
    for (let i = 1; i <= 12; i++) {
      const ref = `A${i}`;
      ids[ref] = (await person(http, { employeeRef: ref, organisationCode: 'WCC-CYP', firstName: 'Alex', lastName: `Person${i}`, roleCodes: ['FRONTLINE'] })).id;
    }
    ids.W1 = (await person(http, { employeeRef: 'W1', organisationCode: 'WCC', firstName: 'Wendy', lastName: 'Walkin', roleCodes: ['FRONTLINE'] })).id;
    ids.N1 = (await person(http, { employeeRef: 'A1', organisationCode: 'NWBC', firstName: 'Nia', lastName: 'Namesake' })).id;
  });

  afterAll(() => t.close());

  describe('scheduling', () => {
    it('refuses an L1 session: L1 is e-learning', async () => {
      const res = await http.post('/api/sessions').send(session({ levelCode: 'L1' })).expect(422);
      expect(res.body.message).toContain('L1 is e-learning');
    });

    it('refuses an L2 session whose trainer does not hold a valid L3 on the day, naming the trainer', async () => {
      const res = await http.post('/api/sessions').send(session({ trainerEmployeeRefs: ['T1', 'T2'] })).expect(422);
      expect(res.body.message).toContain('Tom Unqualified (T2)');
      expect(res.body.message).toContain('valid L3');
      expect(res.body.message).not.toContain('Tara');
    });

    it('refuses an external trainer on a WRAP (L2) session, and an L2 session with no trainer', async () => {
      expect((await http.post('/api/sessions').send(session({ externalTrainer: 'Police Prevent team' })).expect(422)).body.message).toContain(
        'externalTrainer',
      );
      expect((await http.post('/api/sessions').send(session({ trainerEmployeeRefs: [] })).expect(422)).body.message).toContain('trainerEmployeeRefs');
    });

    it('lets an L3 course name an external trainer instead', async () => {
      const res = await http
        .post('/api/sessions')
        .send(session({ levelCode: 'L3', title: 'Train the trainer', startsAt: `${inAWeek}T09:00`, endsAt: `${inAWeek}T16:00`, trainerEmployeeRefs: [], externalTrainer: 'West Midlands Police Prevent team' }))
        .expect(201);
      expect(res.body).toMatchObject({ levelCode: 'L3', externalTrainer: 'West Midlands Police Prevent team', trainers: [] });
    });

    it('checks times, places and the host', async () => {
      expect((await http.post('/api/sessions').send(session({ startsAt: `${today}T25:00` })).expect(400)).body.message).toEqual(
        expect.arrayContaining([expect.stringContaining('startsAt must be a real date and time')]),
      );
      expect((await http.post('/api/sessions').send(session({ endsAt: `${today}T09:00` })).expect(422)).body).toMatchObject({ field: 'endsAt', message: 'endsAt: The end time must be after the start time' });
      await http.post('/api/sessions').send(session({ capacity: 0 })).expect(400);
      await http.post('/api/sessions').send(session({ capacity: 501 })).expect(400);
      expect((await http.post('/api/sessions').send(session({ hostOrganisationCode: 'NOPE' })).expect(422)).body.message).toContain('NOPE');
      expect((await http.post('/api/sessions').send(session({ venue: null })).expect(422)).body.message).toContain('venue or an online link');
    });

    it('schedules a WRAP session and shows it in the list', async () => {
      const res = await http.post('/api/sessions').send(session()).expect(201);
      ids.session = res.body.id;
      expect(res.body).toMatchObject({
        levelCode: 'L2',
        status: 'scheduled',
        date: today,
        capacity: 3,
        booked: 0,
        placesLeft: 3,
        hostOrganisationCode: 'WCC',
        trainers: [{ employeeRef: 'T1', name: 'Tara Trainer' }],
      });
      // The session is today, so whether it is still "upcoming" depends on the time of day: list them all.
      const list = await http.get('/api/sessions?when=all&level=L2&organisation=PWG&trainer=T1').expect(200);
      expect(list.body.items.map((s: { id: number }) => s.id)).toContain(ids.session);
      const none = await http.get('/api/sessions?when=upcoming&trainer=T2').expect(200);
      expect(none.body.total).toBe(0);
    });
  });

  describe('bookings', () => {
    it('books a person, and refuses booking them twice (409)', async () => {
      const res = await http.post(`/api/sessions/${ids.session}/bookings`).send({ employeeRef: 'A1', organisationCode: 'WCC' }).expect(201);
      expect(res.body).toMatchObject({ employeeRef: 'A1', personName: 'Alex Person1', status: 'booked', waitingPosition: null });
      ids.bookingA1 = res.body.id;
      const again = await http.post(`/api/sessions/${ids.session}/bookings`).send({ employeeRef: 'A1', organisationCode: 'WCC' }).expect(409);
      expect(again.body.message).toContain('already booked');
    });

    it('asks which person is meant when a reference is used by two employers', async () => {
      const res = await http.post(`/api/sessions/${ids.session}/bookings`).send({ employeeRef: 'A1' }).expect(422);
      expect(res.body.message).toContain('is used in 2 employers: choose the organisation to say which');
    });

    it('books several people past capacity: the rest join the waiting list in order', async () => {
      const res = await http.post(`/api/sessions/${ids.session}/bookings`).send({ employeeRefs: ['A2', 'A3', 'A4', 'A5'], organisationCode: 'WCC-CYP' }).expect(201);
      expect(res.body).toMatchObject({ booked: 2, waiting: 2, alreadyBooked: 0 });
      expect(res.body.results.map((r: { employeeRef: string; outcome: string }) => [r.employeeRef, r.outcome])).toEqual([
        ['A2', 'booked'],
        ['A3', 'booked'],
        ['A4', 'waiting'],
        ['A5', 'waiting'],
      ]);
      const detail = await http.get(`/api/sessions/${ids.session}`).expect(200);
      expect(detail.body).toMatchObject({ booked: 3, waiting: 2, placesLeft: 0 });
      const waiting = detail.body.bookings.filter((b: { status: string }) => b.status === 'waiting');
      expect(waiting.map((b: { employeeRef: string; waitingPosition: number }) => [b.employeeRef, b.waitingPosition])).toEqual([
        ['A4', 1],
        ['A5', 2],
      ]);
      ids.bookingA2 = detail.body.bookings.find((b: { employeeRef: string }) => b.employeeRef === 'A2').id;
    });

    it('reports people already booked when booking several', async () => {
      const res = await http.post(`/api/sessions/${ids.session}/bookings`).send({ employeeRefs: ['A2', 'A6'], organisationCode: 'WCC-CYP' }).expect(201);
      expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['already booked', 'waiting']);
      const dropped = res.body.results[1].booking.id;
      await http.delete(`/api/sessions/${ids.session}/bookings/${dropped}`).expect(200);
    });

    it('refuses unknown references, naming them, and books nobody', async () => {
      const res = await http.post(`/api/sessions/${ids.session}/bookings`).send({ employeeRefs: ['A7', 'ZZ9'], organisationCode: 'WCC-CYP' }).expect(422);
      expect(res.body.message).toContain('ZZ9');
      const detail = await http.get(`/api/sessions/${ids.session}`).expect(200);
      expect(detail.body.bookings.map((b: { employeeRef: string }) => b.employeeRef)).not.toContain('A7');
    });

    it('promotes the first person on the waiting list when a place is freed', async () => {
      const res = await http.delete(`/api/sessions/${ids.session}/bookings/${ids.bookingA2}`).expect(200);
      expect(res.body.cancelled).toMatchObject({ employeeRef: 'A2', status: 'cancelled' });
      expect(res.body.promoted).toMatchObject({ employeeRef: 'A4', status: 'booked' });
      const detail = await http.get(`/api/sessions/${ids.session}`).expect(200);
      expect(detail.body.bookings.filter((b: { status: string }) => b.status === 'waiting').map((b: { employeeRef: string; waitingPosition: number }) => [b.employeeRef, b.waitingPosition])).toEqual([['A5', 1]]);
      await http.delete(`/api/sessions/${ids.session}/bookings/${ids.bookingA2}`).expect(409);
      await http.delete(`/api/sessions/${ids.session}/bookings/999999`).expect(404);
    });

    it('gives a calendar file for a booking', async () => {
      const res = await http.get(`/api/sessions/${ids.session}/bookings/${ids.bookingA1}.ics`).expect(200);
      expect(res.headers['content-type']).toContain('text/calendar');
      expect(res.text).toContain('BEGIN:VCALENDAR');
      expect(res.text).toContain('SUMMARY:WRAP for frontline staff');
      expect(res.text).toContain('LOCATION:Shire Hall\\, Warwick');
    });

    it('gives exactly one of eight coordinators booking at the same moment the last place', async () => {
      const race = await http.post('/api/sessions').send(session({ title: 'Race', startsAt: `${inAWeek}T09:30`, endsAt: `${inAWeek}T12:30`, capacity: 1 })).expect(201);
      const refs = ['A5', 'A6', 'A7', 'A8', 'A9', 'A10', 'A11', 'A12'];
      const answers = await Promise.all(
        refs.map((ref) => http.post(`/api/sessions/${race.body.id}/bookings`).send({ employeeRef: ref, organisationCode: 'WCC-CYP' })),
      );
      expect(answers.map((a) => a.status)).toEqual(refs.map(() => 201));
      const statuses = answers.map((a) => a.body.status).sort();
      expect(statuses).toEqual(['booked', ...Array(7).fill('waiting')]);
      const detail = await http.get(`/api/sessions/${race.body.id}`).expect(200);
      expect(detail.body).toMatchObject({ booked: 1, waiting: 7 });
      expect(detail.body.bookings.filter((b: { status: string }) => b.status === 'waiting').map((b: { waitingPosition: number }) => b.waitingPosition)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    it('moves people up from the waiting list when places are added, and will not cut places below those taken', async () => {
      const race = (await http.get('/api/sessions?when=upcoming').expect(200)).body.items.find((s: { title: string }) => s.title === 'Race');
      const grown = await http.patch(`/api/sessions/${race.id}`).send({ capacity: 3 }).expect(200);
      expect(grown.body).toMatchObject({ capacity: 3, booked: 3, waiting: 5 });
      const res = await http.patch(`/api/sessions/${race.id}`).send({ capacity: 2 }).expect(409);
      expect(res.body.message).toContain('3 people already have a place');
    });

    it('books the same person only once when asked several times at once', async () => {
      const twice = await http.post('/api/sessions').send(session({ title: 'Twice', startsAt: `${inAWeek}T13:30`, endsAt: `${inAWeek}T16:30` })).expect(201);
      const answers = await Promise.all([1, 2, 3, 4].map(() => http.post(`/api/sessions/${twice.body.id}/bookings`).send({ employeeRef: 'A7', organisationCode: 'WCC-CYP' })));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
    });

    it('books everyone in a team who is overdue for the level', async () => {
      await completion(http, 'A11', 'L2', addDays(today, -30), { organisationCode: 'WCC' }); // A11 is compliant
      const overdue = await http.post('/api/sessions').send(session({ title: 'Catch-up', startsAt: `${inAWeek}T09:30`, endsAt: `${inAWeek}T12:30`, capacity: 10 })).expect(201);
      const res = await http.post(`/api/sessions/${overdue.body.id}/bookings`).send({ organisationCode: 'WCC-CYP', overdueFor: true }).expect(201);
      const booked = res.body.results.map((r: { employeeRef: string }) => r.employeeRef).sort();
      expect(booked).toHaveLength(11);
      expect(booked).not.toContain('A11');
      expect(res.body).toMatchObject({ booked: 10, waiting: 1 });
      await http.post(`/api/sessions/${overdue.body.id}/bookings`).send({ overdueFor: true }).expect(400);
      await http.post(`/api/sessions/${overdue.body.id}/bookings`).send({ employeeRef: 'A1', employeeRefs: ['A2'] }).expect(400);
    });
  });

  describe('the register', () => {
    it('refuses a register for a future session', async () => {
      const future = await http.get('/api/sessions?when=upcoming&trainer=T1').expect(200);
      const later = future.body.items.find((s: { date: string }) => s.date === inAWeek);
      const res = await http.put(`/api/sessions/${later.id}/register`).send({ attended: [], noShow: [] }).expect(409);
      expect(res.body.message).toContain('The register opens on the day of the session');
    });

    it('asks about every booked person, naming those left out', async () => {
      const res = await http.put(`/api/sessions/${ids.session}/register`).send({ attended: ['A1'], noShow: [] }).expect(422);
      expect(res.body.message).toContain('Alex Person3 (A3)');
      expect(res.body.message).toContain('Alex Person4 (A4)');
      const both = await http.put(`/api/sessions/${ids.session}/register`).send({ attended: ['A1', 'A3'], noShow: ['A3', 'A4'] }).expect(422);
      expect(both.body.message).toContain('A3');
      const stranger = await http.put(`/api/sessions/${ids.session}/register`).send({ attended: ['A1', 'A3', 'A4'], noShow: ['A9'] }).expect(422);
      expect(stranger.body.message).toContain('noShow: A9 is not booked');
    });

    it('completes the register: walk-ins added, session delivered, completions recorded', async () => {
      // A3 already has this L2 on this date from elsewhere: it is kept, not duplicated.
      await completion(http, 'A3', 'L2', today, { organisationCode: 'WCC', source: 'external' });
      const res = await http
        .put(`/api/sessions/${ids.session}/register`)
        .send({ attended: ['A1', 'A3', 'W1'], noShow: ['A4'], organisationCode: 'WCC' })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'delivered', taken: true, attended: 3, noShows: 1, completionsCreated: 2, completionsRemoved: 0 });
      const w1 = res.body.entries.find((e: { employeeRef: string }) => e.employeeRef === 'W1');
      expect(w1).toMatchObject({ walkIn: true, status: 'booked', attendance: 'attended' });
      ids.bookingA4 = res.body.entries.find((e: { employeeRef: string }) => e.employeeRef === 'A4').id;

      const a1 = await http.get(`/api/completions?staffId=${ids.A1}`).expect(200);
      expect(a1.body.items).toEqual([expect.objectContaining({ levelCode: 'L2', completedOn: today, source: 'session', sessionId: ids.session })]);
      const a3 = await http.get(`/api/completions?staffId=${ids.A3}`).expect(200);
      expect(a3.body.items).toEqual([expect.objectContaining({ levelCode: 'L2', source: 'external', sessionId: null })]);
      expect((await http.get(`/api/completions?staffId=${ids.A4}`).expect(200)).body.items).toEqual([]);
      expect((await http.get(`/api/completions?staffId=${ids.W1}`).expect(200)).body.items).toEqual([
        expect.objectContaining({ source: 'session', sessionId: ids.session }),
      ]);
      const detail = await http.get(`/api/sessions/${ids.session}`).expect(200);
      expect(detail.body).toMatchObject({ status: 'delivered', attended: 3, noShows: 1 });
    });

    it('corrects the register later, adding and removing completions to match', async () => {
      const res = await http
        .put(`/api/sessions/${ids.session}/register`)
        .send({ attended: ['A1', 'A4'], noShow: ['A3'] })
        .expect(200);
      // W1 was a walk-in left off the correction: their booking and completion go; A4 now attended.
      expect(res.body).toMatchObject({ attended: 2, noShows: 1, completionsCreated: 1, completionsRemoved: 1 });
      expect(res.body.entries.map((e: { employeeRef: string }) => e.employeeRef)).not.toContain('W1');
      expect((await http.get(`/api/completions?staffId=${ids.W1}`).expect(200)).body.items).toEqual([]);
      expect((await http.get(`/api/completions?staffId=${ids.A4}`).expect(200)).body.items).toEqual([
        expect.objectContaining({ source: 'session', sessionId: ids.session }),
      ]);
      // A3's completion from elsewhere is not this register's to remove.
      expect((await http.get(`/api/completions?staffId=${ids.A3}`).expect(200)).body.items).toEqual([expect.objectContaining({ source: 'external' })]);
    });

    it('will not book onto or cancel bookings of a delivered session', async () => {
      await http.post(`/api/sessions/${ids.session}/bookings`).send({ employeeRef: 'A9', organisationCode: 'WCC-CYP' }).expect(409);
      await http.delete(`/api/sessions/${ids.session}/bookings/${ids.bookingA1}`).expect(409);
      await http.post(`/api/sessions/${ids.session}/cancel`).expect(409);
      await http.patch(`/api/sessions/${ids.session}`).send({ startsAt: `${addDays(today, -1)}T09:30`, endsAt: `${addDays(today, -1)}T12:30` }).expect(409);
      await http.patch(`/api/sessions/${ids.session}`).send({ notes: 'Good group' }).expect(200);
    });
  });

  describe('cancelling a session', () => {
    it('cancels its bookings, lists the people to tell, and refuses its register', async () => {
      const doomed = await http.post('/api/sessions').send(session({ title: 'Doomed', capacity: 1 })).expect(201);
      await http.post(`/api/sessions/${doomed.body.id}/bookings`).send({ employeeRefs: ['A8', 'A9'], organisationCode: 'WCC-CYP' }).expect(201);
      const res = await http.post(`/api/sessions/${doomed.body.id}/cancel`).expect(200);
      expect(res.body.session).toMatchObject({ status: 'cancelled', booked: 0, waiting: 0 });
      expect(res.body.peopleToTell.map((p: { employeeRef: string; was: string }) => [p.employeeRef, p.was])).toEqual([
        ['A8', 'booked'],
        ['A9', 'waiting'],
        ['T1', 'trainer'],
      ]);
      expect(res.body.peopleToTell[2].email).toBe('tara@wcc.example');
      const register = await http.put(`/api/sessions/${doomed.body.id}/register`).send({ attended: [], noShow: [] }).expect(409);
      expect(register.body.message).toContain('cancelled');
      await http.post(`/api/sessions/${doomed.body.id}/cancel`).expect(409);
      await http.patch(`/api/sessions/${doomed.body.id}`).send({ title: 'Revived' }).expect(409);
    });
  });

  describe('feedback', () => {
    let token: string;

    it('has a link once the register is complete, with a QR code and no sign-in', async () => {
      const summary = await http.get(`/api/sessions/${ids.session}/feedback`).expect(200);
      expect(summary.body).toMatchObject({ count: 0, averageRating: null, open: true });
      token = summary.body.token;
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(summary.body.link).toMatch(new RegExp(`/feedback/${token}$`));
      const form = await t.anonymous().get(`/api/feedback/${token}`).expect(200);
      expect(form.body).toMatchObject({ title: 'WRAP for frontline staff', levelCode: 'L2', open: true });
    });

    it('takes anonymous and named feedback from attendees', async () => {
      await t.anonymous().post(`/api/feedback/${token}`).send({ overallRating: 5, recogniseBefore: 2, recogniseAfter: 4, referBefore: 1, referAfter: 4, comments: 'Clear and practical' }).expect(201);
      await t.anonymous().post(`/api/feedback/${token}`).send({ overallRating: 4, recogniseBefore: 3, recogniseAfter: 4, employeeRef: 'A1' }).expect(201);
      const twice = await t.anonymous().post(`/api/feedback/${token}`).send({ overallRating: 4, employeeRef: 'A1' }).expect(409);
      expect(twice.body.message).toContain('already given feedback');
      await t.anonymous().post(`/api/feedback/${token}`).send({ overallRating: 4, employeeRef: 'A9' }).expect(422);
      await t.anonymous().post(`/api/feedback/${token}`).send({ overallRating: 6 }).expect(400);
      await t.anonymous().post(`/api/feedback/${token}`).send({ recogniseBefore: 3 }).expect(400);
      const summary = await http.get(`/api/sessions/${ids.session}/feedback`).expect(200);
      expect(summary.body).toMatchObject({
        count: 2,
        averageRating: 4.5,
        recogniseBefore: 2.5,
        recogniseAfter: 4,
        referBefore: 1,
        referAfter: 4,
        comments: ['Clear and practical'],
      });
    });

    it('shows a manager who may book onto the session its figures, but not the comments or the link', async () => {
      const manager = await t.as('manager', 'WCC-CYP', 'A2');
      const api = await manager.get(`/api/sessions/${ids.session}/feedback`).expect(200);
      expect(api.body).toMatchObject({ count: 2, averageRating: 4.5, comments: [], token: null, link: null });
      const page = await manager.get(`/sessions/${ids.session}/feedback`).set('Accept', 'text/html').expect(200);
      expect(page.text).not.toContain('Clear and practical');
    });

    it('answers 404 for a link that does not exist', async () => {
      const res = await t.anonymous().post('/api/feedback/not-a-real-token-at-all').send({ overallRating: 5 }).expect(404);
      expect(res.body.message).toContain('feedback link is not valid');
      await t.anonymous().get('/api/feedback/x').expect(404);
    });

    it('closes after the set time', async () => {
      await t.dataSource.query(
        t.kind === 'postgres' ? 'UPDATE training_sessions SET feedback_closes_at = $1 WHERE id = $2' : 'UPDATE training_sessions SET feedback_closes_at = ? WHERE id = ?',
        [`${addDays(today, -1)}T12:30`, ids.session],
      );
      const res = await t.anonymous().post(`/api/feedback/${token}`).send({ overallRating: 5 }).expect(410);
      expect(res.body.message).toContain('closed');
      expect((await t.anonymous().get(`/api/feedback/${token}`).expect(200)).body.open).toBe(false);
      const reopened = await http.post(`/api/sessions/${ids.session}/feedback-link`).send({ daysOpen: 14 }).expect(200);
      expect(reopened.body).toMatchObject({ open: true, token });
    });
  });

  describe('certificates', () => {
    it('gives an attendee a PDF certificate', async () => {
      const res = await http.get(`/api/sessions/${ids.session}/certificates/${ids.bookingA1}.pdf`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toContain('certificate-L2-alex-person1');
      expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    });

    it('has no certificate for someone who did not attend', async () => {
      const detail = await http.get(`/api/sessions/${ids.session}`).expect(200);
      const a3 = detail.body.bookings.find((b: { employeeRef: string }) => b.employeeRef === 'A3');
      await http.get(`/api/sessions/${ids.session}/certificates/${a3.id}.pdf`).expect(404);
    });
  });

  describe('gap analysis', () => {
    it("counts the attendees' new L2 in the gap analysis", async () => {
      const report = await http.get(`/api/reports/gap-analysis?organisation=WCC-CYP&asOf=${today}`).expect(200);
      const l2 = (report.body as { levels: { level: string; met: number }[] }).levels.find((l) => l.level === 'L2');
      // A1 and A4 (register), A3 (external) and A11 meet L2 in WCC-CYP.
      expect(l2?.met).toBe(4);
    });
  });
});
