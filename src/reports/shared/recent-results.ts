import type { DataSource } from 'typeorm';
import type { Scope } from '../../auth/scope';
import { COMPLIANCE_TABLES, dataVersion } from '../../database/data-versions';
import { viewerKey } from './groups';

/**
 * Results kept for a few minutes, the oldest dropped first beyond `size` results, and, when they
 * are weighed (by their rows), beyond `rows.most` rows in all: a large partnership's results are
 * large, and the memory they hold stays bounded. Keys that should stop matching when the data
 * changes carry the change counters of what the result read (src/database/data-versions.ts); the
 * time limit covers changes made outside the app. A null key (a result that may not be kept, see
 * keptKey) finds nothing and keeps nothing.
 */
export class RecentResults<T> {
  private readonly entries = new Map<string, { at: number; value: T; rows: number }>();
  /** Results being worked out now, by key, for askers who arrive meanwhile (kept()). */
  private readonly coming = new Map<string, Promise<T>>();
  private rowsKept = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly size: number,
    private readonly rows: { of: (value: T) => number; most: number } = { of: () => 0, most: Infinity },
  ) {}

  get(key: string | null): T | undefined {
    if (key === null) return undefined;
    const entry = this.entries.get(key);
    if (!entry || Date.now() - entry.at > this.ttlMs) return undefined;
    return entry.value;
  }

  /**
   * The result kept under `key`, or `make()`'s, kept for the next asker. Those who ask while it is
   * being worked out share that one working out: after a change, a page many people have open is
   * worked out once, not once by each of them at the same time.
   */
  async kept(key: string | null, make: () => Promise<T>): Promise<T> {
    if (key === null) return make();
    const known = this.get(key);
    if (known !== undefined) return known;
    const coming = this.coming.get(key);
    if (coming) return coming;
    const making = make().then(
      (value) => {
        this.coming.delete(key);
        this.set(key, value);
        return value;
      },
      (error: unknown) => {
        this.coming.delete(key);
        throw error;
      },
    );
    this.coming.set(key, making);
    return making;
  }

  set(key: string | null, value: T): void {
    if (key === null) return;
    this.drop(key);
    const rows = this.rows.of(value);
    // A result larger than everything allowed is not kept at all.
    if (rows > this.rows.most) return;
    this.entries.set(key, { at: Date.now(), value, rows });
    this.rowsKept += rows;
    while (this.entries.size > this.size || this.rowsKept > this.rows.most) this.drop(this.entries.keys().next().value!);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.rowsKept -= entry.rows;
  }
}

/** The rows a cache of report results holds at most (a few tens of megabytes), whatever the partnership's size. */
export const KEPT_ROWS = 200_000;

/** How long compliance figures are kept even if nothing seems to have changed. */
export const FIGURES_TTL_MS = 10 * 60_000;

/**
 * The key of a result seen by `scope`: who asks (managers see fewer people) and the parts that
 * name it, the change counters among them; or null, as a trainer's results may not be kept. They
 * count the people booked on the trainer's sessions, and session trainers are not among the
 * tables with change counters, so nothing would say when they change.
 */
export function keptKey(scope: Scope, ...parts: (string | number)[]): string | null {
  return scope.role === 'trainer' ? null : [viewerKey(scope), ...parts].join('|');
}

/**
 * The key of compliance figures seen by `scope` (keptKey): the parts that name the figure
 * (organisation, date, window) and the change counters of every table the rules read, read now,
 * so a change through any server is seen at the next ask.
 */
export async function figuresKey(dataSource: DataSource, scope: Scope, ...parts: (string | number)[]): Promise<string | null> {
  const key = keptKey(scope, ...parts);
  return key === null ? null : `${key}|${await dataVersion(dataSource, COMPLIANCE_TABLES)}`;
}
