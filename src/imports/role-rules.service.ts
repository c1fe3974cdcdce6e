import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import { AuditService } from '../audit/audit.service';
import { FieldError } from '../common/field-error';
import { Scope } from '../auth/scope';
import { sql } from '../database/sql';
import { Role } from '../roles/role.entity';
import { bulkInsert, eachSlice, placeholders, selectIn } from './bulk-sql';
import { ApplyRoleRulesView, RoleRuleDto, RoleRuleView } from './dto/import.dto';
import type { RoleChange } from './import-outcome';
import { RoleRule } from './role-rule.entity';
import { applyRules, Rule, sameSet } from './role-rules';

const CHANGES_SHOWN = 500;

/**
 * The administrator's role rules: roles derived from HR columns (job title, position, staff group,
 * department, organisation). Staff imports apply them to every person in the file; an
 * administrator can apply them again to everyone they see.
 */
@Injectable()
export class RoleRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly audit: AuditService,
  ) {}

  /** The rules in table order, as the staff import applies them. */
  async rulesFor(m: EntityManager = this.dataSource.manager): Promise<Rule[]> {
    const rules = await m.getRepository(RoleRule).find({ order: { positionInTable: 'ASC', id: 'ASC' } });
    return rules.map((r) => ({ field: r.field, operator: r.operator, value: r.value, roleId: r.roleId, effect: r.effect }));
  }

  async list(scope: Scope): Promise<RoleRuleView[]> {
    this.scopes.assertCanEditPeople(scope);
    const rules = await this.dataSource.getRepository(RoleRule).find({ relations: { role: true }, order: { positionInTable: 'ASC', id: 'ASC' } });
    return rules.map(ruleView);
  }

  /** Replaces the whole table (PUT); each rule's role must exist. */
  async replace(scope: Scope, dtos: RoleRuleDto[]): Promise<RoleRuleView[]> {
    this.scopes.assertCanEditPeople(scope);
    await this.dataSource.transaction(async (m) => {
      const roles = new Map((await m.getRepository(Role).find()).map((r) => [r.code.toLowerCase(), r]));
      const rows = dtos.map((dto, i) => {
        const role = roles.get(dto.roleCode.trim().toLowerCase());
        if (!role) throw new FieldError(`rules.${i}.roleCode`, `no role with code ${dto.roleCode}`);
        return { field: dto.field, operator: dto.operator, value: dto.value, roleId: role.id, effect: dto.effect ?? 'add', positionInTable: i + 1 };
      });
      await m.createQueryBuilder().delete().from(RoleRule).execute();
      if (rows.length > 0) await m.save(RoleRule, rows.map((r) => m.create(RoleRule, r)));
    });
    return this.list(scope);
  }

  async add(scope: Scope, dto: RoleRuleDto): Promise<RoleRuleView[]> {
    const current = await this.list(scope);
    return this.replace(scope, [...current.map(toDto), dto]);
  }

  async remove(scope: Scope, id: number): Promise<RoleRuleView[]> {
    const current = await this.list(scope);
    return this.replace(scope, current.filter((r) => r.id !== id).map(toDto));
  }

  /** Applies the rules to everyone the scope sees, as a staff import would; with dryRun, only says what would change. */
  async applyToEveryone(scope: Scope, dryRun: boolean): Promise<ApplyRoleRulesView> {
    this.scopes.assertCanEditPeople(scope);
    const run = async (m: EntityManager): Promise<ApplyRoleRulesView> => {
      const rules = await this.rulesFor(m);
      const visible = this.scopes.staffPredicate(scope, 's');
      const people = await m
        .createQueryBuilder()
        .select(['s.id AS id', 's.employee_ref AS ref', 's.first_name AS first', 's.last_name AS last', 's.organisation_id AS org'])
        .addSelect(['s.job_title AS job_title', 's.position AS position', 's.staff_group AS staff_group', 's.department AS department'])
        .from('staff', 's')
        .where(visible.sql, visible.params)
        .orderBy('s.id')
        .getRawMany<{ id: number; ref: string; first: string; last: string; org: number; job_title: string | null; position: string | null; staff_group: string | null; department: string | null }>();
      const ids = people.map((p) => Number(p.id));
      const held = await this.rolesOf(m, ids, 'staff_roles');
      const given = await this.rolesOf(m, ids, 'staff_rule_roles');
      const organisations = new Map((await sql<{ id: number; code: string; name: string }>(m, 'SELECT id, code, name FROM organisations')).map((o) => [Number(o.id), o]));
      const codes = new Map((await m.getRepository(Role).find()).map((r) => [r.id, r.code]));
      const codesOf = (list: number[]) => list.map((id) => codes.get(id) ?? String(id)).sort();
      const changes: RoleChange[] = [];
      let changed = 0;
      const rewrite: { id: number; roles: number[]; ruleGiven: number[] }[] = [];
      for (const p of people) {
        const id = Number(p.id);
        const before = held.get(id) ?? [];
        const marks = new Set(given.get(id) ?? []);
        const organisation = organisations.get(Number(p.org));
        const decided = applyRules(
          rules,
          { job_title: p.job_title, position: p.position, staff_group: p.staff_group, department: p.department, organisationCode: organisation?.code ?? '', organisationName: organisation?.name ?? '' },
          before.filter((r) => !marks.has(r)),
        );
        const rolesChanged = !sameSet(decided.roles, before);
        if (rolesChanged || !sameSet(decided.ruleGiven, [...marks])) rewrite.push({ id, ...decided });
        if (!rolesChanged) continue;
        changed++;
        if (changes.length < CHANGES_SHOWN) changes.push({ row: 0, employeeRef: p.ref, name: `${p.first} ${p.last}`, before: codesOf(before), after: codesOf(decided.roles) });
      }
      if (!dryRun && rewrite.length > 0) {
        const rewriteIds = rewrite.map((r) => r.id);
        await eachSlice(rewriteIds, 900, (slice) => sql(m, `DELETE FROM staff_roles WHERE staff_id IN (${placeholders(slice.length)})`, slice));
        await eachSlice(rewriteIds, 900, (slice) => sql(m, `DELETE FROM staff_rule_roles WHERE staff_id IN (${placeholders(slice.length)})`, slice));
        await bulkInsert(m, 'staff_roles', ['staff_id', 'role_id'], rewrite.flatMap((r) => r.roles.map((role) => [r.id, role])));
        await bulkInsert(m, 'staff_rule_roles', ['staff_id', 'role_id'], rewrite.flatMap((r) => r.ruleGiven.map((role) => [r.id, role])));
      }
      if (!dryRun) {
        // The roles were rewritten in bulk SQL, which the audit subscriber cannot see: one summary entry
        // says who applied the rules. The rewrite itself moves staff_roles' change counter (a trigger,
        // in this transaction), so the report figures are worked out afresh on every server.
        await this.audit.record(
          { action: 'apply_role_rules', entity: 'staff', entityKey: 'role rules', organisationId: scope.rootOrganisationId, after: { people: people.length, changed } },
          undefined,
          m,
        );
      }
      return { people: people.length, changed, changes, dryRun };
    };
    return dryRun ? run(this.dataSource.manager) : this.dataSource.transaction(run);
  }

  private async rolesOf(m: EntityManager, ids: number[], table: 'staff_roles' | 'staff_rule_roles'): Promise<Map<number, number[]>> {
    const rows = await selectIn(ids, 900, (slice) => sql<{ staff_id: number; role_id: number }>(m, `SELECT staff_id, role_id FROM ${table} WHERE staff_id IN (${placeholders(slice.length)})`, slice));
    const out = new Map<number, number[]>();
    for (const r of rows) out.set(Number(r.staff_id), [...(out.get(Number(r.staff_id)) ?? []), Number(r.role_id)]);
    return out;
  }
}

const ruleView = (r: RoleRule): RoleRuleView => ({
  id: r.id,
  field: r.field,
  operator: r.operator,
  value: r.value,
  roleCode: r.role?.code ?? '',
  roleName: r.role?.name ?? '',
  effect: r.effect,
});

const toDto = (r: RoleRuleView): RoleRuleDto => ({ field: r.field, operator: r.operator, value: r.value, roleCode: r.roleCode, effect: r.effect });
