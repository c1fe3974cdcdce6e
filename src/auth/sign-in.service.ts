import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { SecondFactorService } from '../second-factor/second-factor.service';
import { IdentityProvidersService } from '../single-sign-on/identity-providers.service';
import { decoy, verifyPassword } from '../users/passwords';
import { User } from '../users/user.entity';

const REFUSED = 'The email address or password is not right';
export const WRONG_CODE = 'The code is not right. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes';

type Actor = { userId: number | null; email: string; ip: string | null };

/**
 * Checks passwords and second-factor codes, counts failures (both kinds together) and locks an
 * account after too many in a row. A sign-in is recorded only once every step has passed.
 */
@Injectable()
export class SignInService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly providers: IdentityProvidersService,
    private readonly secondFactor: SecondFactorService,
  ) {}

  /**
   * The account whose password this is, or an error to show. Accounts at a domain that must use
   * single sign-on are refused before anything is looked up, so the answer says nothing about
   * whether an account exists.
   */
  async checkPassword(email: string, password: string, ip: string | null): Promise<User> {
    const normalised = email.trim().toLowerCase();
    const ssoOnly = await this.providers.passwordsOffFor(normalised);
    if (ssoOnly) {
      await this.audit.record({ action: 'sign_in_failed', entity: 'users', entityKey: normalised, after: { reason: 'single sign-on only', provider: ssoOnly.slug } }, { userId: null, email: normalised, ip });
      throw new ForbiddenException(`Accounts at ${normalised.split('@').pop()} sign in with ${ssoOnly.label}, not with a password: choose "Sign in with ${ssoOnly.label}"`);
    }
    const users = this.dataSource.getRepository(User);
    const user = await users.findOne({ where: { email: normalised } });
    const actor = { userId: user?.id ?? null, email: normalised, ip };
    if (!user) {
      await verifyPassword(await decoy(), password);
      await this.audit.record({ action: 'sign_in_failed', entity: 'users', entityKey: normalised, after: { reason: 'unknown email' } }, actor);
      throw new UnauthorizedException(REFUSED);
    }
    if (this.isLocked(user)) {
      // Answered exactly as an unknown email is, after the same decoy check, so nobody can learn
      // from a lock-out which addresses have accounts. The owner sees it on the admin pages.
      await verifyPassword(await decoy(), password);
      await this.audit.record({ action: 'sign_in_failed', entity: 'users', entityKey: normalised, after: { reason: 'locked', lockedUntil: user.lockedUntil } }, actor);
      throw new UnauthorizedException(REFUSED);
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.recordFailure(user, actor, 'wrong password');
      throw new UnauthorizedException(REFUSED);
    }
    if (user.disabled) {
      await this.audit.record({ action: 'sign_in_failed', entity: 'users', entityKey: normalised, after: { reason: 'disabled' } }, actor);
      throw new UnauthorizedException('This account has been disabled. Ask an administrator if you need access.');
    }
    return user;
  }

  /**
   * The second step of a password sign-in: a code from the authenticator app or a recovery code.
   * Wrong codes count towards the same lock-out as wrong passwords.
   */
  async checkSecondFactor(userId: number, code: string, ip: string | null): Promise<{ user: User; used: 'totp' | 'recovery' }> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: userId });
    const actor = { userId: user.id, email: user.email, ip };
    if (user.disabled) throw new UnauthorizedException('This account has been disabled. Ask an administrator if you need access.');
    if (this.isLocked(user)) {
      await this.audit.record({ action: 'sign_in_failed', entity: 'users', entityKey: user.email, after: { reason: 'locked', lockedUntil: user.lockedUntil } }, actor);
      throw new UnauthorizedException('There have been too many wrong attempts, so the account is locked for a while. Sign in again later.');
    }
    const used = await this.secondFactor.verify(user, code, actor);
    if (!used) {
      await this.recordFailure(user, actor, 'wrong code');
      throw new UnauthorizedException(WRONG_CODE);
    }
    return { user, used };
  }

  /** Email, password and (where the account has one) a second-factor code, for a script's API token. */
  async checkForToken(email: string, password: string, code: string | undefined, ip: string | null): Promise<User> {
    const user = await this.checkPassword(email, password, ip);
    const stage = this.secondFactor.stageAfterPassword(user);
    if (stage === 'enrol') {
      throw new ForbiddenException('Your role must use a second factor: sign in on the web and set up an authenticator app first, or create a token on Your account');
    }
    if (stage === 'code') {
      if (!code) throw new UnauthorizedException('This account uses a second factor: send code, the 6-digit code from the authenticator app (or a recovery code)');
      await this.checkSecondFactor(user.id, code, ip);
    }
    await this.complete(user, ip, stage === 'code' ? 'password and second factor' : 'password');
    return user;
  }

  /** Every step passed: the sign-in is recorded and the failure count starts again. */
  async complete(user: User, ip: string | null, via: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(User)
      .set({ failedAttempts: 0, lockedUntil: null, lastSignInAt: new Date().toISOString() })
      .where('id = :id', { id: user.id })
      .callListeners(false)
      .execute();
    await this.audit.record({ action: 'sign_in', entity: 'users', entityKey: user.email, after: { via } }, { userId: user.id, email: user.email, ip });
  }

  private isLocked(user: User): boolean {
    return Boolean(user.lockedUntil && user.lockedUntil > new Date().toISOString());
  }

  private async recordFailure(user: User, actor: Actor, reason: string) {
    // Counted in SQL so simultaneous attempts can't lose increments.
    await this.dataSource
      .createQueryBuilder()
      .update(User)
      .set({ failedAttempts: () => 'failed_attempts + 1' })
      .where('id = :id', { id: user.id })
      .callListeners(false)
      .execute();
    const { failedAttempts } = await this.dataSource.getRepository(User).findOneByOrFail({ id: user.id });
    await this.audit.record({ action: 'sign_in_failed', entity: 'users', entityKey: user.email, after: { reason, failedAttempts } }, actor);
    if (failedAttempts >= this.config.LOCKOUT_THRESHOLD) {
      const lockedUntil = new Date(Date.now() + this.config.LOCKOUT_MINUTES * 60_000).toISOString();
      await this.dataSource.createQueryBuilder().update(User).set({ lockedUntil, failedAttempts: 0 }).where('id = :id', { id: user.id }).callListeners(false).execute();
      await this.audit.record({ action: 'account_locked', entity: 'users', entityKey: user.email, after: { lockedUntil, failedAttempts } }, actor);
    }
  }
}
