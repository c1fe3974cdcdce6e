import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '../roles/role.entity';
import { Staff } from '../staff/staff.entity';

export const RULE_FIELDS = ['job_title', 'position', 'staff_group', 'department', 'organisation'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];
export const RULE_OPERATORS = ['equals', 'contains', 'starts_with'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];
export const RULE_EFFECTS = ['add', 'remove'] as const;
export type RuleEffect = (typeof RULE_EFFECTS)[number];

/** "Job title contains 'social worker': add FRONTLINE". Partnership-wide, applied on every staff import. */
@Entity('role_rules')
export class RoleRule {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  field: RuleField;

  @Column({ type: 'varchar', length: 20 })
  operator: RuleOperator;

  @Column({ type: 'varchar', length: 200 })
  value: string;

  @Column({ type: 'integer' })
  roleId: number;

  @ManyToOne(() => Role, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id' })
  role?: Role;

  @Column({ type: 'varchar', length: 10 })
  effect: RuleEffect;

  /** Order in the table, as the administrator wrote it. */
  @Column({ type: 'integer' })
  positionInTable: number;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}

/** A role a person holds because a rule gave it: taken away again when no rule gives it any more. */
@Entity('staff_rule_roles')
@Index('ix_staff_rule_roles_role', ['roleId'])
export class StaffRuleRole {
  @PrimaryColumn({ type: 'integer' })
  staffId: number;

  @PrimaryColumn({ type: 'integer' })
  roleId: number;

  @ManyToOne(() => Staff, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'staff_id' })
  staff?: Staff;

  @ManyToOne(() => Role, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id' })
  role?: Role;
}
