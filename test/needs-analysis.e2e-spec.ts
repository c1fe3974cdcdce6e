/**
 * The needs analysis, every figure checked against the hand-built partnership of
 * test/quarterly-partnership.ts (its header lists every person, completion and session).
 */
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { buildPartnership } from './quarterly-partnership';

const FIELDS = [
  'level',
  'required',
  'met',
  'pending',
  'overdue',
  'lapsingInHorizon',
  'demand',
  'sessionsNeeded',
  'trainersAvailable',
  'trainersNeeded',
  'trainerShortfall',
] as const;
type Needs = Record<(typeof FIELDS)[number], string | number | null>;

/** Figures written in FIELDS order; the L2 row alone carries the session and trainer figures. */
const row = (...values: (string | number | null)[]) => Object.fromEntries(FIELDS.map((f, i) => [f, values[i] ?? null]));
const pick = (levels: Needs[]) => levels.map((l) => Object.fromEntries(FIELDS.map((f) => [f, l[f]])));

describeEachDatabase('needs analysis', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(kind);
    await buildPartnership(t.http(), t.dataSource);
  });
  afterAll(() => t.close());

  describe('on 30 June 2025 for the next 12 months (to 30 June 2026), 20 places a session, 6 sessions a trainer a year', () => {
    let body: {
      asOf: string;
      horizonEnd: string;
      levels: Needs[];
      byOrganisation: { code: string; direct: boolean; levels: Needs[] }[];
      bySector: { sector: string; levels: Needs[] }[];
      byRole: { code: string; levels: Needs[] }[];
    };
    beforeAll(async () => {
      body = (
        await t.http().get('/api/reports/needs-analysis?organisation=P&asOf=2025-06-30&horizonMonths=12&sessionCapacity=20&sessionsPerTrainer=6').expect(200)
      ).body;
    });

    it('counts who needs each level now and who lapses within the horizon', () => {
      expect(body.asOf).toBe('2025-06-30');
      expect(body.horizonEnd).toBe('2026-06-30');
      // 16 people in scope (A5 left on 31 May). L1: all 16 require it; A4, H1b, WL1 have nothing: overdue 3;
      //   B1's L3 of 1 June 2023 lapses on 1 June 2026, inside the horizon: lapsing 1; demand 3 + 0 + 1 = 4.
      //   (CX1's L1 of 9 September 2023 lasts to 9 September 2026, past the horizon.)
      // L2: A2 A3 W1 WL1 B2 H1a H1b (FRONT) and B1 T1 T2 (DSL) = 10; WL1 overdue (still on the waiting
      //   list), H1b pending (grace to 14 July 2025), B1 lapsing: demand 3 -> ceil(3 / 20) = 1 session;
      //   trainers holding a valid L3 on 30 June: B1, T1, T2 (renewed at session F) = 3;
      //   needed ceil(1 / (6 x 12 / 12)) = 1; shortfall 0.
      // L3: B1 T1 T2, B1 lapsing: demand 1.
      expect(pick(body.levels)).toEqual([
        row('L1', 16, 13, 0, 3, 1, 4),
        row('L2', 10, 8, 1, 1, 1, 3, 1, 3, 1, 0),
        row('L3', 3, 3, 0, 0, 1, 1),
      ]);
    });

    it('breaks the needs down by child organisation', () => {
      expect(body.byOrganisation.map((o) => [o.code, o.direct])).toEqual([
        ['C1', false],
        ['H1', false],
        ['S1', false],
        ['P', true],
      ]);
      const byCode = Object.fromEntries(body.byOrganisation.map((o) => [o.code, pick(o.levels)]));
      // County Council (A1 A2 A3 A4 A6 T1 W1 WL1 CX1): L1 A4 WL1 overdue; L2 WL1 overdue; trainer T1.
      expect(byCode.C1).toEqual([row('L1', 9, 7, 0, 2, 0, 2), row('L2', 5, 4, 0, 1, 0, 1, 1, 1, 1, 0), row('L3', 1, 1, 0, 0, 0, 0)]);
      // Health Trust (H1a H1b T2): H1b missing L1, pending L2; trainer T2.
      expect(byCode.H1).toEqual([row('L1', 3, 2, 0, 1, 0, 1), row('L2', 3, 2, 1, 0, 0, 1, 1, 1, 1, 0), row('L3', 1, 1, 0, 0, 0, 0)]);
      // Oak School (B1 B2 B3): B1's L3 lapses in the horizon at every level; trainer B1.
      expect(byCode.S1).toEqual([row('L1', 3, 3, 0, 0, 1, 1), row('L2', 2, 2, 0, 0, 1, 1, 1, 1, 1, 0), row('L3', 1, 1, 0, 0, 1, 1)]);
      // P1 directly in the partnership: L1 only, no trainer, nothing needed.
      expect(byCode.P).toEqual([row('L1', 1, 1, 0, 0, 0, 0), row('L2', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), row('L3', 0, 0, 0, 0, 0, 0)]);
    });

    it('breaks the needs down by sector', () => {
      expect(body.bySector.map((s) => s.sector)).toEqual(['local_authority', 'education', 'health', 'other']);
      const bySector = Object.fromEntries(body.bySector.map((s) => [s.sector, pick(s.levels)]));
      // Local authority (C1's own people: A1 A2 A4 A6 T1 WL1 CX1).
      expect(bySector.local_authority).toEqual([row('L1', 7, 5, 0, 2, 0, 2), row('L2', 3, 2, 0, 1, 0, 1, 1, 1, 1, 0), row('L3', 1, 1, 0, 0, 0, 0)]);
      // Education (Oak School's B1 B2 B3 and the council's Education Services A3 W1).
      expect(bySector.education).toEqual([row('L1', 5, 5, 0, 0, 1, 1), row('L2', 4, 4, 0, 0, 1, 1, 1, 1, 1, 0), row('L3', 1, 1, 0, 0, 1, 1)]);
    });

    it('breaks the needs down by role, a person counting under each role they hold', () => {
      expect(body.byRole.map((r) => r.code)).toEqual(['ALL', 'DSL', 'FRONT']);
      const byRole = Object.fromEntries(body.byRole.map((r) => [r.code, pick(r.levels)]));
      expect(byRole.ALL).toEqual([row('L1', 16, 13, 0, 3, 1, 4), row('L2', 10, 8, 1, 1, 1, 3, 1, 3, 1, 0), row('L3', 3, 3, 0, 0, 1, 1)]);
      expect(byRole.DSL).toEqual([row('L1', 3, 3, 0, 0, 1, 1), row('L2', 3, 3, 0, 0, 1, 1, 1, 3, 1, 0), row('L3', 3, 3, 0, 0, 1, 1)]);
      // Frontline (A2 A3 W1 WL1 B2 H1a H1b): WL1 and H1b (grace 90 days for L1) overdue for L1; for L2
      //   WL1 overdue, H1b pending: 2 -> 1 session; none of them is a trainer: 1 short.
      expect(byRole.FRONT).toEqual([row('L1', 7, 5, 0, 2, 0, 2), row('L2', 7, 5, 1, 1, 0, 2, 1, 0, 1, 1), row('L3', 0, 0, 0, 0, 0, 0)]);
    });
  });

  it('finds a shortfall of trainers with small sessions over six months', async () => {
    // Horizon to 30 December 2025: nobody lapses. L2 demand WL1 + H1b = 2 -> 2 sessions of 1 place;
    // a trainer runs 1 x 6 / 12 = 0.5 sessions in six months: ceil(2 / 0.5) = 4 needed, 3 available: 1 short.
    const body = (
      await t.http().get('/api/reports/needs-analysis?organisation=P&asOf=2025-06-30&horizonMonths=6&sessionCapacity=1&sessionsPerTrainer=1').expect(200)
    ).body;
    expect(body.horizonEnd).toBe('2025-12-30');
    expect(pick(body.levels)).toEqual([row('L1', 16, 13, 0, 3, 0, 3), row('L2', 10, 8, 1, 1, 0, 2, 2, 3, 4, 1), row('L3', 3, 3, 0, 0, 0, 0)]);
  });

  it('rounds trainers needed up when a trainer’s sessions in the horizon are not whole', async () => {
    // Three months, 5 sessions a trainer a year: 1.25 each; 2 sessions -> ceil(1.6) = 2 trainers.
    const body = (
      await t.http().get('/api/reports/needs-analysis?organisation=P&asOf=2025-06-30&horizonMonths=3&sessionCapacity=1&sessionsPerTrainer=5').expect(200)
    ).body;
    const l2 = body.levels.find((l: Needs) => l.level === 'L2');
    expect([l2.demand, l2.sessionsNeeded, l2.trainersAvailable, l2.trainersNeeded, l2.trainerShortfall]).toEqual([2, 2, 3, 2, 0]);
  });

  it('on 31 March 2025 counts that day’s completions and not the next day’s', async () => {
    // 17 in scope. L1: met A1 A2 A3 (all three lapse by 31 March 2026) A6 (31 March) B1 B2 (L2 on 31 March)
    //   P1 T1 CX1 = 9; pending A4 H1b; overdue A5 B3 H1a T2 W1 WL1 = 6; demand 6 + 2 + 3 = 11.
    // L2: met A3 (lapsing) B1 B2 T1; pending H1b; overdue A2 W1 WL1 H1a T2; demand 7 -> 1 session;
    //   trainers B1 T1 (T2's L3 had lapsed) = 2. L3: T2 overdue.
    const body = (await t.http().get('/api/reports/needs-analysis?organisation=P&asOf=2025-03-31').expect(200)).body;
    expect(pick(body.levels)).toEqual([row('L1', 17, 9, 2, 6, 3, 11), row('L2', 10, 4, 1, 5, 1, 7, 1, 2, 1, 0), row('L3', 3, 2, 0, 1, 0, 1)]);
  });

  it('uses today, a 12-month horizon, 20 places and 6 sessions a trainer when not told otherwise', async () => {
    const body = (await t.http().get('/api/reports/needs-analysis?organisation=P').expect(200)).body;
    expect([body.horizonMonths, body.sessionCapacity, body.sessionsPerTrainer]).toEqual([12, 20, 6]);
    expect(body.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('answers 400 naming the setting that is not a whole number in range', async () => {
    for (const [param, field] of [
      ['horizonMonths=0', 'horizonMonths'],
      ['horizonMonths=61', 'horizonMonths'],
      ['sessionCapacity=0', 'sessionCapacity'],
      ['sessionsPerTrainer=2.5', 'sessionsPerTrainer'],
      ['asOf=2025-02-30', 'asOf'],
    ]) {
      const res = await t.http().get(`/api/reports/needs-analysis?organisation=P&${param}`).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    }
  });
});
