import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** express-session data kept in the database so several server instances share sign-ins. */
@Entity('web_sessions')
export class WebSession {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  sid: string;

  @Column({ type: 'text' })
  data: string;

  @Index('ix_web_sessions_expires')
  @Column({ type: 'varchar', length: 24 })
  expiresAt: string;

  /** The account signed in on this session (copied from data), so its sessions can be ended together. */
  @Index('ix_web_sessions_user')
  @Column({ type: 'integer', nullable: true })
  userId: number | null;
}
