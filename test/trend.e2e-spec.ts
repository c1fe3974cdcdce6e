/**
 * The compliance trend (src/reports/trend): every figure at every quarter end is the gap analysis
 * run on its own for that day, for the whole organisation, each child organisation and each sector,
 * over generated partnerships (organisation trees, scoped requirements with grace periods, starters,
 * leavers, completions at several levels around the quarter ends). Plus its defaults, refusals,
 * page, chart and downloads. One app per database; the runs are few (each builds its data through
 * the API) and bounded by number, not time.
 */
import fc from 'fast-check';
import * as ExcelJS from 'exceljs';
import { addDays, financialQuarter, quarterOf, todayIso } from '../src/common/dates';
import { SECTORS } from '../src/organisations/sectors';
import { createTestApp, DatabaseKind, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

const RUNS: Record<DatabaseKind, number> = { sqlite: 8, postgres: 4 };

interface LevelFigures {
  level: string;
  required: number;
  met: number;
  pending: number;
  overdue: number;
  compliancePct: number | null;
}
interface GapView {
  levels: LevelFigures[];
  byOrganisation: { organisation: { code: string }; levels: LevelFigures[] }[];
  bySector: { sector: string; levels: LevelFigures[] }[];
}
interface TrendSeries {
  group: { kind: string; code: string; direct: boolean };
  level: string;
  targetPercent: number | null;
  points: { end: string; compliancePct: number | null; required: number; met: number; pending: number; overdue: number; rag: { status: string; words: string } }[];
}
interface Trend {
  quarters: { year: number; quarter: number; label: string; end: string }[];
  series: TrendSeries[];
}

const world = fc.record({
  organisations: fc.array(fc.record({ parent: fc.nat(), sector: fc.constantFrom(...SECTORS.slice(0, 3)) }), { minLength: 1, maxLength: 4 }),
  requirements: fc.array(fc.record({ role: fc.nat({ max: 2 }), level: fc.constantFrom('L1', 'L2', 'L3'), scope: fc.option(fc.nat(), { freq: 2 }), grace: fc.constantFrom(0, 30, 90, 365) }), {
    minLength: 1,
    maxLength: 3,
  }),
  people: fc.array(
    fc.record({
      organisation: fc.nat(),
      start: fc.integer({ min: -1200, max: 60 }),
      leaves: fc.option(fc.integer({ min: -700, max: 0 }), { freq: 4 }),
      roles: fc.uniqueArray(fc.nat({ max: 2 }), { minLength: 1, maxLength: 2 }),
      completions: fc.uniqueArray(fc.record({ level: fc.constantFrom('L1', 'L2', 'L3'), days: fc.integer({ min: -1500, max: 30 }) }), {
        maxLength: 3,
        selector: (c) => `${c.level}:${c.days}`,
      }),
    }),
    { minLength: 1, maxLength: 10 },
  ),
  // The last quarter: from Q1 2023/24 to Q4 2025/26.
  to: fc.integer({ min: 0, max: 11 }).map((n) => ({ year: 2023 + Math.floor(n / 4), quarter: ((n % 4) + 1) as 1 | 2 | 3 | 4 })),
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

const figuresOf = (l: LevelFigures) => ({ required: l.required, met: l.met, pending: l.pending, overdue: l.overdue, compliancePct: l.compliancePct });

describeEachDatabase('compliance trend', (kind) => {
  let t: TestApp;
  let run = 0;

  beforeAll(async () => {
    t = await createTestApp(kind);
    for (const code of ['R0', 'R1', 'R2']) await role(t.http(), code);
    // A small partnership of its own for the tests after the property.
    await organisation(t.http(), 'TR', null, { isEmployer: true, name: 'Trend Partnership' });
    await organisation(t.http(), 'TR-H', 'TR', { sector: 'health', name: 'Trend Health Trust' });
    await requirement(t.http(), 'R0', 'L1', { organisationCode: 'TR' });
    await person(t.http(), { employeeRef: 'TR-1', organisationCode: 'TR-H', roleCodes: ['R0'], startDate: '2020-01-06' });
    await completion(t.http(), 'TR-1', 'L1', '2024-05-01');
  });
  afterAll(() => t.close());

  /** Builds one partnership of its own (a new tree), through the API. */
  async function load(w: World): Promise<string> {
    const http = t.http();
    const prefix = `T${++run}`;
    const codes: string[] = [];
    for (const [i, o] of w.organisations.entries()) {
      const code = `${prefix}-${i}`;
      await organisation(http, code, i === 0 ? null : codes[o.parent % i], { sector: o.sector, isEmployer: true, name: `Run ${run} organisation ${i}` });
      codes.push(code);
    }
    for (const r of w.requirements) {
      await http
        .post('/api/requirements')
        .send({ roleCode: `R${r.role}`, levelCode: r.level, organisationCode: r.scope === null ? codes[0] : codes[r.scope % codes.length], graceDays: r.grace })
        .expect((res: { status: number }) => expect([201, 409, 422]).toContain(res.status));
    }
    const end = financialQuarter(w.to.year, w.to.quarter).end;
    for (const [i, p] of w.people.entries()) {
      const ref = `${prefix}-P${i}`;
      const startDate = addDays(end, p.start);
      const endDate = p.leaves === null ? null : addDays(end, Math.max(p.start + 1, p.leaves));
      await person(http, { employeeRef: ref, organisationCode: codes[p.organisation % codes.length], roleCodes: p.roles.map((r) => `R${r}`), startDate, endDate });
      for (const c of p.completions) await completion(http, ref, c.level, addDays(end, c.days));
    }
    return codes[0];
  }

  it('at every quarter end equals the gap analysis run separately on that day, for the organisation, each child organisation and each sector', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const root = await load(w);
        const to = `${w.to.year}Q${w.to.quarter}`;
        const byOrganisation = (await t.http().get(`/api/reports/trend?organisation=${root}&to=${to}`).expect(200)).body as Trend;
        const bySector = (await t.http().get(`/api/reports/trend?organisation=${root}&to=${to}&groupBy=sector`).expect(200)).body as Trend;
        expect(byOrganisation.quarters).toHaveLength(8);
        expect(byOrganisation.quarters[7].end).toBe(financialQuarter(w.to.year, w.to.quarter).end);
        for (const [k, q] of byOrganisation.quarters.entries()) {
          const gap = (await t.http().get(`/api/reports/gap-analysis?organisation=${root}&asOf=${q.end}`).expect(200)).body as GapView;
          const at = (series: TrendSeries[], kindOf: string, code: string, level: string) => {
            const s = series.find((x) => x.group.kind === kindOf && x.group.code === code && x.level === level && !x.group.direct);
            expect(s).toBeDefined();
            const p = s!.points[k];
            expect(p.end).toBe(q.end);
            return { required: p.required, met: p.met, pending: p.pending, overdue: p.overdue, compliancePct: p.compliancePct };
          };
          for (const l of gap.levels) {
            expect(at(byOrganisation.series, 'total', root, l.level)).toEqual(figuresOf(l));
            expect(at(bySector.series, 'total', root, l.level)).toEqual(figuresOf(l));
          }
          for (const o of gap.byOrganisation) for (const l of o.levels) expect(at(byOrganisation.series, 'organisation', o.organisation.code, l.level)).toEqual(figuresOf(l));
          for (const s of gap.bySector) for (const l of s.levels) expect(at(bySector.series, 'sector', s.sector, l.level)).toEqual(figuresOf(l));
        }
      }),
      { numRuns: RUNS[kind] },
    );
  });

  it('covers by default the eight quarters ending with the last one that has ended, oldest first', async () => {
    const res = await t.http().get('/api/reports/trend').expect(200);
    const quarters = (res.body as Trend).quarters;
    expect(quarters).toHaveLength(8);
    const today = todayIso();
    const last = quarters[7];
    expect(last.end < today).toBe(true);
    // The quarter after the last one has not ended: it is the one running today.
    expect(quarterOf(addDays(last.end, 1))).toEqual(quarterOf(today));
    for (let i = 1; i < 8; i++) expect(addDays(quarters[i - 1].end, 1) <= quarters[i].end).toBe(true);
    expect(quarters.map((q) => q.label)[0]).toMatch(/^Q[1-4] \d{4}\/\d{2}$/);
  });

  it('follows UK financial quarters: 2025Q1 ends on 30 June 2025 and 2025Q4 on 31 March 2026', async () => {
    const root = 'TR';
    const v = (await t.http().get(`/api/reports/trend?organisation=${root}&from=2025Q1&to=2025Q4&levels=L1`).expect(200)).body as Trend;
    expect(v.quarters.map((q) => q.end)).toEqual(['2025-06-30', '2025-09-30', '2025-12-31', '2026-03-31']);
    expect(v.quarters.map((q) => q.label)).toEqual(['Q1 2025/26', 'Q2 2025/26', 'Q3 2025/26', 'Q4 2025/26']);
    expect(new Set(v.series.map((s) => s.level))).toEqual(new Set(['L1']));
  });

  it('refuses a range back to front, longer than five years, a quarter written wrongly or an unknown level, in words', async () => {
    const refused = async (query: string, field: string) => {
      const res = await t.http().get(`/api/reports/trend?${query}`).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    };
    await refused('from=2025Q3&to=2025Q1', 'from');
    await refused('from=2015Q1&to=2025Q1', 'from');
    await refused('from=2025-3', 'from');
    await refused('levels=L9', 'levels');
    await refused('groupBy=role', 'groupBy');
  });

  it('shows a page with the form, the chart with its table beneath, the sentence about roles as they are now, and downloads CSV and XLSX', async () => {
    const root = 'TR';
    const page = await t.http().get(`/reports/trend?organisation=${root}&from=2024Q1&to=2025Q4`).set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Compliance trend');
    expect(page.text).toContain('roles and organisations as they are now');
    expect(page.text).toMatch(/<img src="\/reports\/trend\/chart\.svg\?[^"]*from&#x3D;2024Q1/);
    expect(page.text).toContain('Q4 2025/26');
    const chart = await t.http().get(`/reports/trend/chart.svg?organisation=${root}&from=2024Q1&to=2025Q4`).expect(200);
    expect(chart.headers['content-type']).toContain('image/svg+xml');
    expect(String(chart.text ?? chart.body)).toContain('<svg');

    const csv = await t.http().get(`/reports/trend.csv?organisation=${root}&from=2024Q1&to=2025Q4&level=L1`).expect(200);
    expect(csv.headers['content-disposition']).toContain('prevent-compliance-trend');
    const header = csv.text.split('\n')[0];
    expect(header).toContain('Target %');
    expect(header).toContain('Q4 2025/26 compliance % (2026-03-31)');
    expect(header).toContain('Q4 2025/26 status');

    const xlsx = await t.http().get(`/reports/trend.xlsx?organisation=${root}&from=2024Q1&to=2025Q4`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body);
    expect(book.worksheets[0].name).toBe('Compliance trend');

    // A page with a quarter range back to front says so at the first quarter, and shows the default eight.
    const wrong = await t.http().get(`/reports/trend?organisation=${root}&from=2025Q4&to=2025Q1`).set('Accept', 'text/html').expect(400);
    expect(wrong.text).toContain('There is a problem');
    expect(wrong.text).toContain('The first quarter must be the same as or before the last quarter');
  });
});
