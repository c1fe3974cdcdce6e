import { Scope } from '../auth/scope';
import { createMedium, Medium } from '../../test/support/medium';
import { organisation, person, role } from '../../test/support/builders';
import { StaffService } from './staff.service';

/** StaffService with a real scope on a fresh SQLite database. */
describe('StaffService', () => {
  let t: Medium;
  let staff: StaffService;

  beforeAll(async () => {
    t = await createMedium();
    staff = t.app.get(StaffService);
    const admin = t.http();
    await organisation(admin, 'ROOT', null, { sector: 'other' });
    await organisation(admin, 'A', 'ROOT', { isEmployer: true });
    await organisation(admin, 'B', 'ROOT', { isEmployer: true });
    await role(admin, 'ALL');
    await person(admin, { employeeRef: 'A-1', organisationCode: 'A', lastName: 'Ash' });
    await person(admin, { employeeRef: 'A-2', organisationCode: 'A', lastName: 'Birch', managerEmployeeRef: 'A-1' });
    await person(admin, { employeeRef: 'B-1', organisationCode: 'B', lastName: 'Cedar' });
  });
  afterAll(() => t.close());

  it('lists only the people inside the scope, whatever the filter asks for', async () => {
    const coordinatorA = await t.scopeOf('coordinator', 'A');
    const page = await staff.list(coordinatorA, { page: 1, pageSize: 50 } as never);
    expect(page.items.map((s) => s.employeeRef)).toEqual(['A-1', 'A-2']);
    await expect(staff.list(coordinatorA, { page: 1, pageSize: 50, organisation: 'B' } as never)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a viewer with 403 and answers 404 for a person outside the scope', async () => {
    await expect(staff.list(await t.scopeOf('viewer', 'ROOT'), { page: 1, pageSize: 50 } as never)).rejects.toMatchObject({ status: 403 });
    const [b1] = (await staff.list(Scope.system(), { page: 1, pageSize: 50, search: 'B-1' } as never)).items;
    await expect(staff.visible(await t.scopeOf('coordinator', 'A'), b1.id)).rejects.toMatchObject({ status: 404 });
  });

  it('creates a person only in an organisation the scope can see, and writes nothing otherwise', async () => {
    const coordinatorA = await t.scopeOf('coordinator', 'A');
    await expect(
      staff.create(coordinatorA, { employeeRef: 'X-1', firstName: 'Xan', lastName: 'Out', organisationCode: 'B', startDate: '2024-01-01', roleCodes: [] }),
    ).rejects.toMatchObject({ status: 422, message: 'organisationCode: no organisation with code B' });
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM staff WHERE employee_ref = 'X-1'");
    expect(Number(n)).toBe(0);
  });

  it('refuses a manager loop with the shared staff rule, and changes nothing', async () => {
    const admin = Scope.system();
    const [a1] = (await staff.list(admin, { page: 1, pageSize: 50, search: 'A-1' } as never)).items;
    await expect(staff.update(admin, a1.id, { managerEmployeeRef: 'A-2' })).rejects.toMatchObject({
      status: 422,
      message: 'managerEmployeeRef: A-2 reports to this person (directly or through others), so cannot be their manager',
    });
    expect((await staff.get(a1.id)).managerId).toBeNull();
  });
});
