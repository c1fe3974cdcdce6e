/**
 * Targets (src/reports/targets): which target applies (the nearest organisation target among an
 * organisation and those above it, else its sector's, else the partnership's), who may set which
 * (the partnership's and sectors' only from an account over the whole partnership; an
 * organisation's only inside the administrator's own organisations), the page and its forms, and
 * the red/amber/green status with its words beside each figure on the reports and their downloads.
 */
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

interface Applied {
  levels: { level: string; target: { targetPercent: number; amberMargin: number; reach: string; sector: string | null; organisation: { code: string } | null } | null }[];
}

describeEachDatabase('targets', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const http = t.http();
    //  P (other) ── C (local authority) ── CY (education)
    //           └── H (health) ── HW (health)
    await organisation(http, 'P', null, { sector: 'other', isEmployer: true, name: 'Target Partnership' });
    await organisation(http, 'C', 'P', { sector: 'local_authority', isEmployer: true, name: 'County Council' });
    await organisation(http, 'CY', 'C', { sector: 'education', name: 'Council Schools' });
    await organisation(http, 'H', 'P', { sector: 'health', isEmployer: true, name: 'Health Trust' });
    await organisation(http, 'HW', 'H', { sector: 'health', name: 'Health Ward' });
    await role(http, 'ALL');
    await requirement(http, 'ALL', 'L1');
    // C: 4 of 5 meet L1 (80%); H: 9 of 10 (90%); CY: 1 of 2 (50%).
    const people: [string, string, boolean][] = [
      ...Array.from({ length: 5 }, (_, i) => [`C${i}`, 'C', i < 4] as [string, string, boolean]),
      ...Array.from({ length: 10 }, (_, i) => [`H${i}`, 'H', i < 9] as [string, string, boolean]),
      ['CY0', 'CY', true],
      ['CY1', 'CY', false],
    ];
    for (const [ref, org, trained] of people) {
      await person(http, { employeeRef: ref, organisationCode: org, roleCodes: ['ALL'], startDate: '2020-01-06' });
      if (trained) await completion(http, ref, 'L1', '2025-01-10');
    }
  });
  afterAll(() => t.close());

  const applied = async (org: string) => ((await t.http().get(`/api/targets/applied?organisation=${org}`).expect(200)).body as Applied).levels.find((l) => l.level === 'L1')!.target;

  it('apply the nearest organisation target, else the sector’s, else the partnership’s, else none', async () => {
    expect(await applied('CY')).toBeNull();
    await t.http().put('/api/targets/partnership/L1').send({ targetPercent: 85 }).expect(200);
    expect(await applied('CY')).toMatchObject({ targetPercent: 85, amberMargin: 5, reach: 'partnership' });
    await t.http().put('/api/targets/sectors/health/L1').send({ targetPercent: 90, amberMargin: 2.5 }).expect(200);
    expect(await applied('H')).toMatchObject({ targetPercent: 90, amberMargin: 2.5, reach: 'sector', sector: 'health' });
    expect(await applied('C')).toMatchObject({ targetPercent: 85, reach: 'partnership' });
    // An organisation's own target covers everything below it and wins over the sector's.
    await t.http().put('/api/targets/organisations/C/L1').send({ targetPercent: 87.5 }).expect(200);
    await t.http().put('/api/targets/sectors/education/L1').send({ targetPercent: 95 }).expect(200);
    expect(await applied('CY')).toMatchObject({ targetPercent: 87.5, reach: 'organisation', organisation: { code: 'C' } });
    await t.http().put('/api/targets/organisations/CY/L1').send({ targetPercent: 70 }).expect(200);
    expect(await applied('CY')).toMatchObject({ targetPercent: 70, organisation: { code: 'CY' } });
    await t.http().delete('/api/targets/organisations/CY/L1').expect(204);
    await t.http().delete('/api/targets/organisations/CY/L1').expect(404);
    expect(await applied('CY')).toMatchObject({ targetPercent: 87.5, organisation: { code: 'C' } });
    await t.http().delete('/api/targets/sectors/education/L1').expect(204);
  });

  it('refuse a target that is not a percentage with at most one decimal place, and an unknown level or sector', async () => {
    await t.http().put('/api/targets/partnership/L1').send({ targetPercent: 100.5 }).expect(400);
    await t.http().put('/api/targets/partnership/L1').send({ targetPercent: 87.25 }).expect(400);
    await t.http().put('/api/targets/partnership/L1').send({ targetPercent: 85, amberMargin: -1 }).expect(400);
    await t.http().put('/api/targets/partnership/L9').send({ targetPercent: 85 }).expect(422);
    await t.http().put('/api/targets/sectors/shops/L1').send({ targetPercent: 85 }).expect(422);
  });

  it('the partnership’s and sectors’ are set only from an account over the whole partnership; an organisation’s only inside the administrator’s own', async () => {
    const councilAdmin = await t.as('admin', 'C');
    await councilAdmin.put('/api/targets/partnership/L1').send({ targetPercent: 10 }).expect(403);
    await councilAdmin.put('/api/targets/sectors/health/L1').send({ targetPercent: 10 }).expect(403);
    await councilAdmin.put('/api/targets/organisations/H/L1').send({ targetPercent: 10 }).expect(422);
    await councilAdmin.put('/api/targets/organisations/CY/L2').send({ targetPercent: 60 }).expect(200);
    await councilAdmin.delete('/api/targets/organisations/CY/L2').expect(204);
    const coordinator = await t.as('coordinator', 'P');
    await coordinator.put('/api/targets/organisations/C/L1').send({ targetPercent: 10 }).expect(403);
    // What an account over the council sees: the shared targets and its own organisations' only.
    const list = (await councilAdmin.get('/api/targets').expect(200)).body;
    expect(list.canSetPartnershipWide).toBe(false);
    expect(list.partnership.map((x: { levelCode: string }) => x.levelCode)).toEqual(['L1']);
    expect(list.organisations.map((x: { organisation: { code: string } }) => x.organisation.code)).toEqual(['C']);
    expect(await applied('CY')).toMatchObject({ targetPercent: 87.5 });
  });

  it('the page lists the targets and sets them through its forms, with errors at their boxes', async () => {
    const page = await t.http().get('/reports/targets').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Partnership and sector targets');
    expect(page.text).toContain('County Council');
    expect(page.text).toContain('87.5%');
    const wrong = await t.http().post('/reports/targets/partnership').set('Accept', 'text/html').type('form').send({ sector: 'health', level: 'L2', targetPercent: 'ninety', amberMargin: '5' }).expect(422);
    expect(wrong.text).toContain('There is a problem');
    expect(wrong.text).toMatch(/href="#targetPercent"[^>]*>Target must be a number from 0 to 100/);
    const blank = await t.http().post('/reports/targets/organisation').set('Accept', 'text/html').type('form').send({ organisation: 'H', orgLevel: 'L2', orgTargetPercent: '' }).expect(422);
    expect(blank.text).toContain('Enter the target, a percentage like 90');
    await t.http().post('/reports/targets/partnership').set('Accept', 'text/html').type('form').send({ sector: 'health', level: 'L2', targetPercent: '75', amberMargin: '' }).expect(303);
    const l2 = ((await t.http().get('/api/targets/applied?organisation=HW').expect(200)).body as Applied).levels.find((l) => l.level === 'L2')!.target;
    expect(l2).toMatchObject({ targetPercent: 75, amberMargin: 5, reach: 'sector' });
    await t.http().post('/reports/targets/remove-shared').set('Accept', 'text/html').type('form').send({ reach: 'sector', sector: 'health', level: 'L2' }).expect(303);
    // A coordinator reads the page but has no forms.
    const coordinatorPage = await (await t.as('coordinator', 'P')).get('/reports/targets').set('Accept', 'text/html').expect(200);
    expect(coordinatorPage.text).not.toContain('action="/reports/targets/partnership"');
    expect(coordinatorPage.text).not.toContain('action="/reports/targets/organisation"');
  });
});
