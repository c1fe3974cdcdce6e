import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { conflict, notFound, unknownCode } from '../common/http-errors';
import { loadFramework } from '../compliance/framework';
import { sql } from '../database/sql';
import { CreateRoleDto, RoleView, UpdateRoleDto } from './dto/role.dto';
import { Role } from './role.entity';

@Injectable()
export class RolesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get roles() {
    return this.dataSource.getRepository(Role);
  }

  list(): Promise<Role[]> {
    return this.roles.find({ order: { name: 'ASC' } });
  }

  /** Each role's code and name in name order, for a page's choices: from the framework the page reads once anyway. */
  async choices(): Promise<{ code: string; name: string }[]> {
    const { roles } = await loadFramework(this.dataSource);
    return roles.map(({ code, name }) => ({ code, name })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async getByCode(code: string): Promise<Role> {
    const role = await this.roles.findOneBy({ code });
    if (!role) throw notFound('role', code);
    return role;
  }

  /** Every code must exist; the first unknown one is named. */
  async resolveCodes(codes: string[], field = 'roleCodes'): Promise<Role[]> {
    const unique = [...new Set(codes)];
    const found = unique.length ? await this.roles.findBy({ code: In(unique) }) : [];
    const missing = unique.find((code) => !found.some((r) => r.code === code));
    if (missing) throw unknownCode(field, 'role', missing);
    return found;
  }

  async create(dto: CreateRoleDto): Promise<Role> {
    if (await this.roles.existsBy({ code: dto.code })) throw conflict(`A role with code ${dto.code} already exists`);
    return this.roles.save(this.roles.create({ code: dto.code, name: dto.name, description: dto.description ?? null }));
  }

  async update(code: string, dto: UpdateRoleDto): Promise<Role> {
    const role = await this.getByCode(code);
    if (dto.name !== undefined) role.name = dto.name;
    if (dto.description !== undefined) role.description = dto.description;
    return this.roles.save(role);
  }

  async remove(code: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const role = await manager.findOneBy(Role, { code });
      if (!role) throw notFound('role', code);
      const [{ holders, requirements }] = await sql<{ holders: number; requirements: number }>(
        manager,
        `SELECT (SELECT COUNT(*) FROM staff_roles WHERE role_id = $1) AS holders,
                (SELECT COUNT(*) FROM requirements WHERE role_id = $1) AS requirements`,
        [role.id],
      );
      if (Number(holders) > 0) throw conflict(`${Number(holders)} people hold the role ${code}: take it off them first`);
      if (Number(requirements) > 0) throw conflict(`The role ${code} has ${Number(requirements)} requirement(s): delete them first`);
      await manager.delete(Role, { id: role.id });
    });
  }
}

export const roleView = (r: Role): RoleView => ({ code: r.code, name: r.name, description: r.description });
