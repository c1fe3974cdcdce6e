import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { notFound } from '../common/http-errors';
import { LevelsService } from '../levels/levels.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { RolesService } from '../roles/roles.service';
import { CreateRequirementDto, RequirementView, UpdateRequirementDto } from './dto/requirement.dto';
import { Requirement } from './requirement.entity';

@Injectable()
export class RequirementsService {
  constructor(
    @InjectRepository(Requirement) private readonly requirements: Repository<Requirement>,
    private readonly roles: RolesService,
    private readonly levels: LevelsService,
    private readonly organisations: OrganisationsService,
  ) {}

  list(): Promise<Requirement[]> {
    return this.requirements.find({ relations: { role: true, level: true, organisation: true }, order: { id: 'ASC' } });
  }

  async get(id: number): Promise<Requirement> {
    const requirement = await this.requirements.findOne({ where: { id }, relations: { role: true, level: true, organisation: true } });
    if (!requirement) throw notFound('requirement', id);
    return requirement;
  }

  async create(dto: CreateRequirementDto): Promise<Requirement> {
    const requirement = this.requirements.create({ graceDays: dto.graceDays ?? 0 });
    await this.apply(requirement, dto);
    const saved = await this.requirements.save(requirement);
    return this.get(saved.id);
  }

  async update(id: number, dto: UpdateRequirementDto): Promise<Requirement> {
    const requirement = await this.get(id);
    await this.apply(requirement, dto);
    if (dto.graceDays !== undefined) requirement.graceDays = dto.graceDays;
    await this.requirements.save(requirement);
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    await this.get(id);
    await this.requirements.delete({ id });
  }

  private async apply(requirement: Requirement, dto: UpdateRequirementDto): Promise<void> {
    if (dto.roleCode !== undefined) requirement.role = (await this.roles.resolveCodes([dto.roleCode], 'roleCode'))[0];
    if (dto.levelCode !== undefined) requirement.level = await this.levels.resolveCode(dto.levelCode);
    if (dto.organisationCode !== undefined) {
      requirement.organisation = dto.organisationCode ? await this.organisations.resolveCode(dto.organisationCode, 'organisationCode') : null;
    }
    requirement.roleId = requirement.role.id;
    requirement.levelId = requirement.level.id;
    requirement.organisationId = requirement.organisation?.id ?? null;
  }
}

export const requirementView = (r: Requirement): RequirementView => ({
  id: r.id,
  roleCode: r.role.code,
  levelCode: r.level.code,
  organisationCode: r.organisation?.code ?? null,
  graceDays: r.graceDays,
});
