import { organisation, person } from '../../test/support/builders';
import { createMedium, Medium } from '../../test/support/medium';
import { ImportsService } from './imports.service';

/** ImportsService with a real scope on a fresh SQLite database: a staff list read inside the importer's subtree. */
describe('ImportsService', () => {
  let t: Medium;
  let imports: ImportsService;
  const staffCount = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM staff'))[0].n);

  beforeAll(async () => {
    t = await createMedium();
    imports = t.app.get(ImportsService);
    const admin = t.http();
    await organisation(admin, 'ROOT', null, { sector: 'other' });
    await organisation(admin, 'A', 'ROOT', { isEmployer: true });
    await organisation(admin, 'B', 'ROOT', { isEmployer: true });
    await person(admin, { employeeRef: 'A-1', organisationCode: 'A' });
  });
  afterAll(() => t.close());

  const file = () =>
    t.upload(
      'staff.csv',
      'employee_ref,first_name,last_name,organisation_code,start_date\nA-2,Ann,Ash,A,01/04/2025\nB-9,Bob,Beech,B,2025-04-01\n',
    );

  it('previews a staff list, refusing the row for an organisation outside the importer’s subtree as unknown', async () => {
    const coordinatorA = await t.scopeOf('coordinator', 'A');
    const before = await staffCount();
    const { view } = await imports.upload(coordinatorA, 'staff', file(), { dryRun: true });
    expect(view.counts).toMatchObject({ created: 1, errorRows: 1 });
    expect(view.errors).toEqual([expect.objectContaining({ row: 3, column: 'organisation_code', reason: expect.stringContaining('no organisation with code B') })]);
    expect(await staffCount()).toBe(before);
  });

  it('writes nothing at all when a file with an error is confirmed without "valid rows only"', async () => {
    const coordinatorA = await t.scopeOf('coordinator', 'A');
    const before = await staffCount();
    const { view, refused } = await imports.upload(coordinatorA, 'staff', file(), {});
    expect(refused).toBe(true);
    expect(view.status).toBe('failed');
    expect(await staffCount()).toBe(before);
  });

  it('writes the valid rows when asked, inside the subtree only', async () => {
    const coordinatorA = await t.scopeOf('coordinator', 'A');
    const { view } = await imports.upload(coordinatorA, 'staff', file(), { validRowsOnly: true });
    expect(view.status).toBe('completed');
    const refs = (await t.dataSource.query('SELECT employee_ref FROM staff ORDER BY employee_ref')).map((r: { employee_ref: string }) => r.employee_ref);
    expect(refs).toEqual(['A-1', 'A-2']);
  });
});
