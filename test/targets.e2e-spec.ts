/**
 * Targets (src/reports/targets): which target applies (the nearest organisation target among an
 * organisation and those above it, else its sector's, else the partnership's), who may set which
 * (the partnership's and sectors' only from an account over the whole partnership; an
 * organisation's only inside the administrator's own organisations), the page and its forms, and
 * the red/amber/green status with its words beside each figure on the reports and their downloads.
 */
import { parse } from 'csv-parse/sync';
import * as ExcelJS from 'exceljs';
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
    // A manager in the ward with a team of two, both trained (H is then 11 of 12, the whole 16 of 19).
    await person(http, { employeeRef: 'MGR', organisationCode: 'HW', roleCodes: [], startDate: '2020-01-06' });
    for (const ref of ['TM0', 'TM1']) {
      await person(http, { employeeRef: ref, organisationCode: 'HW', roleCodes: ['ALL'], managerEmployeeRef: 'MGR', startDate: '2020-01-06' });
      await completion(http, ref, 'L1', '2025-01-10');
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
    // The council's own audit log has its organisations' targets (C's and CY's L1 from the first test, CY's L2 here), not the partnership's or sectors'.
    const audit = (await councilAdmin.get('/api/audit?entity=targets').expect(200)).body.items as { action: string }[];
    expect(audit.map((e) => e.action).sort()).toEqual(['create', 'create', 'create', 'delete', 'delete']);
    const everything = (await t.http().get('/api/audit?entity=targets&pageSize=100').expect(200)).body.items as unknown[];
    expect(everything.length).toBeGreaterThan(audit.length);
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

  // Targets now: the partnership's L1 85 (margin 5), health's L1 90 (margin 2.5), the council's own L1 87.5.
  // L1 on 30 June 2025: the whole 16 of 19 = 84.2 (amber), C with CY 5 of 7 = 71.4 (red), H 11 of 12 = 91.7 (green).
  describe('red, amber or green with words and the target beside each figure', () => {
    const Q = 'organisation=P&asOf=2025-06-30';
    type Target = { level: string; targetPercent: number | null; status: string; words: string };
    const l1 = (targets: Target[] | undefined) => targets!.find((x) => x.level === 'L1')!;

    it('on the gap analysis: the whole, each organisation below, each sector and each role', async () => {
      const v = (await t.http().get(`/api/reports/gap-analysis?${Q}`).expect(200)).body;
      expect(v.levels[0].compliancePct).toBe(84.2);
      expect(l1(v.targets)).toEqual({ level: 'L1', targetPercent: 85, amberMargin: 5, status: 'amber', words: 'Close to target' });
      const org = (code: string) => l1(v.byOrganisation.find((g: { organisation: { code: string } }) => g.organisation.code === code).targets);
      expect(org('C')).toMatchObject({ targetPercent: 87.5, status: 'red', words: 'Below target' });
      expect(org('H')).toMatchObject({ targetPercent: 90, status: 'green', words: 'On target' });
      const sector = (code: string) => l1(v.bySector.find((g: { sector: string }) => g.sector === code).targets);
      expect(sector('health')).toMatchObject({ targetPercent: 90, status: 'green' });
      expect(sector('education')).toMatchObject({ targetPercent: 85, status: 'red' });
      expect(l1(v.byRole[0].targets)).toMatchObject({ targetPercent: 85, status: 'amber' });
      // L2 has no target anywhere.
      expect(v.targets.find((x: Target) => x.level === 'L2')).toMatchObject({ targetPercent: null, status: 'no target', words: 'No target set' });

      const page = await t.http().get('/reports/gap-analysis?organisation=P&asOf-day=30&asOf-month=6&asOf-year=2025').set('Accept', 'text/html').expect(200);
      expect(page.text).toContain('Against target');
      expect(page.text).toMatch(/Target 85%<\/span> <strong class="govuk-tag govuk-tag--yellow app-rag-tag">Close to target<\/strong>/);
      expect(page.text).toMatch(/Target 87.5%<\/span> <strong class="govuk-tag govuk-tag--red app-rag-tag">Below target<\/strong>/);

      const csv = parse((await t.http().get(`/api/reports/gap-analysis?${Q}&format=csv`).expect(200)).text.replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[];
      expect(csv.find((r) => r.Group === 'All' && r.Level === 'L1')).toMatchObject({ 'Compliance %': '84.2', 'Target %': '85', 'Status against target': 'Close to target' });
      expect(csv.find((r) => r.Group === 'Organisation' && r['Group code'] === 'C' && r.Level === 'L1')).toMatchObject({ 'Target %': '87.5', 'Status against target': 'Below target' });
    });

    it('on the quarterly and annual reports, their pages and their CSV and XLSX downloads', async () => {
      const q = (await t.http().get('/api/reports/quarterly?organisation=P&year=2025&quarter=1').expect(200)).body;
      expect(q.levels[0]).toMatchObject({ compliancePctAtEnd: 84.2, target: { targetPercent: 85, status: 'amber', words: 'Close to target' } });
      expect(q.byOrganisation.find((o: { code: string }) => o.code === 'C').levels[0].target).toMatchObject({ targetPercent: 87.5, status: 'red' });
      expect(q.bySector.find((s: { sector: string }) => s.sector === 'health').levels[0].target).toMatchObject({ targetPercent: 90, status: 'green' });
      const a = (await t.http().get('/api/reports/annual?organisation=P&year=2025').expect(200)).body;
      expect(a.quarters[0].levels[0].target).toMatchObject({ targetPercent: 85, status: 'amber' });
      expect(a.totals[0].target).toMatchObject({ targetPercent: 85 });

      const page = await t.http().get('/reports/quarterly?organisation=P&year=2025&quarter=1').set('Accept', 'text/html').expect(200);
      expect(page.text).toContain('target 85%');
      expect(page.text).toMatch(/<strong class="govuk-tag govuk-tag--yellow app-rag-tag">Close to target<\/strong>/);
      expect(page.text).toMatch(/<strong class="govuk-tag govuk-tag--red app-rag-tag">Below target<\/strong>/);
      const annualPage = await t.http().get('/reports/annual?organisation=P&year=2025').set('Accept', 'text/html').expect(200);
      expect(annualPage.text).toContain('Close to target');

      const csv = parse((await t.http().get('/reports/quarterly.csv?organisation=P&year=2025&quarter=1').expect(200)).text.replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[];
      const total = csv.find((r) => r.Breakdown === 'Total' && r.Level === 'L1')!;
      expect(total).toMatchObject({ 'Compliance % at end': '84.2', 'Target %': '85', 'Status against target at end': 'Close to target' });
      const annualCsv = (await t.http().get('/reports/annual.csv?organisation=P&year=2025').expect(200)).text;
      expect(annualCsv.split('\n')[0]).toContain('Status against target at end');

      const xlsx = await t.http().get('/reports/quarterly.xlsx?organisation=P&year=2025&quarter=1').buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      }).expect(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.body);
      const values: unknown[] = [];
      book.getWorksheet('Summary')!.eachRow((row) => values.push(...(row.values as unknown[])));
      expect(values).toContain('Target %');
      expect(values).toContain('Close to target');
    });

    it('on the home page and My team’s headline', async () => {
      const home = await t.http().get('/').set('Accept', 'text/html').expect(200);
      expect(home.text).toMatch(/Target 85% <strong class="govuk-tag govuk-tag--(yellow|red|green)">(Close to target|Below target|On target)<\/strong>/);
      const manager = await t.as('manager', 'HW', 'MGR');
      const team = await manager.get('/my-team').set('Accept', 'text/html').expect(200);
      // The team (2 of 2) against the ward's target, health's 90%.
      expect(team.text).toMatch(/<strong>L1<\/strong>[^<]*: <strong>100%<\/strong>, target 90% <strong class="govuk-tag govuk-tag--green">On target<\/strong>/);
    });
  });
});
