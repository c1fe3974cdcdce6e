/**
 * The quarterly take-up report, every figure checked against the hand-built partnership of
 * test/quarterly-partnership.ts (read its header first: the expected figures below are worked
 * out from it by hand, person by person).
 */
import { Scope } from '../src/auth/scope';
import { ComplianceFigures, type ComplianceGroups, RulesComplianceFigures } from '../src/reports/shared/compliance-figures';
import { loadSubtree } from '../src/reports/shared/groups';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { buildPartnership } from './quarterly-partnership';

/** Groups as plain objects, leaving out groups nobody is counted in (the two sources list empty groups differently). */
function plain(g: ComplianceGroups) {
  const levels = (m: Map<string, { required: number }>) => Object.fromEntries(m);
  const groups = <K>(m: Map<K, Map<string, { required: number }>>) =>
    Object.fromEntries([...m].filter(([, counts]) => [...counts.values()].some((c) => c.required > 0)).map(([k, counts]) => [String(k), levels(counts)]));
  return { total: levels(g.total), byOrganisation: groups(g.byOrganisation), bySector: groups(g.bySector), byRole: groups(g.byRole) };
}

interface Figures {
  level: string;
  completions: number;
  peopleTrained: number;
  firstTime: number;
  refresher: number;
  sessionsDelivered: number;
  placesBooked: number;
  attended: number;
  noShows: number;
  feedbackCount: number;
  averageRating: number | null;
  compliancePctAtEnd: number | null;
  compliancePctPreviousEnd: number | null;
}

const FIELDS: (keyof Figures)[] = [
  'level',
  'completions',
  'peopleTrained',
  'firstTime',
  'refresher',
  'sessionsDelivered',
  'placesBooked',
  'attended',
  'noShows',
  'feedbackCount',
  'averageRating',
  'compliancePctAtEnd',
  'compliancePctPreviousEnd',
];

/** A row of figures written in FIELDS order, to keep the expected tables readable. */
function row(...values: (string | number | null)[]): Figures {
  return Object.fromEntries(FIELDS.map((f, i) => [f, values[i]])) as unknown as Figures;
}

const pick = (levels: Figures[]) => levels.map((l) => Object.fromEntries(FIELDS.map((f) => [f, l[f]])));

describeEachDatabase('quarterly take-up report', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(kind);
    await buildPartnership(t.http(), t.dataSource);
  });
  afterAll(() => t.close());

  describe('Q1 2025/26 (1 April to 30 June 2025) for the whole partnership', () => {
    let body: {
      period: unknown;
      previousPeriod: unknown;
      levels: Figures[];
      byOrganisation: { code: string; direct: boolean; levels: Figures[] }[];
      bySector: { sector: string; levels: Figures[] }[];
      trend: { label: string; levels: { level: string; completions: number; peopleTrained: number; compliancePctAtEnd: number | null }[] }[];
      feedback: Record<string, unknown>;
      impact: { concerns: Record<string, number>; channelReferrals: number; organisationsReporting: number };
    };

    beforeAll(async () => {
      body = (await t.http().get('/api/reports/quarterly?organisation=P&year=2025&quarter=1').expect(200)).body;
    });

    it('names the period from its first to its last day', () => {
      expect(body.period).toEqual({ year: 2025, quarter: 1, start: '2025-04-01', end: '2025-06-30' });
      expect(body.previousPeriod).toEqual({ year: 2024, quarter: 4, start: '2025-01-01', end: '2025-03-31' });
    });

    it('counts every figure per level', () => {
      // L1 completions dated 1 April-30 June: A1 06-20, A5 04-15 (a leaver still counts), A6 04-01,
      //   B2 05-05, B3 04-10 and 06-20 = 6; people A1 A5 A6 B2 B3 = 5. Refreshers: A1 (L1 2022),
      //   A6 (L1 on 31 March, the day before), B2 (L2 on 31 March: a higher rank counts) = 3.
      //   O1 is outside the partnership; A6's 31 March completion belongs to the previous quarter.
      // L2: A2 04-01, A3 06-30, H1a 06-30, W1 04-01 (walk-in) = 4 people; refresher A3 (L2 2022) only:
      //   A2 and H1a held L1, a lower rank.
      // L3: T2 05-10, refresher (L3 2021).
      // Sessions started in the quarter and delivered: A (1 April) and C (30 June, 18:00) at L2; F at L3.
      //   Not B (31 March), D (cancelled), E (scheduled), G (outside). A: booked A2 A3 (W1 walked in,
      //   WL1 waiting, CX1 cancelled) = 2, attended A2 W1 = 2, no-show A3; C: booked 3, attended 2, no-show 1.
      //   Feedback A 5, 4 and C 3: 3 responses, average 4.0.
      // Compliance at 30 June 2025 (16 people in scope, A5 has left):
      //   L1 met 13 of 16 due (A4, H1b, WL1 missing) = 81.25 -> 81.3; L2 met 8 of 9 due (WL1 missing,
      //   H1b pending) = 88.9; L3 B1 T1 T2 = 100.0.
      // At 31 March 2025 (17 in scope): L1 met 9 (A1, A3 expiring), overdue 6 (H1a, T2 expired;
      //   A5, B3, W1, WL1 missing), A4 and H1b pending: 60.0; L2 met 4 (B1 B2 T1, A3 expiring),
      //   overdue 5 (T2 expired; A2 W1 H1a WL1 missing) = 44.4; L3 met 2 of 3 (T2 expired) = 66.7.
      expect(pick(body.levels)).toEqual([
        row('L1', 6, 5, 2, 3, 0, 0, 0, 0, 0, null, 81.3, 60.0),
        row('L2', 4, 4, 3, 1, 2, 5, 4, 2, 3, 4.0, 88.9, 44.4),
        row('L3', 1, 1, 0, 1, 1, 1, 1, 0, 0, null, 100.0, 66.7),
      ]);
    });

    it('breaks the figures down by child organisation, with a row for what sits directly in the partnership', () => {
      const byCode = Object.fromEntries(body.byOrganisation.map((o) => [o.code, pick(o.levels)]));
      expect(body.byOrganisation.map((o) => [o.code, o.direct])).toEqual([
        ['C1', false],
        ['H1', false],
        ['S1', false],
        ['P', true],
      ]);
      // County Council with its Education Services: A1 A2 A3 A4 A5 A6 T1 W1 WL1 CX1; sessions A and F.
      //   L1 A1 A5 A6: 3 people, refreshers A1 A6. L2 A2 W1 first time, A3 refresher.
      //   30 June: L1 7 of 9 (A4, WL1 missing) = 77.8; L2 4 of 5 (WL1) = 80.0; L3 T1 = 100.0.
      //   31 March: L1 met A1 A2 A3 A6 T1 CX1 = 6, overdue A5 W1 WL1 = 3, A4 pending: 66.7;
      //   L2 met A3 T1 = 2, overdue A2 W1 WL1 = 3: 40.0; L3 100.0.
      expect(byCode.C1).toEqual([
        row('L1', 3, 3, 1, 2, 0, 0, 0, 0, 0, null, 77.8, 66.7),
        row('L2', 3, 3, 2, 1, 1, 2, 2, 1, 2, 4.5, 80.0, 40.0),
        row('L3', 0, 0, 0, 0, 1, 1, 1, 0, 0, null, 100.0, 100.0),
      ]);
      // Health Trust: H1a H1b T2; session C. 30 June: L1 H1a T2 met, H1b missing = 66.7; L2 H1a T2 met,
      //   H1b pending = 100.0; L3 T2 = 100.0. 31 March: H1a and T2 expired or missing, H1b pending: 0.0.
      expect(byCode.H1).toEqual([
        row('L1', 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 66.7, 0.0),
        row('L2', 1, 1, 1, 0, 1, 3, 2, 1, 1, 3.0, 100.0, 0.0),
        row('L3', 1, 1, 0, 1, 0, 0, 0, 0, 0, null, 100.0, 0.0),
      ]);
      // Oak School: B1 B2 B3; session B was in March. L1 B2 (refresher) and B3 twice (first time).
      //   30 June all met; 31 March L1 B1 B2 met, B3 missing = 66.7; L2 B1 B2 = 100.0.
      expect(byCode.S1).toEqual([
        row('L1', 3, 2, 1, 1, 0, 0, 0, 0, 0, null, 100.0, 66.7),
        row('L2', 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 100.0, 100.0),
        row('L3', 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 100.0, 100.0),
      ]);
      // P1, directly in the partnership: L1 compliant on both dates; L2 and L3 required by nobody.
      expect(byCode.P).toEqual([
        row('L1', 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 100.0, 100.0),
        row('L2', 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null),
        row('L3', 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null),
      ]);
    });

    it('breaks the figures down by the sector of each person’s (or host’s) own organisation', () => {
      expect(body.bySector.map((s) => s.sector)).toEqual(['local_authority', 'education', 'health', 'other']);
      const bySector = Object.fromEntries(body.bySector.map((s) => [s.sector, pick(s.levels)]));
      // Local authority (C1 only: A1 A2 A4 A5 A6 T1 WL1 CX1; sessions A, F). 30 June: L1 5 of 7 = 71.4;
      //   L2 A2 T1 met, WL1 missing = 66.7. 31 March: L1 met A1 A2 A6 T1 CX1, overdue A5 WL1 = 71.4;
      //   L2 T1 met, A2 WL1 missing = 33.3.
      expect(bySector.local_authority).toEqual([
        row('L1', 3, 3, 1, 2, 0, 0, 0, 0, 0, null, 71.4, 71.4),
        row('L2', 1, 1, 1, 0, 1, 2, 2, 1, 2, 4.5, 66.7, 33.3),
        row('L3', 0, 0, 0, 0, 1, 1, 1, 0, 0, null, 100.0, 100.0),
      ]);
      // Education (S1: B1 B2 B3, and the council's C1Y: A3 W1). L2 A3 refresher, W1 first time.
      //   30 June all met. 31 March: L1 met B1 B2 A3, missing B3 W1 = 60.0; L2 met B1 B2 A3, W1 missing = 75.0.
      expect(bySector.education).toEqual([
        row('L1', 3, 2, 1, 1, 0, 0, 0, 0, 0, null, 100.0, 60.0),
        row('L2', 2, 2, 1, 1, 0, 0, 0, 0, 0, null, 100.0, 75.0),
        row('L3', 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 100.0, 100.0),
      ]);
      expect(bySector.health).toEqual([
        row('L1', 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 66.7, 0.0),
        row('L2', 1, 1, 1, 0, 1, 3, 2, 1, 1, 3.0, 100.0, 0.0),
        row('L3', 1, 1, 0, 1, 0, 0, 0, 0, 0, null, 100.0, 0.0),
      ]);
      expect(bySector.other[0]).toEqual(row('L1', 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 100.0, 100.0));
    });

    it('gives the last four quarters for the charts', () => {
      // Completions: Q2 2024/25 none; Q3 P1 L1 (11 November); Q4 A6 L1 and B2 L2 (both 31 March).
      // Compliance at 30 September and 31 December 2024 (15 in scope, before A4 and H1b started):
      //   30 Sep L1 met A1 A2 A3 B1 T1 CX1 + H1a expiring = 7 of 15 = 46.7 (P1 not yet trained);
      //   31 Dec L1 met A1 A2 A3 B1 P1 T1 CX1 = 7 of 15 = 46.7 (H1a lapsed on 1 October);
      //   L2 both dates met A3 B1 T1 of 9 = 33.3; L3 B1 T1 of 3 = 66.7.
      expect(body.trend.map((q) => [q.label, q.levels.map((l) => [l.completions, l.peopleTrained, l.compliancePctAtEnd])])).toEqual([
        ['Q2 2024/25', [[0, 0, 46.7], [0, 0, 33.3], [0, 0, 66.7]]],
        ['Q3 2024/25', [[1, 1, 46.7], [0, 0, 33.3], [0, 0, 66.7]]],
        ['Q4 2024/25', [[1, 1, 60.0], [1, 1, 44.4], [0, 0, 66.7]]],
        ['Q1 2025/26', [[6, 5, 81.3], [4, 4, 88.9], [1, 1, 100.0]]],
      ]);
    });

    it('summarises participant feedback', () => {
      // Recognising, among responses answering before and after: 2->4, 3->4, 1->3: 2.0 to 3.7 (11/3).
      // Referring: 3->5 and 2->3 (the second response of session A left "before" blank): 2.5 to 4.0.
      expect(body.feedback).toEqual({
        responses: 3,
        averageRating: 4.0,
        recogniseBefore: 2.0,
        recogniseAfter: 3.7,
        referBefore: 2.5,
        referAfter: 4.0,
        comments: [
          { level: 'L2', rating: 3, comment: 'Useful' },
          { level: 'L2', rating: 5, comment: 'Clear and practical' },
        ],
      });
    });

    it('adds up the impact figures entered for organisations in the partnership, for the quarter only', () => {
      // C1 and H1 for Q1 2025; not C1's Q4 2024 figures, not OUT's.
      expect(body.impact).toEqual({
        concerns: { education: 2, health: 5, localAuthority: 3, police: 0, community: 1, other: 0, total: 11 },
        channelReferrals: 1,
        organisationsReporting: 2,
      });
    });
  });

  it('counts 31 March in the quarter it closes: Q4 2024/25', async () => {
    const body = (await t.http().get('/api/reports/quarterly?organisation=P&year=2024&quarter=4').expect(200)).body;
    // A6's L1 and B2's L2 on 31 March, both first time; session B (31 March, 13:00): 1 booked, attended,
    // feedback 2. Compliance at 31 March 2025 against 31 December 2024.
    expect(pick(body.levels)).toEqual([
      row('L1', 1, 1, 1, 0, 0, 0, 0, 0, 0, null, 60.0, 46.7),
      row('L2', 1, 1, 1, 0, 1, 1, 1, 0, 1, 2.0, 44.4, 33.3),
      row('L3', 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 66.7, 66.7),
    ]);
    expect(body.impact.concerns.total).toBe(1);
  });

  it('covers only the subtree asked for: the County Council and its Education Services', async () => {
    const body = (await t.http().get('/api/reports/quarterly?organisation=C1&year=2025&quarter=1').expect(200)).body;
    expect(pick(body.levels)).toEqual([
      row('L1', 3, 3, 1, 2, 0, 0, 0, 0, 0, null, 77.8, 66.7),
      row('L2', 3, 3, 2, 1, 1, 2, 2, 1, 2, 4.5, 80.0, 40.0),
      row('L3', 0, 0, 0, 0, 1, 1, 1, 0, 0, null, 100.0, 100.0),
    ]);
    // C1's children: C1Y (A3, W1). People directly in C1 make the "directly" row.
    expect(body.byOrganisation.map((o: { code: string; direct: boolean }) => [o.code, o.direct])).toEqual([
      ['C1Y', false],
      ['C1', true],
    ]);
    expect(body.impact).toEqual({
      concerns: { education: 2, health: 1, localAuthority: 3, police: 0, community: 1, other: 0, total: 7 },
      channelReferrals: 1,
      organisationsReporting: 1,
    });
  });

  it('answers 400 naming the field for a quarter or year that is not one', async () => {
    expect((await t.http().get('/api/reports/quarterly?organisation=P&year=2025&quarter=5').expect(400)).body.message).toEqual(
      expect.arrayContaining([expect.stringContaining('quarter')]),
    );
    expect((await t.http().get('/api/reports/quarterly?organisation=P&year=twenty&quarter=1').expect(400)).body.message).toEqual(
      expect.arrayContaining([expect.stringContaining('year')]),
    );
  });

  it('answers 404 for an organisation that does not exist or is outside the account’s organisations', async () => {
    await t.http().get('/api/reports/quarterly?organisation=NOPE&year=2025&quarter=1').expect(404);
    const healthViewer = await t.as('viewer', 'H1');
    await healthViewer.get('/api/reports/quarterly?organisation=C1&year=2025&quarter=1').expect(404);
    const own = (await healthViewer.get('/api/reports/quarterly?year=2025&quarter=1').expect(200)).body;
    expect(own.organisation.code).toBe('H1');
    // Viewers see figures, never what participants wrote.
    expect(own.feedback.responses).toBe(1);
    expect(own.feedback.comments).toEqual([]);
  });

  it('takes compliance from the gap analysis fast path, which agrees with the pure rules on every date', async () => {
    const fastPath = t.app.get(ComplianceFigures);
    const reference = new RulesComplianceFigures(t.dataSource);
    const [{ id }] = await t.dataSource.query("SELECT id FROM organisations WHERE code = 'P'");
    const subtree = await loadSubtree(t.dataSource.manager, { id: Number(id) });
    const dates = ['2024-03-31', '2024-09-30', '2024-12-31', '2025-03-31', '2025-04-01', '2025-05-15', '2025-06-30', '2025-07-14', '2026-03-31', '2026-06-01'];
    for (const windowDays of [90, 365]) {
      const [fast, rules] = await Promise.all([
        fastPath.countsOn(Scope.system(), subtree, dates, { windowDays }),
        reference.countsOn(Scope.system(), subtree, dates, { windowDays }),
      ]);
      expect(fast.map(plain)).toEqual(rules.map(plain));
    }
  });

  describe('the annual report, financial year 2025/26', () => {
    it('puts the four quarters side by side with the year as a whole', async () => {
      const body = (await t.http().get('/api/reports/annual?organisation=P&year=2025').expect(200)).body;
      expect(body.quarters.map((q: { label: string }) => q.label)).toEqual(['Q1 2025/26', 'Q2 2025/26', 'Q3 2025/26', 'Q4 2025/26']);
      expect(pick(body.quarters[0].levels)).toEqual([
        row('L1', 6, 5, 2, 3, 0, 0, 0, 0, 0, null, 81.3, 60.0),
        row('L2', 4, 4, 3, 1, 2, 5, 4, 2, 3, 4.0, 88.9, 44.4),
        row('L3', 1, 1, 0, 1, 1, 1, 1, 0, 0, null, 100.0, 66.7),
      ]);
      // Nothing happens after June, so the year's take-up is Q1's; compliance at 31 March 2026 against 31 March 2025.
      // 31 March 2026 (16 in scope): L1 A1 (2025-06-20) A2 (L2 2025) A3 (2025-06-30) A6 (2025-04-01) B1 (L3 to
      //   2026-06-01: window ends 29 June, so expiring but met) B2 B3 H1a P1 T1 T2 W1 CX1 (2023-09-09, to 2026-09-09)
      //   met = 13; A4 H1b WL1 missing: 81.3. L2: A2 A3 B1 B2 H1a T1 T2 W1 met, WL1 missing, H1b (due
      //   2025-07-14) missing: 8 of 10 = 80.0. L3 B1 T1 T2 = 100.0.
      expect(pick(body.totals)).toEqual([
        row('L1', 6, 5, 2, 3, 0, 0, 0, 0, 0, null, 81.3, 60.0),
        row('L2', 4, 4, 3, 1, 2, 5, 4, 2, 3, 4.0, 80.0, 44.4),
        row('L3', 1, 1, 0, 1, 1, 1, 1, 0, 0, null, 100.0, 66.7),
      ]);
      expect(body.impact.map((i: { concerns: { total: number } }) => i.concerns.total)).toEqual([11, 0, 0, 0]);
    });

    it('counts each person once over the year, with refreshers from before their first completion of the year', async () => {
      // 2024/25: L1 P1 (November) and A6 (31 March), both first time; L2 B2 (31 March).
      const body = (await t.http().get('/api/reports/annual?organisation=P&year=2024').expect(200)).body;
      expect(body.totals.map((l: Figures) => [l.level, l.completions, l.peopleTrained, l.firstTime, l.refresher, l.sessionsDelivered])).toEqual([
        ['L1', 2, 2, 2, 0, 0],
        ['L2', 1, 1, 1, 0, 1],
        ['L3', 0, 0, 0, 0, 0],
      ]);
    });
  });
});
