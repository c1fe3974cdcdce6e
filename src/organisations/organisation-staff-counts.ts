import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Head counts for the organisations page: current staff in each organisation's whole subtree. */
@Injectable()
export class OrganisationStaffCounts {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Keyed by organisation id; organisations with nobody are absent. `rootId` limits it to one subtree. */
  async currentStaffBySubtree(today: string, rootId: number | null): Promise<Map<number, number>> {
    const query = this.dataSource
      .createQueryBuilder()
      .select('c.ancestor_id', 'id')
      .addSelect('COUNT(s.id)', 'people')
      .from('organisation_closure', 'c')
      .innerJoin('staff', 's', 's.organisation_id = c.descendant_id')
      .where('(s.end_date IS NULL OR s.end_date >= :today)', { today })
      .groupBy('c.ancestor_id');
    if (rootId !== null) {
      query.andWhere('c.ancestor_id IN (SELECT r.descendant_id FROM organisation_closure r WHERE r.ancestor_id = :rootId)', { rootId });
    }
    const rows = await query.getRawMany<{ id: number | string; people: number | string }>();
    return new Map(rows.map((r) => [Number(r.id), Number(r.people)]));
  }
}
