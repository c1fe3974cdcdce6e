import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import type { Scope } from '../auth/scope';
import { notFound } from '../common/http-errors';
import { LevelsService } from '../levels/levels.service';
import { RolesService } from '../roles/roles.service';
import { CreateRequirementDto, RequirementView, UpdateRequirementDto } from './dto/requirement.dto';
import { Requirement } from './requirement.entity';

/**
 * Requirements: read where the scope may see them (ScopeService.requirements), written only
 * inside the writer's subtree, partnership-wide ones only by an administrator of everything.
 */
@Injectable()
export class RequirementsService {
  constructor(
    @InjectRepository(Requirement) private readonly requirements: Repository<Requirement>,
    private readonly roles: RolesService,
    private readonly levels: LevelsService,
    private readonly scopes: ScopeService,
  ) {}

  list(scope: Scope): Promise<Requirement[]> {
    return this.withRelations(this.scopes.requirements(scope)).orderBy('r.id', 'ASC').getMany();
  }

  async get(scope: Scope, id: number): Promise<Requirement> {
    const requirement = await this.withRelations(this.scopes.requirements(scope)).andWhere('r.id = :id', { id }).getOne();
    if (!requirement) throw notFound('requirement', id);
    return requirement;
  }

  async create(scope: Scope, dto: CreateRequirementDto): Promise<Requirement> {
    const requirement = this.requirements.create({ graceDays: dto.graceDays ?? 0 });
    await this.apply(scope, requirement, dto);
    const saved = await this.requirements.save(requirement);
    return this.get(scope, saved.id);
  }

  async update(scope: Scope, id: number, dto: UpdateRequirementDto): Promise<Requirement> {
    const requirement = await this.get(scope, id);
    await this.scopes.assertCanWriteRequirementAt(scope, requirement.organisationId);
    await this.apply(scope, requirement, dto);
    if (dto.graceDays !== undefined) requirement.graceDays = dto.graceDays;
    await this.requirements.save(requirement);
    return this.get(scope, id);
  }

  async remove(scope: Scope, id: number): Promise<void> {
    const requirement = await this.get(scope, id);
    await this.scopes.assertCanWriteRequirementAt(scope, requirement.organisationId);
    await this.requirements.delete({ id });
  }

  private withRelations(qb: ReturnType<ScopeService['requirements']>) {
    return qb.leftJoinAndSelect('r.role', 'role').leftJoinAndSelect('r.level', 'level').leftJoinAndSelect('r.organisation', 'organisation');
  }

  /** Applies the payload; where the requirement ends up must be inside the writer's subtree. */
  private async apply(scope: Scope, requirement: Requirement, dto: UpdateRequirementDto): Promise<void> {
    if (dto.roleCode !== undefined) requirement.role = (await this.roles.resolveCodes([dto.roleCode], 'roleCode'))[0];
    if (dto.levelCode !== undefined) requirement.level = await this.levels.resolveCode(dto.levelCode);
    if (dto.organisationCode !== undefined) {
      requirement.organisation = dto.organisationCode ? await this.scopes.organisationField(scope, dto.organisationCode, 'organisationCode') : null;
    }
    requirement.roleId = requirement.role.id;
    requirement.levelId = requirement.level.id;
    requirement.organisationId = requirement.organisation?.id ?? null;
    await this.scopes.assertCanWriteRequirementAt(scope, requirement.organisationId);
  }
}

export const requirementView = (r: Requirement): RequirementView => ({
  id: r.id,
  roleCode: r.role.code,
  levelCode: r.level.code,
  organisationCode: r.organisation?.code ?? null,
  graceDays: r.graceDays,
});
