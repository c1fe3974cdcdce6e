import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Scope } from '../../auth/scope';
import { ScopeService } from '../../access/scope.service';
import { financialQuarter, formatUkDate, type Quarter, todayIso } from '../../common/dates';
import { FieldError } from '../../common/field-error';
import { sql } from '../../database/sql';
import { ConcernCountsView, ImpactFiguresQuery, ImpactFiguresView, ImpactTotalsView, SaveImpactFiguresDto } from './impact-figures.dto';
import { CONCERN_SOURCES, type ConcernSource, ImpactFigure } from './impact-figure.entity';
import { subtreeIds } from '../../access/subtree';

const COLUMN: Record<ConcernSource, keyof ImpactFigure> = {
  education: 'concernsEducation',
  health: 'concernsHealth',
  localAuthority: 'concernsLocalAuthority',
  police: 'concernsPolice',
  community: 'concernsCommunity',
  other: 'concernsOther',
};

const SQL_COLUMN: Record<ConcernSource, string> = {
  education: 'concerns_education',
  health: 'concerns_health',
  localAuthority: 'concerns_local_authority',
  police: 'concerns_police',
  community: 'concerns_community',
  other: 'concerns_other',
};

/**
 * Impact figures (Warwickshire 3.6): coordinators enter, per organisation and quarter, how many
 * concerns were reported from each source and how many Channel referrals were made. Counts only.
 */
@Injectable()
export class ImpactService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
  ) {}

  /** Creates or replaces the figures of one organisation for one quarter. */
  async save(scope: Scope, dto: SaveImpactFiguresDto): Promise<ImpactFiguresView> {
    this.scopes.assertCanEditPeople(scope);
    const period = financialQuarter(dto.year, dto.quarter as Quarter);
    if (period.start > todayIso()) {
      throw new FieldError('quarter', `quarter ${dto.quarter} of ${dto.year}/${(dto.year + 1) % 100} starts on ${formatUkDate(period.start)}; enter figures once it has begun`);
    }
    return this.dataSource.transaction(async (m) => {
      const organisation = await this.scopes.organisation(scope, dto.organisationCode, m);
      const values: Partial<ImpactFigure> = { channelReferrals: dto.channelReferrals, recordedBy: scope.recordedBy };
      for (const source of CONCERN_SOURCES) (values as Record<string, number>)[COLUMN[source]] = dto.concerns[source];
      const existing = await m.findOne(ImpactFigure, { where: { organisationId: organisation.id, year: dto.year, quarter: dto.quarter } });
      if (existing) {
        await m.save(ImpactFigure, { ...existing, ...values });
      } else {
        await m.save(ImpactFigure, m.create(ImpactFigure, { organisationId: organisation.id, year: dto.year, quarter: dto.quarter, ...values }));
      }
      const saved = await m.findOneOrFail(ImpactFigure, { where: { organisationId: organisation.id, year: dto.year, quarter: dto.quarter }, relations: { organisation: true } });
      return viewOf(saved);
    });
  }

  /** The figures of one organisation for one quarter, if entered. */
  async find(scope: Scope, organisationCode: string, year: number, quarter: number): Promise<ImpactFiguresView | null> {
    const organisation = await this.scopes.organisation(scope, organisationCode);
    const found = await this.dataSource.manager.findOne(ImpactFigure, {
      where: { organisationId: organisation.id, year, quarter },
      relations: { organisation: true },
    });
    return found ? viewOf(found) : null;
  }

  /** Figures entered for organisations in the subtree (default: the scope's), newest quarter first. */
  async list(scope: Scope, query: ImpactFiguresQuery): Promise<ImpactFiguresView[]> {
    const root = query.organisation ? await this.scopes.organisation(scope, query.organisation) : await this.scopes.defaultOrganisation(scope);
    const qb = this.dataSource
      .getRepository(ImpactFigure)
      .createQueryBuilder('f')
      .innerJoinAndSelect('f.organisation', 'o')
      .where(`f.organisation_id IN (${subtreeIds(':root')})`, { root: root.id });
    if (query.year !== undefined) qb.andWhere('f.year = :year', { year: query.year });
    if (query.quarter !== undefined) qb.andWhere('f.quarter = :quarter', { quarter: query.quarter });
    const rows = await qb.orderBy('f.year', 'DESC').addOrderBy('f.quarter', 'DESC').addOrderBy('o.name', 'ASC').getMany();
    return rows.map(viewOf);
  }

  /** The quarter's figures summed over the subtree of an organisation (already resolved within scope). */
  async totals(rootId: number, year: number, quarter: number, m: EntityManager = this.dataSource.manager): Promise<ImpactTotalsView> {
    const sums = CONCERN_SOURCES.map((s) => `COALESCE(SUM(${SQL_COLUMN[s]}), 0) AS ${SQL_COLUMN[s]}`).join(', ');
    const [row] = await sql<Record<string, number | string>>(
      m,
      `SELECT ${sums}, COALESCE(SUM(channel_referrals), 0) AS channel_referrals, COUNT(*) AS reporting
       FROM impact_figures
       WHERE year = $2 AND quarter = $3 AND organisation_id IN (${subtreeIds('$1')})`,
      [rootId, year, quarter],
    );
    const concerns = Object.fromEntries(CONCERN_SOURCES.map((s) => [s, Number(row[SQL_COLUMN[s]])])) as Record<ConcernSource, number>;
    return {
      concerns: withTotal(concerns),
      channelReferrals: Number(row.channel_referrals),
      organisationsReporting: Number(row.reporting),
    };
  }
}

function withTotal(concerns: Record<ConcernSource, number>): ConcernCountsView {
  return { ...concerns, total: CONCERN_SOURCES.reduce((sum, s) => sum + concerns[s], 0) };
}

function viewOf(f: ImpactFigure): ImpactFiguresView {
  const concerns = Object.fromEntries(CONCERN_SOURCES.map((s) => [s, f[COLUMN[s]] as number])) as Record<ConcernSource, number>;
  return {
    organisationCode: f.organisation.code,
    organisationName: f.organisation.name,
    year: f.year,
    quarter: f.quarter,
    concerns: withTotal(concerns),
    channelReferrals: f.channelReferrals,
    recordedBy: f.recordedBy,
  };
}
