/**
 * The gap analysis fast path (SQL over the raw tables, and over the kept compliance table) agrees
 * with the reference rules (src/compliance/rules.ts), to the person: random organisation trees,
 * roles, requirements (some scoped, various grace), people (starters, leavers, managers),
 * completions (same-day at several levels, month ends, leap days, future-dated) and levels valid
 * 36, 12 or 1 month or for ever; a random organisation, date and look-ahead; every level of the
 * subtree, each child organisation, sector and role, and the people behind a random figure, with
 * and without a manager's scope. On SQLite and PostgreSQL.
 */
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { Scope } from '../src/auth/scope';
import { ScopeService } from '../src/access/scope.service';
import { addDays } from '../src/common/dates';
import { loadFramework } from '../src/compliance/framework';
import { refreshStale } from '../src/compliance/kept/kept-spans';
import {
  addStatus,
  assess,
  CompletionFact,
  Counts,
  emptyCounts,
  LevelFact,
  PersonFact,
  RequirementFact,
  Status,
  STATUSES,
  withPct,
} from '../src/compliance/rules';
import { sql } from '../src/database/sql';
import { SECTORS } from '../src/organisations/sectors';
import { GapAnalysisQuery } from '../src/reports/gap-analysis/gap-analysis.query';
import { rollUp } from '../src/reports/gap-analysis/gap-analysis.service';
import { loadSubtree } from '../src/reports/shared/groups';
import { DatabaseKind, describeEachDatabase, freshDataSource } from './support/app';

/**
 * Runs per property and database. `npm test` runs these (about 30 s on the 2-core machine, each
 * run with a new random seed, so every run of the suite tries new worlds); AGREEMENT_DEPTH=10 runs
 * ten times as many, for a change to the statements themselves (README, "Tests").
 */
const DEPTH = Math.max(1, Number(process.env.AGREEMENT_DEPTH ?? 1) || 1);
const RUNS = {
  figures: { sqlite: 1500, postgres: 500 },
  figuresManyRoles: { sqlite: 100, postgres: 30 },
  dates: { sqlite: 500, postgres: 150 },
  datesManyRoles: { sqlite: 60, postgres: 20 },
} satisfies Record<string, Record<DatabaseKind, number>>;
const runs = (which: keyof typeof RUNS, kind: DatabaseKind) => RUNS[which][kind] * DEPTH;
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

// Dates cluster so that completions, starts, ends and asOf meet on the same days and month ends.
const SPECIAL_DAYS = ['2021-01-31', '2021-02-28', '2022-01-31', '2022-03-31', '2023-01-31', '2023-08-31', '2024-01-31', '2024-02-29', '2024-03-31', '2025-02-28', '2025-01-31', '2025-05-31', '2026-02-28'];
const date = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 365 * 8 }).map((n) => addDays('2019-01-01', n)) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_DAYS) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_DAYS).chain((d) => fc.integer({ min: -3, max: 3 }).map((n) => addDays(d, n))) },
);
// Other dates mostly near the date of the report, so every status comes up; some fixed month ends.
const near = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -1500, max: 120 }).map((days) => ({ days, on: null as string | null })) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_DAYS).map((on) => ({ days: 0, on: on as string | null })) },
);
type Near = { days: number; on: string | null };
const resolve = (asOf: string, d: Near) => d.on ?? addDays(asOf, d.days);
const validity = fc.constantFrom<number | null>(36, 36, 12, 1, null);
const grace = fc.constantFrom(0, 0, 1, 30, 90, 365);

/** A world with between minRoles and maxRoles roles (the SQL packs roles into 48-bit masks: many roles take several). */
const worldOf = (minRoles: number, maxRoles: number) => fc.record({
  validity: fc.tuple(validity, validity, validity),
  organisations: fc.array(fc.record({ parent: fc.nat(), sector: fc.constantFrom(...SECTORS.slice(0, 4)) }), { minLength: 1, maxLength: 8 }),
  roles: fc.integer({ min: minRoles, max: maxRoles }),
  requirements: fc.array(
    fc.record({ role: fc.nat(), level: fc.integer({ min: 0, max: 2 }), scope: fc.option(fc.nat(), { freq: 3 }), grace }),
    { minLength: 1, maxLength: 6 },
  ),
  people: fc.array(
    fc.record({
      organisation: fc.nat(),
      // Recent starters, so that grace periods matter.
      start: fc.oneof(near, fc.integer({ min: -400, max: 30 }).map((days) => ({ days, on: null as string | null }))),
      end: fc.option(near, { freq: 4 }),
      manager: fc.option(fc.nat(), { freq: 2 }),
      roles: fc.uniqueArray(fc.nat({ max: maxRoles - 1 }), { minLength: 1, maxLength: 3 }),
      completions: fc.array(fc.record({ level: fc.integer({ min: 0, max: 2 }), on: near }), { maxLength: 5 }),
      name: fc.constantFrom('Khan', 'Smith', 'Jones', 'Patel'),
    }),
    { minLength: 1, maxLength: 30, size: 'medium' },
  ),
  asOf: date,
  windowDays: fc.constantFrom(0, 1, 30, 90, 365),
  root: fc.nat(),
  manager: fc.option(fc.record({ organisation: fc.nat(), person: fc.nat() }), { freq: 3 }),
  filter: fc.record({
    level: fc.integer({ min: 0, max: 2 }),
    statuses: fc.subarray([...STATUSES], { minLength: 1 }),
    role: fc.option(fc.nat(), { freq: 3 }),
    sector: fc.option(fc.constantFrom(...SECTORS.slice(0, 4)), { freq: 3 }),
  }),
});
const world = worldOf(1, 4);
type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

/** A person holding the role in bit 47 of a role mask: packed with the needs past 2^53, once lost to SQLite REAL arithmetic. */
const ROLE_BIT_47: World = {
  validity: [36, 36, 36],
  organisations: [{ parent: 0, sector: 'local_authority' }],
  roles: 74,
  requirements: [
    { role: 5, level: 0, scope: null, grace: 365 },
    { role: 0, level: 0, scope: null, grace: 0 },
  ],
  people: [
    { organisation: 0, start: { days: 0, on: null }, end: null, manager: null, roles: [47, 5], completions: [], name: 'Khan' },
    { organisation: 0, start: { days: 0, on: null }, end: null, manager: null, roles: [0], completions: [], name: 'Khan' },
  ],
  asOf: '2019-01-01',
  windowDays: 0,
  root: 0,
  manager: null,
  filter: { level: 0, statuses: ['expired'], role: null, sector: null },
};

/** The world as rows with ids, and as the facts of the rules. */
function build(w: World) {
  const orgs = w.organisations.map((o, i) => ({ id: i + 1, parentId: i === 0 ? null : (o.parent % i) + 1, sector: o.sector }));
  const pathOf = (id: number): number[] => {
    const org = orgs[id - 1];
    return org.parentId === null ? [id] : [...pathOf(org.parentId), id];
  };
  const roles = Array.from({ length: w.roles }, (_, i) => ({ id: i + 1, code: `R${i + 1}` }));
  const requirements = w.requirements.map((r) => ({
    roleId: (r.role % w.roles) + 1,
    levelId: r.level + 1,
    organisationId: r.scope === null ? null : (r.scope % orgs.length) + 1,
    graceDays: r.grace,
  }));
  const people = w.people.map((p, i) => {
    const [first, last] = [resolve(w.asOf, p.start), p.end === null ? null : resolve(w.asOf, p.end)];
    const [start, end] = last !== null && last < first ? [last, first] : [first, last];
    const seen = new Set<string>();
    return {
      id: i + 1,
      organisationId: (p.organisation % orgs.length) + 1,
      managerId: p.manager !== null && i > 0 ? (p.manager % i) + 1 : null,
      start,
      end,
      name: p.name,
      roleIds: p.roles.filter((r) => r < w.roles).map((r) => r + 1),
      // One completion per person, level and day (the database's unique index).
      completions: p.completions
        .map((c) => ({ levelId: c.level + 1, on: resolve(w.asOf, c.on) }))
        .filter((c) => !seen.has(`${c.levelId}:${c.on}`) && seen.add(`${c.levelId}:${c.on}`)),
    };
  });
  const levels: LevelFact[] = w.validity.map((v, i) => ({ code: `L${i + 1}`, rank: i + 1, validityMonths: v }));
  const requirementFacts: RequirementFact[] = requirements.map((r) => ({ roleCode: `R${r.roleId}`, levelRank: r.levelId, organisationId: r.organisationId, graceDays: r.graceDays }));
  const facts = new Map(
    people.map((p) => [
      p.id,
      {
        person: { startDate: p.start, endDate: p.end, roleCodes: p.roleIds.map((r) => `R${r}`), organisationPath: pathOf(p.organisationId) } as PersonFact,
        completions: p.completions.map((c) => ({ levelRank: c.levelId, completedOn: c.on })) as CompletionFact[],
      },
    ]),
  );
  return { orgs, pathOf, roles, requirements, people, levels, requirementFacts, facts };
}

async function load(ds: DataSource, w: World, b: ReturnType<typeof build>): Promise<void> {
  await ds.transaction(async (m) => {
    await m.query('UPDATE organisations SET parent_id = NULL');
    for (const table of ['completions', 'staff_roles', 'staff', 'requirements', 'roles', 'organisation_closure', 'organisations']) {
      await m.query(`DELETE FROM ${table}`);
    }
    for (const [i, v] of w.validity.entries()) await sql(m, 'UPDATE levels SET validity_months = $1 WHERE rank = $2', [v, i + 1]);
    const insert = async (table: string, columns: string[], rows: unknown[][]) => {
      if (rows.length === 0) return;
      let n = 0;
      const values = rows.map((r) => `(${r.map(() => `$${++n}`).join(', ')})`).join(', ');
      await sql(m, `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, rows.flat());
    };
    const isPg = m.connection.options.type === 'postgres';
    await insert(
      'organisations',
      ['id', 'code', 'name', 'sector', 'parent_id', 'is_employer', 'path', 'depth'],
      b.orgs.map((o) => [o.id, `O${o.id}`, `Org ${o.id}`, o.sector, o.parentId, isPg ? true : 1, `/${b.pathOf(o.id).join('/')}/`, b.pathOf(o.id).length - 1]),
    );
    await insert(
      'organisation_closure',
      ['ancestor_id', 'descendant_id', 'depth'],
      b.orgs.flatMap((o) => b.pathOf(o.id).map((a, i, path) => [a, o.id, path.length - 1 - i])),
    );
    await insert('roles', ['id', 'code', 'name'], b.roles.map((r) => [r.id, r.code, `Role ${r.id}`]));
    await insert('requirements', ['role_id', 'level_id', 'organisation_id', 'grace_days'], b.requirements.map((r) => [r.roleId, r.levelId, r.organisationId, r.graceDays]));
    await insert(
      'staff',
      ['id', 'employee_ref', 'first_name', 'last_name', 'organisation_id', 'employer_id', 'manager_id', 'start_date', 'end_date'],
      b.people.map((p) => [p.id, `E${p.id}`, 'Sam', p.name, p.organisationId, 1, p.managerId, p.start, p.end]),
    );
    await insert('staff_roles', ['staff_id', 'role_id'], b.people.flatMap((p) => p.roleIds.map((r) => [p.id, r])));
    await insert(
      'completions',
      ['staff_id', 'level_id', 'completed_on', 'source'],
      b.people.flatMap((p) => p.completions.map((c) => [p.id, c.levelId, c.on, 'manual'])),
    );
    // The kept compliance table, as the app's transactions leave it (the triggers marked everyone written).
    expect(await refreshStale(m, 1_000_000)).not.toBeNull();
  });
}

/**
 * Property tests are bounded by their number of runs, never by the clock: the timeout only stops a
 * run that has hung, so it is generous enough for a machine loaded at twice its cores.
 */
const PROPERTY_TIMEOUT_MS = 20 * 60_000;

describeEachDatabase('gap analysis fast path agrees with the rules', (kind) => {
  let ds: DataSource;
  // How often each status came up, to show the runs cover them all.
  const seen: Record<string, number> = {};
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ ds, drop } = await freshDataSource(kind));
  });

  afterAll(async () => {
    if (process.env.AGREEMENT_STATS) console.log(kind, seen);
    await ds?.destroy();
    await drop?.();
  });

  /** Loads the world, then compares every figure and a people list with the reference. */
  const agrees = async (w: World) => {
    const b = build(w);
    await load(ds, w, b);
    const rootId = (w.root % b.orgs.length) + 1;
    const inSubtree = (orgId: number, top: number) => b.pathOf(orgId).includes(top);

    // A manager sees their subtree and everyone below them in the manager chain.
    let scope: Scope | null = null;
    let visible = (_: (typeof b.people)[number]) => true;
    if (w.manager && b.people.length > 0) {
      const me = (w.manager.person % b.people.length) + 1;
      const top = (w.manager.organisation % b.orgs.length) + 1;
      scope = Scope.of({ userId: 1, email: 'm@test', displayName: 'M', role: 'manager', organisationId: top, staffId: me });
      const below = (p: (typeof b.people)[number]): boolean => {
        for (let m = p.managerId, steps = 0; m !== null && steps < 100; m = b.people[m - 1].managerId, steps++) if (m === me) return true;
        return false;
      };
      visible = (p) => inSubtree(p.organisationId, top) || below(p);
    }
    const predicate = scope ? new ScopeService(ds).staffPredicate(scope, 's') : null;

    // The reference: every person of the subtree, every level, by the rules.
    const subtree = await loadSubtree(ds.manager, { id: rootId });
    const fresh = () => b.levels.map(() => emptyCounts());
    const sectorsPresent = new Set([...subtree.organisations.values()].map((o) => o.sector as string));
    const expected = {
      total: fresh(),
      byChild: new Map(subtree.children.map((c) => [c.id, fresh()])),
      bySector: new Map(SECTORS.filter((s) => sectorsPresent.has(s)).map((s) => [s as string, fresh()])),
      byRole: new Map(b.roles.map((r) => [r.id, fresh()])),
    };
    const statusOf = new Map<number, (Status | null)[]>();
    for (const p of b.people) {
      if (!inSubtree(p.organisationId, rootId) || !visible(p)) continue;
      const f = b.facts.get(p.id)!;
      const statuses = b.levels.map((l) => assess(f.person, f.completions, l, b.levels, b.requirementFacts, w.asOf, w.windowDays)?.status ?? null);
      statusOf.set(p.id, statuses);
      for (const st of statuses) seen[st ?? 'not required'] = (seen[st ?? 'not required'] ?? 0) + 1;
      const child = subtree.children.find((c) => inSubtree(p.organisationId, c.id));
      const into: Counts[][] = [expected.total, expected.bySector.get(b.orgs[p.organisationId - 1].sector)!];
      if (child) into.push(expected.byChild.get(child.id)!);
      for (const r of p.roleIds) into.push(expected.byRole.get(r)!);
      statuses.forEach((s, i) => {
        if (s) for (const counts of into) addStatus(counts[i], s);
      });
    }
    for (const group of [expected.total, ...expected.byChild.values(), ...expected.bySector.values(), ...expected.byRole.values()]) group.forEach(withPct);

    // The fast path.
    const framework = await loadFramework(ds);
    const query = new GapAnalysisQuery(ds, framework);
    const people = { rootId, asOf: w.asOf, windowDays: w.windowDays, visible: predicate, mostOfTree: w.root % 2 === 0 };
    const actual = rollUp(await query.figures(people), framework, subtree);
    expect(actual.total).toEqual(expected.total);
    for (const st of STATUSES) if (expected.total.some((c) => c[st] > 0)) seen[`runs with ${st}`] = (seen[`runs with ${st}`] ?? 0) + 1;
    expect([...actual.byChild]).toEqual([...expected.byChild]);
    expect([...actual.bySector]).toEqual([...expected.bySector]);
    expect([...actual.byRole]).toEqual([...expected.byRole]);

    // The same figures from the kept compliance table.
    const kept = rollUp(await new GapAnalysisQuery(ds, framework, { kept: true }).figures(people), framework, subtree);
    expect(kept.total).toEqual(expected.total);
    expect([...kept.byChild]).toEqual([...expected.byChild]);
    expect([...kept.bySector]).toEqual([...expected.bySector]);
    expect([...kept.byRole]).toEqual([...expected.byRole]);

    // The people behind a figure.
    const roleId = w.filter.role === null ? null : (w.filter.role % b.roles.length) + 1;
    const wanted = b.people
      .filter((p) => {
        const s = statusOf.get(p.id)?.[w.filter.level];
        return s && w.filter.statuses.includes(s) && (roleId === null || p.roleIds.includes(roleId)) && (w.filter.sector === null || b.orgs[p.organisationId - 1].sector === w.filter.sector);
      })
      .map((p) => ({ id: p.id, status: statusOf.get(p.id)![w.filter.level] }));
    const filter = { levelIndex: w.filter.level, statuses: w.filter.statuses, roleId, sector: w.filter.sector, offset: 0, limit: 1000 };
    const listed = await query.people(people, filter);
    expect(listed.total).toBe(wanted.length);
    expect([...listed.rows].sort((x, y) => x.id - y.id)).toEqual(wanted);
    if (wanted.length > 2) {
      const secondPage = await query.people(people, { ...filter, offset: 2, limit: 2 });
      expect(secondPage.total).toBe(wanted.length);
      expect(secondPage.rows.map((r) => r.id)).toEqual(listed.rows.slice(2, 4).map((r) => r.id));
    }
  };

  /** Loads the world, then compares the figures of several dates at once (figuresOn) with the reference on each date. */
  const agreesOn = async (w: World, offsets: (number | string)[]) => {
    const b = build(w);
    await load(ds, w, b);
    const rootId = (w.root % b.orgs.length) + 1;
    const inSubtree = (orgId: number, top: number) => b.pathOf(orgId).includes(top);
    let visible = (_: (typeof b.people)[number]) => true;
    let predicate: ReturnType<ScopeService['staffPredicate']> | null = null;
    if (w.manager && b.people.length > 0) {
      const me = (w.manager.person % b.people.length) + 1;
      const top = (w.manager.organisation % b.orgs.length) + 1;
      const scope = Scope.of({ userId: 1, email: 'm@test', displayName: 'M', role: 'manager', organisationId: top, staffId: me });
      const below = (p: (typeof b.people)[number]): boolean => {
        for (let m = p.managerId, steps = 0; m !== null && steps < 100; m = b.people[m - 1].managerId, steps++) if (m === me) return true;
        return false;
      };
      visible = (p) => inSubtree(p.organisationId, top) || below(p);
      predicate = new ScopeService(ds).staffPredicate(scope, 's');
    }
    const subtree = await loadSubtree(ds.manager, { id: rootId });
    const dates = offsets.map((o) => (typeof o === 'string' ? o : addDays(w.asOf, o)));
    const reference = (on: string) => {
      const fresh = () => b.levels.map(() => emptyCounts());
      const sectorsPresent = new Set([...subtree.organisations.values()].map((o) => o.sector as string));
      const expected = {
        total: fresh(),
        byChild: new Map(subtree.children.map((c) => [c.id, fresh()])),
        bySector: new Map(SECTORS.filter((s) => sectorsPresent.has(s)).map((s) => [s as string, fresh()])),
        byRole: new Map(b.roles.map((r) => [r.id, fresh()])),
      };
      for (const p of b.people) {
        if (!inSubtree(p.organisationId, rootId) || !visible(p)) continue;
        const f = b.facts.get(p.id)!;
        const child = subtree.children.find((c) => inSubtree(p.organisationId, c.id));
        const into: Counts[][] = [expected.total, expected.bySector.get(b.orgs[p.organisationId - 1].sector)!];
        if (child) into.push(expected.byChild.get(child.id)!);
        for (const r of p.roleIds) into.push(expected.byRole.get(r)!);
        b.levels.forEach((l, i) => {
          const s = assess(f.person, f.completions, l, b.levels, b.requirementFacts, on, w.windowDays)?.status;
          if (s) for (const counts of into) addStatus(counts[i], s);
        });
      }
      for (const group of [expected.total, ...expected.byChild.values(), ...expected.bySector.values(), ...expected.byRole.values()]) group.forEach(withPct);
      return expected;
    };
    const framework = await loadFramework(ds);
    const query = new GapAnalysisQuery(ds, framework);
    const scope = { rootId, windowDays: w.windowDays, visible: predicate, mostOfTree: w.root % 2 === 0 };
    // Over the raw tables, and from the kept compliance table.
    const raw = await query.figuresOn(scope, dates);
    const kept = await new GapAnalysisQuery(ds, framework, { kept: true }).figuresOn(scope, dates);
    for (const all of [raw, kept]) {
      expect(all).toHaveLength(dates.length);
      dates.forEach((on, k) => {
        const actual = rollUp(all[k], framework, subtree);
        const expected = reference(on);
        expect({ on, total: actual.total }).toEqual({ on, total: expected.total });
        expect([...actual.byChild]).toEqual([...expected.byChild]);
        expect([...actual.bySector]).toEqual([...expected.bySector]);
        expect([...actual.byRole]).toEqual([...expected.byRole]);
      });
    }
  };

  // Other dates around the world's date (quarter and year ends apart, the same day twice, days apart), or anywhere.
  const offsets = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom<number | string>(0, 1, -1, 91, -91, 92, 183, -183, 365, -365, 366, 30, 90) },
      { weight: 3, arbitrary: fc.integer({ min: -800, max: 400 }) },
      { weight: 1, arbitrary: date },
    ),
    { minLength: 1, maxLength: 6 },
  );

  it('gives the figures of several dates at once, each as on its own date', async () => {
    await fc.assert(fc.asyncProperty(world, offsets, agreesOn), { numRuns: runs('dates', kind), seed });
  }, PROPERTY_TIMEOUT_MS);

  it('gives the figures of several dates at once with more roles than fit in one role mask', async () => {
    await fc.assert(fc.asyncProperty(worldOf(45, 100), offsets, agreesOn), { numRuns: runs('datesManyRoles', kind), seed });
  }, PROPERTY_TIMEOUT_MS);

  it('gives the same figures, level by level and group by group, and the same people', async () => {
    await fc.assert(fc.asyncProperty(world, agrees), { numRuns: runs('figures', kind), seed });
  }, PROPERTY_TIMEOUT_MS);

  it('agrees with more roles than fit in one role mask', async () => {
    await fc.assert(fc.asyncProperty(worldOf(45, 100), agrees), { numRuns: runs('figuresManyRoles', kind), seed, examples: [[ROLE_BIT_47]] });
  }, PROPERTY_TIMEOUT_MS);
});
