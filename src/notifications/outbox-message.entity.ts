import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const OUTBOX_STATES = ['queued', 'sending', 'sent', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** A file sent with a message, kept in the outbox as base64 until the message is sent. */
export interface OutboxAttachment {
  filename: string;
  contentType: string;
  /** base64 */
  content: string;
}

/**
 * One email in the outbox, written in the transaction of the change that causes it and sent later by
 * OutboxSender. Times are ISO instants as text ("2026-12-01T10:00:00.000Z"): they sort as text on both databases.
 */
@Entity('outbox_messages')
@Index('ix_outbox_messages_due', ['state', 'nextAttemptAt'])
@Index('ix_outbox_messages_organisation', ['organisationId', 'id'])
export class OutboxMessage {
  @PrimaryGeneratedColumn()
  id: number;

  /** What makes the message unique ("booking-confirmed:12"): the same key twice is one message. */
  @Index('uq_outbox_messages_key', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  messageKey: string;

  @Column({ type: 'varchar', length: 40 })
  kind: string;

  @Column({ type: 'varchar', length: 254 })
  toAddress: string;

  @Column({ type: 'varchar', length: 300 })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  /** JSON array of OutboxAttachment, or null. */
  @Column({ type: 'text', nullable: true })
  attachments: string | null;

  /** The person the message is about (staff), when there is one. */
  @Index('ix_outbox_messages_person')
  @Column({ type: 'integer', nullable: true })
  personId: number | null;

  @Column({ type: 'integer', nullable: true })
  sessionId: number | null;

  /** The organisation of the person or session the message is about: who may see it in /admin/outbox. */
  @Column({ type: 'integer', nullable: true })
  organisationId: number | null;

  @Column({ type: 'varchar', length: 12, default: 'queued' })
  state: OutboxState;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'varchar', length: 24 })
  nextAttemptAt: string;

  /** Which sender holds the message and until when; a lapsed claim may be taken again. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  claimedBy: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  claimedUntil: string | null;

  /** The mail server's last answer (or why the message was not sent). */
  @Column({ type: 'text', nullable: true })
  lastAnswer: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  sentAt: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
