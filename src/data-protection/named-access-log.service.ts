import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import type { Scope } from '../auth/scope';
import { Page, pageOf, PageQuery } from '../common/paging';
import { AppConfig } from '../config/app-config';
import { inOwnFlow } from '../database/flow-context';
import { sql } from '../database/sql';
import { User } from '../users/user.entity';
import type { AccessFormat } from './named-access-log.entity';

/** What a filter may hold: codes, dates, statuses, numbers. Never a name or a search's words. */
export type AccessFilter = Record<string, string | number | boolean | string[] | null | undefined>;

/** One view or download of a list of people, as the list's controller knows it. */
export interface NamedAccess {
  /** Which list: 'gap-analysis-people', 'my-team', 'staff', 'trainer-coverage', 'lead-coverage', 'session-certificates'. */
  list: string;
  format: AccessFormat;
  filter: AccessFilter;
  /** How many people the answer names. */
  rows: number;
  /** The organisation whose people were listed, by code (the filter's); else the account's own. */
  organisationCode?: string | null;
}

export interface NamedAccessQuery extends PageQuery {
  /** Part of the email of the account that looked. */
  account?: string;
  /** From this day (YYYY-MM-DD, inclusive). */
  from?: string;
  /** To this day (YYYY-MM-DD, inclusive). */
  to?: string;
}

/** An entry as the admin page and the API show it. */
export interface NamedAccessRow {
  id: number;
  createdAt: string;
  userId: number | null;
  accountEmail: string | null;
  list: string;
  format: AccessFormat;
  filter: Record<string, unknown>;
  rowCount: number;
  organisationCode: string | null;
}

const TRIES = 4;
const FIRST_RETRY_MS = 250;

/**
 * The log of who looked at named lists. Writing is one INSERT (the organisation code resolved in
 * the same statement). A page view's entry is written after the answer has gone, so the reports
 * never wait for it; it is retried if it fails and every entry still being written is waited for
 * before the server stops. A download's entry is written before the file is sent: a file with
 * names does not leave without its record.
 */
@Injectable()
export class NamedAccessLog implements BeforeApplicationShutdown {
  private readonly logger = new Logger('NamedAccessLog');
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly config: AppConfig,
  ) {}

  /** Records a page view or JSON answer without holding it up (see the class comment). */
  noteView(scope: Scope, access: NamedAccess): void {
    const row = this.rowOf(scope, access);
    if (!row) return;
    const write = inOwnFlow(() => this.writeWithRetries(row)).finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Records a download before it is sent; a failure refuses the download. */
  async recordDownload(scope: Scope, access: NamedAccess): Promise<void> {
    const row = this.rowOf(scope, access);
    if (row) await this.insert(row);
  }

  /** Waits for every entry still being written on this server. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** The entries the scope may read (ScopeService.namedAccessEntries), newest first, with the account's email. */
  async list(scope: Scope, query: NamedAccessQuery): Promise<Page<NamedAccessRow>> {
    await this.flush();
    const qb = this.scopes
      .namedAccessEntries(scope)
      .leftJoin(User, 'nu', 'nu.id = n.user_id')
      .leftJoin('organisations', 'no', 'no.id = n.organisation_id');
    if (query.account) qb.andWhere('LOWER(nu.email) LIKE :account', { account: `%${query.account.trim().toLowerCase()}%` });
    // Days in TIME_ZONE; created_at is kept in UTC on both databases.
    if (query.from) qb.andWhere('n.created_at >= :from', { from: this.instant(query.from) });
    if (query.to) qb.andWhere('n.created_at < :to', { to: this.instant(nextDay(query.to)) });
    const total = await qb.getCount();
    const rows = await qb
      .select(['n.id AS id', 'n.created_at AS created_at', 'n.user_id AS user_id', 'nu.email AS email', 'n.list AS list', 'n.format AS format', 'n.filter_json AS filter_json', 'n.row_count AS row_count', 'no.code AS organisation_code'])
      .orderBy('n.id', 'DESC')
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getRawMany<Record<string, unknown>>();
    return pageOf(
      rows.map((r) => ({
        id: Number(r.id),
        createdAt: toIso(r.created_at),
        userId: r.user_id === null ? null : Number(r.user_id),
        accountEmail: (r.email as string | null) ?? null,
        list: String(r.list),
        format: r.format as AccessFormat,
        filter: r.filter_json ? (JSON.parse(String(r.filter_json)) as Record<string, unknown>) : {},
        rowCount: Number(r.row_count),
        organisationCode: (r.organisation_code as string | null) ?? null,
      })),
      total,
      query,
    );
  }

  /** The row to write, or null where nothing is logged: system work, and a person signed in to My training (they see only themselves). */
  private rowOf(scope: Scope, access: NamedAccess) {
    if (scope.isSystem || scope.isPerson || !scope.actor) return null;
    const filter = Object.fromEntries(Object.entries(access.filter).filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)));
    return {
      userId: scope.actor.userId,
      list: access.list.slice(0, 60),
      format: access.format,
      filterJson: Object.keys(filter).length ? JSON.stringify(filter) : null,
      rowCount: access.rows,
      organisationCode: access.organisationCode ?? null,
      rootOrganisationId: scope.rootOrganisationId,
    };
  }

  private async insert(row: NonNullable<ReturnType<NamedAccessLog['rowOf']>>): Promise<void> {
    await sql(
      this.dataSource,
      `INSERT INTO named_access_log (user_id, list, format, filter_json, row_count, organisation_id)
       VALUES ($1, $2, $3, $4, $5, COALESCE((SELECT id FROM organisations WHERE code = $6), $7))`,
      [row.userId, row.list, row.format, row.filterJson, row.rowCount, row.organisationCode, row.rootOrganisationId],
    );
  }

  private async writeWithRetries(row: NonNullable<ReturnType<NamedAccessLog['rowOf']>>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.insert(row);
        return;
      } catch (error) {
        if (attempt >= TRIES) {
          // The list's name and the error only: no personal data in logs.
          this.logger.error(`A view of the list ${row.list} could not be recorded after ${TRIES} tries: ${(error as Error).message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_MS * 2 ** (attempt - 1)));
      }
    }
  }

  /** The start of a day in TIME_ZONE, as the UTC text both databases compare created_at with. */
  private instant(day: string): string {
    return startOfDayUtc(day, this.config.TIME_ZONE).toISOString().slice(0, 19).replace('T', ' ');
  }
}

/** Midnight at the start of `day` in the time zone, as an instant. */
export function startOfDayUtc(day: string, timeZone: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  const offsetAt = (instant: number) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(new Date(instant))
        .map((p) => [p.type, p.value]),
    );
    return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - instant;
  };
  // Twice: the offset at local midnight may differ from the one at UTC midnight on a clock-change day.
  const first = utcMidnight - offsetAt(utcMidnight);
  return new Date(utcMidnight - offsetAt(first));
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return new Date(/Z|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`).toISOString();
}
