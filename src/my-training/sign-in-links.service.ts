import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { todayIso } from '../common/dates';
import { OutboxService } from '../notifications/outbox.service';
import { Staff } from '../staff/staff.entity';
import { SignInLink } from './sign-in-link.entity';

/** Links one address may be sent in any 15 minutes; more requests get the same answer and no message. */
export const LINKS_PER_ADDRESS = 3;
const ADDRESS_WINDOW_MS = 15 * 60_000;

/** Tokens are 32 random bytes in base64url: anything else is not one of ours. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Sign-in links for My training: a person with no account types their email address and, if a
 * current staff record has it, a single-use link valid for SIGN_IN_LINK_MINUTES is queued to it.
 * The caller answers the same whatever happens here, so nobody learns which addresses are known.
 */
@Injectable()
export class SignInLinksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly outbox: OutboxService,
  ) {}

  /** Queues a link to each current record with this address (none for an unknown one, none past the per-address limit). */
  async request(email: string, now = new Date()): Promise<void> {
    const address = email.trim().toLowerCase();
    const today = todayIso(this.config.TIME_ZONE);
    const minutes = this.config.SIGN_IN_LINK_MINUTES;
    await this.dataSource.transaction(async (m) => {
      const people = await m
        .getRepository(Staff)
        .createQueryBuilder('s')
        .innerJoinAndSelect('s.organisation', 'o')
        .where('LOWER(s.email) = :address', { address })
        .andWhere('(s.end_date IS NULL OR s.end_date >= :today)', { today })
        .orderBy('s.id', 'ASC')
        .getMany();
      for (const person of people) {
        // Links made in the last 15 minutes expire within `minutes` of now, less 15 minutes: compared as ISO text on both databases.
        const recentSince = new Date(now.getTime() + minutes * 60_000 - ADDRESS_WINDOW_MS).toISOString();
        const recent = await m.getRepository(SignInLink).createQueryBuilder('l').where('l.staff_id = :id', { id: person.id }).andWhere('l.expires_at > :recentSince', { recentSince }).getCount();
        if (recent >= LINKS_PER_ADDRESS) continue;
        const token = randomBytes(32).toString('base64url');
        const expiresAt = new Date(now.getTime() + minutes * 60_000).toISOString();
        const inserted = await m.insert(SignInLink, { staffId: person.id, tokenHash: hashToken(token), expiresAt, usedAt: null });
        const linkId = Number(inserted.identifiers[0].id);
        await this.outbox.enqueue(m, {
          to: person.email!,
          subject: 'Sign in to see your Prevent training',
          text: signInMessage(person, `${this.config.PUBLIC_URL}/my-training/sign-in/${token}`, minutes),
          key: `sign-in-link:${linkId}`,
          kind: 'sign-in-link',
          personId: person.id,
        });
      }
    });
  }

  /** Whether a link can still be used (not used, not expired), without using it: the page before signing in. */
  async usable(token: string, now = new Date()): Promise<boolean> {
    if (!TOKEN.test(token)) return false;
    const link = await this.dataSource.getRepository(SignInLink).findOne({ where: { tokenHash: hashToken(token) } });
    return Boolean(link && link.usedAt === null && link.expiresAt > now.toISOString());
  }

  /**
   * Uses the link: the person's staff id, or null when it is unknown, used already, expired, or
   * they have left. Marking it used and reading it is one conditional update, so a link signs in once
   * even when two browsers follow it at the same moment.
   */
  async use(token: string, now = new Date()): Promise<number | null> {
    if (!TOKEN.test(token)) return null;
    const tokenHash = hashToken(token);
    const at = now.toISOString();
    const result = await this.dataSource
      .createQueryBuilder()
      .update(SignInLink)
      .set({ usedAt: at })
      .where('token_hash = :tokenHash AND used_at IS NULL AND expires_at > :at', { tokenHash, at })
      .execute();
    if (result.affected !== 1) return null;
    const link = await this.dataSource.getRepository(SignInLink).findOneOrFail({ where: { tokenHash }, relations: { staff: true } });
    const today = todayIso(this.config.TIME_ZONE);
    if (!link.staff || (link.staff.endDate !== null && link.staff.endDate < today)) return null;
    return link.staffId;
  }
}

/** The message with the link, in GOV.UK Notify's plain style. It names only the person it is sent to. */
function signInMessage(person: Staff, url: string, minutes: number): string {
  return [
    `Dear ${person.firstName} ${person.lastName},`,
    '',
    `Use this link to see your Prevent training record with ${person.organisation.name}, book training and send a certificate:`,
    '',
    url,
    '',
    `The link works once and only for the next ${minutes} minutes. If it has expired, ask for a new one on the same page.`,
    '',
    'If you did not ask for this email, you can ignore it: nobody can sign in without the link.',
    '',
    'Prevent training tracker',
  ].join('\n');
}
