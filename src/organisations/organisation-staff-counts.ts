import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { currentStaffBySubtree } from '../access/organisation-tree';

/** Head counts for the organisations page: current staff in each organisation's whole subtree. */
@Injectable()
export class OrganisationStaffCounts {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Keyed by organisation id; organisations with nobody are absent. `rootId` limits it to one subtree. */
  currentStaffBySubtree(today: string, rootId: number | null): Promise<Map<number, number>> {
    return currentStaffBySubtree(this.dataSource.manager, today, rootId);
  }
}
