import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Scope } from '../../auth/scope';
import { Predicate, ScopeService } from '../../access/scope.service';
import { IsoDate } from '../../common/dates';
import { FieldError } from '../../common/field-error';
import { pageOf } from '../../common/paging';
import { ComplianceService, levelStatusView } from '../../compliance/compliance.service';
import { recordsOf } from '../../compliance/facts';
import { Framework } from '../../compliance/framework';
import { Counts, DEFAULT_WINDOW_DAYS, emptyCounts, MET_STATUSES, OVERDUE_STATUSES, Status, withPct } from '../../compliance/rules';
import { ReadsOffMainThread } from '../../database/read-pool/reads-off-main-thread';
import { sql } from '../../database/sql';
import type { Organisation } from '../../organisations/organisation.entity';
import { SECTOR_NAMES, SECTORS, type Sector } from '../../organisations/sectors';
import {
  GapAnalysisQueryDto,
  GapAnalysisView,
  GapPeopleQueryDto,
  GapPeopleView,
  GapPersonView,
  LevelFiguresView,
} from './gap-analysis.dto';
import { FigureRow, GapAnalysisQuery, PeopleInScope } from './gap-analysis.query';
import { ComplianceKeeper } from '../../compliance/kept/compliance-keeper';
import { loadSubtree, Subtree } from '../shared/groups';
import { FIGURES_TTL_MS, figuresKey, KEPT_ROWS, RecentResults } from '../shared/recent-results';
import { subtreeIds } from '../../access/subtree';
import { levelTargets } from '../targets/rag';
import { type TargetBook, TargetsService } from '../targets/targets.service';

export const OVERDUE: Status[] = ['expired', 'missing'];

/** Counts per level, in framework order. */
type LevelCounts = Counts[];

export interface GapAnalysisGroups {
  total: LevelCounts;
  /** By child organisation of the root; people of the root itself count in the total only. */
  byChild: Map<number, LevelCounts>;
  bySector: Map<string, LevelCounts>;
  byRole: Map<number, LevelCounts>;
}

/** Rule 5 over the fast path's rows: the subtree, each child, each sector present and each role. */
export function rollUp(rows: FigureRow[], framework: Framework, subtree: Subtree): GapAnalysisGroups {
  const fresh = (): LevelCounts => framework.levels.map(() => emptyCounts());
  const sectorsPresent = new Set([...subtree.organisations.values()].map((o) => o.sector as string));
  const groups: GapAnalysisGroups = {
    total: fresh(),
    byChild: new Map(subtree.children.map((c) => [c.id, fresh()])),
    bySector: new Map(SECTORS.filter((s) => sectorsPresent.has(s)).map((s) => [s, fresh()])),
    byRole: new Map(framework.roles.map((r) => [r.id, fresh()])),
  };
  const groupIn = <K>(map: Map<K, LevelCounts>, key: K) => {
    let counts = map.get(key);
    if (!counts) map.set(key, (counts = fresh()));
    return counts;
  };
  for (const row of rows) {
    const into = [groups.total, groupIn(groups.bySector, row.sector)];
    if (row.childId !== null) into.push(groupIn(groups.byChild, row.childId));
    for (const roleId of row.roleIds) into.push(groupIn(groups.byRole, roleId));
    row.statuses.forEach((status, i) => {
      if (status) for (const counts of into) addPeople(counts[i], status, row.people);
    });
  }
  for (const counts of [groups.total, ...groups.byChild.values(), ...groups.bySector.values(), ...groups.byRole.values()]) counts.forEach(withPct);
  return groups;
}

/** rules.addStatus for n people at once. */
function addPeople(c: Counts, status: Status, n: number): void {
  c[status] += n;
  c.required += n;
  if (MET_STATUSES.includes(status)) c.met += n;
  if (OVERDUE_STATUSES.includes(status)) c.overdue += n;
}

export function levelFigures(framework: Framework, counts: LevelCounts): LevelFiguresView[] {
  return framework.levels.map((level, i) => {
    const c = counts[i];
    return {
      level: level.code,
      required: c.required,
      met: c.met,
      compliant: c.compliant,
      expiring: c.expiring,
      pending: c.pending,
      expired: c.expired,
      missing: c.missing,
      overdue: c.overdue,
      compliancePct: c.compliancePct,
    };
  });
}

/**
 * Each row's target and status beside its figures (the targets loaded once, for the root and its
 * children): a child organisation's own, a sector's within the root (an organisation target of the
 * root or above wins), and the root's for the whole and for each role.
 */
export function withTargets(view: GapAnalysisView, subtree: Subtree, book: TargetBook): GapAnalysisView {
  const pcts = (levels: LevelFiguresView[]) => levels.map((l) => ({ level: l.level, pct: l.compliancePct }));
  const rootId = subtree.root.id;
  const idOf = new Map(subtree.children.map((c) => [c.code, c.id]));
  const ofRoot = (level: string) => book.forOrganisation(rootId, level);
  return {
    ...view,
    targets: levelTargets(pcts(view.levels), ofRoot),
    byOrganisation: view.byOrganisation.map((g) => {
      const id = idOf.get(g.organisation.code);
      return { ...g, targets: levelTargets(pcts(g.levels), (level) => (id === undefined ? ofRoot(level) : book.forOrganisation(id, level))) };
    }),
    bySector: view.bySector.map((g) => ({ ...g, targets: levelTargets(pcts(g.levels), (level) => book.forSectorWithin(rootId, g.sector, level)) })),
    byRole: view.byRole.map((g) => ({ ...g, targets: levelTargets(pcts(g.levels), ofRoot) })),
  };
}

/**
 * Figures cover the people the scope may see. Administrators, coordinators and viewers see
 * everyone in their subtree, which the organisation check already ensures; managers and
 * trainers see fewer people (ScopeService.staffPredicate), so their condition is added.
 */
export function figuresVisibility(scopes: ScopeService, scope: Scope): Predicate | null {
  return scope.role === 'manager' || scope.role === 'trainer' ? scopes.staffPredicate(scope, 's') : null;
}

interface ReportContext {
  root: Organisation;
  asOf: IsoDate;
  windowDays: number;
  framework: Framework;
  query: GapAnalysisQuery;
  people: PeopleInScope;
}

/**
 * Gap analysis by organisation (DOMAIN.md, "The reports"): counts from the SQL fast path
 * (gap-analysis.query.ts), the people behind a figure with their dates from the reference rules.
 */
@Injectable()
export class GapAnalysisService {
  /**
   * The figures of recent reports, kept while nothing they read has changed (figuresKey): a page
   * is viewed again and again, and by several people, between changes to the data. Targets,
   * names and the tree are read afresh on each view. At most KEPT_ROWS rows in all: at 500,000
   * people one date's figures are some 40,000 rows.
   */
  private readonly recentFigures = new RecentResults<FigureRow[]>(FIGURES_TTL_MS, 200, { of: (rows) => rows.length, most: KEPT_ROWS });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly compliance: ComplianceService,
    private readonly targets: TargetsService,
    private readonly keeper: ComplianceKeeper,
  ) {}

  @ReadsOffMainThread()
  async report(scope: Scope, q: GapAnalysisQueryDto): Promise<GapAnalysisView> {
    const ctx = await this.context(scope, q, figuresVisibility(this.scopes, scope));
    const [rows, [subtree, book]] = await Promise.all([
      this.figures(scope, ctx),
      loadSubtree(this.dataSource.manager, ctx.root).then(async (s) => [s, await this.targets.book([s.root.id, ...s.children.map((c) => c.id)])] as const),
    ]);
    return withTargets(this.view(ctx, ctx.asOf, rows, subtree), subtree, book);
  }

  private async figures(scope: Scope, ctx: ReportContext): Promise<FigureRow[]> {
    const key = await figuresKey(this.dataSource, scope, ctx.root.id, ctx.asOf, ctx.windowDays);
    return this.recentFigures.kept(key, () => ctx.query.figures(ctx.people));
  }

  /**
   * report() on each of several dates (q.asOf is ignored), in the order given: the same views as
   * one report() per date, from one statement over the data (GapAnalysisQuery.figuresOn).
   */
  @ReadsOffMainThread()
  async reportsOn(scope: Scope, q: GapAnalysisQueryDto, dates: IsoDate[]): Promise<GapAnalysisView[]> {
    if (dates.length === 0) return [];
    const ctx = await this.context(scope, { ...q, asOf: dates[0] }, figuresVisibility(this.scopes, scope));
    const [rowsOn, subtree] = await Promise.all([ctx.query.figuresOn(ctx.people, dates), loadSubtree(this.dataSource.manager, ctx.root)]);
    return dates.map((asOf, k) => this.view(ctx, asOf, rowsOn[k], subtree));
  }

  private view(ctx: ReportContext, asOf: IsoDate, rows: FigureRow[], subtree: Subtree): GapAnalysisView {
    const groups = rollUp(rows, ctx.framework, subtree);
    const { framework } = ctx;
    return {
      organisation: { code: ctx.root.code, name: ctx.root.name },
      asOf,
      windowDays: ctx.windowDays,
      levels: levelFigures(framework, groups.total),
      byOrganisation: subtree.children.map((child) => ({
        organisation: { code: child.code, name: child.name },
        levels: levelFigures(framework, groups.byChild.get(child.id)!),
      })),
      bySector: [...groups.bySector].map(([sector, counts]) => ({
        sector,
        name: SECTOR_NAMES[sector as Sector] ?? sector,
        levels: levelFigures(framework, counts),
      })),
      byRole: [...framework.roles]
        .sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code))
        .map((role) => ({ role: { code: role.code, name: role.name }, levels: levelFigures(framework, groups.byRole.get(role.id)!) })),
    };
  }

  /** The people behind a figure: one page, ordered by name. Viewers are refused (403). */
  @ReadsOffMainThread()
  async people(scope: Scope, q: GapPeopleQueryDto): Promise<GapPeopleView> {
    this.scopes.assertCanSeePeople(scope);
    const ctx = await this.context(scope, q, this.scopes.staffPredicate(scope, 's'));
    const levelIndex = ctx.framework.levels.findIndex((l) => l.code === q.level);
    if (levelIndex < 0) throw new FieldError('level', `no level with code ${q.level}`);
    const statuses = q.status ?? OVERDUE;
    let roleId: number | null = null;
    if (q.role) {
      const role = ctx.framework.roles.find((r) => r.code === q.role);
      if (!role) throw new FieldError('role', `no role with code ${q.role}`);
      roleId = role.id;
    }
    const offset = (q.page - 1) * q.pageSize;
    const { rows, total } = await ctx.query.people(ctx.people, { levelIndex, statuses, roleId, sector: q.sector ?? null, offset, limit: q.pageSize });
    const items = await this.personViews(ctx, levelIndex, rows);
    return {
      organisation: { code: ctx.root.code, name: ctx.root.name },
      asOf: ctx.asOf,
      windowDays: ctx.windowDays,
      level: q.level,
      statuses,
      ...pageOf(items, total, q),
    };
  }

  /** Every person behind a figure (for the CSV download), a chunk at a time. */
  async allPeople(scope: Scope, q: GapPeopleQueryDto): Promise<GapPersonView[]> {
    const everyone: GapPersonView[] = [];
    const chunk = 5000;
    for (let page = 1; ; page++) {
      const result = await this.people(scope, Object.assign(new GapPeopleQueryDto(), q, { page, pageSize: chunk }));
      everyone.push(...result.items);
      if (page >= result.pages) return everyone;
    }
  }

  async levelNames(): Promise<Map<string, string>> {
    return new Map((await this.compliance.framework()).levels.map((l) => [l.code, l.name]));
  }

  private async context(scope: Scope, q: { organisation?: string; asOf?: string; window?: number }, visible: Predicate | null): Promise<ReportContext> {
    const root = q.organisation ? await this.scopes.organisation(scope, q.organisation) : await this.scopes.defaultOrganisation(scope);
    const asOf = q.asOf ?? this.compliance.today();
    const windowDays = q.window ?? DEFAULT_WINDOW_DAYS;
    const [framework, [{ count, inside }], kept] = await Promise.all([
      this.compliance.framework(),
      sql<{ count: number | string; inside: number | string }>(
        this.dataSource,
        `SELECT (SELECT COUNT(*) FROM organisations) AS count, (SELECT COUNT(*) FROM (${subtreeIds('$1')}) inside) AS inside`,
        [root.id],
      ),
      this.keeper.current(),
    ]);
    const people: PeopleInScope = {
      rootId: root.id,
      asOf,
      windowDays,
      visible: visible && visible.sql !== '1 = 1' ? visible : null,
      mostOfTree: Number(inside) * 2 >= Number(count),
    };
    return { root, asOf, windowDays, framework, query: new GapAnalysisQuery(this.dataSource, framework, { kept }), people };
  }

  private async personViews(ctx: ReportContext, levelIndex: number, rows: { id: number; status: Status }[]): Promise<GapPersonView[]> {
    const records = await recordsOf(this.dataSource.manager, ctx.framework, rows.map((r) => r.id));
    return rows.map((row) => {
      const record = records.get(row.id)!;
      const assessment = this.compliance.assessAll(ctx.framework, record, ctx.asOf, ctx.windowDays)[levelIndex];
      const view = assessment ? levelStatusView(ctx.framework, assessment) : null;
      return {
        id: row.id,
        employeeRef: record.employeeRef,
        name: `${record.firstName} ${record.lastName}`,
        organisation: { code: record.organisation.code, name: record.organisation.name },
        // The fast path chose these people by status; the reference gives their dates (the agreement test holds both equal).
        status: row.status,
        dueOn: view?.dueOn ?? null,
        lastCompletion: view?.lastCompletion ?? null,
      };
    });
  }
}
