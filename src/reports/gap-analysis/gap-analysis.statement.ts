/**
 * What the two databases' gap analysis statements share: placeholders, the requirement rows of
 * rule 2, who is counted, the rule 3 score of a completion date, rule 4 as a CASE over need and
 * scores, and the role masks and status vectors the rows come back in. The per-person facts
 * differ by database and live in gap-analysis.sqlite.ts and gap-analysis.postgres.ts.
 */
import type { Predicate } from '../../access/scope.service';
import { ancestorAt, subtreeIds } from '../../access/subtree';
import { addDays, IsoDate } from '../../common/dates';
import type { Framework } from '../../compliance/framework';
import { Status, STATUSES, validFrom } from '../../compliance/rules';

/** Status codes used inside the SQL: 0 not required, then STATUSES in order from 1. */
export const STATUS_OF_CODE: (Status | null)[] = [null, ...STATUSES];
export const CODE_OF_STATUS = Object.fromEntries(STATUSES.map((s, i) => [s, i + 1])) as Record<Status, number>;

/** Bits per status in the status vector, and role bits per mask column (JS numbers stay exact below 2^53). */
export const STATUS_BITS = 3;
export const ROLES_PER_MASK = 48;

/** Who is counted: people in the organisation's subtree, in scope on asOf, and visible. */
export interface PeopleInScope {
  rootId: number;
  asOf: IsoDate;
  windowDays: number;
  /** Who the asker may see, on staff alias `s` (ScopeService.staffPredicate); null only for figures, which count everyone in the subtree. */
  visible: Predicate | null;
  /** The subtree holds most organisations: read staff in table order rather than through the organisation index. */
  mostOfTree?: boolean;
}

/** People under the same child of the root, in the same sector, with the same roles and statuses. */
export interface FigureRow {
  /** The child of the report's organisation they are under; null for people of the organisation itself. */
  childId: number | null;
  /** Their own organisation's sector. */
  sector: string;
  roleIds: number[];
  /** Per level, in framework order: the status, or null when the level is not required. */
  statuses: (Status | null)[];
  people: number;
}

export interface RequirementRow {
  roleId: number;
  scopeId: number | null;
  bits: number[];
  /** Per level: the latest start date already past grace, or null when the row does not require it. */
  dueIfStartedBy: (IsoDate | null)[];
}

export interface DateOn {
  asOf: IsoDate;
  windowEnd: IsoDate;
  /** The date's placeholder. */
  D: string;
}

/** The per-person facts of one date as a database computes them: a WITH clause, the rows as `p`, and need and scores over `p`. */
export interface PerPerson {
  withClause: string;
  /** FROM clause over the per-person rows, as `p`. */
  from: string;
  /** Need of level i over `p`: 0 not required, 1 within grace, 2 due. */
  needOf: (i: number) => string;
  /** Score of completion level j over `p`: 3 valid on D + W, 2 valid on D only, 1 lapsed, 0 none. */
  heldOf: (j: number) => string;
  /** Whether the person requires any level, over `p`. */
  requiresAnything: string;
}

export interface PerPersonOptions {
  /** Carry the names (for ordering the people behind a figure). */
  names: boolean;
  /** More conditions on staff `s`. */
  extra?: string[];
}

export type RunSql = <T>(text: string, values: unknown[]) => Promise<T[]>;

/** One database's shape of the statement. */
export interface GapStatement {
  perPerson(scope: PeopleInScope, params: Params, options: PerPersonOptions): PerPerson;
  /** figures() on several dates (2 to DATES_PER_PASS, sorted, distinct) in one statement; the rows of each date in the order of `on`. */
  figuresOn(scope: Omit<PeopleInScope, 'asOf'>, params: Params, on: DateOn[], run: RunSql): Promise<FigureRow[][]>;
}

/** At most this many dates in one statement: 3 boundaries per date and level, and one more, stay within PACKED_BITS. */
export const DATES_PER_PASS = 12;

/** More dates than this are split into statements of at most this many, run side by side (a trend's eight quarter ends: two of four). */
export const DATES_SIDE_BY_SIDE = 4;

/** Collects parameter values and hands out their $n placeholders. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A TypeORM-style predicate (:name parameters) rewritten with $n placeholders. */
  predicate(p: Predicate): string {
    return p.sql.replace(/:(\w+)/g, (whole, name: string) => (name in p.params ? this.add(p.params[name]) : whole));
  }
}

/** The building blocks both databases' statements are made of, for one framework. */
export class StatementParts {
  constructor(
    readonly framework: Framework,
    private readonly postgres: boolean,
  ) {}

  anyoneCanRequire(): boolean {
    const { roles, requirements, levels } = this.framework;
    return roles.length > 0 && requirements.length > 0 && levels.length > 0;
  }

  maskColumns(): string[] {
    const count = Math.max(1, Math.ceil(this.framework.roles.length / ROLES_PER_MASK));
    return Array.from({ length: count }, (_, k) => `m${k}`);
  }

  rolesOf(masks: number[]): number[] {
    const ids: number[] = [];
    masks.forEach((mask, k) => {
      for (let bit = 0, rest = mask; rest > 0; bit++, rest = Math.floor(rest / 2)) {
        if (rest % 2 === 1) ids.push(this.framework.roles[k * ROLES_PER_MASK + bit].id);
      }
    });
    return ids;
  }

  /** The rows of a several-dates statement (child, sector, role masks, people, sv0..svN) as each date's figure rows. */
  figuresPerDate(rows: Array<Record<string, number | string | null>>, masks: string[], dates: number): FigureRow[][] {
    const perDate: FigureRow[][] = Array.from({ length: dates }, () => []);
    for (const r of rows) {
      const childId = r.child === null ? null : Number(r.child);
      const sector = String(r.sector);
      const roleIds = this.rolesOf(masks.map((m) => Number(r[m])));
      const people = Number(r.people);
      for (let k = 0; k < dates; k++) {
        const sv = Number(r[`sv${k}`]);
        if (sv !== 0) perDate[k].push({ childId, sector, roleIds, statuses: this.decodeStatuses(sv), people });
      }
    }
    return perDate;
  }

  decodeStatuses(sv: number): (Status | null)[] {
    return this.framework.levels.map((_, i) => STATUS_OF_CODE[Math.floor(sv / 2 ** (STATUS_BITS * i)) % 2 ** STATUS_BITS]);
  }

  /** The status vector of a person: each level's status code in its STATUS_BITS, over need and scores. */
  statusVector(needOf: (i: number) => string, heldOf: (j: number) => string): string {
    return this.framework.levels.map((_, i) => `(${this.statusSql(i, needOf, heldOf)}) * ${2 ** (STATUS_BITS * i)}`).join(' + ');
  }

  /** Rule 4 as a CASE over need and scores for level i (completions at rank >= L count). */
  statusSql(i: number, needOf: (i: number) => string, heldOf: (j: number) => string): string {
    const scores = this.framework.levels.map((_, j) => j).filter((j) => j >= i).map(heldOf);
    const best = scores.length === 1 ? scores[0] : `${this.postgres ? 'GREATEST' : 'MAX'}(${scores.join(', ')})`;
    const need = needOf(i);
    const c = CODE_OF_STATUS;
    return `CASE WHEN ${need} = 0 THEN 0 WHEN ${best} = 3 THEN ${c.compliant} WHEN ${best} = 2 THEN ${c.expiring}
      WHEN ${need} = 1 THEN ${c.pending} WHEN ${best} = 1 THEN ${c.expired} ELSE ${c.missing} END`;
  }

  /**
   * Rule 2 as rows: one per role (its bit in the role masks, and per level the latest start date
   * already past grace among its unscoped requirements at rank >= L, or null), then one per
   * scoped requirement (no bits; its organisation; its thresholds).
   */
  requirementRows(asOf: IsoDate): RequirementRow[] {
    const { levels, roles, requirements } = this.framework;
    const rankOf = new Map(levels.map((l) => [l.id, l.rank]));
    const masks = this.maskColumns();
    const dueIfStartedBy = (graceDays: number) => addDays(asOf, -graceDays);
    const perRole = roles.map((role, ordinal): RequirementRow => {
      const own = requirements.filter((r) => r.roleId === role.id && r.organisationId === null);
      return {
        roleId: role.id,
        scopeId: null,
        bits: masks.map((_, k) => (Math.floor(ordinal / ROLES_PER_MASK) === k ? 2 ** (ordinal % ROLES_PER_MASK) : 0)),
        dueIfStartedBy: levels.map((level) => {
          const covering = own.filter((r) => (rankOf.get(r.levelId) ?? -Infinity) >= level.rank);
          // The shortest grace gives the latest start date that is already due.
          return covering.length === 0 ? null : dueIfStartedBy(Math.min(...covering.map((r) => r.graceDays)));
        }),
      };
    });
    const scoped = requirements
      .filter((r) => r.organisationId !== null)
      .map((r): RequirementRow => {
        const rank = rankOf.get(r.levelId) ?? -Infinity;
        return {
          roleId: r.roleId,
          scopeId: r.organisationId,
          bits: masks.map(() => 0),
          dueIfStartedBy: levels.map((l) => (rank >= l.rank ? dueIfStartedBy(r.graceDays) : null)),
        };
      });
    return [...perRole, ...scoped];
  }

  /** The child of the root an organisation `y.org` (joined as `og`) is under, as SQL; null for the root itself. */
  childOf(params: Params, rootId: number): string {
    return ancestorAt('y.org', `og.depth - (SELECT ro.depth FROM organisations ro WHERE ro.id = ${params.add(rootId)}) - 1`);
  }

  /** The people counted, as a WHERE clause on staff `s`. */
  peopleWhere(scope: PeopleInScope, params: Params, D: string, extra: string[], last: string = D): string {
    // '+' stops SQLite using the organisation index when it would visit most of the table anyway.
    const org = `${!this.postgres && scope.mostOfTree ? '+' : ''}s.organisation_id`;
    return [
      `${org} IN (${subtreeIds(params.add(scope.rootId))})`,
      `s.start_date <= ${last}`,
      `(s.end_date IS NULL OR s.end_date >= ${D})`,
      ...(scope.visible ? [`(${params.predicate(scope.visible)})`] : []),
      ...extra,
    ].join(' AND ');
  }

  /** Rule 3 for level j's completions as SQL over a date: 3 valid on D + W, 2 valid on D only, 1 lapsed. */
  scoreSql(params: Params, j: number, date: string, asOf: IsoDate, windowEnd: IsoDate): string {
    const level = this.framework.levels[j];
    const fromAtEnd = validFrom(level, windowEnd);
    const fromOnD = validFrom(level, asOf);
    if (fromAtEnd === null || fromOnD === null) return '3';
    return `CASE WHEN ${date} >= ${params.add(fromAtEnd)} THEN 3 WHEN ${date} >= ${params.add(fromOnD)} THEN 2 ELSE 1 END`;
  }
}
