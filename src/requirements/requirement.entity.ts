import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Level } from '../levels/level.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Role } from '../roles/role.entity';

/** A role needs a level, optionally only inside one organisation's subtree. */
@Entity('requirements')
export class Requirement {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  roleId: number;

  @ManyToOne(() => Role, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'role_id' })
  role: Role;

  @Column({ type: 'integer' })
  levelId: number;

  @ManyToOne(() => Level, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'level_id' })
  level: Level;

  @Column({ type: 'integer', nullable: true })
  organisationId: number | null;

  @ManyToOne(() => Organisation, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation: Organisation | null;

  /** Days a new starter has to complete the level after starting. */
  @Column({ type: 'integer', default: 0 })
  graceDays: number;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
