import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { FieldError } from '../common/field-error';
import { OrganisationsService } from '../organisations/organisations.service';
import { Staff } from '../staff/staff.entity';
import { subtreeIds } from '../access/subtree';

export const describePerson = (s: Pick<Staff, 'firstName' | 'lastName' | 'employeeRef'>) => `${s.firstName} ${s.lastName} (${s.employeeRef})`;

/** Finds the people a session names (trainers, bookings, walk-ins) within what the scope may reach. */
@Injectable()
export class SessionPeople {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly organisations: OrganisationsService,
  ) {}

  /**
   * Whether the scope may name this person on a session: anyone it can see, and for a trainer
   * also anyone in their organisation subtree (to book them or record them as a walk-in).
   */
  async reachable(scope: Scope, person: Staff, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    return (await this.reachableIds(scope, [person.id], m)).has(person.id);
  }

  async reachableIds(scope: Scope, ids: number[], m: EntityManager = this.dataSource.manager): Promise<Set<number>> {
    if (scope.isSystem || ids.length === 0) return new Set(ids);
    const visible = this.scopes.staffPredicate(scope, 's');
    const where =
      scope.role === 'trainer'
        ? `(${visible.sql} OR s.organisation_id IN (${subtreeIds(':scopeRoot', 'sp_c')}))`
        : visible.sql;
    const rows = await m
      .createQueryBuilder()
      .select('s.id', 'id')
      .from('staff', 's')
      .where('s.id IN (:...ids)', { ids })
      .andWhere(where, visible.params)
      .getRawMany<{ id: number }>();
    return new Set(rows.map((r) => Number(r.id)));
  }

  /**
   * The person with this employee reference. References are unique only within an employer, so
   * organisationCode settles one used by several; people out of reach answer as unknown (422).
   */
  async resolve(scope: Scope, employeeRef: string, organisationCode: string | undefined | null, m: EntityManager, field: string): Promise<Staff> {
    const found = await this.resolveMany(scope, [employeeRef], organisationCode, m, field);
    return found[0];
  }

  /** Resolves every reference or refuses them all, naming each one that is unknown or ambiguous. */
  async resolveMany(scope: Scope, refs: string[], organisationCode: string | undefined | null, m: EntityManager, field: string): Promise<Staff[]> {
    if (refs.length === 0) return [];
    let candidates = await m
      .getRepository(Staff)
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.organisation', 'o')
      .where('s.employee_ref IN (:...refs)', { refs })
      .getMany();
    if (organisationCode) {
      const organisation = await this.organisations.resolveCode(organisationCode, 'organisationCode', m);
      if (!(await this.scopes.organisationVisible(scope, organisation.id, m))) {
        throw new FieldError('organisationCode', `no organisation with code ${organisationCode}`);
      }
      const employerId = await this.organisations.employerOf(organisation.id, m);
      const subtree = new Set(await this.organisations.subtreeIds(organisation.id, m));
      candidates = candidates.filter((s) => s.employerId === employerId || subtree.has(s.organisationId));
    }
    const reachableIds = await this.reachableIds(scope, candidates.map((s) => s.id), m);
    const reachable = candidates.filter((s) => reachableIds.has(s.id));
    const problems: string[] = [];
    const people: Staff[] = [];
    for (const ref of refs) {
      const matches = reachable.filter((s) => s.employeeRef === ref);
      if (matches.length === 1) people.push(matches[0]);
      else if (matches.length === 0) problems.push(`no person with employee reference ${ref}${organisationCode ? ` in ${organisationCode}` : ''}`);
      else problems.push(`employee reference ${ref} is used in ${matches.length} employers: choose the organisation to say which`);
    }
    if (problems.length > 0) throw new FieldError(field, `${problems.join('; ')}`);
    return people;
  }
}
