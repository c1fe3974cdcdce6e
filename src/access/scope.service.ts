import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { notFound } from '../common/http-errors';
import { Organisation } from '../organisations/organisation.entity';
import { Scope } from '../auth/scope';

/** A WHERE fragment with TypeORM named parameters, for createQueryBuilder().andWhere(sql, params). */
export interface Predicate {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * The one place that turns a Scope into queries. Out-of-scope records answer 404 (not 403) so
 * their existence is not revealed; an action the role may never take answers 403.
 */
@Injectable()
export class ScopeService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** People the scope may see, as a predicate on a staff alias (e.g. 's'). */
  staffPredicate(scope: Scope, alias: string): Predicate {
    const actor = scope.actor;
    if (!actor) return { sql: '1 = 1', params: {} };
    const inSubtree =
      actor.organisationId === null
        ? '1 = 1'
        : `${alias}.organisation_id IN (SELECT sc_c.descendant_id FROM organisation_closure sc_c WHERE sc_c.ancestor_id = :scopeRoot)`;
    const params = { scopeRoot: actor.organisationId ?? -1, scopeMe: actor.staffId ?? -1 };
    switch (actor.role) {
      case 'admin':
      case 'coordinator':
        return { sql: inSubtree, params };
      case 'manager':
        // Their subtree, and anyone below them in the manager chain wherever they sit.
        return {
          sql: `(${inSubtree} OR ${alias}.id IN (WITH RECURSIVE sc_reports(id) AS (
                   SELECT sc_s.id FROM staff sc_s WHERE sc_s.manager_id = :scopeMe
                   UNION SELECT sc_t.id FROM staff sc_t JOIN sc_reports ON sc_t.manager_id = sc_reports.id)
                 SELECT id FROM sc_reports))`,
          params,
        };
      case 'trainer':
        // The people booked on sessions they train, and themselves.
        return {
          sql: `(${alias}.id = :scopeMe OR ${alias}.id IN (SELECT sc_b.staff_id FROM bookings sc_b
                 JOIN session_trainers sc_st ON sc_st.session_id = sc_b.session_id WHERE sc_st.staff_id = :scopeMe))`,
          params,
        };
      case 'viewer':
        return { sql: '1 = 0', params };
    }
  }

  /**
   * Sessions the scope may see, as a predicate on a training_sessions alias. To 'manage' (change,
   * take registers) a session must be hosted inside the scope's subtree; to 'book' people onto it,
   * sessions hosted by the organisations above are open too (a county's WRAP programme is for its
   * teams). Trainers see the sessions they train either way.
   */
  sessionPredicate(scope: Scope, alias: string, purpose: 'manage' | 'book' = 'manage'): Predicate {
    const actor = scope.actor;
    if (!actor) return { sql: '1 = 1', params: {} };
    const inSubtree =
      actor.organisationId === null
        ? '1 = 1'
        : `${alias}.host_organisation_id IN (SELECT sc_c.descendant_id FROM organisation_closure sc_c WHERE sc_c.ancestor_id = :scopeRoot)`;
    const params = { scopeRoot: actor.organisationId ?? -1, scopeMe: actor.staffId ?? -1 };
    if (actor.role === 'trainer') {
      return { sql: `${alias}.id IN (SELECT sc_st.session_id FROM session_trainers sc_st WHERE sc_st.staff_id = :scopeMe)`, params };
    }
    if (purpose === 'book' && actor.organisationId !== null) {
      const above = `${alias}.host_organisation_id IN (SELECT sc_a.ancestor_id FROM organisation_closure sc_a WHERE sc_a.descendant_id = :scopeRoot)`;
      return { sql: `(${inSubtree} OR ${above})`, params };
    }
    return { sql: inSubtree, params };
  }

  /** Whether an organisation lies inside the scope's subtree. */
  async organisationVisible(scope: Scope, organisationId: number, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    if (scope.rootOrganisationId === null) return true;
    const rows = await manager.query(
      manager.connection.options.type === 'postgres'
        ? 'SELECT 1 FROM organisation_closure WHERE ancestor_id = $1 AND descendant_id = $2'
        : 'SELECT 1 FROM organisation_closure WHERE ancestor_id = ? AND descendant_id = ?',
      [scope.rootOrganisationId, organisationId],
    );
    return rows.length > 0;
  }

  /** The organisation with this code, if the scope may see it; 404 otherwise (unknown or out of scope alike). */
  async organisation(scope: Scope, code: string, manager: EntityManager = this.dataSource.manager): Promise<Organisation> {
    const organisation = await manager.findOne(Organisation, { where: { code } });
    if (!organisation || !(await this.organisationVisible(scope, organisation.id, manager))) throw notFound('organisation', code);
    return organisation;
  }

  /** The organisation a report covers when none is asked for: the top of the scope, or the first root. */
  async defaultOrganisation(scope: Scope): Promise<Organisation> {
    if (scope.rootOrganisationId !== null) return this.dataSource.getRepository(Organisation).findOneByOrFail({ id: scope.rootOrganisationId });
    const root = await this.dataSource.getRepository(Organisation).findOne({ where: {}, order: { depth: 'ASC', id: 'ASC' } });
    if (!root) throw notFound('organisation', 'any');
    return root;
  }

  /** Whether the scope may see this person; callers answer 404 when not. */
  async staffVisible(scope: Scope, staffId: number, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    if (scope.isSystem) return true;
    const predicate = this.staffPredicate(scope, 's');
    const found = await manager
      .createQueryBuilder()
      .select('s.id')
      .from('staff', 's')
      .where('s.id = :id', { id: staffId })
      .andWhere(predicate.sql, predicate.params)
      .getRawOne();
    return Boolean(found);
  }

  /** Refuses roles that never see people (viewers) with 403: the endpoint, not a record, is off limits. */
  assertCanSeePeople(scope: Scope): void {
    if (!scope.canSeePeople) throw new ForbiddenException('Your account shows figures only, not individual people');
  }

  assertCanEditPeople(scope: Scope): void {
    if (!scope.canEditPeople) throw new ForbiddenException('Your account cannot change staff or training records');
  }

  assertCanEditFramework(scope: Scope): void {
    if (!scope.canEditFramework) throw new ForbiddenException('Only administrators can change this');
  }
}
