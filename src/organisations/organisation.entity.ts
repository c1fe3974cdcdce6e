import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Sector } from './sectors';

@Entity('organisations')
export class Organisation {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('uq_organisations_code', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 30 })
  sector: Sector;

  @Column({ type: 'integer', nullable: true })
  parentId: number | null;

  @ManyToOne(() => Organisation, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Organisation | null;

  /** An employing body: employee references are unique within the nearest employer up the tree. */
  @Column({ type: 'boolean', default: false })
  isEmployer: boolean;

  /** Materialised path of ids from the root, e.g. "/1/4/9/": a subtree is a prefix match. */
  @Column({ type: 'varchar', length: 1000 })
  path: string;

  @Column({ type: 'integer' })
  depth: number;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
