import { Client, createTestApp, describeEachDatabase, TEST_PASSWORD, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

/**
 * The cases of the access issue, tried as an administrator, coordinator and trainer limited to A,
 * with a sibling subtree B beside it. ROOT holds both; the partnership-wide accounts are limited
 * to ROOT (the one organisation at the top) or to nothing.
 */
describeEachDatabase('access decided in one place', (kind) => {
  let t: TestApp;
  let root: Client;
  const as: Record<string, Client> = {};
  const ids: Record<string, number> = {};
  const B_MARKERS = ['BELLA', 'Bella', 'bella.b@b.example', 'account-in-b@b.example'];
  const leaksB = (body: unknown) => B_MARKERS.filter((m) => JSON.stringify(body).includes(m));

  beforeAll(async () => {
    t = await createTestApp(kind);
    root = t.http();
    await organisation(root, 'ROOT', null, { sector: 'other' });
    await organisation(root, 'A', 'ROOT', { isEmployer: true });
    await organisation(root, 'A1', 'A');
    await organisation(root, 'B', 'ROOT', { isEmployer: true, sector: 'health' });
    await role(root, 'ALL');
    await role(root, 'LEAD');
    await root.put('/api/reports/lead-coverage/role-codes').send({ roleCodes: ['LEAD'] }).expect(200);
    ids.alice = (await person(root, { employeeRef: 'ALICE', organisationCode: 'A1', roleCodes: ['ALL'] })).id;
    ids.tom = (await person(root, { employeeRef: 'TOM', firstName: 'Tom', lastName: 'Trainer', organisationCode: 'A', roleCodes: ['LEAD'] })).id;
    ids.tara = (await person(root, { employeeRef: 'TARA', firstName: 'Tara', lastName: 'Other', organisationCode: 'A1', roleCodes: ['LEAD'] })).id;
    ids.bella = (await person(root, { employeeRef: 'BELLA', firstName: 'Bella', lastName: 'B', email: 'bella.b@b.example', organisationCode: 'B', roleCodes: ['LEAD'] })).id;
    for (const ref of ['TOM', 'TARA', 'BELLA']) await completion(root, ref, 'L3', '2025-01-10');
    ids.reqB = (await requirement(root, 'ALL', 'L1', { organisationCode: 'B' })).id;
    ids.reqA = (await requirement(root, 'ALL', 'L2', { organisationCode: 'A' })).id;
    ids.reqRoot = (await requirement(root, 'ALL', 'L1', { organisationCode: 'ROOT' })).id;
    ids.reqEverywhere = (await requirement(root, 'LEAD', 'L3')).id;
    ids.accountB = (await root.post('/api/users').send({ email: 'account-in-b@b.example', displayName: 'B admin', role: 'admin', organisationCode: 'B', password: TEST_PASSWORD }).expect(201)).body.id;
    ids.accountA = (await root.post('/api/users').send({ email: 'account-in-a@a.example', displayName: 'A viewer', role: 'viewer', organisationCode: 'A', password: TEST_PASSWORD }).expect(201)).body.id;
    // Something about B in the audit log: a change to Bella's record and a sign-in to B's account.
    await root.patch(`/api/staff/${ids.bella}`).send({ lastName: 'B' }).expect(200);
    await t.anonymous().post('/api/auth/token').send({ email: 'account-in-b@b.example', password: TEST_PASSWORD }).expect(201);
    await t.anonymous().post('/api/auth/token').send({ email: 'account-in-a@a.example', password: TEST_PASSWORD }).expect(201);
    as.adminA = await t.as('admin', 'A');
    as.coordinatorA = await t.as('coordinator', 'A');
    as.coordinatorRoot = await t.as('coordinator', 'ROOT');
    as.trainerA = await t.as('trainer', 'A', 'TOM');
  });
  afterAll(() => t.close());

  describe('accounts', () => {
    it('an administrator limited to A cannot create an account with no organisation', async () => {
      const res = await as.adminA.post('/api/users').send({ email: 'escalate@a.example', displayName: 'Escalate', role: 'admin', password: TEST_PASSWORD }).expect(422);
      expect(res.body.message).toMatch(/^organisationCode: /);
      const empty = await as.adminA.post('/api/users').send({ email: 'escalate@a.example', displayName: 'Escalate', role: 'admin', organisationCode: '', password: TEST_PASSWORD });
      expect(empty.status).toBe(422);
      expect((await root.get('/api/users').expect(200)).body.map((u: { email: string }) => u.email)).not.toContain('escalate@a.example');
    });

    it('nor one limited to B, which answers as an unknown organisation would', async () => {
      const inB = await as.adminA.post('/api/users').send({ email: 'x@a.example', displayName: 'X', role: 'viewer', organisationCode: 'B', password: TEST_PASSWORD }).expect(422);
      const unknown = await as.adminA.post('/api/users').send({ email: 'x@a.example', displayName: 'X', role: 'viewer', organisationCode: 'NOPE', password: TEST_PASSWORD }).expect(422);
      expect(inB.body.message).toBe('organisationCode: no organisation with code B');
      expect(unknown.body.message).toBe('organisationCode: no organisation with code NOPE');
    });

    it('the admin form offers no "whole partnership" choice to an administrator limited to A', async () => {
      const page = await as.adminA.get('/admin/users/new').set('Accept', 'text/html').expect(200);
      expect(page.text).not.toContain('The whole partnership');
      const unscoped = await root.get('/admin/users/new').set('Accept', 'text/html').expect(200);
      expect(unscoped.text).toContain('The whole partnership (administrators only)');
    });

    it('an account can be linked only to a staff record its creator can see', async () => {
      const res = await as.adminA.patch(`/api/users/${ids.accountA}`).send({ role: 'manager', staffEmployeeRef: 'BELLA' }).expect(422);
      expect(res.body.message).toBe('staffEmployeeRef: no person with employee reference BELLA');
      const create = await as.adminA.post('/api/users').send({ email: 'm@a.example', displayName: 'M', role: 'manager', organisationCode: 'A', staffEmployeeRef: 'BELLA', password: TEST_PASSWORD });
      expect(create.status).toBe(422);
      expect((await root.get(`/api/users/${ids.accountA}`).expect(200)).body).toMatchObject({ role: 'viewer', staffEmployeeRef: null });
    });

    it('re-linking an account replaces its link, and moving it keeps it inside the subtree', async () => {
      await as.adminA.patch(`/api/users/${ids.accountA}`).send({ staffEmployeeRef: 'ALICE' }).expect(200);
      const relinked = await as.adminA.patch(`/api/users/${ids.accountA}`).send({ staffEmployeeRef: 'TARA', organisationCode: 'A1' }).expect(200);
      expect(relinked.body).toMatchObject({ staffEmployeeRef: 'TARA', organisationCode: 'A1' });
      expect((await root.get(`/api/users/${ids.accountA}`).expect(200)).body).toMatchObject({ staffEmployeeRef: 'TARA', organisationCode: 'A1' });
      await as.adminA.patch(`/api/users/${ids.accountA}`).send({ organisationCode: null }).expect(422);
      expect((await root.get(`/api/users/${ids.accountA}`).expect(200)).body.organisationCode).toBe('A1');
    });

    it('accounts of B are neither listed nor reachable', async () => {
      const list = (await as.adminA.get('/api/users').expect(200)).body;
      expect(leaksB(list)).toEqual([]);
      await as.adminA.get(`/api/users/${ids.accountB}`).expect(404);
      await as.adminA.patch(`/api/users/${ids.accountB}`).send({ disabled: true }).expect(404);
    });

    it('a taken email gets the same answer inside the subtree and outside it', async () => {
      const outside = await as.adminA.post('/api/users').send({ email: 'account-in-b@b.example', displayName: 'Dup', role: 'viewer', organisationCode: 'A', password: TEST_PASSWORD });
      const inside = await as.adminA.post('/api/users').send({ email: 'account-in-a@a.example', displayName: 'Dup', role: 'viewer', organisationCode: 'A', password: TEST_PASSWORD });
      expect(outside.status).toBe(409);
      expect(outside.body.message).toBe(inside.body.message);
      expect(outside.body.message).not.toMatch(/account-in-b|\bB\b/);
    });
  });

  describe('the audit log', () => {
    it('shows an administrator limited to A only entries about A and the sign-ins of its accounts', async () => {
      const all = (await root.get('/api/audit?pageSize=200').expect(200)).body.items as { entity: string; entityKey: string; action: string }[];
      expect(all.some((e) => e.entityKey === 'BELLA')).toBe(true);
      const mine = (await as.adminA.get('/api/audit?pageSize=200').expect(200)).body.items as { entity: string; entityKey: string; action: string }[];
      expect(leaksB(mine)).toEqual([]);
      expect(mine.some((e) => e.action === 'sign_in' && e.entityKey === 'account-in-a@a.example')).toBe(true);
      expect(mine.some((e) => e.entityKey === 'ALICE')).toBe(true);
      // Levels and roles are the partnership's: no organisation, so not for A.
      expect(mine.some((e) => e.entity === 'roles')).toBe(false);
      const page = await as.adminA.get('/admin/audit').set('Accept', 'text/html').expect(200);
      expect(leaksB(page.text)).toEqual([]);
    });
  });

  describe('requirements', () => {
    const codesOf = async (client: Client) => ((await client.get('/api/requirements').expect(200)).body as { id: number }[]).map((r) => r.id).sort();

    it('are read where they apply: everywhere, inside the reader’s subtree or above it, never in B', async () => {
      const expected = [ids.reqA, ids.reqRoot, ids.reqEverywhere].sort();
      expect(await codesOf(as.adminA)).toEqual(expected);
      expect(await codesOf(as.trainerA)).toEqual(expected);
      await as.coordinatorA.get(`/api/requirements/${ids.reqB}`).expect(404);
    });

    it('are written only inside the writer’s subtree', async () => {
      await as.adminA.patch(`/api/requirements/${ids.reqB}`).send({ graceDays: 5 }).expect(404);
      await as.adminA.delete(`/api/requirements/${ids.reqB}`).expect(404);
      const move = await as.adminA.patch(`/api/requirements/${ids.reqA}`).send({ organisationCode: 'B' }).expect(422);
      expect(move.body.message).toBe('organisationCode: no organisation with code B');
      await as.adminA.post('/api/requirements').send({ roleCode: 'ALL', levelCode: 'L1', organisationCode: 'B' }).expect(422);
      const created = await as.adminA.post('/api/requirements').send({ roleCode: 'ALL', levelCode: 'L1', organisationCode: 'A1' }).expect(201);
      await as.adminA.patch(`/api/requirements/${ids.reqA}`).send({ graceDays: 30 }).expect(200);
      await as.adminA.delete(`/api/requirements/${created.body.id}`).expect(204);
      expect((await root.get(`/api/requirements/${ids.reqB}`).expect(200)).body).toMatchObject({ organisationCode: 'B', graceDays: 0 });
    });

    it('partnership-wide ones, and those above the writer, only by an administrator of everything', async () => {
      const wide = await as.adminA.post('/api/requirements').send({ roleCode: 'ALL', levelCode: 'L1' }).expect(403);
      expect(wide.body.message).toMatch(/whole partnership/);
      await as.adminA.patch(`/api/requirements/${ids.reqEverywhere}`).send({ graceDays: 10 }).expect(403);
      await as.adminA.delete(`/api/requirements/${ids.reqRoot}`).expect(403);
      await root.patch(`/api/requirements/${ids.reqEverywhere}`).send({ graceDays: 10 }).expect(200);
    });
  });

  describe('partnership-wide settings', () => {
    it('levels, roles and lead roles are changed only by an account for the whole partnership', async () => {
      await as.adminA.patch('/api/levels/L1').send({ validityMonths: 12 }).expect(403);
      await as.adminA.post('/api/roles').send({ code: 'NEW', name: 'New' }).expect(403);
      await as.adminA.patch('/api/roles/ALL').send({ name: 'Renamed' }).expect(403);
      await as.adminA.delete('/api/roles/LEAD').expect(403);
      const leads = await as.adminA.put('/api/reports/lead-coverage/role-codes').send({ roleCodes: ['ALL'] }).expect(403);
      expect(leads.body.message).toMatch(/shared by the whole partnership/);
      await as.adminA.get('/reports/lead-coverage/settings').set('Accept', 'text/html').expect(403);
      expect((await root.get('/api/levels').expect(200)).body.find((l: { code: string }) => l.code === 'L1').validityMonths).toBe(36);
    });

    it('the course-mapping table by a coordinator for the whole partnership, not one limited to A', async () => {
      const mappings = { mappings: [{ courseName: 'Prevent awareness', levelCode: 'L1' }] };
      await as.coordinatorA.put('/api/imports/course-mappings').send(mappings).expect(403);
      const page = await as.coordinatorA.get('/imports/course-mappings').set('Accept', 'text/html').expect(200);
      expect(page.text).not.toContain('Add a course name');
      expect(page.text).toContain('only a coordinator or administrator for the whole partnership');
      await as.coordinatorRoot.put('/api/imports/course-mappings').send(mappings).expect(200);
      expect((await as.coordinatorA.get('/api/imports/course-mappings').expect(200)).body).toHaveLength(1);
    });
  });

  describe('names in coverage reports', () => {
    it('a trainer sees the figures for everyone but only their own name and those booked on their sessions', async () => {
      const trainers = (await as.trainerA.get('/api/reports/trainer-coverage/trainers?organisation=A&asOf=2025-06-30').expect(200)).body;
      expect(trainers.trainers).toBe(2);
      const named = trainers.organisations.flatMap((o: { trainerList?: { employeeRef: string }[] }) => o.trainerList ?? []).map((x: { employeeRef: string }) => x.employeeRef);
      expect(named).toEqual(['TOM']);
      const leads = (await as.trainerA.get('/api/reports/lead-coverage/leads?organisation=A&asOf=2025-06-30&sector=local_authority').expect(200)).body;
      expect(leads.organisations.find((o: { code: string }) => o.code === 'A')).toMatchObject({ code: 'A', leads: 2, leadsWithValidL3: 2 });
      expect(leads.organisations.find((o: { code: string }) => o.code === 'A').leadList.map((l: { employeeRef: string }) => l.employeeRef)).toEqual(['TOM']);
      const csv = await as.trainerA.get('/reports/lead-coverage.csv?organisation=A&asOf=2025-06-30&sector=local_authority').expect(200);
      expect(csv.text).toContain('TOM');
      expect(csv.text).not.toContain('TARA');
      const page = await as.trainerA.get('/reports/trainer-coverage?organisation=A&asOf=2025-06-30').set('Accept', 'text/html').expect(200);
      expect(page.text).not.toContain('Tara');
    });

    it('a coordinator of A sees every name in A', async () => {
      const leads = (await as.coordinatorA.get('/api/reports/lead-coverage/leads?organisation=A&asOf=2025-06-30&sector=local_authority').expect(200)).body;
      expect(leads.organisations.find((o: { code: string }) => o.code === 'A').leadList.map((l: { employeeRef: string }) => l.employeeRef).sort()).toEqual(['TARA', 'TOM']);
    });
  });
});
