/**
 * The kept compliance table (src/compliance/kept/) equals the reference rules after every change
 * (issue 14): a model-based property test. Random sequences of creates, edits and deletes of
 * people, their dates, organisation and roles, completions, requirements, level validity and the
 * organisation tree, each in a transaction as the app's writes are; after each commit, no one is
 * left stale (the spans changed in the same transaction) and on every day that matters (each
 * start, end, completion, lapse and grace end, a day either side, and the window's edges) and for
 * several windows, the status the kept spans give every person and level is rules.assess's, and
 * the organisation and roles they are counted under are the person's own. On SQLite and PostgreSQL.
 */
import fc from 'fast-check';
import { DataSource, EntityManager } from 'typeorm';
import { rehang } from '../src/access/organisation-tree';
import { addDays, IsoDate } from '../src/common/dates';
import { factsOfSubtree } from '../src/compliance/facts';
import { levelFacts, loadFramework, requirementFacts } from '../src/compliance/framework';
import { ComplianceKeeper } from '../src/compliance/kept/compliance-keeper';
import { keptCountsSql, spanCovers, statusCounts } from '../src/compliance/kept/kept-spans';
import { assess, lapsesOn, Status, STATUSES } from '../src/compliance/rules';
import { sql } from '../src/database/sql';
import { DatabaseKind, describeEachDatabase, freshDataSource } from './support/app';

/** Sequences per database: the issue asks for at least 200 on each. */
const DEPTH = Math.max(1, Number(process.env.AGREEMENT_DEPTH ?? 1) || 1);
const SEQUENCES = 200 * DEPTH;
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const PROPERTY_TIMEOUT_MS = 20 * 60_000;
const WINDOWS = [0, 30, 90];

/** A fixed tree: 1 at the top, 2 and 3 below it, 4 below 2 (moves re-hang 3 and 4). */
const ORGANISATIONS = [
  { id: 1, parentId: null, sector: 'local_authority' },
  { id: 2, parentId: 1, sector: 'education' },
  { id: 3, parentId: 1, sector: 'health' },
  { id: 4, parentId: 2, sector: 'education' },
];
const ROLES = [1, 2, 3];

const day = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 365 * 5 }).map((n) => addDays('2022-01-01', n)) },
  { weight: 1, arbitrary: fc.constantFrom('2024-02-29', '2024-01-31', '2025-01-31', '2025-02-28', '2025-03-31', '2026-08-31') },
);
const pick = fc.nat();
const level = fc.integer({ min: 1, max: 3 });
const organisation = fc.integer({ min: 1, max: 4 });
const role = fc.constantFrom(...ROLES);
const grace = fc.constantFrom(0, 0, 1, 30, 90, 365);

/** How often each change ran, and each status was compared (KEPT_STATS=1 prints them): the sequences reach every kind. */
const tally: Record<string, number> = {};

interface Model {
  people: number[];
  completions: number[];
  requirements: number[];
}
interface Real {
  ds: DataSource;
  check: () => Promise<void>;
}

/** One change, made in a transaction of its own as the app makes them, then checked. */
abstract class Change implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return this.applies(m);
  }
  protected applies(_m: Readonly<Model>): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    await real.ds.transaction((m) => this.write(m, model));
    await real.check();
    tally[this.constructor.name] = (tally[this.constructor.name] ?? 0) + 1;
  }
  abstract write(m: EntityManager, model: Model): Promise<void>;
  abstract toString(): string;
}

const nth = (list: number[], n: number) => list[n % list.length];
const returning = async (m: EntityManager, text: string, params: unknown[]) => Number((await sql<{ id: number }>(m, `${text} RETURNING id`, params))[0].id);

class AddPerson extends Change {
  constructor(readonly organisationId: number, readonly start: IsoDate, readonly end: IsoDate | null, readonly roles: number[]) {
    super();
  }
  async write(m: EntityManager, model: Model) {
    const id = await returning(
      m,
      `INSERT INTO staff (employee_ref, first_name, last_name, organisation_id, employer_id, start_date, end_date) VALUES ($1, 'Sam', 'Khan', $2, 1, $3, $4)`,
      [`E${model.people.length + 1}-${Math.random()}`, this.organisationId, this.start, this.end],
    );
    for (const r of this.roles) await sql(m, 'INSERT INTO staff_roles (staff_id, role_id) VALUES ($1, $2)', [id, r]);
    model.people.push(id);
  }
  toString(): string {
    return `AddPerson(${this.organisationId}, ${this.start}, ${this.end}, [${this.roles}])`;
  }
}

class EditDates extends Change {
  constructor(readonly person: number, readonly start: IsoDate, readonly end: IsoDate | null) {
    super();
  }
  protected applies(m: Readonly<Model>): boolean {
    return m.people.length > 0;
  }
  async write(m: EntityManager, model: Model) {
    await sql(m, 'UPDATE staff SET start_date = $1, end_date = $2 WHERE id = $3', [this.start, this.end, nth(model.people, this.person)]);
  }
  toString(): string {
    return `EditDates(#${this.person}, ${this.start}, ${this.end})`;
  }
}

class MovePerson extends Change {
  constructor(readonly person: number, readonly organisationId: number) {
    super();
  }
  protected applies(m: Readonly<Model>): boolean {
    return m.people.length > 0;
  }
  async write(m: EntityManager, model: Model) {
    await sql(m, 'UPDATE staff SET organisation_id = $1 WHERE id = $2', [this.organisationId, nth(model.people, this.person)]);
  }
  toString(): string {
    return `MovePerson(#${this.person}, ${this.organisationId})`;
  }
}

class ToggleRole extends Change {
  constructor(readonly person: number, readonly role: number) {
    super();
  }
  protected applies(m: Readonly<Model>): boolean {
    return m.people.length > 0;
  }
  async write(m: EntityManager, model: Model) {
    const id = nth(model.people, this.person);
    const held = await sql(m, 'SELECT 1 FROM staff_roles WHERE staff_id = $1 AND role_id = $2', [id, this.role]);
    if (held.length) await sql(m, 'DELETE FROM staff_roles WHERE staff_id = $1 AND role_id = $2', [id, this.role]);
    else await sql(m, 'INSERT INTO staff_roles (staff_id, role_id) VALUES ($1, $2)', [id, this.role]);
  }
  toString(): string {
    return `ToggleRole(#${this.person}, ${this.role})`;
  }
}

class DeletePerson extends Change {
  constructor(readonly person: number) {
    super();
  }
  protected applies(m: Readonly<Model>): boolean {
    return m.people.length > 0;
  }
  async write(m: EntityManager, model: Model) {
    const id = nth(model.people, this.person);
    await sql(m, 'DELETE FROM completions WHERE staff_id = $1', [id]);
    await sql(m, 'DELETE FROM staff_roles WHERE staff_id = $1', [id]);
    await sql(m, 'DELETE FROM staff WHERE id = $1', [id]);
    model.people = model.people.filter((p) => p !== id);
    model.completions = (await sql<{ id: number }>(m, 'SELECT id FROM completions ORDER BY id')).map((r) => Number(r.id));
  }
  toString(): string {
    return `DeletePerson(#${this.person})`;
  }
}

/** A person holds one completion per level and day (uq_completion_person_level_date). */
const alreadyHeld = async (m: EntityManager, staffId: number, level: number, on: IsoDate) =>
  (await sql(m, 'SELECT 1 FROM completions WHERE staff_id = $1 AND level_id = $2 AND completed_on = $3', [staffId, level, on])).length > 0;

class AddCompletion extends Change {
  constructor(readonly person: number, readonly level: number, readonly on: IsoDate) {
    super();
  }
  protected applies(m: Readonly<Model>): boolean {
    return m.people.length > 0;
  }
  async write(m: EntityManager, model: Model) {
    const staffId = nth(model.people, this.person);
    if (await alreadyHeld(m, staffId, this.level, this.on)) return;
    model.completions.push(await returning(m, `INSERT INTO completions (staff_id, level_id, completed_on, source) VALUES ($1, $2, $3, 'manual')`, [staffId, this.level, this.on]));
  }
  toString(): string {
    return `AddCompletion(#${this.person}, L${this.level}, ${this.on})`;
  }
}

class EditCompletion extends Change {
  constructor(readonly completion: number, readonly level: number, readonly on: IsoDate) {
    super();
  }
  protected applies(m: Readonly<Model>): boolean {
    return m.completions.length > 0;
  }
  async write(m: EntityManager, model: Model) {
    const id = nth(model.completions, this.completion);
    const [{ staff_id }] = await sql<{ staff_id: number }>(m, 'SELECT staff_id FROM completions WHERE id = $1', [id]);
    if (!(await alreadyHeld(m, staff_id, this.level, this.on))) await sql(m, 'UPDATE completions SET level_id = $1, completed_on = $2 WHERE id = $3', [this.level, this.on, id]);
  }
  toString(): string {
    return `EditCompletion(#${this.completion}, L${this.level}, ${this.on})`;
  }
}

/** Deletes a completion or a requirement, by its place in the model's list. */
class DeleteRow extends Change {
  constructor(readonly table: 'completions' | 'requirements', readonly n: number) {
    super();
  }
  protected applies(m: Readonly<Model>): boolean {
    return m[this.table].length > 0;
  }
  async write(m: EntityManager, model: Model) {
    const id = nth(model[this.table], this.n);
    await sql(m, `DELETE FROM ${this.table} WHERE id = $1`, [id]);
    model[this.table] = model[this.table].filter((c) => c !== id);
  }
  toString(): string {
    return `DeleteRow(${this.table} #${this.n})`;
  }
}

class AddRequirement extends Change {
  constructor(readonly role: number, readonly level: number, readonly scope: number | null, readonly grace: number) {
    super();
  }
  async write(m: EntityManager, model: Model) {
    model.requirements.push(
      await returning(m, 'INSERT INTO requirements (role_id, level_id, organisation_id, grace_days) VALUES ($1, $2, $3, $4)', [this.role, this.level, this.scope, this.grace]),
    );
  }
  toString(): string {
    return `AddRequirement(R${this.role}, L${this.level}, ${this.scope}, ${this.grace})`;
  }
}

class EditRequirement extends Change {
  constructor(readonly requirement: number, readonly role: number, readonly level: number, readonly scope: number | null, readonly grace: number) {
    super();
  }
  protected applies(m: Readonly<Model>): boolean {
    return m.requirements.length > 0;
  }
  async write(m: EntityManager, model: Model) {
    await sql(m, 'UPDATE requirements SET role_id = $1, level_id = $2, organisation_id = $3, grace_days = $4 WHERE id = $5', [
      this.role,
      this.level,
      this.scope,
      this.grace,
      nth(model.requirements, this.requirement),
    ]);
  }
  toString(): string {
    return `EditRequirement(#${this.requirement}, R${this.role}, L${this.level}, ${this.scope}, ${this.grace})`;
  }
}

class SetValidity extends Change {
  constructor(readonly level: number, readonly months: number | null) {
    super();
  }
  async write(m: EntityManager) {
    await sql(m, 'UPDATE levels SET validity_months = $1 WHERE id = $2', [this.months, this.level]);
  }
  toString(): string {
    return `SetValidity(L${this.level}, ${this.months})`;
  }
}

/** Re-hangs organisation 3 or 4 (each with nothing below it but itself) under another, as the organisations service does. */
class MoveOrganisation extends Change {
  constructor(readonly which: 3 | 4, readonly parent: number) {
    super();
  }
  async write(m: EntityManager) {
    if (this.parent === this.which) return;
    const below = await sql(m, 'SELECT 1 FROM organisations WHERE parent_id = $1', [this.which]);
    const parentBelow = await sql(m, 'SELECT 1 FROM organisation_closure WHERE ancestor_id = $1 AND descendant_id = $2', [this.which, this.parent]);
    if (below.length || parentBelow.length) return;
    await rehang(m, this.which, [this.which], this.parent);
    await sql(m, 'UPDATE organisations SET parent_id = $1 WHERE id = $2', [this.parent, this.which]);
  }
  toString(): string {
    return `MoveOrganisation(${this.which} under ${this.parent})`;
  }
}

const changes = [
  fc.tuple(organisation, day, fc.option(day, { freq: 3 }), fc.uniqueArray(role, { maxLength: 2 })).map(([o, s, e, r]) => new AddPerson(o, s, e, r)),
  fc.tuple(organisation, day, fc.option(day, { freq: 3 }), fc.uniqueArray(role, { maxLength: 2 })).map(([o, s, e, r]) => new AddPerson(o, s, e, r)),
  fc.tuple(pick, day, fc.option(day, { freq: 3 })).map(([p, s, e]) => new EditDates(p, s, e)),
  fc.tuple(pick, organisation).map(([p, o]) => new MovePerson(p, o)),
  fc.tuple(pick, role).map(([p, r]) => new ToggleRole(p, r)),
  pick.map((p) => new DeletePerson(p)),
  fc.tuple(pick, level, day).map(([p, l, d]) => new AddCompletion(p, l, d)),
  fc.tuple(pick, level, day).map(([p, l, d]) => new AddCompletion(p, l, d)),
  fc.tuple(pick, level, day).map(([p, l, d]) => new AddCompletion(p, l, d)),
  fc.tuple(pick, level, day).map(([c, l, d]) => new EditCompletion(c, l, d)),
  fc.tuple(pick, level, day).map(([c, l, d]) => new EditCompletion(c, l, d)),
  pick.map((c) => new DeleteRow('completions', c)),
  fc.tuple(role, level, fc.option(organisation, { freq: 3 }), grace).map(([r, l, o, g]) => new AddRequirement(r, l, o, g)),
  fc.tuple(role, level, fc.option(organisation, { freq: 3 }), grace).map(([r, l, o, g]) => new AddRequirement(r, l, o, g)),
  fc.tuple(pick, role, level, fc.option(organisation, { freq: 3 }), grace).map(([q, r, l, o, g]) => new EditRequirement(q, r, l, o, g)),
  pick.map((q) => new DeleteRow('requirements', q)),
  fc.tuple(level, fc.constantFrom<number | null>(36, 12, 1, null)).map(([l, v]) => new SetValidity(l, v)),
  fc.tuple(fc.constantFrom<3 | 4>(3, 4), organisation).map(([w, p]) => new MoveOrganisation(w, p)),
];

/**
 * Empties the world and sets up the tree, the roles and the levels again, with two people and a
 * requirement for the changes to work on, in one transaction; answers the model of it.
 */
async function reset(ds: DataSource): Promise<Model> {
  return ds.transaction(async (m) => {
    await m.query('UPDATE organisations SET parent_id = NULL');
    for (const table of ['completions', 'staff_roles', 'staff', 'requirements', 'roles', 'organisation_closure', 'organisations']) await m.query(`DELETE FROM ${table}`);
    await m.query('UPDATE levels SET validity_months = 36');
    const pg = m.connection.options.type === 'postgres';
    const pathOf = (id: number): number[] => {
      const o = ORGANISATIONS.find((x) => x.id === id)!;
      return o.parentId === null ? [id] : [...pathOf(o.parentId), id];
    };
    for (const o of ORGANISATIONS) {
      await sql(m, 'INSERT INTO organisations (id, code, name, sector, parent_id, is_employer, path, depth) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        o.id,
        `O${o.id}`,
        `Org ${o.id}`,
        o.sector,
        o.parentId,
        pg ? o.id === 1 : Number(o.id === 1),
        `/${pathOf(o.id).join('/')}/`,
        pathOf(o.id).length - 1,
      ]);
      for (const [i, a] of pathOf(o.id).entries()) {
        await sql(m, 'INSERT INTO organisation_closure (ancestor_id, descendant_id, depth) VALUES ($1, $2, $3)', [a, o.id, pathOf(o.id).length - 1 - i]);
      }
    }
    for (const r of ROLES) await sql(m, 'INSERT INTO roles (id, code, name) VALUES ($1, $2, $3)', [r, `R${r}`, `Role ${r}`]);
    const model: Model = { people: [], completions: [], requirements: [] };
    await new AddPerson(2, '2023-04-03', null, [1]).write(m, model);
    await new AddPerson(4, '2025-09-01', null, [1, 2]).write(m, model);
    await new AddRequirement(1, 2, null, 30).write(m, model);
    // Scoped to organisation 2, so moving 4 (and the person in it) matters.
    await new AddRequirement(2, 1, 2, 0).write(m, model);
    await new AddCompletion(0, 2, '2023-05-10').write(m, model);
    return model;
  });
}

/** What the kept spans say against what the rules say, for everyone, every level, on every day that matters: the differences. */
async function differences(ds: DataSource): Promise<string[]> {
  const problems: string[] = [];
  const stale = await sql<{ n: number | string }>(ds, 'SELECT COUNT(*) AS n FROM compliance_stale');
  if (Number(stale[0].n) > 0) problems.push(`${stale[0].n} people were left stale after the commit`);
  const framework = await loadFramework(ds);
  const levels = levelFacts(framework);
  const requirements = requirementFacts(framework);
  const people = await factsOfSubtree(ds.manager, 1);
  const roleIdOf = new Map(framework.roles.map((r) => [r.code, r.id]));

  const graces = new Set(requirements.map((r) => r.graceDays));
  // Each person on the days that matter for them, and the window's edges; two far-off days for everyone.
  const probes: { id: number; day: IsoDate; end: IsoDate; w: number }[] = [];
  for (const p of people) {
    const days = new Set<IsoDate>(['2020-01-01', '2030-01-01']);
    const around = (d: IsoDate | null) => d && [-1, 0, 1].forEach((n) => days.add(addDays(d, n)));
    around(p.fact.startDate);
    around(p.fact.endDate);
    for (const g of graces) around(addDays(p.fact.startDate, g));
    for (const c of p.completions) {
      around(c.completedOn);
      const lapse = lapsesOn(c, levels);
      for (const w of WINDOWS) around(lapse && addDays(lapse, -w));
    }
    for (const day of days) for (const w of WINDOWS) probes.push({ id: p.id, day, end: addDays(day, w), w });
  }
  const keyOf = (id: number, day: string, end: string, rank: number) => `${day} to ${end} person ${id} L${rank}`;
  const expected = new Map<string, Status>();
  const byId = new Map(people.map((p) => [p.id, p]));
  for (const { id, day, end, w } of probes) {
    const p = byId.get(id)!;
    for (const l of levels) {
      const status = assess(p.fact, p.completions, l, levels, requirements, day, w)?.status;
      if (status) expected.set(keyOf(id, day, end, l.rank), status);
    }
  }

  // The statement the reports count with (keptCountsSql), over a group of one person, level and day.
  const counts = keptCountsSql('k', 'd.column2', 'd.column3', ds.options.type === 'postgres');
  const actual = new Map<string, Status>();
  for (let from = 0; from < probes.length; from += 300) {
    const some = probes.slice(from, from + 300);
    const values = some.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ');
    const rows = await sql<Record<string, unknown> & { day: string; wend: string; staff_id: number; rank: number; organisation_id: number; role_ids: string }>(
      ds,
      `SELECT d.column2 AS day, d.column3 AS wend, k.staff_id, l.rank, k.organisation_id, k.role_ids, ${Object.entries(counts).map(([name, c]) => `${c} AS ${name}`).join(', ')}
       FROM (VALUES ${values}) d JOIN compliance_spans k ON k.staff_id = CAST(d.column1 AS integer) AND ${spanCovers('k', 'd.column2')} JOIN levels l ON l.id = k.level_id
       GROUP BY d.column2, d.column3, k.staff_id, l.rank, k.organisation_id, k.role_ids`,
      some.flatMap((p) => [p.id, p.day, p.end]),
    );
    for (const r of rows) {
      const key = keyOf(Number(r.staff_id), r.day, r.wend, Number(r.rank));
      const byStatus = statusCounts(r);
      const statuses = STATUSES.filter((st) => byStatus[st] !== 0);
      if (actual.has(key) || Number(r.people) !== 1 || statuses.length !== 1 || byStatus[statuses[0]] !== 1) problems.push(`${key}: not one span with one status (${JSON.stringify(byStatus)})`);
      actual.set(key, statuses[0]);
      const p = byId.get(Number(r.staff_id))!;
      const roles = p.fact.roleCodes.map((c) => roleIdOf.get(c)).sort((x, y) => x! - y!).join(',');
      if (Number(r.organisation_id) !== p.organisationId || r.role_ids !== roles) problems.push(`${key}: counted under ${r.organisation_id} [${r.role_ids}], not ${p.organisationId} [${roles}]`);
    }
  }
  const gone = await sql<{ staff_id: number }>(ds, 'SELECT DISTINCT staff_id FROM compliance_spans');
  for (const r of gone) if (!byId.has(Number(r.staff_id))) problems.push(`spans of person ${r.staff_id}, who is no longer there`);
  for (const status of expected.values()) tally[status] = (tally[status] ?? 0) + 1;
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    if (expected.get(key) !== actual.get(key)) problems.push(`${key}: kept ${actual.get(key) ?? 'not required'}, rules ${expected.get(key) ?? 'not required'}`);
  }
  return problems.slice(0, 10);
}

describeEachDatabase('kept compliance equals the rules after every change', (kind: DatabaseKind) => {
  let ds: DataSource;
  let keeper: ComplianceKeeper;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ ds, drop } = await freshDataSource(kind));
    // The app's keeper: with it the data source's transactions refresh the spans they make stale.
    keeper = new ComplianceKeeper(ds);
    keeper.onApplicationBootstrap();
    await keeper.settled();
  });

  afterAll(async () => {
    if (process.env.KEPT_STATS) console.log(kind, tally);
    await keeper?.beforeApplicationShutdown();
    await ds?.destroy();
    await drop?.();
  });

  it(
    `holds after each step of ${SEQUENCES} random sequences of changes`,
    async () => {
      const check = async () => expect(await differences(ds)).toEqual([]);
      await fc.assert(
        fc.asyncProperty(fc.commands(changes, { maxCommands: 12, size: 'max' }), async (commands) => {
          const model = await reset(ds);
          await check();
          await fc.asyncModelRun(() => ({ model, real: { ds, check } }), commands);
        }),
        { numRuns: SEQUENCES, seed },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('leaves a change of more than 200 people to the keeper, which starts on its own once the change commits', async () => {
    await reset(ds);
    await ds.transaction(async (m) => {
      const model: Model = { people: [], completions: [], requirements: [] };
      for (let n = 0; n < 201; n++) await new AddPerson(3, '2025-01-06', null, [1]).write(m, model);
    });
    // Nobody asks the keeper (no report, no settled()): the commit itself set it to work.
    const stale = async () => Number((await sql<{ n: number | string }>(ds, 'SELECT COUNT(*) AS n FROM compliance_stale'))[0].n);
    for (let waited = 0; waited < 300 && (await stale()) > 0; waited++) await new Promise((r) => setTimeout(r, 100));
    expect(await stale()).toBe(0);
    expect(await differences(ds)).toEqual([]);
  });

  it('is worked out by the keeper for changes made outside the app (a bulk load), and meanwhile says it is not current', async () => {
    await reset(ds);
    // Emptying a larger world than 200 people leaves them to the keeper too.
    await keeper.settled();
    await ds.query(
      `INSERT INTO staff (employee_ref, first_name, last_name, organisation_id, employer_id, start_date, end_date) VALUES ('BULK1', 'Ann', 'Bulk', 4, 1, '2024-01-01', NULL)`,
    );
    await ds.query(`INSERT INTO requirements (role_id, level_id, organisation_id, grace_days) VALUES (1, 1, NULL, 0)`);
    await ds.query(`INSERT INTO staff_roles (staff_id, role_id) SELECT id, 1 FROM staff WHERE employee_ref = 'BULK1'`);
    // The new person, and the two already there who hold role 1 (the new requirement is theirs too).
    expect(await sql(ds, 'SELECT staff_id FROM compliance_stale')).toHaveLength(3);
    expect(await keeper.current()).toBe(false);
    await keeper.settled();
    expect(await keeper.current()).toBe(true);
    expect(await differences(ds)).toEqual([]);
    const bulk = await sql<{ id: number }>(ds, `SELECT id FROM staff WHERE employee_ref = 'BULK1'`);
    expect(await sql(ds, 'SELECT level_id, from_on, until_on, met_until, grace_ends FROM compliance_spans WHERE staff_id = $1 ORDER BY level_id', [bulk[0].id])).toEqual([
      // L1: the new requirement's, with no grace (the shortest of those at L1 or above).
      { level_id: 1, from_on: '2024-01-01', until_on: '9999-12-31', met_until: null, grace_ends: '2024-01-01' },
      // L2: the requirement of role 1 set up by reset, with 30 days' grace.
      { level_id: 2, from_on: '2024-01-01', until_on: '9999-12-31', met_until: null, grace_ends: '2024-01-31' },
    ]);
  });
});
