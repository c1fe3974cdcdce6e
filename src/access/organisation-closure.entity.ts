import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Every (ancestor, descendant) pair of the organisation tree, self included at depth 0.
 * Subtree filters become one indexed join on both SQLite and PostgreSQL.
 */
@Entity('organisation_closure')
@Index('ix_closure_descendant', ['descendantId'])
export class OrganisationClosure {
  @PrimaryColumn({ type: 'integer' })
  ancestorId: number;

  @PrimaryColumn({ type: 'integer' })
  descendantId: number;

  @Column({ type: 'integer' })
  depth: number;
}
