import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity';
import { queuedRow, type OutgoingMessage } from './outbox.service';

const ROWS_A_STATEMENT = 200;

/**
 * Many messages into the outbox in a few statements (the reminder and digest jobs write thousands
 * at once): the same rows as OutboxService.enqueue, without attachments, each with its
 * organisation given. Keys already there are skipped, and a concurrent writer of the same key
 * leaves one message (the unique key, ON CONFLICT DO NOTHING). Answers how many were new (a concurrent
 * writer of the same keys may have written some of them first).
 */
export async function enqueueMany(m: EntityManager, messages: (Omit<OutgoingMessage, 'attachments'> & { organisationId: number })[], now = new Date()): Promise<number> {
  // In key order, so two servers writing the same keys at once take their locks in the same order (no deadlock).
  const ordered = [...messages].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let written = 0;
  for (let from = 0; from < ordered.length; from += ROWS_A_STATEMENT) {
    const chunk = ordered.slice(from, from + ROWS_A_STATEMENT).map((message) => ({ ...message, key: message.key.slice(0, 200) }));
    const known = new Set((await m.find(OutboxMessage, { select: { messageKey: true }, where: { messageKey: In(chunk.map((c) => c.key)) } })).map((r) => r.messageKey));
    const fresh = chunk.filter((c, i) => !known.has(c.key) && chunk.findIndex((d) => d.key === c.key) === i);
    if (fresh.length === 0) continue;
    await m
      .createQueryBuilder()
      .insert()
      .into(OutboxMessage)
      .values(
        fresh.map((message) => queuedRow(message, message.organisationId, null, now)),
      )
      .orIgnore()
      .updateEntity(false)
      .callListeners(false)
      .execute();
    written += fresh.length;
  }
  return written;
}
