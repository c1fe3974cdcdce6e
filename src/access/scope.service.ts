import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { AuditEntry } from '../audit/audit-entry.entity';
import { Scope } from '../auth/scope';
import { notFound, unknownCode } from '../common/http-errors';
import { NamedAccessEntry } from '../data-protection/named-access-log.entity';
import { anonymisedNote } from '../data-protection/retention-words';
import { sql } from '../database/sql';
import { OutboxMessage } from '../notifications/outbox-message.entity';
import { Organisation } from '../organisations/organisation.entity';
import { ReportSubscription } from '../reports/subscriptions/report-subscription.entity';
import { Requirement } from '../requirements/requirement.entity';
import { User } from '../users/user.entity';
import { ancestorIds, subtreeIds, within } from './subtree';

/** What a session is wanted for: changing it and its register, booking people onto it, or reading it. */
export type SessionPurpose = 'manage' | 'book' | 'see';

/** A WHERE fragment with TypeORM named parameters, for createQueryBuilder().andWhere(sql, params). */
export interface Predicate {
  sql: string;
  params: Record<string, unknown>;
}

/** Why a person is chosen on a form: to look them up, book them (or record a walk-in), name them as a trainer, or as a manager. */
export type PersonPurpose = 'see' | 'book' | 'train' | 'manage';

/**
 * The one place that turns a Scope into queries. Out-of-scope records answer 404 (not 403) so
 * their existence is not revealed; an action the role may never take answers 403.
 */
@Injectable()
export class ScopeService {
  /** staffVisible's answers outside transactions, for each request's scope. */
  private readonly staffAnswers = new WeakMap<Scope, Map<number, Promise<boolean>>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** People the scope may see, as a predicate on a staff alias (e.g. 's'). */
  staffPredicate(scope: Scope, alias: string): Predicate {
    const actor = scope.actor;
    if (!actor) return { sql: '1 = 1', params: {} };
    const inSubtree =
      actor.organisationId === null
        ? '1 = 1'
        : `${alias}.organisation_id IN (${subtreeIds(':scopeRoot', 'sc_c')})`;
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
      case 'person':
        // Signed in by an emailed link (My training): themselves only.
        return { sql: `${alias}.id = :scopeMe`, params };
    }
  }

  /**
   * People the scope may choose on a form, as a predicate on a staff alias: to see or manage,
   * the people it may see; to book (walk-ins too) or name as a trainer, a trainer account may also
   * choose anyone in its own organisation subtree (the people it runs sessions for).
   */
  choosablePredicate(scope: Scope, alias: string, purpose: PersonPurpose): Predicate {
    const visible = this.staffPredicate(scope, alias);
    if ((purpose === 'book' || purpose === 'train') && scope.role === 'trainer') {
      return { sql: `(${visible.sql} OR ${alias}.organisation_id IN (${subtreeIds(':scopeRoot', 'sc_tc')}))`, params: visible.params };
    }
    return visible;
  }

  /**
   * Sessions the scope may see, as a predicate on a training_sessions alias. To 'manage' (change,
   * take registers) a session must be hosted inside the scope's subtree; to 'book' people onto it,
   * sessions hosted by the organisations above are open too (a county's WRAP programme is for its
   * teams). To 'see' a session, any session on which someone the scope may see is booked or
   * waiting is open too (a manager's person booked by a coordinator elsewhere), so it never
   * answers 404 to them. Trainers see the sessions they train whatever the purpose.
   *
   * `booking` names a bookings alias and a staff alias for its person, where the query reads
   * bookings: a place booked or waited for by someone the scope may see then opens its session at
   * once, before the question is asked of the session's other bookings (which, on PostgreSQL,
   * gathers every visible person's bookings).
   */
  sessionPredicate(scope: Scope, alias: string, purpose: SessionPurpose = 'manage', booking?: { alias: string; person: string }): Predicate {
    const actor = scope.actor;
    if (!actor) return { sql: '1 = 1', params: {} };
    const inSubtree =
      actor.organisationId === null
        ? '1 = 1'
        : `${alias}.host_organisation_id IN (${subtreeIds(':scopeRoot', 'sc_c')})`;
    const params = { scopeRoot: actor.organisationId ?? -1, scopeMe: actor.staffId ?? -1 };
    if (actor.role === 'trainer') {
      return { sql: `${alias}.id IN (SELECT sc_st.session_id FROM session_trainers sc_st WHERE sc_st.staff_id = :scopeMe)`, params };
    }
    // A person (My training) runs no session; they book themselves as a manager books their people.
    if (actor.role === 'person' && purpose === 'manage') return { sql: '1 = 0', params };
    if (purpose !== 'manage' && actor.organisationId !== null) {
      const above = `${alias}.host_organisation_id IN (${ancestorIds(':scopeRoot', 'sc_a')})`;
      if (purpose === 'book') return { sql: `(${inSubtree} OR ${above})`, params };
      const people = this.staffPredicate(scope, 'sc_bs');
      const theirPeopleBooked = `${alias}.id IN (SELECT sc_bb.session_id FROM bookings sc_bb JOIN staff sc_bs ON sc_bs.id = sc_bb.staff_id
                 WHERE sc_bb.status IN ('booked', 'waiting') AND ${people.sql})`;
      const person = booking ? this.staffPredicate(scope, booking.person) : null;
      const thisPlace = booking && person ? `(${booking.alias}.status IN ('booked', 'waiting') AND ${person.sql}) OR ` : '';
      return { sql: `(${inSubtree} OR ${above} OR ${thisPlace}${theirPeopleBooked})`, params: { ...params, ...people.params, ...person?.params } };
    }
    return { sql: inSubtree, params };
  }

  /** An organisation column inside the scope's subtree (anything for an unscoped scope). */
  private organisationIn(scope: Scope, column: string): Predicate {
    // A person signed in by a link sees no accounts, imports or audit entries.
    if (scope.isPerson) return { sql: '1 = 0', params: {} };
    if (scope.rootOrganisationId === null) return { sql: '1 = 1', params: {} };
    return { sql: `${column} IN (${subtreeIds(':scopeRoot', 'sc_o')})`, params: { scopeRoot: scope.rootOrganisationId } };
  }

  /**
   * User accounts the scope may manage: those limited to an organisation inside its subtree. An
   * account with no organisation (an administrator of everything) is seen only by another such.
   */
  users(scope: Scope, m: EntityManager = this.dataSource.manager): SelectQueryBuilder<User> {
    const where = this.organisationIn(scope, 'u.organisation_id');
    return m.getRepository(User).createQueryBuilder('u').where(where.sql, where.params);
  }

  /** Imports the scope may see, as a WHERE on an imports alias: those made for an organisation inside its subtree. */
  importsPredicate(scope: Scope, alias: string): [string, Record<string, unknown>] {
    const where = this.organisationIn(scope, `${alias}.scope_organisation_id`);
    return [where.sql, where.params];
  }

  /**
   * Audit entries the scope may read: those about records of its subtree, and the sign-ins of its
   * accounts. Entries about partnership-wide things (levels, roles, settings) carry no
   * organisation and are for administrators of everything only.
   */
  auditEntries(scope: Scope, m: EntityManager = this.dataSource.manager): SelectQueryBuilder<AuditEntry> {
    const where = this.organisationIn(scope, 'a.organisation_id');
    return m.getRepository(AuditEntry).createQueryBuilder('a').where(where.sql, where.params);
  }

  /**
   * Entries of the named-access log the scope may read: views and downloads of lists of people of
   * its subtree, as audit entries are read. Entries about no organisation (a list of the whole
   * partnership) are for administrators of everything only.
   */
  namedAccessEntries(scope: Scope, m: EntityManager = this.dataSource.manager): SelectQueryBuilder<NamedAccessEntry> {
    const where = this.organisationIn(scope, 'n.organisation_id');
    return m.getRepository(NamedAccessEntry).createQueryBuilder('n').where(where.sql, where.params);
  }

  /**
   * Messages in the outbox the scope may see: those about a person or session of its subtree.
   * Messages about no organisation are for administrators of everything only.
   */
  outboxMessages(scope: Scope, m: EntityManager = this.dataSource.manager): SelectQueryBuilder<OutboxMessage> {
    const where = this.organisationIn(scope, 'om.organisation_id');
    return m.getRepository(OutboxMessage).createQueryBuilder('om').where(where.sql, where.params);
  }

  /** Scheduled report deliveries the scope may see and change: those for an organisation of its subtree. */
  reportSubscriptions(scope: Scope, m: EntityManager = this.dataSource.manager): SelectQueryBuilder<ReportSubscription> {
    const where = this.organisationIn(scope, 'rs.organisation_id');
    return m.getRepository(ReportSubscription).createQueryBuilder('rs').where(where.sql, where.params);
  }

  /**
   * Requirements the scope may read: partnership-wide ones, those scoped inside its subtree, and
   * those scoped to an organisation above it (they apply to its people too).
   */
  requirements(scope: Scope, m: EntityManager = this.dataSource.manager): SelectQueryBuilder<Requirement> {
    const qb = m.getRepository(Requirement).createQueryBuilder('r');
    if (scope.rootOrganisationId === null) return qb;
    return qb.where(
      `(r.organisation_id IS NULL OR r.organisation_id IN (${subtreeIds(':scopeRoot', 'sc_o')}) OR r.organisation_id IN (${ancestorIds(':scopeRoot', 'sc_a')}))`,
      { scopeRoot: scope.rootOrganisationId },
    );
  }

  /**
   * Requirements are written only inside the writer's subtree; partnership-wide ones (no
   * organisation) only by an administrator of everything. `organisationId` is where the
   * requirement is (or will be) scoped.
   */
  async assertCanWriteRequirementAt(scope: Scope, organisationId: number | null, m: EntityManager = this.dataSource.manager): Promise<void> {
    this.assertCanEditFramework(scope);
    if (scope.rootOrganisationId === null) return;
    if (organisationId === null) {
      throw new ForbiddenException('Only an administrator for the whole partnership can add or change a requirement that applies everywhere');
    }
    if (!(await this.organisationVisible(scope, organisationId, m))) {
      throw new ForbiddenException('You can only add or change requirements for organisations inside your own');
    }
  }

  /**
   * Whether the scope covers the whole partnership: no organisation limit, or limited to the one
   * organisation at the top of the tree. Partnership-wide settings (levels, roles, lead roles,
   * course mappings) are changed only from such a scope.
   */
  async coversEverything(scope: Scope): Promise<boolean> {
    if (scope.rootOrganisationId === null) return true;
    const tops = await sql<{ id: number }>(this.dataSource, 'SELECT id FROM organisations WHERE parent_id IS NULL');
    return tops.length === 1 && Number(tops[0].id) === scope.rootOrganisationId;
  }

  /**
   * Who can help someone refused a page: the active administrators for the asker's own
   * organisation or one above it (or for the whole partnership), nearest first. Never those of
   * other branches, so a refusal names nobody the asker could not already know of.
   */
  async administratorsAbove(scope: Scope, limit = 5, m: EntityManager = this.dataSource.manager): Promise<{ name: string; email: string; organisation: string | null }[]> {
    const actor = scope.actor;
    if (!actor) return [];
    const qb = m
      .getRepository(User)
      .createQueryBuilder('u')
      .leftJoin('u.organisation', 'uo')
      .select(['u.display_name AS name', 'u.email AS email', 'uo.name AS organisation', 'uo.depth AS depth'])
      .where('u.role = :admin', { admin: 'admin' })
      .andWhere('NOT u.disabled')
      .andWhere('u.id <> :me', { me: actor.userId });
    if (actor.organisationId === null) qb.andWhere('u.organisation_id IS NULL');
    else qb.andWhere(`(u.organisation_id IS NULL OR u.organisation_id IN (${ancestorIds(':helpFor', 'sc_h')}))`, { helpFor: actor.organisationId });
    const rows = await qb
      .orderBy('CASE WHEN u.organisation_id IS NULL THEN 1 ELSE 0 END', 'ASC')
      .addOrderBy('uo.depth', 'DESC')
      .addOrderBy('u.display_name', 'ASC')
      .limit(limit)
      .getRawMany<{ name: string; email: string; organisation: string | null }>();
    return rows.map((r) => ({ name: r.name, email: r.email, organisation: r.organisation ?? null }));
  }

  /**
   * "First Last" and employee reference of each of these people the scope may see, by id; the
   * others are left out (they stay counted in figures, unnamed). Viewers see nobody.
   */
  async names(scope: Scope, ids: number[], m: EntityManager = this.dataSource.manager): Promise<Map<number, { ref: string; name: string }>> {
    const out = new Map<number, { ref: string; name: string }>();
    if (ids.length === 0 || !scope.canSeePeople) return out;
    const predicate = this.staffPredicate(scope, 's');
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await m
        .createQueryBuilder()
        .select(['s.id AS id', 's.employee_ref AS employee_ref', 's.first_name AS first_name', 's.last_name AS last_name', 's.anonymised_at AS anonymised_at', 's.anonymised_reason AS anonymised_reason'])
        .from('staff', 's')
        .where('s.id IN (:...ids)', { ids: ids.slice(i, i + 500) })
        .andWhere(predicate.sql, predicate.params)
        .getRawMany<{ id: number; employee_ref: string; first_name: string; last_name: string; anonymised_at: string | null; anonymised_reason: string | null }>();
      for (const r of rows) {
        // An anonymised person says so wherever a report would name them (src/data-protection).
        const note = anonymisedNote(r.anonymised_at, r.anonymised_reason);
        const name = `${r.first_name} ${r.last_name}`;
        out.set(Number(r.id), { ref: r.employee_ref, name: note ? `${name} (${note.charAt(0).toLowerCase()}${note.slice(1)})` : name });
      }
    }
    return out;
  }

  /**
   * The organisation a payload field names, if the scope may see it. Unknown and out of scope
   * answer alike (422 naming the field), so nothing outside the subtree is revealed.
   */
  async organisationField(scope: Scope, code: string, field: string, manager: EntityManager = this.dataSource.manager): Promise<Organisation> {
    const organisation = await manager.findOne(Organisation, { where: { code } });
    if (!organisation || !(await this.organisationVisible(scope, organisation.id, manager))) throw unknownCode(field, 'organisation', code);
    return organisation;
  }

  /** Whether an organisation lies inside the scope's subtree. */
  async organisationVisible(scope: Scope, organisationId: number, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    if (scope.rootOrganisationId === null) return true;
    const rows = await sql(manager, `SELECT 1 AS inside WHERE ${within('$2', '$1')}`, [scope.rootOrganisationId, organisationId]);
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

  /**
   * Whether the scope may see this person; callers answer 404 when not. Outside a transaction the
   * answer is kept for the rest of the request (a scope is made for each request): a record page
   * asks it of several services.
   */
  async staffVisible(scope: Scope, staffId: number, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    if (scope.isSystem) return true;
    if (manager !== this.dataSource.manager) return this.askStaffVisible(scope, staffId, manager);
    const answers = this.answersFor(scope);
    let answer = answers.get(staffId);
    if (!answer) {
      answer = this.askStaffVisible(scope, staffId, manager);
      answers.set(staffId, answer);
      answer.catch(() => answers.delete(staffId));
    }
    return answer;
  }

  /** Records, for the rest of the request, that the scope sees the person: a statement that read them with staffPredicate found them. */
  noteStaffVisible(scope: Scope, staffId: number): void {
    if (!scope.isSystem) this.answersFor(scope).set(staffId, Promise.resolve(true));
  }

  /** The staffVisible answers kept for this request's scope. */
  private answersFor(scope: Scope): Map<number, Promise<boolean>> {
    let answers = this.staffAnswers.get(scope);
    if (!answers) this.staffAnswers.set(scope, (answers = new Map()));
    return answers;
  }

  private async askStaffVisible(scope: Scope, staffId: number, manager: EntityManager): Promise<boolean> {
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
