import session from 'express-session';
import { DataSource, EntityManager, LessThan, Not } from 'typeorm';
import { leaveForLaterInRequest, takeFromEarlierInRequest } from '../database/flow-context';
import { User } from '../users/user.entity';
import { WebSession } from './web-session.entity';

const accountKey = (userId: number) => `signed-in account ${userId}`;

/** The account this request's session was read with just now (DatabaseSessionStore.get), if it was. */
export function signedInAccount(userId: number): User | undefined {
  return takeFromEarlierInRequest<User>(accountKey(userId));
}

type Callback = (error?: unknown, data?: session.SessionData | null) => void;

/** A session's expiry is moved on in the database at most this often (rolling sessions touch it on every request). */
const TOUCH_EVERY_MS = 60_000;
/** Sessions whose last written expiry this server remembers. */
const REMEMBERED_SESSIONS = 10_000;

/** express-session store in the tracker's own database, so every server instance shares sign-ins. */
export class DatabaseSessionStore extends session.Store {
  private lastSweep = 0;
  /** The expiry last read or written for each session (ms), so a touch a few seconds later need not write. */
  private readonly written = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlMs: number,
  ) {
    super();
  }

  private get sessions() {
    return this.dataSource.getRepository(WebSession);
  }

  /**
   * The session, read with its account in one statement: the account is left for the guard to
   * take (signedInAccount), which would otherwise read it straight after.
   */
  get(sid: string, callback: Callback): void {
    this.sessions
      .createQueryBuilder('ws')
      .leftJoinAndMapOne('ws.account', User, 'u', 'u.id = ws.user_id')
      .where('ws.sid = :sid', { sid })
      .getOne()
      .then((row) => {
        const live = row !== null && row.expiresAt > new Date().toISOString();
        if (live) this.remember(sid, Date.parse(row.expiresAt));
        const account = (row as (WebSession & { account?: User }) | null)?.account;
        if (live && account) leaveForLaterInRequest(accountKey(account.id), account);
        callback(undefined, live ? (JSON.parse(row.data) as session.SessionData) : null);
      })
      .catch((error) => callback(error));
  }

  set(sid: string, data: session.SessionData, callback?: (error?: unknown) => void): void {
    const expiresAt = this.expiry(data);
    this.sessions
      .upsert({ sid, data: JSON.stringify(data), expiresAt, userId: data.userId ?? null }, ['sid'])
      .then(() => this.remember(sid, Date.parse(expiresAt)))
      .then(() => this.sweep())
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  /**
   * Moves the expiry on, unless it was written less than a minute before (so a session may end up
   * to a minute before its idle time is up, never after). The response does not wait for it: on
   * SQLite a write waits for any open transaction (an import).
   */
  touch(sid: string, data: session.SessionData, callback?: () => void): void {
    const expiresAt = this.expiry(data);
    const last = this.written.get(sid);
    if (last === undefined || Date.parse(expiresAt) - last >= TOUCH_EVERY_MS) {
      this.remember(sid, Date.parse(expiresAt));
      void this.sessions.update({ sid }, { expiresAt }).catch(() => this.written.delete(sid));
    }
    callback?.();
  }

  destroy(sid: string, callback?: (error?: unknown) => void): void {
    this.written.delete(sid);
    this.sessions
      .delete({ sid })
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  private remember(sid: string, expiresAtMs: number): void {
    this.written.delete(sid);
    this.written.set(sid, expiresAtMs);
    if (this.written.size > REMEMBERED_SESSIONS) this.written.delete(this.written.keys().next().value!);
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
