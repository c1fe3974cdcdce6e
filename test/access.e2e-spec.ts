import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { addDays, todayIso } from '../src/common/dates';
import { completion, organisation, person, role } from './support/builders';

/**
 * Who may do what. Partnership ROOT holds two employers, A (with team A1) and B.
 * The manager is Alice (A1), Bob reports to her and sits in A1; Carol is in B but reports to Alice.
 * The trainer is Tom (A); Dave (B) is nobody's concern but the coordinator of ROOT.
 */
describeEachDatabase('access by role', (kind) => {
  let t: TestApp;
  const as: Record<string, Client> = {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp(kind);
    const admin = t.http();
    await organisation(admin, 'ROOT', null, { sector: 'other' });
    await organisation(admin, 'A', 'ROOT', { isEmployer: true });
    await organisation(admin, 'A1', 'A');
    await organisation(admin, 'B', 'ROOT', { isEmployer: true, sector: 'health' });
    await role(admin, 'ALL');
    ids.alice = (await person(admin, { employeeRef: 'ALICE', organisationCode: 'A1', roleCodes: ['ALL'] })).id;
    ids.bob = (await person(admin, { employeeRef: 'BOB', organisationCode: 'A1', managerEmployeeRef: 'ALICE' })).id;
    ids.tom = (await person(admin, { employeeRef: 'TOM', organisationCode: 'A' })).id;
    ids.dave = (await person(admin, { employeeRef: 'DAVE', organisationCode: 'B' })).id;
    ids.daveCompletion = (await completion(admin, 'DAVE', 'L1', '2025-01-10')).id;
    ids.bobCompletion = (await completion(admin, 'BOB', 'L1', '2025-01-10')).id;
    as.admin = admin;
    as.coordinatorA = await t.as('coordinator', 'A');
    as.managerA1 = await t.as('manager', 'A1', 'ALICE');
    as.trainerA = await t.as('trainer', 'A', 'TOM');
    as.viewer = await t.as('viewer', 'ROOT');
  });
  afterAll(() => t.close());

  async function counts() {
    const [staff] = await t.dataSource.query('SELECT COUNT(*) AS n FROM staff');
    const [completions] = await t.dataSource.query('SELECT COUNT(*) AS n FROM completions');
    const [organisations] = await t.dataSource.query('SELECT COUNT(*) AS n FROM organisations');
    const [roles] = await t.dataSource.query('SELECT COUNT(*) AS n FROM roles');
    return { staff: Number(staff.n), completions: Number(completions.n), organisations: Number(organisations.n), roles: Number(roles.n) };
  }

  describe('nobody signed in', () => {
    it('gets 401 from the API and is sent to the sign-in page from pages', async () => {
      await t.anonymous().get('/api/staff').expect(401);
      await t.anonymous().get(`/api/staff/${ids.bob}`).expect(401);
      await t.anonymous().post('/api/staff').send({}).expect(401);
      const page = await t.anonymous().get('/staff').set('Accept', 'text/html').expect(303);
      expect(page.headers.location).toBe('/sign-in?next=%2Fstaff');
    });

    it('can reach only sign-in and health', async () => {
      await t.anonymous().get('/health').expect(200);
      await t.anonymous().get('/sign-in').set('Accept', 'text/html').expect(200);
      await t.anonymous().get('/api/docs').set('Accept', 'text/html').expect(303);
      await t.anonymous().get('/api/docs-json').expect(401);
      await as.admin.get('/api/docs-json').expect(200);
    });

    it('is refused with a bad or revoked token', async () => {
      await t.anonymous().get('/api/staff').set('Authorization', 'Bearer ptt_nonsense').expect(401);
    });
  });

  describe('reading people', () => {
    const visibleRefs = async (client: Client) =>
      ((await client.get('/api/staff?pageSize=100').expect(200)).body.items as { employeeRef: string }[]).map((s) => s.employeeRef).sort();

    it('an administrator sees everyone', async () => {
      expect(await visibleRefs(as.admin)).toEqual(['ALICE', 'BOB', 'DAVE', 'TOM']);
    });

    it('a coordinator sees their subtree only', async () => {
      expect(await visibleRefs(as.coordinatorA)).toEqual(['ALICE', 'BOB', 'TOM']);
      await as.coordinatorA.get(`/api/staff/${ids.dave}`).expect(404);
    });

    it('a manager sees their subtree and the people who report to them, and no one else', async () => {
      expect(await visibleRefs(as.managerA1)).toEqual(['ALICE', 'BOB']);
      await as.managerA1.get(`/api/staff/${ids.bob}`).expect(200);
      const other = await as.managerA1.get(`/api/staff/${ids.dave}`).expect(404);
      expect(other.body.message).toBe(`No person with id ${ids.dave}`);
      await as.managerA1.get(`/api/staff/${ids.tom}`).expect(404);
    });

    it('a manager also sees someone in another organisation who reports to them', async () => {
      await as.admin.patch(`/api/staff/${ids.dave}`).send({ managerEmployeeRef: null }).expect(200);
      const carol = await person(as.admin, { employeeRef: 'CAROL', organisationCode: 'B' });
      // Managers are resolved within the employer, so Carol's manager is set through a person in B first.
      await t.dataSource.query(`UPDATE staff SET manager_id = ${ids.alice} WHERE id = ${carol.id}`);
      await as.managerA1.get(`/api/staff/${carol.id}`).expect(200);
      await as.coordinatorA.get(`/api/staff/${carol.id}`).expect(404);
      await as.admin.delete(`/api/staff/${carol.id}`).expect(204);
    });

    it('a trainer sees only themselves until people are booked on their sessions', async () => {
      expect(await visibleRefs(as.trainerA)).toEqual(['TOM']);
      await as.trainerA.get(`/api/staff/${ids.bob}`).expect(404);
    });

    it('a viewer is refused every person-level endpoint', async () => {
      for (const url of ['/api/staff', `/api/staff/${ids.bob}`, '/api/completions', `/api/completions/${ids.bobCompletion}`]) {
        const res = await as.viewer.get(url);
        expect({ url, status: res.status }).toEqual({ url, status: 403 });
      }
      await as.viewer.get('/staff').set('Accept', 'text/html').expect(403);
      await as.viewer.get(`/staff/${ids.bob}`).set('Accept', 'text/html').expect(403);
    });

    it('completions follow the same limits', async () => {
      await as.coordinatorA.get(`/api/completions/${ids.daveCompletion}`).expect(404);
      await as.managerA1.get(`/api/completions/${ids.bobCompletion}`).expect(200);
      const list = await as.managerA1.get('/api/completions').expect(200);
      expect(list.body.items.map((c: { employeeRef: string }) => c.employeeRef)).toEqual(['BOB']);
    });
  });

  describe('changing things', () => {
    const attempts = (): [string, string, () => Promise<{ status: number }>][] => [
      ['create a person', 'post', () => as.x.post('/api/staff').send({ employeeRef: 'NEW', firstName: 'N', lastName: 'N', organisationCode: 'A1', startDate: '2024-01-01' })],
      ['update a person', 'patch', () => as.x.patch(`/api/staff/${ids.bob}`).send({ firstName: 'Changed' })],
      ['delete a person', 'delete', () => as.x.delete(`/api/staff/${ids.bob}`)],
      ['record a completion', 'post', () => as.x.post('/api/completions').send({ employeeRef: 'BOB', levelCode: 'L2', completedOn: '2025-02-01', source: 'manual' })],
      ['change a completion', 'patch', () => as.x.patch(`/api/completions/${ids.bobCompletion}`).send({ evidence: 'changed', reason: 'Certificate checked' })],
      ['delete a completion', 'delete', () => as.x.delete(`/api/completions/${ids.bobCompletion}`).send({ reason: 'Recorded by mistake' })],
      ['create an organisation', 'post', () => as.x.post('/api/organisations').send({ code: 'NEWORG', name: 'N', sector: 'other', parentCode: 'A' })],
      ['delete an organisation', 'delete', () => as.x.delete('/api/organisations/A1')],
      ['create a role', 'post', () => as.x.post('/api/roles').send({ code: 'NEWROLE', name: 'N' })],
      ['change a level', 'patch', () => as.x.patch('/api/levels/L1').send({ validityMonths: 12 })],
      ['create a requirement', 'post', () => as.x.post('/api/requirements').send({ roleCode: 'ALL', levelCode: 'L1' })],
      ['list user accounts', 'get', () => as.x.get('/api/users')],
      ['read the audit log', 'get', () => as.x.get('/api/audit')],
    ];

    for (const who of ['managerA1', 'trainerA', 'viewer']) {
      it(`a ${who.replace(/A1?$/, '')} is refused every change, and nothing changes`, async () => {
        const before = await counts();
        as.x = as[who];
        for (const [what, , attempt] of attempts()) {
          const res = await attempt();
          expect({ what, status: res.status }).toEqual({ what, status: 403 });
        }
        expect(await counts()).toEqual(before);
        const bob = await as.admin.get(`/api/staff/${ids.bob}`).expect(200);
        expect(bob.body.firstName).toBe('Pat');
      });
    }

    it('a coordinator may change people in their subtree but not the framework or accounts', async () => {
      as.x = as.coordinatorA;
      const before = await counts();
      const refused = attempts().filter(([what]) => /organisation|role|level|requirement|user|audit/.test(what));
      for (const [what, , attempt] of refused) {
        const res = await attempt();
        expect({ what, status: res.status }).toEqual({ what, status: 403 });
      }
      expect(await counts()).toEqual(before);
      await as.coordinatorA.patch(`/api/staff/${ids.bob}`).send({ lastName: 'Renamed' }).expect(200);
    });

    it('a coordinator cannot reach people outside their subtree, and nothing changes', async () => {
      const before = await counts();
      await as.coordinatorA.patch(`/api/staff/${ids.dave}`).send({ firstName: 'X' }).expect(404);
      await as.coordinatorA.delete(`/api/staff/${ids.dave}`).expect(404);
      await as.coordinatorA.delete(`/api/completions/${ids.daveCompletion}`).send({ reason: 'Recorded by mistake' }).expect(404);
      const outside = await as.coordinatorA
        .post('/api/staff')
        .send({ employeeRef: 'X1', firstName: 'X', lastName: 'Y', organisationCode: 'B', startDate: '2024-01-01' })
        .expect(422);
      expect(outside.body.message).toBe('organisationCode: no organisation with code B');
      const completionOutside = await as.coordinatorA
        .post('/api/completions')
        .send({ employeeRef: 'DAVE', levelCode: 'L1', completedOn: '2025-03-01', source: 'manual' })
        .expect(422);
      expect(completionOutside.body.message).toContain('no person with employee reference DAVE');
      expect(await counts()).toEqual(before);
      expect((await as.admin.get(`/api/staff/${ids.dave}`).expect(200)).body.firstName).toBe('Pat');
    });

    it('a session hosted above a team is open for its manager and coordinator to book their own people, but not to change', async () => {
      await completion(as.admin, 'TOM', 'L3', addDays(todayIso(), -30));
      const day = addDays(todayIso(), 14);
      const created = await as.admin
        .post('/api/sessions')
        .send({ levelCode: 'L2', title: 'County WRAP', startsAt: `${day}T09:30`, endsAt: `${day}T12:30`, hostOrganisationCode: 'ROOT', venue: 'Shire Hall', capacity: 10, trainerEmployeeRefs: ['TOM'] });
      expect({ status: created.status, message: created.body.message }).toEqual({ status: 201, message: undefined });
      const id = created.body.id;
      const listed = await as.managerA1.get('/api/sessions').expect(200);
      expect(listed.body.items.map((s: { id: number }) => s.id)).toContain(id);
      await as.managerA1.post(`/api/sessions/${id}/bookings`).send({ employeeRef: 'BOB' }).expect(201);
      await as.managerA1.post(`/api/sessions/${id}/bookings`).send({ employeeRef: 'DAVE' }).expect(422);
      await as.admin.post(`/api/sessions/${id}/bookings`).send({ employeeRef: 'DAVE' }).expect(201);
      const seenByManager = await as.managerA1.get(`/api/sessions/${id}/bookings`).expect(200);
      expect(JSON.stringify(seenByManager.body)).toContain('BOB');
      expect(JSON.stringify(seenByManager.body)).not.toContain('DAVE');
      const seenByCoordinator = await as.coordinatorA.get(`/api/sessions/${id}/bookings`).expect(200);
      expect(JSON.stringify(seenByCoordinator.body)).not.toContain('DAVE');
      await as.managerA1.patch(`/api/sessions/${id}`).send({ title: 'Changed' }).expect(403);
      await as.coordinatorA.patch(`/api/sessions/${id}`).send({ title: 'Changed' }).expect(404);
      await as.coordinatorA.post(`/api/sessions/${id}/cancel`).expect(404);
      await as.viewer.get(`/api/sessions/${id}`).expect(403);
      expect((await as.admin.get(`/api/sessions/${id}`).expect(200)).body.title).toBe('County WRAP');
    });

    it('organisations outside the subtree are not listed and answer 404', async () => {
      const codes = (await as.coordinatorA.get('/api/organisations').expect(200)).body.map((o: { code: string }) => o.code);
      expect(codes.sort()).toEqual(['A', 'A1']);
      await as.coordinatorA.get('/api/organisations/B').expect(404);
    });
  });
});
