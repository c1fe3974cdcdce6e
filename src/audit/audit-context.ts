import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting in the current request, for audit entries written deep inside services. */
export interface AuditActor {
  userId: number | null;
  email: string | null;
  ip: string | null;
}

export const auditContext = new AsyncLocalStorage<{ actor: AuditActor | null; reason?: string }>();

export function currentAuditActor(): AuditActor | null {
  return auditContext.getStore()?.actor ?? null;
}

/** Why the changes made inside `work` are made, as the person gave it: every entry they write carries it. */
export function withAuditReason<T>(reason: string, work: () => Promise<T>): Promise<T> {
  return auditContext.run({ actor: currentAuditActor(), reason }, work);
}

export function currentAuditReason(): string | null {
  return auditContext.getStore()?.reason ?? null;
}
