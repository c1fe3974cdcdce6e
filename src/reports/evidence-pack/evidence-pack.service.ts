/**
 * The inspection evidence pack of one organisation (Ofsted, CQC): its Prevent lead and their L3,
 * each level's compliance against its target, the sessions its people attended in the last twelve
 * months and, for coordinators and administrators, the named list with each person's status and
 * date due. Every figure is the gap analysis's on the day it is prepared; the lead is the Prevent
 * lead coverage report's; names come through ScopeService, so nobody sees a name they may not.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ScopeService } from '../../access/scope.service';
import { subtreeIds } from '../../access/subtree';
import type { Scope } from '../../auth/scope';
import { addMonths, type IsoDate, todayIso } from '../../common/dates';
import { ComplianceService } from '../../compliance/compliance.service';
import { STATUSES } from '../../compliance/rules';
import { SECTOR_NAMES } from '../../organisations/sectors';
import { GapPeopleQueryDto } from '../gap-analysis/gap-analysis.dto';
import { GapAnalysisService } from '../gap-analysis/gap-analysis.service';
import { LeadCoverageService } from '../lead-coverage/lead-coverage.service';
import { ragView } from '../targets/rag';
import { TargetsService } from '../targets/targets.service';
import type { AttendedSessionView, EvidencePackView } from './evidence-pack.dto';

@Injectable()
export class EvidencePackService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly compliance: ComplianceService,
    private readonly gapAnalysis: GapAnalysisService,
    private readonly leadCoverage: LeadCoverageService,
    private readonly targets: TargetsService,
  ) {}

  async pack(scope: Scope, code: string | undefined, today: IsoDate = this.compliance.today()): Promise<EvidencePackView> {
    const organisation = code ? await this.scopes.organisation(scope, code) : await this.scopes.defaultOrganisation(scope);
    const sessionsFrom = addMonths(today, -12);
    const [figures, coverage, book, framework, sessions] = await Promise.all([
      this.gapAnalysis.report(scope, { organisation: organisation.code, asOf: today }),
      this.leadCoverage.coverage(scope, { organisation: organisation.code, asOf: today, depth: 0 }, scope.canSeePeople),
      this.targets.book([organisation.id]),
      this.compliance.framework(),
      this.attended(scope, organisation.id, sessionsFrom, today),
    ]);
    const names = new Map(framework.levels.map((l) => [l.code, l.name]));
    const namedList = scope.canEditPeople
      ? await Promise.all(
          framework.levels.map(async (l) => ({
            level: l.code,
            name: l.name,
            people: await this.gapAnalysis.allPeople(scope, Object.assign(new GapPeopleQueryDto(), { organisation: organisation.code, level: l.code, status: STATUSES, asOf: today })),
          })),
        )
      : null;
    return {
      organisation: { code: organisation.code, name: organisation.name, sector: organisation.sector, sectorName: SECTOR_NAMES[organisation.sector] },
      preparedOn: today,
      lead: coverage.organisations[0],
      leadNamesShown: scope.canSeePeople,
      levels: figures.levels.map((l) => ({
        level: l.level,
        name: names.get(l.level) ?? l.level,
        required: l.required,
        met: l.met,
        pending: l.pending,
        overdue: l.overdue,
        compliancePct: l.compliancePct,
        target: ragView(l.compliancePct, book.forOrganisation(organisation.id, l.level)),
      })),
      sessionsFrom,
      sessions,
      namedList,
    };
  }

  /** Sessions the scope may see that people of the subtree attended between the dates: figures only. */
  private async attended(scope: Scope, rootId: number, from: IsoDate, to: IsoDate): Promise<AttendedSessionView[]> {
    const visible = this.scopes.sessionPredicate(scope, 'ts', 'see');
    const rows = await this.dataSource
      .createQueryBuilder()
      .select(['ts.starts_at AS starts_at', 'ts.title AS title', 'l.code AS level', 'h.name AS host', 'COUNT(*) AS attendees'])
      .from('bookings', 'b')
      .innerJoin('staff', 's', 's.id = b.staff_id')
      .innerJoin('training_sessions', 'ts', 'ts.id = b.session_id')
      .innerJoin('levels', 'l', 'l.id = ts.level_id')
      .innerJoin('organisations', 'h', 'h.id = ts.host_organisation_id')
      .where(`b.attendance = 'attended' AND ts.starts_at >= :from AND ts.starts_at < :to`, { from, to: `${to}T99` })
      .andWhere(`s.organisation_id IN (${subtreeIds(':evidenceRoot', 'ev_c')})`, { evidenceRoot: rootId })
      .andWhere(visible.sql, visible.params)
      .groupBy('ts.id, ts.starts_at, ts.title, l.code, h.name')
      .orderBy('ts.starts_at')
      .addOrderBy('ts.title')
      .getRawMany<{ starts_at: string; title: string; level: string; host: string; attendees: number | string }>();
    return rows.map((r) => ({ date: r.starts_at.slice(0, 10), title: r.title, level: r.level, host: r.host, attendees: Number(r.attendees) }));
  }
}
