import fc from 'fast-check';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation, person } from './support/builders';

interface Listed {
  employeeRef: string;
  firstName: string;
  lastName: string;
  email: string | null;
}
interface StaffPage {
  items: Listed[];
  total: number;
  pages: number;
  totalIsCapped: boolean;
}

const PEOPLE = [
  { employeeRef: 'AK-101', firstName: 'Amira', lastName: 'Khan', email: 'amira.khan@warks.example' },
  { employeeRef: 'BC-102', firstName: 'Ben', lastName: 'Cole', email: null },
  { employeeRef: 'MS-103', firstName: 'Mia', lastName: 'Smith', email: 'mia_smith@nhs.example' },
  { employeeRef: 'JS-104', firstName: 'John', lastName: "O'Brien-Smith", email: 'john.obrien@warks.example' },
  { employeeRef: 'ZE-105', firstName: 'Zoe', lastName: 'Emile', email: 'zoe@school.example' },
];
/** Everyone the administrator sees: PEOPLE, and one more in another employer. */
const EVERYONE = [...PEOPLE, { employeeRef: 'EL-201', firstName: 'Amira', lastName: 'Elsewhere', email: null }];

/** The matching README's Staff section promises: anywhere for 3 characters or more, at the start of a field for 1 or 2. */
function expected(q: string): string[] {
  const text = q.trim().toLowerCase();
  if (!text) return EVERYONE.map((p) => p.employeeRef).sort();
  const anywhere = [...text].length >= 3;
  return EVERYONE.filter((p) => {
    const fields = anywhere
      ? [`${p.firstName} ${p.lastName}`, p.email ?? '', p.employeeRef]
      : [p.firstName, p.lastName, p.email ?? '', p.employeeRef];
    return fields.some((f) => (anywhere ? f.toLowerCase().includes(text) : f.toLowerCase().startsWith(text)));
  })
    .map((p) => p.employeeRef)
    .sort();
}

describeEachDatabase('the staff search', (kind) => {
  let t: TestApp;
  /** The references found, in the order listed. */
  const listed = async (q: string, client = () => t.http()) =>
    ((await client().get('/api/staff').query({ search: q, status: 'all', pageSize: 100 }).expect(200)).body as StaffPage).items
      .map((p) => p.employeeRef)
      .filter((r) => !r.startsWith('BULK'));
  const refs = async (q: string, client = () => t.http()) => (await listed(q, client)).sort();

  beforeAll(async () => {
    t = await createTestApp(kind);
    await organisation(t.http(), 'SRCH', null, { isEmployer: true });
    await organisation(t.http(), 'ELSE', null, { isEmployer: true });
    for (const p of PEOPLE) await person(t.http(), { ...p, email: p.email ?? undefined, organisationCode: 'SRCH', startDate: '2024-01-01' });
    await person(t.http(), { employeeRef: 'EL-201', firstName: 'Amira', lastName: 'Elsewhere', organisationCode: 'ELSE', startDate: '2024-01-01' });
  });
  afterAll(() => t.close());

  it('finds 3 characters or more anywhere in the name, email or reference, whatever their case', async () => {
    expect(await refs('ra kh')).toEqual(['AK-101']);
    expect(await refs('MITH')).toEqual(['JS-104', 'MS-103']);
    expect(await refs('warks.example')).toEqual(['AK-101', 'JS-104']);
    expect(await refs('-10')).toEqual(PEOPLE.map((p) => p.employeeRef).sort());
    expect(await refs("o'brien")).toEqual(['JS-104']);
  });

  it('takes _ and % as themselves, not as wildcards', async () => {
    expect(await refs('mia_s')).toEqual(['MS-103']);
    expect(await refs('a_k')).toEqual([]);
    expect(await refs('%%%')).toEqual([]);
    expect(await refs('"x"')).toEqual([]);
  });

  it('finds 1 or 2 characters at the start of the first name, last name, email or reference only', async () => {
    expect(await refs('mi')).toEqual(['MS-103']);
    expect(await refs('o')).toEqual(['JS-104']);
    expect(await refs('ZE')).toEqual(['ZE-105']);
    expect(await refs('th')).toEqual([]);
  });

  it('gives the same people as the matching rules for any text typed', async () => {
    const pieces = PEOPLE.flatMap((p) => [p.firstName, p.lastName, p.email ?? '', p.employeeRef]).filter(Boolean);
    const typed = fc.oneof(
      fc.tuple(fc.constantFrom(...pieces), fc.nat(), fc.integer({ min: 1, max: 6 })).map(([s, from, n]) => s.slice(from % s.length, (from % s.length) + n)),
      fc.string({ unit: fc.constantFrom('a', 'm', 'i', 's', ' ', '.', '-', '1', '_'), minLength: 1, maxLength: 4 }),
    );
    await fc.assert(
      fc.asyncProperty(typed, async (q) => {
        expect(await refs(q)).toEqual(expected(q));
      }),
      { numRuns: 40 },
    );
  });

  it('lists what it finds in the order of the whole list, by last name and then first name', async () => {
    const everyone = await listed('');
    // Cole, Elsewhere, Emile, Khan, O'Brien-Smith, Smith.
    expect(everyone).toEqual(['BC-102', 'EL-201', 'ZE-105', 'AK-101', 'JS-104', 'MS-103']);
    for (const q of ['-10', 'ami', 'mith', 'example', 'a']) {
      const found = new Set(expected(q));
      expect(await listed(q)).toEqual(everyone.filter((r) => found.has(r)));
    }
  });

  it('keeps up with changes: a new name is found, the old one and a deleted person are not', async () => {
    const { id } = await person(t.http(), { employeeRef: 'CH-301', firstName: 'Chris', lastName: 'Oldname', organisationCode: 'SRCH', startDate: '2024-01-01' });
    expect(await refs('oldnam')).toEqual(['CH-301']);
    await t.http().patch(`/api/staff/${id}`).send({ lastName: 'Newname' }).expect(200);
    expect(await refs('oldnam')).toEqual([]);
    expect(await refs('newnam')).toEqual(['CH-301']);
    await t.http().delete(`/api/staff/${id}`).expect(204);
    expect(await refs('newnam')).toEqual([]);
  });

  it('finds only people the account may see', async () => {
    const coordinator = await t.as('coordinator', 'SRCH');
    expect(await refs('amira', () => coordinator)).toEqual(['AK-101']);
    expect(await refs('amira')).toEqual(['AK-101', 'EL-201']);
  });

  it('counts to 1,000 and says "more than 1,000 people" beyond, with the pages known to exist', async () => {
    const [{ id: organisationId }] = await t.dataSource.query(`SELECT id FROM organisations WHERE code = 'SRCH'`);
    const values = Array.from({ length: 1005 }, (_, i) => `('BULK${i}', 'Bulk', 'Person${String(i).padStart(4, '0')}', ${organisationId}, ${organisationId}, '2024-01-01')`);
    await t.dataSource.query(`INSERT INTO staff (employee_ref, first_name, last_name, organisation_id, employer_id, start_date) VALUES ${values.join(', ')}`);
    const first = (await t.http().get('/api/staff').query({ search: 'bulk' }).expect(200)).body as StaffPage;
    expect(first).toMatchObject({ total: 1000, totalIsCapped: true, pages: 21 });
    expect(first.items).toHaveLength(50);
    expect(first.items[0].lastName).toBe('Person0000');
    // Asked for a page past the count, it counts to that page's end: the total is exact again.
    const last = (await t.http().get('/api/staff').query({ search: 'bulk', page: 21 }).expect(200)).body as StaffPage;
    expect(last).toMatchObject({ total: 1005, totalIsCapped: false, pages: 21 });
    expect(last.items.map((p) => p.lastName)).toEqual(['Person1000', 'Person1001', 'Person1002', 'Person1003', 'Person1004']);
    const page = await t.http().get('/staff?search=bulk').expect(200);
    expect(page.text.replace(/\s+/g, ' ')).toContain('Showing 1 to 50 of more than 1,000 people');
    const small = (await t.http().get('/api/staff').query({ search: 'amira' }).expect(200)).body as StaffPage;
    expect(small).toMatchObject({ total: 2, totalIsCapped: false, pages: 1 });
  });
});
