import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { IsoDate, todayIso } from '../common/dates';
import { notFound } from '../common/http-errors';
import { Framework, levelFacts, loadFramework, requirementFacts } from './framework';
import { assess, Assessment, DEFAULT_WINDOW_DAYS, Status } from './rules';
import { type PersonRecord, recordsOf } from './facts';
import { STATUS_WORDS } from '../reports/shared/words';

export interface LevelStatusView {
  level: string;
  levelName: string;
  status: Status;
  /** compliant/expiring: the day a refresher is due (null: never); expired: the day it lapsed; pending/missing: end of grace. */
  dueOn: IsoDate | null;
  lastCompletion: { level: string; completedOn: IsoDate } | null;
}

export interface PersonComplianceView {
  staffId: number;
  employeeRef: string;
  asOf: IsoDate;
  windowDays: number;
  /** Every level the person requires on asOf (none for a leaver or someone with no requirement). */
  levels: LevelStatusView[];
}

/** How each status reads on a page: the one word every page and report uses (STATUS_WORDS), GOV.UK tag colour, urgency (0 most urgent), what dueOn means. */
export const STATUS_DISPLAY: Record<Status, { text: string; tag: string; urgency: number; dueLabel: string; noDueText: string }> = {
  expired: { text: STATUS_WORDS.expired, tag: 'govuk-tag--red', urgency: 0, dueLabel: 'Lapsed on', noDueText: '' },
  missing: { text: STATUS_WORDS.missing, tag: 'govuk-tag--orange', urgency: 1, dueLabel: 'Was due by', noDueText: '' },
  expiring: { text: STATUS_WORDS.expiring, tag: 'govuk-tag--yellow', urgency: 2, dueLabel: 'Refresher due by', noDueText: 'Never expires' },
  pending: { text: STATUS_WORDS.pending, tag: 'govuk-tag--blue', urgency: 3, dueLabel: 'Due by', noDueText: '' },
  compliant: { text: STATUS_WORDS.compliant, tag: 'govuk-tag--green', urgency: 4, dueLabel: 'Refresher due by', noDueText: 'Never expires' },
};

/**
 * A person's compliance from the reference rules (src/compliance/rules.ts): loads their facts
 * and calls assess for each level. Used for a person's record, the people behind a figure and
 * "my team"; the gap analysis counts whole subtrees with its SQL fast path instead.
 */
@Injectable()
export class ComplianceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly config: AppConfig,
  ) {}

  today(): IsoDate {
    return todayIso(this.config.TIME_ZONE);
  }

  framework(manager: EntityManager = this.dataSource.manager): Promise<Framework> {
    return loadFramework(manager);
  }

  /** GET /api/staff/:id/compliance: the person's status for every level they require. */
  async forPerson(scope: Scope, staffId: number, asOf?: IsoDate, windowDays = DEFAULT_WINDOW_DAYS): Promise<PersonComplianceView> {
    this.scopes.assertCanSeePeople(scope);
    if (!(await this.scopes.staffVisible(scope, staffId))) throw notFound('person', staffId);
    return this.personView(await this.framework(), staffId, asOf ?? this.today(), windowDays);
  }

  /**
   * What views/partials/compliance-status.hbs shows on a person's record ("Status by level"),
   * or null when the scope may not see the person. Pass it to the view as `complianceStatus`.
   */
  async statusSection(scope: Scope, staffId: number, asOf?: IsoDate) {
    if (!scope.canSeePeople || !(await this.scopes.staffVisible(scope, staffId))) return null;
    const framework = await this.framework();
    const view = await this.personView(framework, staffId, asOf ?? this.today(), DEFAULT_WINDOW_DAYS);
    const names = new Map(framework.levels.map((l) => [l.code, l.name]));
    return {
      asOf: view.asOf,
      windowDays: view.windowDays,
      levels: view.levels.map((l) => ({ ...l, ...displayOf(l), lastLevelName: l.lastCompletion ? (names.get(l.lastCompletion.level) ?? null) : null })),
    };
  }

  /** A person's status for every level they require, once they are known to be in scope. */
  private async personView(framework: Framework, staffId: number, date: IsoDate, windowDays: number): Promise<PersonComplianceView> {
    const [record] = (await recordsOf(this.dataSource.manager, framework, [staffId])).values();
    if (!record) throw notFound('person', staffId);
    return {
      staffId,
      employeeRef: record.employeeRef,
      asOf: date,
      windowDays,
      levels: this.assessAll(framework, record, date, windowDays)
        .filter((a): a is Assessment => a !== null)
        .map((a) => levelStatusView(framework, a)),
    };
  }

  /** Each level's assessment (null where not required), in framework order. */
  assessAll(framework: Framework, record: PersonRecord, asOf: IsoDate, windowDays: number): (Assessment | null)[] {
    const levels = levelFacts(framework);
    const requirements = requirementFacts(framework);
    return levels.map((level) => assess(record.fact, record.completions, level, levels, requirements, asOf, windowDays));
  }

}

export function levelStatusView(framework: Framework, a: Assessment): LevelStatusView {
  const level = framework.levels.find((l) => l.code === a.level);
  const last = a.lastCompletion ? framework.levels.find((l) => l.rank === a.lastCompletion!.levelRank) : null;
  return {
    level: a.level,
    levelName: level?.name ?? a.level,
    status: a.status,
    dueOn: a.dueOn,
    lastCompletion: a.lastCompletion ? { level: last?.code ?? String(a.lastCompletion.levelRank), completedOn: a.lastCompletion.completedOn } : null,
  };
}

/** Words and colours for a level's status on a page. */
export function displayOf(view: Pick<LevelStatusView, 'status' | 'dueOn'>) {
  const d = STATUS_DISPLAY[view.status];
  return { statusText: d.text, tagClass: d.tag, dueLabel: view.dueOn ? d.dueLabel : d.noDueText, urgency: d.urgency };
}
