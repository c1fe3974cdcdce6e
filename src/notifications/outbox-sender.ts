import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MailTransport, senderAddress, smtpTransport } from './mail-transport';
import { withPrivacyLine } from './message-words';
import { OutboxAttachment, OutboxMessage } from './outbox-message.entity';

/** How long a sender holds a message it is sending; a message whose sender died is sent again after this. */
export const CLAIM_MS = 5 * 60_000;
/** Tries before a message is given up as failed; between them the wait doubles from a minute (1, 2, 4 ... 64 minutes). */
export const MAX_ATTEMPTS = 8;
export const FIRST_RETRY_MS = 60_000;
export const NO_MAIL_SERVER = 'Not sent: no mail server set';

export interface SendRun {
  sent: number;
  retrying: number;
  failed: number;
}

/** The wait before the next try after `attempts` failed tries. */
export function retryDelayMs(attempts: number): number {
  return FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1);
}

/**
 * Sends what is due in the outbox. Each message is claimed first (an UPDATE that only one sender can
 * win: queued and due, or sending with a lapsed claim), so several servers never send the same one;
 * a failure puts it back in the queue with a doubling wait, and after MAX_ATTEMPTS it is failed.
 */
@Injectable()
export class OutboxSender implements OnModuleDestroy {
  private readonly logger = new Logger('Outbox');
  private readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 80);
  private transport: MailTransport | null | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** For tests: send through this transport instead of SMTP_URL's. */
  useTransport(transport: MailTransport | null): void {
    this.transport = transport;
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  /** Sends every message due at `now`, a batch at a time. */
  async sendDue(now = new Date(), batch = 50): Promise<SendRun> {
    const run: SendRun = { sent: 0, retrying: 0, failed: 0 };
    if (this.transport === undefined) this.transport = smtpTransport(this.config);
    const transport = this.transport;
    if (!transport) {
      await this.holdWithoutServer();
      return run;
    }
    for (;;) {
      const due = await this.dueIds(now, batch);
      if (due.length === 0) return run;
      let claimedAny = false;
      for (const id of due) {
        const claim = await this.claim(id, now);
        if (!claim) continue;
        claimedAny = true;
        run[await this.sendOne(transport, claim, now)] += 1;
      }
      if (!claimedAny || due.length < batch) return run;
    }
  }

  private async dueIds(now: Date, limit: number): Promise<number[]> {
    const rows = await this.dataSource
      .getRepository(OutboxMessage)
      .createQueryBuilder('o')
      .select('o.id', 'id')
      .where(`((o.state = 'queued' AND o.next_attempt_at <= :now) OR (o.state = 'sending' AND o.claimed_until < :now))`, { now: now.toISOString() })
      .orderBy('o.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: number }>();
    return rows.map((r) => Number(r.id));
  }

  /** Takes the message for this sender, or null when another sender has it (or it is no longer due). */
  private async claim(id: number, now: Date): Promise<{ message: OutboxMessage; token: string } | null> {
    const token = `${this.instance}/${randomBytes(4).toString('hex')}`;
    const result = await this.dataSource
      .createQueryBuilder()
      .update(OutboxMessage)
      .set({ state: 'sending', claimedBy: token, claimedUntil: new Date(now.getTime() + CLAIM_MS).toISOString(), attempts: () => 'attempts + 1' })
      .where('id = :id', { id })
      .andWhere(`((state = 'queued' AND next_attempt_at <= :now) OR (state = 'sending' AND claimed_until < :now))`, { now: now.toISOString() })
      .updateEntity(false)
      .callListeners(false)
      .execute();
    if (!result.affected) return null;
    const message = await this.dataSource.getRepository(OutboxMessage).findOneBy({ id, claimedBy: token });
    return message ? { message, token } : null;
  }

  private async sendOne(transport: MailTransport, { message, token }: { message: OutboxMessage; token: string }, now: Date): Promise<keyof SendRun> {
    try {
      const attachments = (message.attachments ? (JSON.parse(message.attachments) as OutboxAttachment[]) : []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content, 'base64'),
      }));
      // Every message says where the privacy information is, whichever feature wrote it.
      const answer = await transport.send({ from: senderAddress(this.config), to: message.toAddress, subject: message.subject, text: withPrivacyLine(message.body, this.config.PUBLIC_URL), attachments });
      await this.finish(message.id, token, { state: 'sent', sentAt: new Date().toISOString(), lastAnswer: answer.response.slice(0, 1000) || 'Sent' });
      return 'sent';
    } catch (error) {
      const answer = serverAnswer(error);
      const failed = message.attempts >= MAX_ATTEMPTS;
      await this.finish(message.id, token, {
        state: failed ? 'failed' : 'queued',
        nextAttemptAt: new Date(now.getTime() + retryDelayMs(message.attempts)).toISOString(),
        lastAnswer: answer,
      });
      this.logger.warn(`Message ${message.id} (${message.kind}) not sent, try ${message.attempts}${failed ? ', given up' : ''}: ${answer}`);
      return failed ? 'failed' : 'retrying';
    }
  }

  /** Records the outcome, only while this sender still holds the message. */
  private async finish(id: number, token: string, values: Partial<OutboxMessage>): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(OutboxMessage)
      .set({ ...values, claimedBy: null, claimedUntil: null })
      .where('id = :id AND claimed_by = :token', { id, token })
      .updateEntity(false)
      .callListeners(false)
      .execute();
  }

  /** With no mail server, queued messages stay queued; each is noted once, by number and kind (no address, no content). */
  private async holdWithoutServer(): Promise<void> {
    const held = await this.dataSource
      .getRepository(OutboxMessage)
      .createQueryBuilder('o')
      .select(['o.id', 'o.kind'])
      .where(`o.state = 'queued' AND o.last_answer IS NULL`)
      .orderBy('o.id', 'ASC')
      .limit(500)
      .getMany();
    if (held.length === 0) return;
    await this.dataSource
      .createQueryBuilder()
      .update(OutboxMessage)
      .set({ lastAnswer: NO_MAIL_SERVER })
      .where(`id IN (:...ids) AND state = 'queued' AND last_answer IS NULL`, { ids: held.map((m) => m.id) })
      .updateEntity(false)
      .callListeners(false)
      .execute();
    for (const m of held) this.logger.log(`Message ${m.id} (${m.kind}) kept in the outbox, not sent: no mail server set (SMTP_URL)`);
  }
}

/** The mail server's answer ("550 5.1.1 No such user"), or what went wrong on the way ("connection closed"). */
function serverAnswer(error: unknown): string {
  const e = error as { response?: string; message?: string; code?: string };
  const text = e?.response || [e?.code, e?.message].filter(Boolean).join(': ') || String(error);
  return text.slice(0, 1000);
}
