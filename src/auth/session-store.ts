import session from 'express-session';
import { DataSource, EntityManager, LessThan, Not } from 'typeorm';
import { WebSession } from './web-session.entity';

type Callback = (error?: unknown, data?: session.SessionData | null) => void;

/** express-session store in the tracker's own database, so every server instance shares sign-ins. */
export class DatabaseSessionStore extends session.Store {
  private lastSweep = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlMs: number,
  ) {
    super();
  }

  private get sessions() {
    return this.dataSource.getRepository(WebSession);
  }

  get(sid: string, callback: Callback): void {
    this.sessions
      .findOneBy({ sid })
      .then((row) => callback(undefined, row && row.expiresAt > new Date().toISOString() ? (JSON.parse(row.data) as session.SessionData) : null))
      .catch((error) => callback(error));
  }

  set(sid: string, data: session.SessionData, callback?: (error?: unknown) => void): void {
    const expiresAt = this.expiry(data);
    this.sessions
      .upsert({ sid, data: JSON.stringify(data), expiresAt, userId: data.userId ?? null }, ['sid'])
      .then(() => this.sweep())
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  /** The response does not wait for it: on SQLite a write waits for any open transaction (an import). */
  touch(sid: string, data: session.SessionData, callback?: () => void): void {
    void this.sessions
      .update({ sid }, { expiresAt: this.expiry(data) })
      .catch(() => undefined);
    callback?.();
  }

  destroy(sid: string, callback?: (error?: unknown) => void): void {
    this.sessions
      .delete({ sid })
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  private expiry(data: session.SessionData): string {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires) : new Date(Date.now() + this.ttlMs);
    return expires.toISOString();
  }

  /** Expired sessions are removed now and then, not on every request. */
  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < 10 * 60_000) return;
    this.lastSweep = Date.now();
    await this.sessions.delete({ expiresAt: LessThan(new Date().toISOString()) });
  }
}

/** Ends every signed-in session of the account except `keepSid` (the one asking); how many ended. */
export async function endSessionsOf(manager: EntityManager, userId: number, keepSid?: string): Promise<number> {
  const result = await manager.delete(WebSession, keepSid ? { userId, sid: Not(keepSid) } : { userId });
  return result.affected ?? 0;
}
