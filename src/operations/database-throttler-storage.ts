import type { ThrottlerStorage } from '@nestjs/throttler';
import type { DataSource } from 'typeorm';
import { sql } from '../database/sql';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Row {
  hits: number | string;
  window_ends_at: string;
  blocked_until: string | null;
}

/**
 * The throttler's counts in the database instead of each server's memory, so sign-in limits hold
 * across every server on one database. A fixed window per bucket (route and address): the first
 * hit opens it for `ttl` ms; going over `limit` blocks the bucket for `blockDuration` ms.
 */
export class DatabaseThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly dataSource: DataSource) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    const at = (ms: number) => new Date(ms).toISOString();
    const bucket = `${throttlerName}:${key}`.slice(0, 128);
    // One statement, so hits from two servers at once are both counted. A window that has ended
    // unblocked, or a block that has ended, starts again from one.
    const [row] = await sql<Row>(
      this.dataSource,
      `INSERT INTO rate_limits (bucket, hits, window_ends_at, blocked_until) VALUES ($1, 1, $2, NULL)
       ON CONFLICT (bucket) DO UPDATE SET
         hits = CASE WHEN (rate_limits.blocked_until IS NULL AND rate_limits.window_ends_at <= $3) OR rate_limits.blocked_until <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
         window_ends_at = CASE WHEN (rate_limits.blocked_until IS NULL AND rate_limits.window_ends_at <= $3) OR rate_limits.blocked_until <= $3 THEN $2 ELSE rate_limits.window_ends_at END,
         blocked_until = CASE WHEN rate_limits.blocked_until <= $3 THEN NULL ELSE rate_limits.blocked_until END
       RETURNING hits, window_ends_at, blocked_until`,
      [bucket, at(now + ttl), at(now)],
    );
    const hits = Number(row.hits);
    let blockedUntil = row.blocked_until;
    if (hits > limit && !blockedUntil) {
      blockedUntil = at(now + blockDuration);
      await sql(this.dataSource, 'UPDATE rate_limits SET blocked_until = $1 WHERE bucket = $2 AND blocked_until IS NULL', [blockedUntil, bucket]);
    }
    // Windows that ended long ago are cleared as new ones open.
    if (hits === 1) await sql(this.dataSource, 'DELETE FROM rate_limits WHERE window_ends_at < $1 AND (blocked_until IS NULL OR blocked_until < $1)', [at(now - 3_600_000)]);
    const seconds = (iso: string) => Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000));
    return {
      totalHits: hits,
      timeToExpire: seconds(row.window_ends_at),
      isBlocked: Boolean(blockedUntil),
      timeToBlockExpire: blockedUntil ? seconds(blockedUntil) : 0,
    };
  }
}
