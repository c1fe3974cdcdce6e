import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { isUniqueViolation } from '../common/db-errors';
import { sql } from '../database/sql';
import { conflict, notFound, unknownCode } from '../common/http-errors';
import { CreateOrganisationDto, OrganisationView, UpdateOrganisationDto } from './dto/organisation.dto';
import { addToTree, ancestorIdsOf, ancestorsNearestFirst, organisationsNear, rehang, removeFromTree, subtreeIdsOf } from '../access/organisation-tree';
import type { Scope } from '../auth/scope';
import { Organisation } from './organisation.entity';
import { subtreeIds, subtreesIds } from '../access/subtree';
import { dataVersion, TREE_TABLES } from '../database/data-versions';

/** One option of an organisation picker. */
export interface OrganisationChoice {
  code: string;
  /** Indented with em spaces so a select reads as the tree (option text cannot hold markup). */
  label: string;
}

/** An organisation in a list in tree order, with its depth below the top of the list (for indenting). */
export interface OrganisationInOrder {
  id: number;
  code: string;
  name: string;
  depth: number;
}

/** Roots whose tree order is kept (inTreeOrder). */
const TREE_ORDERS_KEPT = 50;

export interface OrganisationNode extends OrganisationView {
  id: number;
  children: OrganisationNode[];
}

@Injectable()
export class OrganisationsService {
  /** Tree orders by root, each with the change counters it was read under. */
  private readonly treeOrders = new Map<number | null, { version: string; ordered: OrganisationInOrder[] }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get organisations() {
    return this.dataSource.getRepository(Organisation);
  }

  /** Every organisation in tree order (parents before children, siblings by name). */
  async list(rootIds?: number[]): Promise<Organisation[]> {
    const query = this.organisations.createQueryBuilder('o');
    if (rootIds) {
      if (rootIds.length === 0) return [];
      query.where(`o.id IN (${subtreesIds(':...rootIds')})`, { rootIds });
    }
    const all = await query.getMany();
    return sortAsTree(all);
  }

  /**
   * Every organisation under `rootId` (every one for null) in tree order, with its depth below the
   * top: what the pickers listing them all offer (the staff list and form). One
   * statement, kept while the organisations and their tree are unchanged (their change counters,
   * read on every call, so a change through any server shows at once): at 7,409 organisations the
   * staff list had read them all as entities and put them in order on every view.
   */
  async inTreeOrder(rootId: number | null): Promise<OrganisationInOrder[]> {
    const m = this.dataSource.manager;
    const version = await dataVersion(m, TREE_TABLES);
    const kept = this.treeOrders.get(rootId);
    if (kept?.version === version) return kept.ordered;
    const rows = await sql<{ id: number; parent_id: number | null; code: string; name: string; depth: number }>(
      m,
      rootId === null
        ? 'SELECT id, parent_id, code, name, depth FROM organisations'
        : `SELECT id, parent_id, code, name, depth FROM organisations WHERE id IN (${subtreeIds('$1')})`,
      rootId === null ? [] : [rootId],
    );
    const sorted = rowsInTreeOrder(rows);
    const top = Math.min(...sorted.map((o) => o.depth));
    const ordered = sorted.map((o) => ({ ...o, depth: o.depth - top }));
    this.treeOrders.delete(rootId);
    this.treeOrders.set(rootId, { version, ordered });
    while (this.treeOrders.size > TREE_ORDERS_KEPT) this.treeOrders.delete(this.treeOrders.keys().next().value!);
    return ordered;
  }

  async tree(rootIds?: number[]): Promise<OrganisationNode[]> {
    const all = await this.list(rootIds);
    const byId = new Map<number, OrganisationNode>();
    const codeOf = new Map(all.map((o) => [o.id, o.code]));
    for (const o of all) byId.set(o.id, { ...toView(o, codeOf.get(o.parentId ?? -1) ?? null), id: o.id, children: [] });
    const roots: OrganisationNode[] = [];
    for (const o of all) {
      const node = byId.get(o.id)!;
      const parent = o.parentId === null ? undefined : byId.get(o.parentId);
      (parent ? parent.children : roots).push(node);
    }
    return roots;
  }

  /**
   * The organisations a picker offers the scope: the top of its subtree and two levels below it
   * (partnership, authorities, directorates) in tree order, plus `current` if it is deeper.
   */
  async choices(scope: Scope, current?: { code: string; name: string }): Promise<OrganisationChoice[]> {
    const m = this.dataSource.manager;
    const tops =
      scope.rootOrganisationId !== null
        ? [scope.rootOrganisationId]
        : (await sql<{ id: number }>(m, 'SELECT id FROM organisations WHERE parent_id IS NULL')).map((r) => Number(r.id));
    if (tops.length === 0) return [];
    // Depth is below the scope's top, which is how far each is indented.
    const out: OrganisationChoice[] = rowsInTreeOrder(await organisationsNear(m, tops, 2)).map((o) => ({ code: o.code, label: `${'\u2003'.repeat(o.depth)}${o.name}` }));
    if (current && !out.some((o) => o.code === current.code)) out.push({ code: current.code, label: current.name });
    return out;
  }

  async getByCode(code: string, manager: EntityManager = this.dataSource.manager): Promise<Organisation> {
    const organisation = await manager.findOne(Organisation, { where: { code } });
    if (!organisation) throw notFound('organisation', code);
    return organisation;
  }

  /** For payload fields naming an organisation: an unknown code is the client's mistake (422). */
  async resolveCode(code: string, field: string, manager: EntityManager = this.dataSource.manager): Promise<Organisation> {
    const organisation = await manager.findOne(Organisation, { where: { code } });
    if (!organisation) throw unknownCode(field, 'organisation', code);
    return organisation;
  }

  async view(organisation: Organisation): Promise<OrganisationView> {
    const parent = organisation.parentId ? await this.organisations.findOneBy({ id: organisation.parentId }) : null;
    return toView(organisation, parent?.code ?? null);
  }

  /** Ids of the organisation and everything below it. */
  async subtreeIds(organisationId: number, manager: EntityManager = this.dataSource.manager): Promise<number[]> {
    return subtreeIdsOf(manager, organisationId);
  }

  async ancestorIds(organisationId: number, manager: EntityManager = this.dataSource.manager): Promise<number[]> {
    return ancestorIdsOf(manager, organisationId);
  }

  /** The employing body: the nearest organisation up the tree flagged as an employer, else the root. */
  async employerOf(organisationId: number, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const rows = await ancestorsNearestFirst(manager, organisationId);
    return (rows.find((r) => Boolean(r.is_employer)) ?? rows[rows.length - 1]).id;
  }

  async create(dto: CreateOrganisationDto): Promise<Organisation> {
    return this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(Organisation, { code: dto.code })) {
        throw conflict(`An organisation with code ${dto.code} already exists`);
      }
      const parent = dto.parentCode ? await this.resolveCode(dto.parentCode, 'parentCode', manager) : null;
      const organisation = await manager.save(
        manager.create(Organisation, {
          code: dto.code,
          name: dto.name,
          sector: dto.sector,
          isEmployer: dto.isEmployer ?? false,
          parentId: parent?.id ?? null,
          path: '/',
          depth: parent ? parent.depth + 1 : 0,
        }),
      );
      organisation.path = `${parent?.path ?? '/'}${organisation.id}/`;
      await manager.update(Organisation, organisation.id, { path: organisation.path });
      await addToTree(manager, organisation.id, parent?.id ?? null);
      return organisation;
    });
  }

  async update(code: string, dto: UpdateOrganisationDto): Promise<Organisation> {
    return this.dataSource.transaction(async (manager) => {
      const organisation = await this.getByCode(code, manager);
      const moving = dto.parentCode !== undefined && dto.parentCode !== (await this.parentCodeOf(organisation, manager));
      const employerChanged = dto.isEmployer !== undefined && dto.isEmployer !== organisation.isEmployer;
      if (dto.name !== undefined) organisation.name = dto.name;
      if (dto.sector !== undefined) organisation.sector = dto.sector;
      if (dto.isEmployer !== undefined) organisation.isEmployer = dto.isEmployer;
      await manager.save(organisation);
      if (moving) await this.move(organisation, dto.parentCode ?? null, manager);
      if (moving || employerChanged) await this.recomputeEmployers(organisation.id, manager);
      return manager.findOneByOrFail(Organisation, { id: organisation.id });
    });
  }

  async remove(code: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const organisation = await this.getByCode(code, manager);
      const counts = await sql<{ staff: number; children: number; sessions: number; requirements: number }>(manager, 
        `SELECT (SELECT COUNT(*) FROM staff WHERE organisation_id = $1 OR employer_id = $1) AS staff,
                (SELECT COUNT(*) FROM organisations WHERE parent_id = $1) AS children,
                (SELECT COUNT(*) FROM training_sessions WHERE host_organisation_id = $1) AS sessions,
                (SELECT COUNT(*) FROM requirements WHERE organisation_id = $1) AS requirements`,
        [organisation.id],
      );
      const { staff, children, sessions, requirements } = counts[0];
      const blockers = [
        [Number(staff), 'staff record', 'move or remove them first'],
        [Number(children), 'organisation below it', 'move or delete them first'],
        [Number(sessions), 'training session hosted by it', 'move them first'],
        [Number(requirements), 'requirement scoped to it', 'change or delete them first'],
      ] as const;
      const blocking = blockers.find(([count]) => count > 0);
      if (blocking) {
        const [count, noun, advice] = blocking;
        throw conflict(`${organisation.name} (${code}) still has ${count} ${noun}${count === 1 ? '' : 's'}: ${advice}`);
      }
      await removeFromTree(manager, organisation.id);
      await manager.delete(Organisation, { id: organisation.id });
    });
  }

  private async parentCodeOf(organisation: Organisation, manager: EntityManager): Promise<string | null> {
    if (organisation.parentId === null) return null;
    return (await manager.findOneByOrFail(Organisation, { id: organisation.parentId })).code;
  }

  /** Re-hang a subtree under a new parent, keeping the closure table and paths in step. */
  private async move(organisation: Organisation, parentCode: string | null, manager: EntityManager): Promise<void> {
    const parent = parentCode ? await this.resolveCode(parentCode, 'parentCode', manager) : null;
    const subtree = await this.subtreeIds(organisation.id, manager);
    if (parent && subtree.includes(parent.id)) {
      throw conflict(`${parentCode} is inside ${organisation.code}: an organisation cannot be moved below itself`);
    }
    await rehang(manager, organisation.id, subtree, parent?.id ?? null);
    await manager.update(Organisation, organisation.id, { parentId: parent?.id ?? null });
    const moved = await manager.find(Organisation, { where: { id: In(subtree) } });
    for (const node of moved) {
      const ancestors = await this.ancestorIds(node.id, manager);
      await manager.update(Organisation, node.id, { path: `/${ancestors.join('/')}/`, depth: ancestors.length - 1 });
    }
  }

  /** Staff below an organisation whose employing body changed get the new one (refs must stay unique). */
  private async recomputeEmployers(organisationId: number, manager: EntityManager): Promise<void> {
    const subtree = await this.subtreeIds(organisationId, manager);
    try {
      for (const id of subtree) {
        await sql(manager, `UPDATE staff SET employer_id = $1 WHERE organisation_id = $2`, [await this.employerOf(id, manager), id]);
      }
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict('This change would give two people the same employee reference within one employer: rename one of them first');
      }
      throw error;
    }
  }
}

export function toView(o: Organisation, parentCode: string | null): OrganisationView {
  return { code: o.code, name: o.name, sector: o.sector, parentCode, isEmployer: o.isEmployer, depth: o.depth };
}

/** Organisation rows as SQL gives them (id, parent_id, code, name, depth), in tree order. */
function rowsInTreeOrder(rows: { id: number; parent_id: number | null; code: string; name: string; depth: number }[]): OrganisationInOrder[] {
  return sortAsTree(rows.map((r) => ({ id: Number(r.id), parentId: r.parent_id === null ? null : Number(r.parent_id), code: r.code, name: r.name, depth: Number(r.depth) }))).map(
    ({ id, code, name, depth }) => ({ id, code, name, depth }),
  );
}

/** Depth-first order, siblings by name: the order a tree page reads in. */
export function sortAsTree<T extends { id: number; parentId: number | null; name: string }>(all: T[]): T[] {
  const children = new Map<number | null, T[]>();
  const ids = new Set(all.map((o) => o.id));
  for (const o of all) {
    const key = o.parentId !== null && ids.has(o.parentId) ? o.parentId : null;
    const siblings = children.get(key);
    if (siblings) siblings.push(o);
    else children.set(key, [o]);
  }
  const ordered: T[] = [];
  const visit = (key: number | null) => {
    for (const o of (children.get(key) ?? []).sort((a, b) => a.name.localeCompare(b.name))) {
      ordered.push(o);
      visit(o.id);
    }
  };
  visit(null);
  return ordered;
}
