/**
 * Trainer coverage and Prevent lead coverage on the hand-built partnership of
 * test/quarterly-partnership.ts. Trainers there: B1 (Oak School), T1 (County Council), T2 (Health
 * Trust; L3 lapsed 10 May 2024, renewed 10 May 2025). Sessions: A (1 April 2025, trainer T1, 2
 * attended), B (31 March 2025, B1, 1 attended), C (30 June 2025, B1, 2 attended); D cancelled,
 * E never delivered, F run by an external trainer.
 */
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person } from './support/builders';
import { csvLines, everyCellQuoted } from './support/csv';
import { buildPartnership } from './quarterly-partnership';

interface CoverageRow {
  code: string;
  trainers: number;
  sessionsDelivered: number;
  peopleTrained: number;
  hasTrainer: boolean;
  trainerList?: { employeeRef: string; validUntil: string | null; sessionsDelivered: number; peopleTrained: number }[];
}

interface LeadRow {
  code: string;
  leads: number;
  leadsWithValidL3: number;
  status: string;
  leadList?: { employeeRef: string; validL3: boolean; validUntil: string | null; roles: string[] }[];
}

describeEachDatabase('trainer and Prevent lead coverage', (kind) => {
  let t: TestApp;
  let http: Client;

  beforeAll(async () => {
    t = await createTestApp(kind);
    http = t.http();
    await buildPartnership(http, t.dataSource);
  });
  afterAll(() => t.close());

  describe('trainer coverage', () => {
    it('lists each child organisation’s valid L3 trainers with the sessions they delivered in the 12 months to the date', async () => {
      // 1 July 2024 to 30 June 2025: T1 ran A (2 attended: A2 and the walk-in W1); B1 ran B and C (1 + 2);
      // T2 ran nothing. P1's partnership row is left out: no trainer sits directly in it.
      const body = (await http.get('/api/reports/trainer-coverage/trainers?organisation=P&asOf=2025-06-30').expect(200)).body;
      expect(body.sessionsFrom).toBe('2024-07-01');
      expect(body.organisations.map((o: CoverageRow) => [o.code, o.trainers, o.sessionsDelivered, o.peopleTrained, o.hasTrainer])).toEqual([
        ['C1', 1, 1, 2, true],
        ['H1', 1, 0, 0, true],
        ['S1', 1, 2, 3, true],
      ]);
      const list = Object.fromEntries(body.organisations.map((o: CoverageRow) => [o.code, o.trainerList]));
      expect(list.S1).toEqual([
        { employeeRef: 'B1', name: 'Person B1', organisationCode: 'S1', organisationName: 'Oak School', validUntil: '2026-06-01', sessionsDelivered: 2, peopleTrained: 3 },
      ]);
      expect(list.H1[0]).toMatchObject({ employeeRef: 'T2', validUntil: '2028-05-10', sessionsDelivered: 0 });
      expect(body.withoutTrainer).toEqual([]);
      expect(body.trainers).toBe(3);
    });

    it('highlights organisations with no valid trainer on the date', async () => {
      // 31 March 2025: T2's L3 had lapsed; the year to 31 March 2025 holds session B only.
      const body = (await http.get('/api/reports/trainer-coverage?organisation=P&asOf=2025-03-31').expect(200)).body;
      expect(body.organisations.map((o: CoverageRow) => [o.code, o.trainers, o.sessionsDelivered, o.peopleTrained])).toEqual([
        ['C1', 1, 0, 0],
        ['H1', 0, 0, 0],
        ['S1', 1, 1, 1],
      ]);
      expect(body.withoutTrainer).toEqual(['H1']);
      expect(body.organisations[0].trainerList).toBeUndefined();
    });

    it('shows the chosen organisation’s own row when a trainer sits directly in it', async () => {
      const body = (await http.get('/api/reports/trainer-coverage?organisation=C1&asOf=2025-06-30').expect(200)).body;
      expect(body.organisations.map((o: CoverageRow & { direct: boolean }) => [o.code, o.direct, o.trainers])).toEqual([
        ['C1Y', false, 0],
        ['C1', true, 1],
      ]);
      expect(body.withoutTrainer).toEqual(['C1Y']);
    });

    it('gives viewers the counts but refuses them the trainers’ names', async () => {
      const viewer = await t.as('viewer', 'P');
      await viewer.get('/api/reports/trainer-coverage/trainers?organisation=P&asOf=2025-06-30').expect(403);
      const counts = (await viewer.get('/api/reports/trainer-coverage?organisation=P&asOf=2025-06-30').expect(200)).body;
      expect(counts.trainers).toBe(3);
      const page = await viewer.get('/reports/trainer-coverage?organisation=P&asOf=2025-06-30').expect(200);
      expect(page.text).toContain('counted but not named');
      expect(page.text).not.toContain('Person B1');
    });
  });

  describe('Prevent lead coverage', () => {
    it('uses PREVENT_LEAD and DSL as the lead roles until an administrator changes them', async () => {
      expect((await http.get('/api/reports/lead-coverage/role-codes').expect(200)).body).toEqual({ roleCodes: ['PREVENT_LEAD', 'DSL'] });
    });

    it('finds each organisation’s named lead and whether their L3 is valid', async () => {
      // Directly below P (depth 1): C1 has T1, H1 has T2, S1 has B1, all DSLs with a valid L3 on 30 June 2025.
      const body = (await http.get('/api/reports/lead-coverage/leads?organisation=P&asOf=2025-06-30').expect(200)).body;
      expect(body.depth).toBe(1);
      expect(body.organisations.map((o: LeadRow) => [o.code, o.leads, o.leadsWithValidL3, o.status])).toEqual([
        ['C1', 1, 1, 'covered'],
        ['H1', 1, 1, 'covered'],
        ['S1', 1, 1, 'covered'],
      ]);
      expect(body.organisations[2].leadList).toEqual([
        { employeeRef: 'B1', name: 'Person B1', organisationCode: 'S1', organisationName: 'Oak School', roles: ['DSL'], validL3: true, validUntil: '2026-06-01' },
      ]);
      expect(body.withoutValidLead).toEqual([]);
    });

    it('reports a lead whose L3 has lapsed', async () => {
      const body = (await http.get('/api/reports/lead-coverage?organisation=P&asOf=2025-03-31').expect(200)).body;
      expect(body.organisations.map((o: LeadRow) => [o.code, o.status])).toEqual([
        ['C1', 'covered'],
        ['H1', 'lead-without-valid-l3'],
        ['S1', 'covered'],
      ]);
      expect(body.withoutValidLead).toEqual(['H1']);
      expect(body.counts).toEqual({ covered: 2, leadWithoutValidL3: 1, noLead: 0 });
      expect(body.organisations[0].leadList).toBeUndefined();
    });

    it('chooses organisations by sector at any depth: every education organisation', async () => {
      // Education Services (C1Y, under the council) and Oak School; nobody in C1Y holds a lead role.
      const body = (await http.get('/api/reports/lead-coverage?organisation=P&sector=education&asOf=2025-06-30').expect(200)).body;
      expect(body.depth).toBeNull();
      expect(body.organisations.map((o: LeadRow) => [o.code, o.leads, o.status])).toEqual([
        ['C1Y', 0, 'no-lead'],
        ['S1', 1, 'covered'],
      ]);
      expect(body.withoutValidLead).toEqual(['C1Y']);
    });

    it('lets administrators change the lead roles, naming any unknown code, and nobody else', async () => {
      const res = await http.put('/api/reports/lead-coverage/role-codes').send({ roleCodes: ['FRONT', 'NOPE'] }).expect(422);
      expect(res.body.message).toContain('NOPE');
      const coordinator = await t.as('coordinator', 'P');
      await coordinator.put('/api/reports/lead-coverage/role-codes').send({ roleCodes: ['FRONT'] }).expect(403);
      await http.put('/api/reports/lead-coverage/role-codes').send({ roleCodes: ['FRONT'] }).expect(200, { roleCodes: ['FRONT'] });
      try {
        // Frontline staff as "leads": C1 has A2, WL1 and (in C1Y) A3, W1; H1 has H1a, H1b; S1 has B2; none holds L3.
        const body = (await http.get('/api/reports/lead-coverage?organisation=P&asOf=2025-06-30').expect(200)).body;
        expect(body.organisations.map((o: LeadRow) => [o.code, o.leads, o.leadsWithValidL3, o.status])).toEqual([
          ['C1', 4, 0, 'lead-without-valid-l3'],
          ['H1', 2, 0, 'lead-without-valid-l3'],
          ['S1', 1, 0, 'lead-without-valid-l3'],
        ]);
      } finally {
        // This partnership has no PREVENT_LEAD role, so only DSL can be named now.
        await http.put('/api/reports/lead-coverage/role-codes').send({ roleCodes: ['DSL'] }).expect(200);
      }
    });

    it('gives viewers the counts but refuses them the leads’ names', async () => {
      const viewer = await t.as('viewer', 'P');
      await viewer.get('/api/reports/lead-coverage/leads?organisation=P').expect(403);
      await viewer.get('/api/reports/lead-coverage?organisation=P').expect(200);
      const csv = await viewer.get('/reports/lead-coverage.csv?organisation=P&asOf=2025-06-30').expect(200);
      expect(csv.text).not.toContain('Person');
      expect(csv.text).toContain('Oak School');
    });

    it('downloads a CSV for the annual audit whose cells cannot run as formulas', async () => {
      await organisation(http, 'OUT-S', 'OUT', { name: '=2+3 Academy', sector: 'education' });
      await person(http, { employeeRef: 'X1', organisationCode: 'OUT-S', firstName: '+Plus', lastName: '@Lead', roleCodes: ['DSL'] });
      await completion(http, 'X1', 'L3', '2025-01-15', { organisationCode: 'OUT-S' });
      const csv = await http.get('/reports/lead-coverage.csv?organisation=OUT&asOf=2025-06-30').expect(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.headers['content-disposition']).toContain('attachment; filename="prevent-lead-coverage-OUT-2025-06-30.csv"');
      expect(everyCellQuoted(csv.text)).toBe(true);
      const lines = csvLines(csv.text);
      expect(lines[0]).toBe('Organisation,Organisation code,Sector,Status,Lead,Employee reference,Lead’s organisation,Lead roles,Valid L3,L3 valid until');
      expect(lines[1]).toBe("'=2+3 Academy,OUT-S,Education,Lead with valid L3,'+Plus @Lead,X1,'=2+3 Academy,DSL,yes,2028-01-15");
    });
  });

  describe('pages', () => {
    it('download the CSV of what the form has chosen: the date typed in its boxes, the organisation, the sector', async () => {
      const trainerForm = (await http.get('/reports/trainer-coverage').expect(200)).text;
      expect(trainerForm).toMatch(/action="\/reports\/trainer-coverage"[\s\S]*name="asOf-day"[\s\S]*name="format" value="csv">Download CSV<\/button>\s*<\/div>\s*<\/form>/);
      const trainers = await http.get('/reports/trainer-coverage?organisation=C1&asOf-day=31&asOf-month=3&asOf-year=2025&format=csv').expect(200);
      expect(trainers.headers['content-disposition']).toBe('attachment; filename="prevent-trainer-coverage-C1-2025-03-31.csv"');
      const leadForm = (await http.get('/reports/lead-coverage').expect(200)).text;
      expect(leadForm).toMatch(/action="\/reports\/lead-coverage"[\s\S]*name="asOf-day"[\s\S]*name="format" value="csv">Download CSV for the annual audit<\/button>\s*<\/div>\s*<\/form>/);
      const leads = await http.get('/reports/lead-coverage?organisation=P&asOf-day=30&asOf-month=6&asOf-year=2025&sector=education&depth=&format=csv').expect(200);
      expect(leads.headers['content-disposition']).toBe('attachment; filename="prevent-lead-coverage-P-2025-06-30.csv"');
      const rows = csvLines(leads.text).slice(1);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.split(',')[2] === 'Education')).toBe(true);
    });

    it('keep the form and say what to type when the date is wrong', async () => {
      for (const page of ['trainer-coverage', 'lead-coverage']) {
        const res = await http.get(`/reports/${page}?organisation=P&asOf-day=30&asOf-month=2&asOf-year=2025&format=csv`).expect(400);
        expect(res.text).toContain('<a href="#asOf-day">Date must be a real date between 1900 and 2199, for example 31 3 2026</a>');
        expect(res.text).toContain('<p id="asOf-error" class="govuk-error-message">');
        expect(res.text).toContain('id="asOf-day" name="asOf-day" type="text" inputmode="numeric" value="30"');
      }
    });

    it('render the trainer and lead coverage pages, the lead roles form and the reports list', async () => {
      const trainers = await http.get('/reports/trainer-coverage?organisation=P&asOf=2025-03-31').expect(200);
      expect(trainers.text).toContain('No trained trainer in: Health Trust');
      expect(trainers.text).toContain('Person B1');
      const leads = await http.get('/reports/lead-coverage?organisation=P&sector=education&asOf=2025-06-30').expect(200);
      expect(leads.text).toContain('Organisations without a named lead holding a valid L3 (1)');
      expect(leads.text).toContain('Education Services');
      await http.get('/reports/lead-coverage/settings').expect(200);
      const index = await http.get('/reports').expect(200);
      for (const href of ['/reports/gap-analysis', '/reports/quarterly', '/reports/annual', '/reports/needs-analysis', '/reports/trainer-coverage', '/reports/lead-coverage', '/reports/impact']) {
        expect(index.text).toContain(`href="${href}"`);
      }
    });
  });
});
