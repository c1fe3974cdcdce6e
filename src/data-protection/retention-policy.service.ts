import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import { nearestOwn } from '../access/subtree';
import { AuditService } from '../audit/audit.service';
import { AppSetting } from '../auth/app-setting.entity';
import { Scope } from '../auth/scope';
import { addMonths, todayIso } from '../common/dates';
import { sql } from '../database/sql';
import { RetentionOverride } from './retention-override.entity';

/** The partnership's period when an administrator has set none: a common local-government retention period for training records. */
export const DEFAULT_RETENTION_YEARS = 6;
const SETTING = 'retention.years';

export interface RetentionOverrideView {
  organisationCode: string;
  organisationName: string;
  years: number;
  setBy: string;
  setAt: string;
}

export interface RetentionPolicyView {
  /** Years a leaver's details are kept after their end date, partnership-wide. */
  defaultYears: number;
  /** Organisations (with everything below them) where it differs: the nearest one to a person wins. */
  overrides: RetentionOverrideView[];
}

/** The periods in force and the SQL that decides, per person, which one applies and when it ran out. */
export interface PeriodsInForce {
  defaultYears: number;
  /** Every period some person may have: the default and each override's. */
  years: number[];
}

/**
 * The retention policy: how many years after their end date a leaver's personal details are kept,
 * for the whole partnership (an administrator of everything sets it) and where an organisation
 * (with its subtree) keeps them for a different time (an administrator of that subtree sets it).
 */
@Injectable()
export class RetentionPolicyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly audit: AuditService,
  ) {}

  async defaultYears(m: EntityManager = this.dataSource.manager): Promise<number> {
    const setting = await m.findOne(AppSetting, { where: { key: SETTING } });
    const years = setting ? Number(setting.value) : NaN;
    return Number.isInteger(years) && years > 0 ? years : DEFAULT_RETENTION_YEARS;
  }

  /** The policy as the scope may see it: the partnership's period and the overrides inside its subtree. */
  async policy(scope: Scope): Promise<RetentionPolicyView> {
    const rows = await this.dataSource.getRepository(RetentionOverride).find({ relations: { organisation: true } });
    const overrides: RetentionOverrideView[] = [];
    for (const row of rows) {
      if (!row.organisation || !(await this.scopes.organisationVisible(scope, row.organisationId))) continue;
      overrides.push({ organisationCode: row.organisation.code, organisationName: row.organisation.name, years: row.years, setBy: row.setBy, setAt: row.setAt });
    }
    overrides.sort((a, b) => a.organisationName.localeCompare(b.organisationName) || a.organisationCode.localeCompare(b.organisationCode));
    return { defaultYears: await this.defaultYears(), overrides };
  }

  /** Partnership-wide: the route is @PartnershipWide, so only an administrator of everything gets here. */
  async setDefaultYears(scope: Scope, years: number): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const before = await this.defaultYears(m);
      await m.save(AppSetting, { key: SETTING, value: String(years) });
      await this.audit.record({ action: 'update', entity: 'retention_policy', entityKey: 'partnership', before: { years: before }, after: { years } }, undefined, m);
    });
  }

  /** An organisation inside the scope's subtree keeps its leavers `years` (null: as the organisations above it do). */
  async setOverride(scope: Scope, organisationCode: string, years: number | null): Promise<void> {
    this.scopes.assertCanEditFramework(scope);
    const organisation = await this.scopes.organisationField(scope, organisationCode, 'organisationCode');
    await this.dataSource.transaction(async (m) => {
      const before = await m.findOne(RetentionOverride, { where: { organisationId: organisation.id } });
      // Written past the audit subscriber: the entry below says the same and names the organisation, so its administrators can read it.
      await m.createQueryBuilder().delete().from(RetentionOverride).where('organisation_id = :id', { id: organisation.id }).callListeners(false).execute();
      if (years !== null) {
        await m
          .createQueryBuilder()
          .insert()
          .into(RetentionOverride)
          .values({ organisationId: organisation.id, years, setBy: scope.recordedBy, setAt: new Date().toISOString() })
          .updateEntity(false)
          .callListeners(false)
          .execute();
      }
      await this.audit.record(
        { action: years === null ? 'delete' : 'update', entity: 'retention_policy', entityKey: organisation.code, before: before ? { years: before.years } : null, after: years === null ? null : { years }, organisationId: organisation.id },
        undefined,
        m,
      );
    });
  }

  async periodsInForce(m: EntityManager = this.dataSource.manager): Promise<PeriodsInForce> {
    const defaultYears = await this.defaultYears(m);
    const rows = await sql<{ years: number | string }>(m, 'SELECT DISTINCT years FROM retention_overrides');
    return { defaultYears, years: [...new Set([defaultYears, ...rows.map((r) => Number(r.years))])].sort((a, b) => a - b) };
  }

  /** SQL for the years that apply to the person of staff alias `s`: the nearest override up their organisation's tree, else the default. */
  yearsFor(periods: PeriodsInForce, alias: string): string {
    return `COALESCE(${nearestOwn(`${alias}.organisation_id`, 'retention_overrides', 'years', `${alias}_rp`)}, ${Number(periods.defaultYears)})`;
  }

  /**
   * SQL true for a person of staff alias `s` whose end date is before `today` less their period:
   * they have been gone longer than the policy keeps them. The cut-off for each period is worked
   * out here (calendar months, as every date in the tracker), so the SQL only compares ISO dates.
   */
  pastPeriod(periods: PeriodsInForce, alias: string, today: string = todayIso()): { sql: string; latestCutoff: string } {
    const cutoffs = periods.years.map((y) => [y, addMonths(today, -12 * y)] as const);
    const cases = cutoffs.map(([y, cutoff]) => `WHEN ${Number(y)} THEN '${cutoff}'`).join(' ');
    const latestCutoff = cutoffs.reduce((a, [, c]) => (c > a ? c : a), '0000-00-00');
    return {
      sql: `(${alias}.end_date IS NOT NULL AND ${alias}.end_date < '${latestCutoff}' AND ${alias}.end_date < (CASE ${this.yearsFor(periods, alias)} ${cases} END))`,
      latestCutoff,
    };
  }

  /** The cut-off date for a number of years: people who left before it are past their period. */
  cutoffFor(years: number, today: string = todayIso()): string {
    return addMonths(today, -12 * years);
  }
}
