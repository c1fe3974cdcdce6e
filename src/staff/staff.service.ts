import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { todayIso } from '../common/dates';
import { isUniqueViolation } from '../common/db-errors';
import { FieldError } from '../common/field-error';
import { conflict, notFound, unknownCode } from '../common/http-errors';
import { cappedPageOf, Page } from '../common/paging';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { Organisation } from '../organisations/organisation.entity';
import { OrganisationsService } from '../organisations/organisations.service';
import { Role } from '../roles/role.entity';
import { PeopleService } from '../people/people.service';
import { RolesService } from '../roles/roles.service';
import { CreateStaffDto, StaffQuery, StaffView, UpdateStaffDto } from './dto/staff.dto';
import { Staff } from './staff.entity';
import { endDateProblem, managerLoopProblem } from './staff-rules';
import { subtreeIds } from '../access/subtree';
import { StaffRuleRole } from '../imports/role-rule.entity';
import { ReadsOffMainThread } from '../database/read-pool/reads-off-main-thread';
import { anonymisedNote } from '../data-protection/retention-words';
import { isPostgres } from '../database/sql';
import { matchesAnywhere, whereSearchMatches } from './staff-search';

/** The staff list counts this many people at most ("more than 1,000 people"), or to the end of the page asked for. */
export const COUNT_CAP = 1000;

@Injectable()
export class StaffService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly roles: RolesService,
    private readonly scopes: ScopeService,
    private readonly people: PeopleService,
  ) {}

  /** The people the scope may see, filtered and paged; viewers are refused (403). */
  @ReadsOffMainThread()
  async list(scope: Scope, query: StaffQuery): Promise<Page<StaffView>> {
    this.scopes.assertCanSeePeople(scope);
    const visible = this.scopes.staffPredicate(scope, 's');
    const root = query.organisation ? await this.scopes.organisation(scope, query.organisation) : null;
    const role = query.role ? await this.roles.getByCode(query.role) : null;
    const today = todayIso();
    /** Narrows `qb` (staff as s) to the people the list shows: those the scope may see, filtered. */
    const filtered = <T extends ObjectLiteral>(qb: SelectQueryBuilder<T>) => {
      qb.andWhere(visible.sql, visible.params);
      if (root) qb.andWhere(`s.organisation_id IN (${subtreeIds(':root')})`, { root: root.id });
      if (role) qb.andWhere('EXISTS (SELECT 1 FROM staff_roles sr WHERE sr.staff_id = s.id AND sr.role_id = :roleId)', { roleId: role.id });
      if (query.status === 'current') qb.andWhere('(s.end_date IS NULL OR s.end_date >= :today)', { today });
      if (query.status === 'leavers') qb.andWhere('s.end_date < :today', { today });
      whereSearchMatches(qb, 's', query.search, isPostgres(this.dataSource));
      return qb;
    };
    const staffAs = () => this.dataSource.getRepository(Staff).createQueryBuilder('s');
    // Counted only so far (COUNT_CAP, or past this page): a full count of a large partnership costs more than the page.
    const countUpTo = Math.max(COUNT_CAP, query.page * query.pageSize);
    const [countSql, countParams] = filtered(staffAs().select('1', 'one')).limit(countUpTo + 1).getQueryAndParameters();
    const [{ n }] = await this.dataSource.query(`SELECT COUNT(*) AS n FROM (${countSql}) upto`, countParams);

    const page = listedColumns(staffAs());
    if (matchesAnywhere(query.search)) {
      // Text matched anywhere is usually rare, and often rare in a way that follows the list's
      // order (a surname): walking the list in order until a page of matches turns up then reads
      // most of the table, and PostgreSQL's planner chooses to. So the matches (found through the
      // search index) are set apart first, and only they are put in order.
      const matches = filtered(staffAs().select('s.id', 'id').addSelect('s.last_name', 'last_name').addSelect('s.first_name', 'first_name'));
      page
        .addCommonTableExpression(matches, 'staff_matches', { materialized: true })
        .innerJoin('staff_matches', 'sm', 'sm.id = s.id')
        .orderBy('sm.last_name', 'ASC')
        .addOrderBy('sm.first_name', 'ASC')
        .addOrderBy('sm.id', 'ASC');
    } else {
      filtered(page).orderBy('s.last_name', 'ASC').addOrderBy('s.first_name', 'ASC').addOrderBy('s.id', 'ASC');
    }
    // Every join is to one row, so LIMIT and OFFSET apply to people directly.
    page.offset((query.page - 1) * query.pageSize).limit(query.pageSize);
    const staff = await page.getMany();
    await this.attachRoles(staff);
    return cappedPageOf(staff.map(staffView), Number(n), countUpTo, query);
  }

  /** These people as the list shows them, in the order given; those the scope may not see are left out. */
  async views(scope: Scope, ids: number[]): Promise<StaffView[]> {
    this.scopes.assertCanSeePeople(scope);
    if (ids.length === 0) return [];
    const visible = this.scopes.staffPredicate(scope, 's');
    const staff = await listedColumns(this.dataSource.getRepository(Staff).createQueryBuilder('s'))
      .where('s.id IN (:...ids)', { ids })
      .andWhere(visible.sql, visible.params)
      .getMany();
    await this.attachRoles(staff);
    const byId = new Map(staff.map((s) => [s.id, s]));
    return ids.flatMap((id) => (byId.has(id) ? [staffView(byId.get(id)!)] : []));
  }

  /**
   * A person the scope may see; 404 when unknown or out of scope alike. Viewers are refused (403).
   * Read with the scope's predicate in one statement, and the answer kept for the rest of the
   * request (ScopeService.staffVisible), which a record page asks again.
   */
  async visible(scope: Scope, id: number): Promise<Staff> {
    this.scopes.assertCanSeePeople(scope);
    const predicate = this.scopes.staffPredicate(scope, 's');
    const person = await this.withDetails(this.dataSource.manager, id).andWhere(predicate.sql, predicate.params).getOne();
    if (!person) throw notFound('person', id);
    this.scopes.noteStaffVisible(scope, id);
    return person;
  }

  async get(id: number, manager: EntityManager = this.dataSource.manager): Promise<Staff> {
    const person = await this.withDetails(manager, id).getOne();
    if (!person) throw notFound('person', id);
    return person;
  }

  /** One statement: findOne with a list relation first finds the distinct ids, then reads them. */
  private withDetails(manager: EntityManager, id: number) {
    return manager
      .createQueryBuilder(Staff, 's')
      .innerJoinAndSelect('s.organisation', 'o')
      .leftJoinAndSelect('s.manager', 'm')
      .leftJoinAndSelect('s.roles', 'r')
      .where('s.id = :id', { id });
  }

  /**
   * Finds a person by employee reference. References are unique only within an employer, so
   * `organisationCode` (the employer or any organisation inside it) settles an ambiguous one.
   */
  async findByRef(
    employeeRef: string,
    organisationCode?: string | null,
    manager: EntityManager = this.dataSource.manager,
    field = 'employeeRef',
    scope: Scope = Scope.system(),
  ): Promise<Staff> {
    let candidates = await manager.find(Staff, { where: { employeeRef }, relations: { organisation: true } });
    // People outside the scope are treated as unknown, so their existence is not revealed.
    const visible = await Promise.all(candidates.map((s) => this.scopes.staffVisible(scope, s.id, manager)));
    candidates = candidates.filter((_, i) => visible[i]);
    if (organisationCode) {
      const organisation = await this.organisations.resolveCode(organisationCode, 'organisationCode', manager);
      const employerId = await this.organisations.employerOf(organisation.id, manager);
      const subtree = new Set(await this.organisations.subtreeIds(organisation.id, manager));
      candidates = candidates.filter((s) => s.employerId === employerId || subtree.has(s.organisationId));
    }
    if (candidates.length === 0) {
      throw new FieldError(
        field,
        `no person with employee reference ${employeeRef}${organisationCode ? ` in ${organisationCode}` : ''}`,
      );
    }
    if (candidates.length > 1) {
      throw new FieldError(
        field,
        `employee reference ${employeeRef} is used in ${candidates.length} employers: choose the organisation to say which`,
      );
    }
    return candidates[0];
  }

  async create(scope: Scope, dto: CreateStaffDto, manager?: EntityManager): Promise<Staff> {
    this.scopes.assertCanEditPeople(scope);
    const run = async (m: EntityManager) => {
      const person = m.create(Staff, { roles: [] });
      await this.apply(scope, person, { ...dto, roleCodes: dto.roleCodes ?? [] }, m);
      const saved = await this.save(person, m);
      return this.get(saved.id, m);
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  async update(scope: Scope, id: number, dto: UpdateStaffDto): Promise<Staff> {
    this.scopes.assertCanEditPeople(scope);
    return this.dataSource.transaction(async (m) => {
      if (!(await this.scopes.staffVisible(scope, id, m))) throw notFound('person', id);
      const person = await this.get(id, m);
      await this.apply(scope, person, dto, m);
      await this.save(person, m);
      // Roles given on the person's record are set by hand: the role rules no longer count any of them as theirs.
      if (dto.roleCodes !== undefined) await m.delete(StaffRuleRole, { staffId: id });
      return this.get(id, m);
    });
  }

  async remove(scope: Scope, id: number): Promise<void> {
    this.scopes.assertCanEditPeople(scope);
    await this.dataSource.transaction(async (m) => {
      if (!(await this.scopes.staffVisible(scope, id, m))) throw notFound('person', id);
      await m.remove(Staff, await this.get(id, m));
    });
  }

  /** Loads role lists for a page of people in one query. */
  async attachRoles(staff: Staff[]): Promise<void> {
    if (staff.length === 0) return;
    const rows = await this.dataSource
      .createQueryBuilder()
      .select(['sr.staff_id AS staff_id', 'r.id AS id', 'r.code AS code', 'r.name AS name'])
      .from('staff_roles', 'sr')
      .innerJoin(Role, 'r', 'r.id = sr.role_id')
      .where('sr.staff_id IN (:...ids)', { ids: staff.map((s) => s.id) })
      .getRawMany<{ staff_id: number; id: number; code: string; name: string }>();
    const byPerson = new Map<number, Role[]>();
    for (const row of rows) {
      byPerson.set(row.staff_id, [...(byPerson.get(row.staff_id) ?? []), { id: row.id, code: row.code, name: row.name } as Role]);
    }
    for (const person of staff) person.roles = (byPerson.get(person.id) ?? []).sort((a, b) => a.code.localeCompare(b.code));
  }

  private async apply(scope: Scope, person: Staff, dto: UpdateStaffDto, m: EntityManager): Promise<void> {
    if (dto.firstName !== undefined) person.firstName = dto.firstName;
    if (dto.lastName !== undefined) person.lastName = dto.lastName;
    if (dto.email !== undefined) person.email = dto.email ? dto.email.toLowerCase() : null;
    if (dto.employeeRef !== undefined) person.employeeRef = dto.employeeRef;
    if (dto.startDate !== undefined) person.startDate = dto.startDate;
    if (dto.endDate !== undefined) person.endDate = dto.endDate;
    if (dto.organisationCode !== undefined) {
      const organisation: Organisation = await this.organisations.resolveCode(dto.organisationCode, 'organisationCode', m);
      if (!(await this.scopes.organisationVisible(scope, organisation.id, m))) throw unknownCode('organisationCode', 'organisation', dto.organisationCode);
      person.organisationId = organisation.id;
      person.organisation = organisation;
      person.employerId = await this.organisations.employerOf(organisation.id, m);
    }
    if (dto.roleCodes !== undefined) person.roles = await this.roles.resolveCodes(dto.roleCodes);
    const endProblem = endDateProblem(person.startDate, person.endDate);
    if (endProblem) throw new FieldError('endDate', endProblem);
    if (dto.managerEmployeeRef !== undefined) person.managerId = await this.resolveManager(scope, person, dto.managerEmployeeRef, m);
  }

  /** The manager named by reference, "Name (REF)", email or name: someone the scope may choose, in post, of the same employer. */
  private async resolveManager(scope: Scope, person: Staff, managerRef: string | null, m: EntityManager): Promise<number | null> {
    if (!managerRef) return null;
    const manager = await this.people.resolveOne(scope, 'managerEmployeeRef', managerRef, 'manage', m, { employerId: person.employerId, where: 'in the same employer' });
    if (!manager) return null;
    // The chain above the would-be manager: nobody may end up managing themselves.
    const chain: number[] = [];
    for (let current: Staff | null = manager; current && chain.length < 100 && !chain.includes(current.id); ) {
      chain.push(current.id);
      current = current.managerId ? await m.findOneBy(Staff, { id: current.managerId }) : null;
    }
    const loop = managerLoopProblem(person.id, managerRef, chain);
    if (loop) throw new FieldError('managerEmployeeRef', loop);
    return manager.id;
  }

  private async save(person: Staff, m: EntityManager): Promise<Staff> {
    // Checked first: on PostgreSQL a failed INSERT aborts the transaction, leaving nothing to ask.
    const clash = await m.findOneBy(Staff, { employerId: person.employerId, employeeRef: person.employeeRef });
    if (clash && clash.id !== person.id) {
      const employer = await m.findOneBy(Organisation, { id: person.employerId });
      throw conflict(`Employee reference ${person.employeeRef} is already used in ${employer?.name ?? 'this employer'}`);
    }
    try {
      return await m.save(Staff, person);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Employee reference ${person.employeeRef} is already used in this employer`);
      throw error;
    }
  }
}

/**
 * A list's people (staff as s) with their organisation (o) and manager (m), the columns staffView
 * shows only: whole entities, each with its organisation and manager, took several times as long
 * to read and turn into objects as the page took to draw.
 */
function listedColumns(qb: SelectQueryBuilder<Staff>): SelectQueryBuilder<Staff> {
  return qb
    .innerJoin('s.organisation', 'o')
    .leftJoin('s.manager', 'm')
    .select(['s.id', 's.employeeRef', 's.firstName', 's.lastName', 's.email', 's.startDate', 's.endDate', 's.anonymisedAt', 's.anonymisedReason'])
    .addSelect(['o.id', 'o.code', 'o.name', 'm.id', 'm.employeeRef']);
}

export function staffView(s: Staff): StaffView {
  const today = todayIso();
  return {
    id: s.id,
    employeeRef: s.employeeRef,
    firstName: s.firstName,
    lastName: s.lastName,
    email: s.email,
    organisationCode: s.organisation.code,
    organisationName: s.organisation.name,
    roleCodes: (s.roles ?? []).map((r) => r.code).sort(),
    managerEmployeeRef: s.manager?.employeeRef ?? null,
    startDate: s.startDate,
    endDate: s.endDate,
    isLeaver: s.endDate !== null && s.endDate < today,
    anonymised: anonymisedNote(s.anonymisedAt, s.anonymisedReason),
  };
}
