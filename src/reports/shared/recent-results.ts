import type { DataSource } from 'typeorm';
import type { Scope } from '../../auth/scope';
import { COMPLIANCE_TABLES, dataVersion } from '../../database/data-versions';
import { viewerKey } from './groups';

/**
 * Results kept for a few minutes, the oldest dropped first beyond `size`. Keys that should stop
 * matching when the data changes carry the change counters of what the result read
 * (src/database/data-versions.ts); the time limit covers changes made outside the app.
 */
export class RecentResults<T> {
  private readonly entries = new Map<string, { at: number; value: T }>();

  constructor(
    private readonly ttlMs: number,
    private readonly size: number,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry || Date.now() - entry.at > this.ttlMs) return undefined;
    return entry.value;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { at: Date.now(), value });
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** How long compliance figures are kept even if nothing seems to have changed. */
export const FIGURES_TTL_MS = 10 * 60_000;

/**
 * Whether figures seen by `scope` may be kept at all. A trainer's may not: they count the people
 * booked on the trainer's sessions, and session trainers are not among the tables with change
 * counters, so nothing would say when they change.
 */
export function keepsFiguresOf(scope: Scope): boolean {
  return scope.role !== 'trainer';
}

/**
 * The key under which compliance figures seen by `scope` may be kept, or null when they may not:
 * who asks (managers see fewer people), the parts that name the figure (organisation, date,
 * window) and the change counters of every table the rules read, read now, so a change through
 * any server is seen at the next ask. A trainer's figures are never kept: they count the people
 * booked on the trainer's sessions, and bookings and session trainers are not among those tables.
 */
export async function figuresKey(dataSource: DataSource, scope: Scope, ...parts: (string | number)[]): Promise<string | null> {
  if (!keepsFiguresOf(scope)) return null;
  return [viewerKey(scope), ...parts, await dataVersion(dataSource, COMPLIANCE_TABLES)].join('|');
}
