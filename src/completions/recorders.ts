import { In, type DataSource, type EntityManager } from 'typeorm';
import { User } from '../users/user.entity';

/**
 * Who recorded a completion, as a person's record shows it: the account's name, never its email.
 * A completion keeps the recording account's email (or "system" for the tracker's own work).
 */
export async function recorderNames(db: DataSource | EntityManager, recordedBy: (string | null)[]): Promise<(email: string | null) => string | null> {
  const emails = [...new Set(recordedBy.filter((e): e is string => Boolean(e) && e !== 'system'))];
  const manager = 'manager' in db ? db.manager : db;
  const accounts = emails.length ? await manager.find(User, { where: { email: In(emails) }, select: { email: true, displayName: true } }) : [];
  const names = new Map(accounts.map((u) => [u.email, u.displayName]));
  return (email) => {
    if (!email) return null;
    if (email === 'system') return 'The tracker (automatically)';
    return names.get(email) ?? 'An account no longer in use';
  };
}
