import { addDays, todayIso } from '../src/common/dates';
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, role } from './support/builders';

/**
 * Choosing people by name. Partnership ROOT holds two employers, A (with team A1) and B. Sam Smith
 * works in A and in A1 (two people), Andrew Adams in A1, Beth Brown in B; Tina Trainer (A) holds L3,
 * Lee Leaver (A) has left. A coordinator of A sees A and A1, never B.
 */
describeEachDatabase('choosing people by name', (kind) => {
  let t: TestApp;
  let admin: Client;
  let coordinatorA: Client;
  const today = todayIso();
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp(kind);
    admin = t.http();
    await organisation(admin, 'ROOT', null, { sector: 'other' });
    await organisation(admin, 'A', 'ROOT', { isEmployer: true, name: 'Alpha Council' });
    await organisation(admin, 'A1', 'A', { name: 'Alpha Team One' });
    await organisation(admin, 'B', 'ROOT', { isEmployer: true, sector: 'health', name: 'Bravo Health' });
    await role(admin, 'ALL');
    const people: [string, string, string, string, string?][] = [
      ['SS1', 'A', 'Sam', 'Smith', 'sam.smith@alpha.example'],
      ['SS2', 'A1', 'Sam', 'Smith', 'sam.smith2@alpha.example'],
      ['AA1', 'A1', 'Andrew', 'Adams', 'andrew.adams@alpha.example'],
      ['BB1', 'B', 'Beth', 'Brown', 'beth.brown@bravo.example'],
      ['BS1', 'B', 'Bryn', 'Smith'],
      ['TT1', 'A', 'Tina', 'Trainer'],
      ['LL1', 'A', 'Lee', 'Leaver'],
    ];
    for (const [ref, org, first, last, email] of people) {
      ids[ref] = (await person(admin, { employeeRef: ref, organisationCode: org, firstName: first, lastName: last, email, roleCodes: ['ALL'] })).id;
    }
    await admin.patch(`/api/staff/${ids.LL1}`).send({ endDate: addDays(today, -10) }).expect(200);
    await completion(admin, 'TT1', 'L3', addDays(today, -100));
    coordinatorA = await t.as('coordinator', 'A');
  });
  afterAll(() => t.close());

  const search = async (client: Client, q: string, purpose?: string) => {
    const res = await client.get(`/api/people?${new URLSearchParams({ q, ...(purpose ? { purpose } : {}) })}`).expect(200);
    return (res.body as { label: string }[]).map((p) => p.label);
  };

  describe('the search behind the autocomplete', () => {
    it('suggests people by the start of their first or last name, reference or email, by name', async () => {
      expect(await search(coordinatorA, 'sam')).toEqual(['Sam Smith (SS1)', 'Sam Smith (SS2)']);
      expect(await search(coordinatorA, 'andrew ad')).toEqual(['Andrew Adams (AA1)']);
      expect(await search(coordinatorA, 'adams')).toEqual(['Andrew Adams (AA1)']);
      expect(await search(coordinatorA, 'AA')).toEqual(['Andrew Adams (AA1)']);
      expect(await search(coordinatorA, 'andrew.adams@')).toEqual(['Andrew Adams (AA1)']);
      // Prefixes only: the middle of a name does not match.
      expect(await search(coordinatorA, 'mith')).toEqual([]);
    });

    it('never suggests anyone outside the asker’s organisations', async () => {
      expect(await search(coordinatorA, 'smith')).toEqual(['Sam Smith (SS1)', 'Sam Smith (SS2)']);
      expect(await search(coordinatorA, 'beth')).toEqual([]);
      expect(await search(coordinatorA, 'BB1')).toEqual([]);
      expect(await search(admin, 'smith')).toEqual(['Bryn Smith (BS1)', 'Sam Smith (SS1)', 'Sam Smith (SS2)']);
      await (await t.as('viewer', 'ROOT')).get('/api/people?q=sam').expect(403);
    });

    it('offers only people in post to book or manage, and only valid L3 holders to train', async () => {
      expect(await search(coordinatorA, 'lee')).toEqual(['Lee Leaver (LL1)']);
      expect(await search(coordinatorA, 'lee', 'book')).toEqual([]);
      expect(await search(coordinatorA, 'lee', 'manage')).toEqual([]);
      expect(await search(coordinatorA, 't', 'train')).toEqual(['Tina Trainer (TT1)']);
      expect(await search(coordinatorA, 'sam', 'train')).toEqual([]);
    });

    it('answers at most 20 suggestions', async () => {
      for (let i = 0; i < 22; i++) await person(admin, { employeeRef: `MANY${i}`, organisationCode: 'A1', firstName: 'Many', lastName: `Person${String(i).padStart(2, '0')}` });
      expect(await search(coordinatorA, 'many')).toHaveLength(20);
    });
  });

  describe('a manager chosen by name on the staff form and in the API', () => {
    const base = { firstName: 'Erin', lastName: 'Fox', organisationCode: 'A1', 'startDate-day': '1', 'startDate-month': '9', 'startDate-year': '2024' };
    const post = (client: Client, fields: Record<string, string>) => client.post('/staff/new').set('Accept', 'text/html').type('form').send({ ...base, ...fields });
    const managerOf = async (ref: string) => {
      const [row] = await t.dataSource.query(`SELECT m.employee_ref AS ref FROM staff s JOIN staff m ON m.id = s.manager_id WHERE s.employee_ref = '${ref}'`);
      return row?.ref ?? null;
    };

    it('takes "Name (REF)" as the autocomplete fills it, a name, an email or a reference', async () => {
      await post(coordinatorA, { employeeRef: 'N1', managerEmployeeRef: 'Andrew Adams (AA1)' }).expect(303);
      expect(await managerOf('N1')).toBe('AA1');
      await post(coordinatorA, { employeeRef: 'N2', managerEmployeeRef: 'andrew  adams' }).expect(303);
      expect(await managerOf('N2')).toBe('AA1');
      await post(coordinatorA, { employeeRef: 'N3', managerEmployeeRef: 'Andrew.Adams@alpha.example' }).expect(303);
      expect(await managerOf('N3')).toBe('AA1');
      await coordinatorA.post('/api/staff').send({ employeeRef: 'N4', firstName: 'Nia', lastName: 'Four', organisationCode: 'A1', startDate: '2024-01-01', managerEmployeeRef: 'AA1' }).expect(201);
      expect(await managerOf('N4')).toBe('AA1');
    });

    it('says in plain words at the field when nobody or several people match', async () => {
      const nobody = await post(coordinatorA, { employeeRef: 'N5', managerEmployeeRef: 'Andrew Adamson' }).expect(422);
      expect(nobody.text).toContain('<a href="#managerEmployeeRef">No one called Andrew Adamson in the same employer</a>');
      expect(nobody.text).toMatch(/id="managerEmployeeRef-error"[^>]*>[\s\S]*?No one called Andrew Adamson in the same employer/);
      const several = await post(coordinatorA, { employeeRef: 'N5', managerEmployeeRef: 'Sam Smith' }).expect(422);
      expect(several.text).toContain('2 people are called Sam Smith: type their employee reference or choose from the list');
      expect(await managerOf('N5')).toBeNull();
    });

    it('never resolves someone outside the asker’s organisations, even by reference', async () => {
      // Beth works for employer B: out of the coordinator's reach, and another employer besides.
      const outside = await coordinatorA.post('/api/staff').send({ employeeRef: 'N6', firstName: 'Ned', lastName: 'Six', organisationCode: 'A1', startDate: '2024-01-01', managerEmployeeRef: 'Beth Brown' }).expect(422);
      expect(outside.body).toMatchObject({ field: 'managerEmployeeRef', message: 'managerEmployeeRef: No one called Beth Brown in the same employer' });
    });
  });

  describe('people on sessions chosen by name', () => {
    const inAWeek = addDays(today, 7);
    const [y, m, d] = inAWeek.split('-');
    const when = { 'date-day': String(Number(d)), 'date-month': String(Number(m)), 'date-year': y, startTime: '09:30', endTime: '12:30' };
    const session = { levelCode: 'L2', title: 'WRAP by name', ...when, venue: 'Alpha Hall', hostOrganisationCode: 'A', capacity: '10' };
    const page = (client: Client, url: string) => client.get(url).set('Accept', 'text/html');
    const post = (client: Client, url: string, body: string) => client.post(url).set('Accept', 'text/html').type('form').send(body);
    const encode = (fields: Record<string, string | string[]>) =>
      Object.entries(fields)
        .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
        .join('&');
    let sessionId: number;
    const bookedRefs = async () =>
      ((await admin.get(`/api/sessions/${sessionId}/bookings`).expect(200)).body as { employeeRef: string; status: string }[])
        .filter((b) => b.status === 'booked')
        .map((b) => b.employeeRef)
        .sort();

    it('schedules a session with its trainer typed by name, and says at the box when a name names nobody or several', async () => {
      const several = await post(coordinatorA, '/sessions/new', encode({ ...session, trainers: ['Sam Smith'] })).expect(422);
      expect(several.text).toContain('<a href="#trainers-1">2 people are called Sam Smith: type their employee reference or choose from the list</a>');
      const outside = await post(coordinatorA, '/sessions/new', encode({ ...session, trainers: ['Tina Trainer', 'Beth Brown'] })).expect(422);
      expect(outside.text).toContain('<a href="#trainers-2">No one called Beth Brown in your organisations</a>');
      expect(outside.text).toMatch(/id="trainers-1" name="trainers" type="text" value="Tina Trainer"/);
      const ok = await post(coordinatorA, '/sessions/new', encode({ ...session, trainers: ['tina trainer', ''] })).expect(303);
      sessionId = Number(ok.headers.location.split(/[/?]/)[2]);
      expect((await admin.get(`/api/sessions/${sessionId}`).expect(200)).body.trainers.map((x: { employeeRef: string }) => x.employeeRef)).toEqual(['TT1']);
    });

    it('reports every bad box of a booking in one answer, at its own box, and books nobody', async () => {
      const bad = await post(coordinatorA, `/sessions/${sessionId}/bookings`, encode({ mode: 'people', people: ['Andrew Adams', 'Sam Smith', '', 'Beth Brown'] })).expect(422);
      expect(bad.text).toContain('<a href="#people-2">2 people are called Sam Smith: type their employee reference or choose from the list</a>');
      expect(bad.text).toContain('<a href="#people-4">No one called Beth Brown in your organisations</a>');
      expect(bad.text).toMatch(/<p id="people-2-error" class="govuk-error-message">/);
      expect(bad.text).toMatch(/<p id="people-4-error" class="govuk-error-message">/);
      expect(bad.text).not.toContain('href="#people-1"');
      expect(bad.text).toMatch(/id="people-1" name="people" type="text" value="Andrew Adams"/);
      expect(await bookedRefs()).toEqual([]);
    });

    it('books several people by name at once: a name, "Name (REF)" and an email', async () => {
      const booked = await post(coordinatorA, `/sessions/${sessionId}/bookings`, encode({ mode: 'people', people: ['andrew adams', 'Sam Smith (SS1)', 'sam.smith2@alpha.example', ''] })).expect(303);
      expect(booked.headers.location).toBe(`/sessions/${sessionId}?booked=3&waiting=0`);
      expect(await bookedRefs()).toEqual(['AA1', 'SS1', 'SS2']);
      // The API still takes employee references.
      await admin.post(`/api/sessions/${sessionId}/bookings`).send({ employeeRef: 'BB1' }).expect(201);
    });

    it('filters the session list and the calendar by a trainer typed by name, within the asker’s organisations', async () => {
      const list = await page(coordinatorA, '/sessions?when=all&trainer=Tina+Trainer').expect(200);
      expect(list.text).toContain('WRAP by name');
      const nobody = await page(coordinatorA, '/sessions?when=all&trainer=Beth+Brown').expect(200);
      expect(nobody.text).toContain('<a href="#filter-trainer">No one called Beth Brown in your organisations</a>');
      expect(nobody.text).not.toContain('WRAP by name');
      const calendar = await page(coordinatorA, `/sessions/calendar?month=${inAWeek.slice(0, 7)}&trainer=TT1`).expect(200);
      expect(calendar.text).toContain('WRAP by name');
    });
  });
});
