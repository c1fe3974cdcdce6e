import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { accountOrganisationOf } from '../access/audit-scope';
import { ScopeService } from '../access/scope.service';
import type { Scope } from '../auth/scope';
import { Page, pageOf, PageQuery } from '../common/paging';
import { AuditEntry } from './audit-entry.entity';
import { AuditActor, currentAuditActor } from './audit-context';

export interface AuditQuery extends PageQuery {
  entity?: string;
  action?: string;
  actor?: string;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
  ) {}

  /**
   * An entry for something the subscriber cannot see: sign-ins, bulk writes in raw SQL.
   * `organisationId` is the organisation it is about; for account entries it defaults to the account's.
   */
  async record(
    entry: { action: string; entity: string; entityKey?: string | null; before?: unknown; after?: unknown; organisationId?: number | null; reason?: string | null },
    actor: AuditActor | null = currentAuditActor(),
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.insert(AuditEntry, {
      actorUserId: actor?.userId ?? null,
      actorEmail: actor?.email ?? null,
      ip: actor?.ip ?? null,
      action: entry.action,
      entity: entry.entity,
      entityKey: entry.entityKey ?? null,
      beforeJson: entry.before === undefined ? null : JSON.stringify(entry.before),
      afterJson: entry.after === undefined ? null : JSON.stringify(entry.after),
      reason: entry.reason ?? null,
      organisationId:
        entry.organisationId !== undefined ? entry.organisationId : entry.entity === 'users' ? await accountOrganisationOf(manager, entry.entityKey) : null,
    });
  }

  /** The entries the scope may read (ScopeService.auditEntries), newest first. */
  async list(scope: Scope, query: AuditQuery): Promise<Page<AuditEntry>> {
    const qb = this.scopes.auditEntries(scope);
    if (query.entity) qb.andWhere('a.entity = :entity', { entity: query.entity });
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    if (query.actor) qb.andWhere('LOWER(a.actor_email) LIKE :actor', { actor: `%${query.actor.toLowerCase()}%` });
    qb.orderBy('a.id', 'DESC').skip((query.page - 1) * query.pageSize).take(query.pageSize);
    const [items, total] = await qb.getManyAndCount();
    return pageOf(items, total, query);
  }
}
