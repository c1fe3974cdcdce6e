import { addMonths, financialQuarter, quarterOf, Quarter } from '../src/common/dates';
import { assess, CompletionFact, LevelFact, PersonFact, RequirementFact, Status, STATUSES } from '../src/compliance/rules';
import { openBulkWriter } from '../seeds/bulk-writer';
import { seedDemo } from '../seeds/demo';
import { GeneratedSummary, generatePartnership } from '../seeds/generator';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';

const AS_OF = '2026-02-10';

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v);

/** Every index definition of the tables the generator loads in bulk, and on PostgreSQL every constraint (its foreign keys are added again after the load). */
async function indexesOf(t: TestApp): Promise<string[]> {
  const tables = "'staff', 'staff_roles', 'completions', 'bookings', 'session_feedback'";
  const rows: { definition: string }[] =
    t.kind === 'sqlite'
      ? await t.dataSource.query(`SELECT sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name IN (${tables})`)
      : await t.dataSource.query(
          `SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN (${tables})
           UNION ALL SELECT c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c
            JOIN pg_class r ON r.oid = c.conrelid WHERE r.relnamespace = current_schema()::regnamespace AND r.relname IN (${tables})`,
        );
  return rows.map((r) => String(r.definition)).sort();
}

/** What the generator writes, table by table: the columns it fills (not the ids the database gives), compared as text. */
const GENERATED_COLUMNS: Record<string, string> = {
  organisations: 'id, code, name, sector, parent_id, is_employer, path, depth',
  organisation_closure: 'ancestor_id, descendant_id, depth',
  roles: 'code, name, description',
  requirements: 'role_id, level_id, organisation_id, grace_days',
  training_sessions:
    'id, level_id, title, starts_at, ends_at, venue, host_organisation_id, capacity, status, notes, external_trainer, feedback_token, feedback_closes_at',
  staff: 'id, employee_ref, first_name, last_name, email, organisation_id, employer_id, manager_id, start_date, end_date',
  staff_roles: 'staff_id, role_id',
  completions: 'staff_id, level_id, completed_on, source, evidence, session_id, recorded_by',
  session_trainers: 'session_id, staff_id',
  bookings: 'session_id, staff_id, status, attendance, walk_in',
  session_feedback: 'session_id, staff_id, overall_rating, recognise_before, recognise_after, refer_before, refer_after, comments',
};

async function contentsOf(t: TestApp): Promise<Record<string, string[]>> {
  const text = (v: unknown) => (v === null ? '∅' : typeof v === 'boolean' ? String(Number(v)) : String(v));
  const out: Record<string, string[]> = {};
  for (const [table, columns] of Object.entries(GENERATED_COLUMNS)) {
    const rows: Row[] = await t.dataSource.query(`SELECT ${columns} FROM ${table}`);
    out[table] = rows.map((r) => Object.values(r).map(text).join('|')).sort();
  }
  return out;
}

describeEachDatabase('seeds', (kind) => {
  describe('the demo partnership', () => {
    let t: TestApp;
    let summary: GeneratedSummary;
    const q = <T = Row>(text: string) => t.dataSource.query(text) as Promise<T[]>;

    let indexesBefore: string[];

    beforeAll(async () => {
      t = await createTestApp(kind);
      indexesBefore = await indexesOf(t);
      summary = await seedDemo(t.dataSource, AS_OF);
    });
    afterAll(() => t.close());

    it('reports what it wrote', async () => {
      const count = async (table: string) => num((await q(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
      expect(summary.staff).toBe(3000);
      expect(await count('organisations')).toBe(summary.organisations);
      expect(await count('staff')).toBe(summary.staff);
      expect(await count('completions')).toBe(summary.completions);
      expect(await count('training_sessions')).toBe(summary.sessions);
      expect(await count('bookings')).toBe(summary.bookings);
      expect(await count('session_feedback')).toBe(summary.feedback);
      expect(summary.completions / summary.staff).toBeGreaterThan(4);
      expect(summary.completions / summary.staff).toBeLessThan(6);
    });

    it('leaves every index and constraint as the migrations made it (both rebuild them after the bulk load)', async () => {
      expect(await indexesOf(t)).toEqual(indexesBefore);
    });

    it("holds Warwickshire's specified authorities (Appendix A) under the partnership", async () => {
      const orgs = await q<{ code: string; sector: string; is_employer: unknown; parent_id: unknown }>(
        'SELECT code, sector, is_employer, parent_id FROM organisations',
      );
      const byCode = new Map(orgs.map((o) => [o.code, o]));
      const expected: [string, string, boolean][] = [
        ['WPP', 'other', false],
        ['WCC', 'local_authority', true],
        ['WCC-CYP', 'local_authority', false],
        ['WCC-ASC', 'local_authority', false],
        ['WCC-COM', 'local_authority', false],
        ['WCC-RES', 'local_authority', false],
        ['WCC-CYP-EH1', 'local_authority', false],
        ['NWBC', 'local_authority', true],
        ['NBBC', 'local_authority', true],
        ['RBC', 'local_authority', true],
        ['SDC', 'local_authority', true],
        ['WDC', 'local_authority', true],
        ['EDU', 'education', false],
        ['SCH-0001', 'education', true],
        ['EY-0001', 'education', true],
        ['WCG', 'education', true],
        ['SWFT', 'health', true],
        ['GEH', 'health', true],
        ['CWPT', 'health', true],
        ['UHCW', 'health', true],
        ['NPS', 'prisons_probation', true],
        ['WWMCRC', 'prisons_probation', true],
        ['WPOL', 'police', true],
        ['PCC', 'police', true],
        ['WCAVA', 'voluntary_community', true],
      ];
      for (const [code, sector, employer] of expected) {
        expect({ code, sector: byCode.get(code)?.sector, employer: Boolean(byCode.get(code)?.is_employer) }).toEqual({ code, sector, employer });
      }
      expect(orgs.filter((o) => o.parent_id === null).map((o) => o.code)).toEqual(['WPP']);
      expect(orgs.filter((o) => o.code.startsWith('SCH-')).length).toBeGreaterThanOrEqual(10);
    });

    it('keeps paths, depths and the closure table in step with the parent links', async () => {
      const orgs = await q<{ id: unknown; parent_id: unknown; path: string; depth: unknown }>('SELECT id, parent_id, path, depth FROM organisations');
      const parent = new Map(orgs.map((o) => [num(o.id), o.parent_id === null ? null : num(o.parent_id)]));
      const expected: string[] = [];
      for (const o of orgs) {
        const chain: number[] = [];
        for (let a: number | null = num(o.id); a !== null; a = parent.get(a) ?? null) chain.push(a);
        expect(o.path).toBe(`/${[...chain].reverse().join('/')}/`);
        expect(num(o.depth)).toBe(chain.length - 1);
        chain.forEach((ancestor, depth) => expected.push(`${ancestor}>${num(o.id)}@${depth}`));
      }
      const closure = await q<{ ancestor_id: unknown; descendant_id: unknown; depth: unknown }>(
        'SELECT ancestor_id, descendant_id, depth FROM organisation_closure',
      );
      const actual = closure.map((c) => `${num(c.ancestor_id)}>${num(c.descendant_id)}@${num(c.depth)}`);
      expect(actual.sort()).toEqual(expected.sort());
    });

    it('gives each person the nearest employer up the tree, else the partnership', async () => {
      const orgs = await q<{ id: unknown; parent_id: unknown; is_employer: unknown }>('SELECT id, parent_id, is_employer FROM organisations');
      const byId = new Map(orgs.map((o) => [num(o.id), o]));
      const employerOf = (id: number): number => {
        const o = byId.get(id)!;
        if (Boolean(o.is_employer) || o.parent_id === null) return id;
        return employerOf(num(o.parent_id));
      };
      const staff = await q<{ organisation_id: unknown; employer_id: unknown }>('SELECT organisation_id, employer_id FROM staff');
      const wrong = staff.filter((s) => employerOf(num(s.organisation_id)) !== num(s.employer_id));
      expect(wrong).toEqual([]);
      const [{ n }] = await q(`SELECT COUNT(*) AS n FROM staff s JOIN organisations o ON o.id = s.employer_id WHERE o.code = 'WPP'`);
      expect(num(n)).toBeGreaterThan(0);
    });

    it('gives every person the role ALL, and managers from their own team', async () => {
      const [{ n }] = await q(
        `SELECT COUNT(*) AS n FROM staff s WHERE NOT EXISTS
           (SELECT 1 FROM staff_roles sr JOIN roles r ON r.id = sr.role_id WHERE sr.staff_id = s.id AND r.code = 'ALL')`,
      );
      expect(num(n)).toBe(0);
      const [{ m }] = await q(
        'SELECT COUNT(*) AS m FROM staff s JOIN staff b ON b.id = s.manager_id WHERE b.organisation_id <> s.organisation_id OR b.id >= s.id',
      );
      expect(num(m)).toBe(0);
    });

    it('records at most one completion per person, level and date, sessions on their own day', async () => {
      const duplicates = await q(
        'SELECT staff_id, level_id, completed_on FROM completions GROUP BY staff_id, level_id, completed_on HAVING COUNT(*) > 1',
      );
      expect(duplicates).toEqual([]);
      const [{ n }] = await q(
        `SELECT COUNT(*) AS n FROM completions c JOIN training_sessions s ON s.id = c.session_id
          WHERE c.source <> 'session' OR c.completed_on <> SUBSTR(s.starts_at, 1, 10) OR c.level_id <> s.level_id`,
      );
      expect(num(n)).toBe(0);
      const [{ after }] = await q(`SELECT COUNT(*) AS after FROM completions WHERE completed_on > '${AS_OF}'`);
      expect(num(after)).toBe(0);
    });

    it('has sessions run by trainers who held a valid L3 on the day', async () => {
      const [l3] = await q<{ id: unknown; validity_months: unknown }>(`SELECT id, validity_months FROM levels WHERE code = 'L3'`);
      const l3Days = new Map<number, string[]>();
      for (const c of await q<{ staff_id: unknown; completed_on: string }>(`SELECT staff_id, completed_on FROM completions WHERE level_id = ${num(l3.id)}`)) {
        l3Days.set(num(c.staff_id), [...(l3Days.get(num(c.staff_id)) ?? []), c.completed_on]);
      }
      const rows = await q<{ staff_id: unknown; starts_at: string }>(
        'SELECT st.staff_id, s.starts_at FROM session_trainers st JOIN training_sessions s ON s.id = st.session_id',
      );
      expect(rows.length).toBeGreaterThan(0);
      const invalid = rows.filter((r) => {
        const day = r.starts_at.slice(0, 10);
        return !(l3Days.get(num(r.staff_id)) ?? []).some((c) => c <= day && day < addMonths(c, num(l3.validity_months)));
      });
      expect(invalid).toEqual([]);
      const [{ untrained }] = await q(
        `SELECT COUNT(*) AS untrained FROM training_sessions s JOIN levels l ON l.id = s.level_id
          WHERE l.code = 'L2' AND NOT EXISTS (SELECT 1 FROM session_trainers st WHERE st.session_id = s.id)`,
      );
      expect(num(untrained)).toBe(0);
    });

    it('has delivered sessions in every quarter of the last two financial years, and sessions ahead', async () => {
      const sessions = await q<{ starts_at: string; status: string; code: string }>(
        'SELECT s.starts_at, s.status, l.code FROM training_sessions s JOIN levels l ON l.id = s.level_id',
      );
      const { year } = quarterOf(AS_OF);
      for (let y = year - 2; y < year; y++) {
        for (const quarter of [1, 2, 3, 4] as Quarter[]) {
          const { start, end } = financialQuarter(y, quarter);
          const delivered = sessions.filter((s) => s.code === 'L2' && s.status === 'delivered' && s.starts_at >= start && s.starts_at.slice(0, 10) <= end);
          expect({ y, quarter, some: delivered.length > 0 }).toEqual({ y, quarter, some: true });
        }
      }
      expect(sessions.some((s) => s.code === 'L3' && s.status === 'delivered')).toBe(true);
      expect(sessions.filter((s) => s.status === 'cancelled')).toHaveLength(1);
      expect(sessions.filter((s) => s.status === 'scheduled' && s.starts_at > AS_OF).length).toBeGreaterThan(1);
      expect(sessions.filter((s) => s.status !== 'delivered' && s.starts_at <= AS_OF)).toEqual([]);
      const bookings = await q<{ status: string; attendance: string | null; walk_in: unknown }>('SELECT status, attendance, walk_in FROM bookings');
      const kinds = new Set(bookings.map((b) => `${b.status}/${b.attendance}/${Boolean(b.walk_in)}`));
      for (const k of ['booked/attended/false', 'booked/attended/true', 'booked/no_show/false', 'booked/null/false', 'waiting/null/false', 'cancelled/null/false']) {
        expect(kinds).toContain(k);
      }
      const [{ anonymous }] = await q('SELECT COUNT(*) AS anonymous FROM session_feedback WHERE staff_id IS NULL');
      expect(num(anonymous)).toBeGreaterThan(0);
    });

    it('shows every status at every level on asOf, by the compliance rules', async () => {
      const levelRows = await q<{ id: unknown; code: string; rank: unknown; validity_months: unknown }>('SELECT id, code, rank, validity_months FROM levels');
      const levels: LevelFact[] = levelRows.map((l) => ({
        code: l.code,
        rank: num(l.rank),
        validityMonths: l.validity_months === null ? null : num(l.validity_months),
      }));
      const rankOf = new Map(levelRows.map((l) => [num(l.id), num(l.rank)]));
      const requirements: RequirementFact[] = (
        await q<{ code: string; level_id: unknown; organisation_id: unknown; grace_days: unknown }>(
          'SELECT r.code, q.level_id, q.organisation_id, q.grace_days FROM requirements q JOIN roles r ON r.id = q.role_id',
        )
      ).map((r) => ({
        roleCode: r.code,
        levelRank: rankOf.get(num(r.level_id))!,
        organisationId: r.organisation_id === null ? null : num(r.organisation_id),
        graceDays: num(r.grace_days),
      }));
      const paths = new Map(
        (await q<{ id: unknown; path: string }>('SELECT id, path FROM organisations')).map((o) => [num(o.id), o.path.split('/').filter(Boolean).map(Number)]),
      );
      const roles = new Map<number, string[]>();
      for (const r of await q<{ staff_id: unknown; code: string }>('SELECT sr.staff_id, r.code FROM staff_roles sr JOIN roles r ON r.id = sr.role_id')) {
        roles.set(num(r.staff_id), [...(roles.get(num(r.staff_id)) ?? []), r.code]);
      }
      const completions = new Map<number, CompletionFact[]>();
      for (const c of await q<{ staff_id: unknown; level_id: unknown; completed_on: string }>('SELECT staff_id, level_id, completed_on FROM completions')) {
        const list = completions.get(num(c.staff_id)) ?? [];
        list.push({ levelRank: rankOf.get(num(c.level_id))!, completedOn: c.completed_on });
        completions.set(num(c.staff_id), list);
      }
      const seen: Record<string, Set<Status>> = { L1: new Set(), L2: new Set(), L3: new Set() };
      for (const s of await q<{ id: unknown; organisation_id: unknown; start_date: string; end_date: string | null }>(
        'SELECT id, organisation_id, start_date, end_date FROM staff',
      )) {
        const person: PersonFact = {
          startDate: s.start_date,
          endDate: s.end_date,
          roleCodes: roles.get(num(s.id)) ?? [],
          organisationPath: paths.get(num(s.organisation_id))!,
        };
        for (const level of levels) {
          const assessment = assess(person, completions.get(num(s.id)) ?? [], level, levels, requirements, AS_OF);
          if (assessment) seen[level.code].add(assessment.status);
        }
      }
      for (const code of ['L1', 'L2', 'L3']) expect({ code, statuses: [...seen[code]].sort() }).toEqual({ code, statuses: [...STATUSES].sort() });
    });

    it('refuses to fill a database that already holds organisations', async () => {
      await expect(generatePartnership(t.dataSource, { staff: 100, asOf: AS_OF })).rejects.toThrow(/already holds \d+ organisations/);
    });
  });

  if (kind === 'postgres') {
    it("writes, through COPY, row for row what SQLite's writer writes for the same seed", async () => {
      const [sqlite, postgres] = [await createTestApp('sqlite'), await createTestApp('postgres')];
      try {
        const [a, b] = [
          await generatePartnership(sqlite.dataSource, { staff: 1500, seed: 11, asOf: AS_OF }),
          await generatePartnership(postgres.dataSource, { staff: 1500, seed: 11, asOf: AS_OF }),
        ];
        expect({ ...b, ms: 0 }).toEqual({ ...a, ms: 0 });
        const [left, right] = [await contentsOf(sqlite), await contentsOf(postgres)];
        for (const table of Object.keys(GENERATED_COLUMNS)) {
          expect({ table, rows: right[table].length }).toEqual({ table, rows: left[table].length });
          expect({ table, differing: right[table].filter((row, i) => row !== left[table][i]).slice(0, 3) }).toEqual({ table, differing: [] });
        }
        expect(left.completions.length).toBeGreaterThan(5000);
      } finally {
        await sqlite.close();
        await postgres.close();
      }
    });

    it('reads back through COPY what contains its special characters: tab, newline, carriage return, backslash, \\N', async () => {
      const t = await createTestApp('postgres');
      try {
        const awkward = 'tab\there, line\nbreak, return\r, back\\slash, \\N, \\t, and a quote\'s';
        const writer = await openBulkWriter(t.dataSource);
        await writer.insert('roles', ['code', 'name', 'description'], ['AWK', awkward, null, 'AWK2', '\\N', '']);
        await writer.commit();
        const rows: { code: string; name: string; description: string | null }[] = await t.dataSource.query(
          `SELECT code, name, description FROM roles WHERE code IN ('AWK', 'AWK2') ORDER BY code`,
        );
        expect(rows).toEqual([
          { code: 'AWK', name: awkward, description: null },
          { code: 'AWK2', name: '\\N', description: '' },
        ]);
      } finally {
        await t.close();
      }
    });
  }

  it('generates exactly the number of people asked for', async () => {
    const t = await createTestApp(kind);
    try {
      const summary = await generatePartnership(t.dataSource, { staff: 1200, seed: 7, asOf: AS_OF });
      const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM staff');
      expect(summary.staff).toBe(1200);
      expect(num(n)).toBe(1200);
      // The app keeps working on top: new rows get fresh ids after the generated ones.
      const [{ m }] = await t.dataSource.query('SELECT MAX(id) AS m FROM organisations');
      const res = await t.http().post('/api/organisations').send({ code: 'NEW-ORG', name: 'A new organisation', sector: 'other', parentCode: 'WPP' });
      expect(res.status).toBe(201);
      const [created] = await t.dataSource.query(`SELECT id FROM organisations WHERE code = 'NEW-ORG'`);
      expect(num(created.id)).toBeGreaterThan(num(m));
    } finally {
      await t.close();
    }
  });
});
