import type { DataSource } from 'typeorm';
import type { Scope } from '../../auth/scope';
import { COMPLIANCE_TABLES, dataVersion } from '../../database/data-versions';
import { viewerKey } from './groups';

/**
 * Results kept for a few minutes, the oldest dropped first beyond `size`. Keys that should stop
 * matching when the data changes carry the change counters of what the result read
 * (src/database/data-versions.ts); the time limit covers changes made outside the app. A null
 * key (a result that may not be kept, see keptKey) finds nothing and keeps nothing.
 */
export class RecentResults<T> {
  private readonly entries = new Map<string, { at: number; value: T }>();

  constructor(
    private readonly ttlMs: number,
    private readonly size: number,
  ) {}

  get(key: string | null): T | undefined {
    if (key === null) return undefined;
    const entry = this.entries.get(key);
    if (!entry || Date.now() - entry.at > this.ttlMs) return undefined;
    return entry.value;
  }

  set(key: string | null, value: T): void {
    if (key === null) return;
    this.entries.delete(key);
    this.entries.set(key, { at: Date.now(), value });
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
  }
}

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
