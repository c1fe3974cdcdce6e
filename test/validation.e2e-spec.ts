import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, role } from './support/builders';

/** Bad input answers 4xx with a message naming the field or code, and writes nothing. */
describeEachDatabase('bad input', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const http = t.http();
    await organisation(http, 'ROOT', null, { sector: 'other' });
    await organisation(http, 'EMP', 'ROOT', { isEmployer: true });
    await organisation(http, 'EMP2', 'ROOT', { isEmployer: true });
    await role(http, 'ALL');
    await person(http, { employeeRef: 'E1', organisationCode: 'EMP', roleCodes: ['ALL'] });
    await person(http, { employeeRef: 'DUP', organisationCode: 'EMP' });
    await person(http, { employeeRef: 'DUP', organisationCode: 'EMP2' });
  });
  afterAll(() => t.close());

  const messageOf = (body: { message: string | string[] }) => [body.message].flat().join(' | ');
  const count = async (table: string) => Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  describe('organisations', () => {
    it('names each invalid field', async () => {
      const res = await t.http().post('/api/organisations').send({ code: 'has space', name: '', sector: 'army' }).expect(400);
      expect(messageOf(res.body)).toMatch(/code must use only letters/);
      expect(messageOf(res.body)).toMatch(/name must be longer/);
      expect(messageOf(res.body)).toMatch(/sector must be one of: local_authority/);
    });
    it('names an unknown parent (422) and an unknown organisation (404)', async () => {
      const res = await t.http().post('/api/organisations').send({ code: 'X', name: 'X', sector: 'other', parentCode: 'NOPE' }).expect(422);
      expect(res.body.message).toBe('parentCode: no organisation with code NOPE');
      expect((await t.http().get('/api/organisations/NOPE').expect(404)).body.message).toBe('No organisation with code NOPE');
    });
    it('refuses a duplicate code and an unexpected field', async () => {
      expect((await t.http().post('/api/organisations').send({ code: 'EMP', name: 'x', sector: 'other' }).expect(409)).body.message).toMatch(/EMP already exists/);
      expect(messageOf((await t.http().post('/api/organisations').send({ code: 'Y', name: 'Y', sector: 'other', colour: 'red' }).expect(400)).body)).toMatch(/property colour should not exist/);
    });
    it('refuses to delete an organisation that still has staff, saying why', async () => {
      const res = await t.http().delete('/api/organisations/EMP').expect(409);
      expect(res.body.message).toMatch(/still has \d+ staff records?: move or remove them first/);
    });
    it('refuses to move an organisation below itself', async () => {
      await organisation(t.http(), 'CHILD', 'EMP');
      const res = await t.http().patch('/api/organisations/EMP').send({ parentCode: 'CHILD' }).expect(409);
      expect(res.body.message).toMatch(/cannot be moved below itself/);
    });
  });

  describe('roles, levels and requirements', () => {
    it('names invalid fields and unknown codes', async () => {
      expect(messageOf((await t.http().post('/api/roles').send({ code: '', name: 'x' }).expect(400)).body)).toMatch(/code/);
      expect((await t.http().get('/api/roles/NOPE').expect(404)).body.message).toBe('No role with code NOPE');
      expect(messageOf((await t.http().patch('/api/levels/L1').send({ validityMonths: 'soon' }).expect(400)).body)).toMatch(/validityMonths must be a whole number/);
      expect((await t.http().patch('/api/levels/L9').send({ validityMonths: 12 }).expect(404)).body.message).toBe('No level with code L9');
      expect((await t.http().post('/api/requirements').send({ roleCode: 'NOPE', levelCode: 'L1' }).expect(422)).body.message).toBe('roleCode: no role with code NOPE');
      expect((await t.http().post('/api/requirements').send({ roleCode: 'ALL', levelCode: 'L7' }).expect(422)).body.message).toBe('levelCode: no level with code L7');
      expect(messageOf((await t.http().post('/api/requirements').send({ roleCode: 'ALL', levelCode: 'L1', graceDays: -3 }).expect(400)).body)).toMatch(/graceDays must not be less than 0/);
      expect((await t.http().get('/api/requirements/999').expect(404)).body.message).toBe('No requirement with id 999');
    });
    it('refuses to delete a role people hold', async () => {
      expect((await t.http().delete('/api/roles/ALL').expect(409)).body.message).toMatch(/hold the role ALL/);
    });
  });

  describe('staff', () => {
    const valid = { employeeRef: 'NEW1', firstName: 'Nia', lastName: 'Jones', organisationCode: 'EMP', startDate: '2024-02-01' };
    it('names each invalid field', async () => {
      const res = await t.http().post('/api/staff').send({ ...valid, email: 'not-an-email', startDate: '2025-02-31', roleCodes: 5 }).expect(400);
      // Every problem at once, each naming its field, in the words the staff form uses.
      expect(res.body.message).toEqual(
        expect.arrayContaining([
          'email: Enter an email address in the correct format, like name@example.gov.uk',
          'roleCodes: Choose roles from the list',
          'startDate: Start date must be a real date',
        ]),
      );
      expect(res.body.field).toBe('email');
    });
    it('names unknown codes and references, and creates nobody', async () => {
      const before = await count('staff');
      expect((await t.http().post('/api/staff').send({ ...valid, organisationCode: 'NOPE' }).expect(422)).body.message).toBe('organisationCode: no organisation with code NOPE');
      expect((await t.http().post('/api/staff').send({ ...valid, roleCodes: ['ALL', 'NOPE'] }).expect(422)).body.message).toBe('roleCodes: no role with code NOPE');
      expect((await t.http().post('/api/staff').send({ ...valid, managerEmployeeRef: 'GHOST' }).expect(422)).body.message).toBe('managerEmployeeRef: No one called GHOST in the same employer');
      expect(messageOf((await t.http().post('/api/staff').send({ ...valid, endDate: '2020-01-01' }).expect(400)).body)).toBe('endDate: End date must be the same as or after the start date');
      expect(await count('staff')).toBe(before);
    });
    it('refuses a reference already used in the same employer, but not in another', async () => {
      expect((await t.http().post('/api/staff').send({ ...valid, employeeRef: 'E1' }).expect(409)).body.message).toBe('Employee reference E1 is already used in Organisation EMP');
      await t.http().post('/api/staff').send({ ...valid, employeeRef: 'E1', organisationCode: 'EMP2' }).expect(201);
    });
    it('answers 404 for an unknown person and 400 for a non-numeric id', async () => {
      expect((await t.http().get('/api/staff/99999').expect(404)).body.message).toBe('No person with id 99999');
      await t.http().get('/api/staff/abc').expect(400);
      expect(messageOf((await t.http().get('/api/staff?status=sometimes').expect(400)).body)).toMatch(/status must be one of: current, leavers, all/);
      expect(messageOf((await t.http().get('/api/staff?pageSize=5000').expect(400)).body)).toMatch(/pageSize must not be greater than 500/);
    });
    it('refuses a manager loop', async () => {
      const a = await person(t.http(), { employeeRef: 'LOOP-A', organisationCode: 'EMP' });
      await person(t.http(), { employeeRef: 'LOOP-B', organisationCode: 'EMP', managerEmployeeRef: 'LOOP-A' });
      const res = await t.http().patch(`/api/staff/${a.id}`).send({ managerEmployeeRef: 'LOOP-B' }).expect(422);
      expect(res.body.message).toMatch(/LOOP-B reports to this person/);
    });
  });

  describe('completions', () => {
    const valid = { employeeRef: 'E1', organisationCode: 'EMP', levelCode: 'L1', completedOn: '2025-03-03', source: 'elearning' };
    it('names each invalid field', async () => {
      const res = await t.http().post('/api/completions').send({ ...valid, completedOn: '03/03/2025', source: 'telepathy' }).expect(400);
      expect(messageOf(res.body)).toBe('completedOn: Date completed must be a real date | source: Choose how the training was completed');
    });
    it('names unknown people and levels, ambiguous references and future dates', async () => {
      expect((await t.http().post('/api/completions').send({ ...valid, employeeRef: 'GHOST' }).expect(422)).body.message).toBe('employeeRef: no person with employee reference GHOST in EMP');
      expect((await t.http().post('/api/completions').send({ ...valid, levelCode: 'L9' }).expect(422)).body.message).toBe('levelCode: no level with code L9');
      const ambiguous = await t.http().post('/api/completions').send({ ...valid, employeeRef: 'DUP', organisationCode: undefined }).expect(422);
      expect(ambiguous.body.message).toBe('employeeRef: employee reference DUP is used in 2 employers: choose the organisation to say which');
      expect((await t.http().post('/api/completions').send({ ...valid, completedOn: '2999-01-01' }).expect(422)).body.message).toBe('completedOn: Date completed must be today or in the past');
    });
    it('refuses the same person, level and date twice, in the user’s words', async () => {
      await completion(t.http(), 'E1', 'L2', '2025-03-04', { organisationCode: 'EMP' });
      const res = await t.http().post('/api/completions').send({ ...valid, levelCode: 'L2', completedOn: '2025-03-04' }).expect(409);
      expect(res.body.message).toBe('Pat E1 (E1) already has a L2 completion on 4 March 2025');
    });
  });
});
