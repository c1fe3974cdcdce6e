import { EntityMetadata, EntitySubscriberInterface, EventSubscriber, InsertEvent, ObjectLiteral, RemoveEvent, UpdateEvent } from 'typeorm';
import { AuditEntry } from './audit-entry.entity';
import { currentAuditActor, currentAuditReason } from './audit-context';
import { auditOrganisationOf } from '../access/audit-scope';
import { isClosureTable } from '../access/subtree';

/** Tables whose rows are not business records (or are the log itself). */
const NOT_AUDITED = new Set(['audit_log', 'web_sessions', 'app_settings']);
/** Never copied into the log. */
const SECRET_COLUMNS = new Set(['passwordHash', 'tokenHash', 'totpSecret', 'clientSecret', 'codeHash']);

/**
 * Records every entity saved or removed through TypeORM, with before and after, in the same
 * transaction as the change. Bulk writes done in raw SQL (imports, seeding) record one summary
 * entry themselves through AuditService.
 */
@EventSubscriber()
export class AuditSubscriber implements EntitySubscriberInterface {
  async afterInsert(event: InsertEvent<ObjectLiteral>): Promise<void> {
    await this.write(event.manager, 'create', event.metadata, event.entity, null, event.entity);
  }

  async afterUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> {
    if (!event.entity) return;
    const before = event.databaseEntity ?? null;
    const after = { ...(before ?? {}), ...event.entity };
    if (before && JSON.stringify(snapshot(event.metadata, before)) === JSON.stringify(snapshot(event.metadata, after))) return;
    await this.write(event.manager, 'update', event.metadata, after, before, after);
  }

  async afterRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> {
    const before = event.databaseEntity ?? event.entity;
    await this.write(event.manager, 'delete', event.metadata, before ?? { id: event.entityId }, before ?? null, null);
  }

  private async write(
    manager: InsertEvent<ObjectLiteral>['manager'],
    action: string,
    metadata: EntityMetadata,
    keySource: ObjectLiteral | undefined,
    before: ObjectLiteral | null,
    after: ObjectLiteral | null,
  ): Promise<void> {
    if (NOT_AUDITED.has(metadata.tableName) || isClosureTable(metadata.tableName) || metadata.target === AuditEntry) return;
    const actor = currentAuditActor();
    if (!actor) return; // outside a request (seeding, migrations, CLI): nothing to attribute
    await manager.insert(AuditEntry, {
      actorUserId: actor.userId,
      actorEmail: actor.email,
      ip: actor.ip,
      reason: currentAuditReason(),
      action,
      entity: metadata.tableName,
      entityKey: keyOf(keySource),
      beforeJson: before ? JSON.stringify(snapshot(metadata, before)) : null,
      afterJson: after ? JSON.stringify(snapshot(metadata, after)) : null,
      organisationId: await auditOrganisationOf(manager, metadata.tableName, after ?? before),
    });
  }
}

function keyOf(entity: ObjectLiteral | undefined): string | null {
  if (!entity) return null;
  const key = entity.code ?? entity.employeeRef ?? entity.email ?? entity.id;
  return key === undefined || key === null ? null : String(key);
}

/** Column values only (no relations, no secrets), in a stable order. */
function snapshot(metadata: EntityMetadata, entity: ObjectLiteral): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const column of metadata.columns) {
    if (SECRET_COLUMNS.has(column.propertyName) || column.propertyName === 'createdAt' || column.propertyName === 'updatedAt') continue;
    const value = column.getEntityValue(entity);
    if (value !== undefined) values[column.propertyName] = value;
  }
  if (Array.isArray(entity.roles)) values.roles = entity.roles.map((r: { code?: string }) => r.code).filter(Boolean).sort();
  return values;
}
