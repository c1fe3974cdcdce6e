/**
 * The outbox: every email the tracker sends is first written here, in the same transaction as the
 * change that causes it, and sent later by OutboxSender (outbox-sender.ts).
 *
 *   await outbox.enqueue(manager, {
 *     to: 'ann@example.org',            // one address; never several people in one message
 *     subject: 'Your place on ...',
 *     text: 'Plain text body',
 *     key: 'booking-confirmed:42',      // unique per message: the same key twice is one message
 *     kind: 'booking-confirmed',        // what sort of message (shown in /admin/outbox)
 *     personId: 17,                     // optional: the person (staff id) the message is about
 *     sessionId: 5,                     // optional: the session it is about
 *     organisationId: 3,                // optional: else the person's, else the session's host
 *     attachments: [{ filename: 'session.ics', contentType: 'text/calendar', content: '...' }],
 *   });                                  // resolves true when queued, false when the key was already there
 *
 * `manager` is the caller's EntityManager (inside its transaction), so the message exists only if the
 * change is committed. Who may see a message in /admin/outbox follows its organisation.
 */
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import type { Scope } from '../auth/scope';
import { Page, pageOf, PageQuery } from '../common/paging';
import { Staff } from '../staff/staff.entity';
import { TrainingSession } from '../sessions/training-session.entity';
import { OutboxAttachment, OutboxMessage } from './outbox-message.entity';

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  key: string;
  kind: string;
  personId?: number | null;
  sessionId?: number | null;
  organisationId?: number | null;
  attachments?: { filename: string; contentType: string; content: Buffer | string }[];
}

/** The outbox row of a message just queued: every writer of the outbox builds it here (one or many at once). */
export function queuedRow(message: Omit<OutgoingMessage, 'attachments'>, organisationId: number | null, attachments: string | null, now: Date) {
  return {
    messageKey: message.key.slice(0, 200),
    kind: message.kind,
    toAddress: message.to.trim(),
    subject: message.subject.slice(0, 300),
    body: message.text,
    attachments,
    personId: message.personId ?? null,
    sessionId: message.sessionId ?? null,
    organisationId,
    state: 'queued' as const,
    attempts: 0,
    nextAttemptAt: now.toISOString(),
  };
}

/** A message as /admin/outbox lists it (no body: it may hold a sign-in link). */
export interface OutboxRow {
  id: number;
  kind: string;
  toAddress: string;
  subject: string;
  state: OutboxMessage['state'];
  attempts: number;
  lastAnswer: string | null;
  createdAt: Date;
  sentAt: string | null;
  nextAttemptAt: string;
}

@Injectable()
export class OutboxService {
  constructor(private readonly scopes: ScopeService) {}

  /** The messages the scope may see (ScopeService.outboxMessages), newest first. */
  async list(scope: Scope, query: PageQuery): Promise<Page<OutboxRow>> {
    const qb = this.scopes
      .outboxMessages(scope)
      .select(['om.id', 'om.kind', 'om.toAddress', 'om.subject', 'om.state', 'om.attempts', 'om.lastAnswer', 'om.createdAt', 'om.sentAt', 'om.nextAttemptAt'])
      .orderBy('om.id', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize);
    const [items, total] = await qb.getManyAndCount();
    return pageOf(items, total, query);
  }

  async enqueue(manager: EntityManager, message: OutgoingMessage, now = new Date()): Promise<boolean> {
    const attachments: OutboxAttachment[] | null = message.attachments?.length
      ? message.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: (typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : a.content).toString('base64'),
        }))
      : null;
    const messageKey = message.key.slice(0, 200);
    if (await manager.exists(OutboxMessage, { where: { messageKey } })) return false;
    // ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite): a concurrent writer of the same key leaves one message.
    await manager
      .createQueryBuilder()
      .insert()
      .into(OutboxMessage)
      .values(queuedRow(message, await this.organisationOf(manager, message), attachments && JSON.stringify(attachments), now))
      .orIgnore()
      .updateEntity(false)
      .callListeners(false)
      .execute();
    return true;
  }

  /** Whether a message with this key is already in the outbox (to skip making costly attachments twice). */
  has(manager: EntityManager, key: string): Promise<boolean> {
    return manager.exists(OutboxMessage, { where: { messageKey: key.slice(0, 200) } });
  }

  private async organisationOf(manager: EntityManager, message: OutgoingMessage): Promise<number | null> {
    if (message.organisationId) return message.organisationId;
    if (message.personId) {
      const person = await manager.findOne(Staff, { where: { id: message.personId }, select: { id: true, organisationId: true } });
      if (person) return person.organisationId;
    }
    if (message.sessionId) {
      const session = await manager.findOne(TrainingSession, { where: { id: message.sessionId }, select: { id: true, hostOrganisationId: true } });
      if (session) return session.hostOrganisationId;
    }
    return null;
  }
}
