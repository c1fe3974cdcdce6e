import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting in the current request, for audit entries written deep inside services. */
export interface AuditActor {
  userId: number | null;
  email: string | null;
  ip: string | null;
}

export const auditContext = new AsyncLocalStorage<{ actor: AuditActor | null }>();

export function currentAuditActor(): AuditActor | null {
  return auditContext.getStore()?.actor ?? null;
}
