import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One change or sign-in event: who, when, what, before and after. */
@Entity('audit_log')
@Index('ix_audit_entity', ['entity', 'entityKey'])
@Index('ix_audit_organisation', ['organisationId', 'id'])
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_audit_created')
  @CreateDateColumn()
  createdAt: Date;

  @Column({ type: 'integer', nullable: true })
  actorUserId: number | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  actorEmail: string | null;

  /** create, update, delete, sign_in, sign_in_failed, account_locked, import, register, ... */
  @Column({ type: 'varchar', length: 40 })
  action: string;

  @Column({ type: 'varchar', length: 60 })
  entity: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  entityKey: string | null;

  @Column({ type: 'text', nullable: true })
  beforeJson: string | null;

  @Column({ type: 'text', nullable: true })
  afterJson: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  /** Why the change was made, where the person had to say (correcting or deleting a completion). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  /** The organisation of the record (or signed-in account) the entry is about; null for partnership-wide things. */
  @Column({ type: 'integer', nullable: true })
  organisationId: number | null;
}
