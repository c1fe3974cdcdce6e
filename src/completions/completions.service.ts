import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { formatUkDate, todayIso } from '../common/dates';
import { isUniqueViolation } from '../common/db-errors';
import { FieldError } from '../common/field-error';
import { conflict, notFound } from '../common/http-errors';
import { Page, pageOf } from '../common/paging';
import { withAuditReason } from '../audit/audit-context';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { LevelsService } from '../levels/levels.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { Staff } from '../staff/staff.entity';
import { StaffService } from '../staff/staff.service';
import { Completion } from './completion.entity';
import { CompletionQuery, CompletionView, CreateCompletionDto, UpdateCompletionDto } from './dto/completion.dto';
import { subtreeIds } from '../access/subtree';
import { recorderNames } from './recorders';

@Injectable()
export class CompletionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly staff: StaffService,
    private readonly levels: LevelsService,
    private readonly organisations: OrganisationsService,
    private readonly scopes: ScopeService,
  ) {}

  /** Who recorded each completion, by the account's name (never its email), for a person's record. */
  recorderNames(recordedBy: (string | null)[]): Promise<(email: string | null) => string | null> {
    return recorderNames(this.dataSource, recordedBy);
  }

  /** Completions of the people the scope may see. */
  async list(scope: Scope, query: CompletionQuery): Promise<Page<CompletionView>> {
    this.scopes.assertCanSeePeople(scope);
    const visible = this.scopes.staffPredicate(scope, 's');
    const qb = this.dataSource
      .getRepository(Completion)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.staff', 's')
      .innerJoinAndSelect('s.organisation', 'o')
      .innerJoinAndSelect('c.level', 'l')
      .where(visible.sql, visible.params);
    if (query.staffId) qb.andWhere('c.staff_id = :staffId', { staffId: query.staffId });
    if (query.employeeRef) qb.andWhere('s.employee_ref = :ref', { ref: query.employeeRef });
    if (query.organisation) {
      const root = await this.scopes.organisation(scope, query.organisation);
      qb.andWhere(`s.organisation_id IN (${subtreeIds(':root')})`, { root: root.id });
    }
    if (query.level) qb.andWhere('c.level_id = :levelId', { levelId: (await this.levels.getByCode(query.level)).id });
    if (query.from) qb.andWhere('c.completed_on >= :from', { from: query.from });
    if (query.to) qb.andWhere('c.completed_on <= :to', { to: query.to });
    qb.orderBy('c.completed_on', 'DESC').addOrderBy('c.id', 'DESC');
    qb.skip((query.page - 1) * query.pageSize).take(query.pageSize);
    const [completions, total] = await qb.getManyAndCount();
    return pageOf(completions.map(completionView), total, query);
  }

  /** A person's whole training record, newest first. */
  forPerson(staffId: number): Promise<Completion[]> {
    return this.dataSource.getRepository(Completion).find({
      where: { staffId },
      relations: { level: true, staff: { organisation: true } },
      order: { completedOn: 'DESC', id: 'DESC' },
    });
  }

  /** A completion of a person the scope may see; 404 otherwise. */
  async visible(scope: Scope, id: number, manager: EntityManager = this.dataSource.manager): Promise<Completion> {
    this.scopes.assertCanSeePeople(scope);
    const completion = await this.get(id, manager);
    if (!(await this.scopes.staffVisible(scope, completion.staffId, manager))) throw notFound('completion', id);
    return completion;
  }

  async get(id: number, manager: EntityManager = this.dataSource.manager): Promise<Completion> {
    const completion = await manager.findOne(Completion, { where: { id }, relations: { level: true, staff: { organisation: true } } });
    if (!completion) throw notFound('completion', id);
    return completion;
  }

  async create(scope: Scope, dto: CreateCompletionDto): Promise<Completion> {
    this.scopes.assertCanEditPeople(scope);
    return this.dataSource.transaction(async (m) => {
      const person = await this.staff.findByRef(dto.employeeRef, dto.organisationCode, m, 'employeeRef', scope);
      const level = await this.levels.resolveCode(dto.levelCode);
      assertNotFuture(dto.completedOn);
      const completion = m.create(Completion, {
        staffId: person.id,
        levelId: level.id,
        completedOn: dto.completedOn,
        source: dto.source,
        evidence: dto.evidence ?? null,
        sessionId: null,
        recordedBy: scope.recordedBy,
      });
      await this.save(completion, person, level.code, m);
      return this.get(completion.id, m);
    });
  }

  /** Corrects a completion (level, date, how, evidence); the reason is kept in the audit log beside the change. */
  async update(scope: Scope, id: number, dto: UpdateCompletionDto): Promise<Completion> {
    this.scopes.assertCanEditPeople(scope);
    return withAuditReason(dto.reason, () =>
      this.dataSource.transaction(async (m) => {
        const completion = await this.visible(scope, id, m);
        let levelCode = completion.level.code;
        if (dto.levelCode != null && dto.levelCode !== levelCode) {
          const level = await this.levels.resolveCode(dto.levelCode);
          completion.levelId = level.id;
          completion.level = level;
          levelCode = level.code;
        }
        if (dto.completedOn != null) {
          assertNotFuture(dto.completedOn);
          completion.completedOn = dto.completedOn;
        }
        if (dto.source !== undefined) completion.source = dto.source;
        if (dto.evidence !== undefined) completion.evidence = dto.evidence;
        await this.save(completion, completion.staff, levelCode, m);
        return this.get(id, m);
      }),
    );
  }

  /** Deletes a completion recorded by mistake; the reason is kept in the audit log with the record as it was. */
  async remove(scope: Scope, id: number, reason: string): Promise<void> {
    this.scopes.assertCanEditPeople(scope);
    await withAuditReason(reason, () =>
      this.dataSource.transaction(async (m) => {
        await m.remove(Completion, await this.visible(scope, id, m));
      }),
    );
  }

  private async save(completion: Completion, person: Staff, levelCode: string, m: EntityManager): Promise<void> {
    try {
      await m.save(Completion, completion);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict(
          `${person.firstName} ${person.lastName} (${person.employeeRef}) already has a ${levelCode} completion on ${formatUkDate(completion.completedOn)}`,
        );
      }
      throw error;
    }
  }
}

function assertNotFuture(completedOn: string): void {
  if (completedOn > todayIso()) throw new FieldError('completedOn', 'Date completed must be today or in the past');
}

export const completionView = (c: Completion): CompletionView => ({
  id: c.id,
  staffId: c.staffId,
  employeeRef: c.staff.employeeRef,
  personName: `${c.staff.firstName} ${c.staff.lastName}`,
  organisationCode: c.staff.organisation.code,
  levelCode: c.level.code,
  completedOn: c.completedOn,
  source: c.source,
  evidence: c.evidence,
  sessionId: c.sessionId,
  recordedBy: c.recordedBy,
});
