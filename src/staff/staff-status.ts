import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Scope } from '../auth/scope';
import { Page, pageOf } from '../common/paging';
import { ReadsOffMainThread } from '../database/read-pool/reads-off-main-thread';
import { ComplianceService, STATUS_DISPLAY } from '../compliance/compliance.service';
import { recordsOf } from '../compliance/facts';
import { DEFAULT_WINDOW_DAYS, OVERDUE_STATUSES, Status, STATUSES } from '../compliance/rules';
import { GapAnalysisService } from '../reports/gap-analysis/gap-analysis.service';
import { GapPeopleQueryDto } from '../reports/gap-analysis/gap-analysis.dto';
import { STATUS_WORDS } from '../reports/shared/words';
import { StaffView } from './dto/staff.dto';
import { StaffService } from './staff.service';

/** What the staff list's status filter offers: each status, and "overdue" (expired or missing) as the gap analysis counts it. */
export const TRAINING_FILTERS = ['overdue', ...STATUSES] as const;
export type TrainingFilter = (typeof TRAINING_FILTERS)[number];

export const statusesOfFilter = (filter: TrainingFilter): Status[] => (filter === 'overdue' ? OVERDUE_STATUSES : [filter]);

export interface LevelStatusCell {
  level: string;
  levelName: string;
  status: Status;
  text: string;
  tagClass: string;
}

/**
 * The staff list's training status. Each person's status for each level they need is the pure
 * rules' (ComplianceService over the facts loader), as on their record; the status filter takes
 * its people from the gap analysis fast path (held equal to the rules by its agreement test), so
 * the list and the gap analysis count the same people.
 */
@Injectable()
export class StaffStatus {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly compliance: ComplianceService,
    private readonly gapAnalysis: GapAnalysisService,
    private readonly staff: StaffService,
  ) {}

  /** The levels of the framework, in rank order, for the level filter. */
  async levels(): Promise<{ code: string; name: string }[]> {
    return (await this.compliance.framework()).levels.map((l) => ({ code: l.code, name: l.name }));
  }

  /** Today's status of each of these people for every level they need, in framework order (none for leavers). */
  async statusesOf(ids: number[]): Promise<Map<number, LevelStatusCell[]>> {
    const out = new Map<number, LevelStatusCell[]>();
    if (ids.length === 0) return out;
    const framework = await this.compliance.framework();
    const records = await recordsOf(this.dataSource.manager, framework, ids);
    const today = this.compliance.today();
    for (const id of ids) {
      const record = records.get(id);
      if (!record) continue;
      const cells = this.compliance
        .assessAll(framework, record, today, DEFAULT_WINDOW_DAYS)
        .map((a, i) =>
          a ? { level: a.level, levelName: framework.levels[i].name, status: a.status, text: STATUS_WORDS[a.status], tagClass: STATUS_DISPLAY[a.status].tag } : null,
        )
        .filter((c): c is LevelStatusCell => c !== null);
      out.set(id, cells);
    }
    return out;
  }

  /**
   * The people the scope may see with this status for the level today, by name, one page: the gap
   * analysis's people behind the figure (its organisation, or the top of the scope), narrowed by
   * role and by a search over their names and references.
   */
  @ReadsOffMainThread()
  async list(
    scope: Scope,
    q: { organisation?: string; role?: string; search?: string; level: string; training: TrainingFilter; page: number; pageSize: number },
  ): Promise<Page<StaffView>> {
    const query = Object.assign(new GapPeopleQueryDto(), {
      organisation: q.organisation,
      level: q.level,
      status: statusesOfFilter(q.training),
      role: q.role,
      page: q.page,
      pageSize: q.pageSize,
    });
    const search = q.search?.trim().toLowerCase();
    let ids: number[];
    let total: number;
    if (search) {
      const everyone = await this.gapAnalysis.allPeople(scope, query);
      const matching = everyone.filter((p) => p.name.toLowerCase().includes(search) || p.employeeRef.toLowerCase().includes(search));
      total = matching.length;
      ids = matching.slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map((p) => p.id);
    } else {
      const found = await this.gapAnalysis.people(scope, query);
      total = found.total;
      ids = found.items.map((p) => p.id);
    }
    return pageOf(await this.staff.views(scope, ids), total, q);
  }
}
