import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuditActor } from '../audit/audit-context';
import { endSessionsOf } from '../auth/session-store';
import { FieldError } from '../common/field-error';
import { AppConfig } from '../config/app-config';
import { User } from '../users/user.entity';
import { RecoveryCode } from './recovery-code.entity';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32: no I, L, O or U to misread. 16 characters are 80 random bits. */
const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ISSUER = 'Prevent training tracker';
/** One 30-second step either side, for clocks a little out and codes typed as they change. */
const TOLERANCE_SECONDS = 30;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** What is asked after a right password: nothing more, a code, or setting up an authenticator app first. */
export type SecondFactorStage = 'none' | 'code' | 'enrol';

export interface TotpSetUp {
  secret: string;
  uri: string;
  qrDataUrl: string;
}

/**
 * The second factor of local accounts: an authenticator app (TOTP, RFC 6238, through otplib) and
 * one-time recovery codes, stored hashed. Sign-ins through an identity provider do not use it:
 * the provider applies its own.
 */
@Injectable()
export class SecondFactorService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  isRequiredFor(user: Pick<User, 'role'>): boolean {
    return this.config.secondFactorRoles.includes(user.role);
  }

  stageAfterPassword(user: User): SecondFactorStage {
    if (user.totpEnabledAt && user.totpSecret) return 'code';
    return this.isRequiredFor(user) ? 'enrol' : 'none';
  }

  /** A new secret to show as a QR code; nothing is stored until a code from it is confirmed. */
  async newSetUp(email: string, secret: string = generateSecret()): Promise<TotpSetUp> {
    const uri = generateURI({ issuer: ISSUER, label: email, secret });
    // SVG rather than PNG: sharp at any zoom, and far cheaper to draw (PNG encoding took most of this page's time).
    const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, width: 240 });
    return { secret, uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  }

  /**
   * Turns the second factor on with the secret shown at set-up, once a code from it is right;
   * returns the recovery codes, to be shown once.
   */
  async confirmSetUp(userId: number, secret: string, code: string, actor?: AuditActor): Promise<string[]> {
    const step = this.matchingStep(secret, code, null);
    if (step === null) throw new FieldError('code', 'The code is not right. Enter the 6-digit code your authenticator app shows now');
    return this.dataSource.transaction(async (m) => {
      const user = await m.findOneByOrFail(User, { id: userId });
      if (user.totpEnabledAt) throw new FieldError('code', 'Your account already has an authenticator app. Turn it off first to set up another');
      await m.update(User, { id: userId }, { totpSecret: secret, totpEnabledAt: new Date().toISOString(), totpLastStep: step });
      const codes = await this.replaceRecoveryCodes(m, userId);
      await this.audit.record({ action: 'second_factor_set_up', entity: 'users', entityKey: user.email, after: { method: 'authenticator app', recoveryCodes: codes.length } }, actor, m);
      return codes;
    });
  }

  /**
   * Checks a code from the app, or a recovery code (used up), for an account with a second factor.
   * 'totp' or 'recovery' when right, null when not. A code is never accepted twice.
   */
  async verify(user: User, input: string, actor?: AuditActor): Promise<'totp' | 'recovery' | null> {
    const code = input.replace(/\s+/g, '');
    if (!user.totpSecret || !user.totpEnabledAt) return null;
    if (/^\d{6}$/.test(code)) {
      const step = this.matchingStep(user.totpSecret, code, user.totpLastStep);
      if (step === null) return null;
      // Only one request can move the step on, so two sign-ins racing with one code cannot both pass.
      const moved = await this.dataSource
        .createQueryBuilder()
        .update(User)
        .set({ totpLastStep: step })
        .where('id = :id AND (totp_last_step IS NULL OR totp_last_step < :step)', { id: user.id, step })
        .callListeners(false)
        .execute();
      return moved.affected === 1 ? 'totp' : null;
    }
    const recovery = normaliseRecoveryCode(code);
    if (recovery.length !== 16) return null;
    const unused = await this.dataSource.getRepository(RecoveryCode).findBy({ userId: user.id, usedAt: IsNull() });
    const match = unused.find((r) => hashMatches(r.codeHash, recovery));
    if (!match) return null;
    const used = await this.dataSource.getRepository(RecoveryCode).update({ id: match.id, usedAt: IsNull() }, { usedAt: new Date().toISOString() });
    if (used.affected !== 1) return null;
    await this.audit.record({ action: 'recovery_code_used', entity: 'users', entityKey: user.email, after: { left: unused.length - 1 } }, actor);
    return 'recovery';
  }

  recoveryCodesLeft(userId: number): Promise<number> {
    return this.dataSource.getRepository(RecoveryCode).countBy({ userId, usedAt: IsNull() });
  }

  /** New recovery codes for the account's own use, after a right code; the old ones stop working. */
  async newRecoveryCodes(user: User, code: string, actor?: AuditActor): Promise<string[]> {
    if ((await this.verify(user, code, actor)) === null) throw new FieldError('code', 'The code is not right');
    return this.dataSource.transaction(async (m) => {
      const codes = await this.replaceRecoveryCodes(m, user.id);
      await this.audit.record({ action: 'recovery_codes_replaced', entity: 'users', entityKey: user.email, after: { recoveryCodes: codes.length } }, actor, m);
      return codes;
    });
  }

  /** The account's own choice to stop using the app, after a right code; refused where the role requires it. */
  async turnOff(user: User, code: string, actor?: AuditActor): Promise<void> {
    if (this.isRequiredFor(user)) throw new ForbiddenException('Your role must use a second factor, so it cannot be turned off. Ask an administrator to reset it if you have lost your app.');
    if ((await this.verify(user, code, actor)) === null) throw new FieldError('code', 'The code is not right');
    await this.dataSource.transaction(async (m) => {
      await this.clear(m, user.id);
      await this.audit.record({ action: 'second_factor_turned_off', entity: 'users', entityKey: user.email }, actor, m);
    });
  }

  /**
   * An administrator's reset, for someone who lost their app and codes: the app and codes are
   * removed and the account's sessions end, so the next sign-in starts over (with set-up where required).
   */
  async reset(user: User, actor?: AuditActor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await this.clear(m, user.id);
      const signedOutSessions = await endSessionsOf(m, user.id);
      await this.audit.record({ action: 'second_factor_reset', entity: 'users', entityKey: user.email, organisationId: user.organisationId, after: { signedOutSessions } }, actor, m);
    });
  }

  private async clear(m: EntityManager, userId: number): Promise<void> {
    await m.update(User, { id: userId }, { totpSecret: null, totpEnabledAt: null, totpLastStep: null });
    await m.delete(RecoveryCode, { userId });
  }

  private async replaceRecoveryCodes(m: EntityManager, userId: number): Promise<string[]> {
    await m.delete(RecoveryCode, { userId });
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await m.insert(
      RecoveryCode,
      codes.map((code) => ({ userId, codeHash: hashRecoveryCode(normaliseRecoveryCode(code)), usedAt: null })),
    );
    return codes;
  }

  /** The time step a right code belongs to, if it is later than the last one accepted; else null. */
  private matchingStep(secret: string, code: string, lastStep: number | null): number | null {
    if (!/^\d{6}$/.test(code.trim())) return null;
    try {
      const result = verifySync({ secret, token: code.trim(), epochTolerance: TOLERANCE_SECONDS, ...(lastStep === null ? {} : { afterTimeStep: lastStep }) });
      return result.valid ? (result as { timeStep: number }).timeStep : null;
    } catch {
      // afterTimeStep ahead of the clock (the clock went back): refuse rather than accept a replay.
      return null;
    }
  }
}

function newRecoveryCode(): string {
  const chars = Array.from({ length: 16 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** As typed: any case, with or without hyphens and spaces, and I, L, O read as 1, 1, 0. */
export function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]+/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
}

function hashRecoveryCode(code: string): string {
  const salt = randomBytes(8).toString('hex');
  return `${salt}$${sha256(`${salt}${code}`)}`;
}

function hashMatches(stored: string, code: string): boolean {
  const [salt, hash] = stored.split('$');
  return sha256(`${salt}${code}`) === hash;
}
