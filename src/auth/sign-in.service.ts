import { Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { decoy, verifyPassword } from '../users/passwords';
import { User } from '../users/user.entity';

const REFUSED = 'The email address or password is not right';

/** Checks passwords, counts failures and locks an account after too many in a row. */
@Injectable()
export class SignInService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async signIn(email: string, password: string, ip: string | null): Promise<User> {
    const normalised = email.trim().toLowerCase();
    const users = this.dataSource.getRepository(User);
    const user = await users.findOne({ where: { email: normalised } });
    const actor = { userId: user?.id ?? null, email: normalised, ip };
    if (!user) {
      await verifyPassword(await decoy(), password);
      await this.audit.record({ action: 'sign_in_failed', entity: 'users', entityKey: normalised, after: { reason: 'unknown email' } }, actor);
      throw new UnauthorizedException(REFUSED);
    }
    const now = new Date();
    if (user.lockedUntil && user.lockedUntil > now.toISOString()) {
      // Answered exactly as an unknown email is, after the same decoy check, so nobody can learn
      // from a lock-out which addresses have accounts. The owner sees it on the admin pages.
      await verifyPassword(await decoy(), password);
      await this.audit.record({ action: 'sign_in_failed', entity: 'users', entityKey: normalised, after: { reason: 'locked', lockedUntil: user.lockedUntil } }, actor);
      throw new UnauthorizedException(REFUSED);
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.recordFailure(user, actor, now);
      throw new UnauthorizedException(REFUSED);
    }
    if (user.disabled) {
      await this.audit.record({ action: 'sign_in_failed', entity: 'users', entityKey: normalised, after: { reason: 'disabled' } }, actor);
      throw new UnauthorizedException('This account has been disabled. Ask an administrator if you need access.');
    }
    await users.update({ id: user.id }, { failedAttempts: 0, lockedUntil: null, lastSignInAt: now.toISOString() });
    await this.audit.record({ action: 'sign_in', entity: 'users', entityKey: normalised }, actor);
    return user;
  }

  private async recordFailure(user: User, actor: { userId: number | null; email: string; ip: string | null }, now: Date) {
    // Counted in SQL so simultaneous attempts can't lose increments.
    await this.dataSource
      .createQueryBuilder()
      .update(User)
      .set({ failedAttempts: () => 'failed_attempts + 1' })
      .where('id = :id', { id: user.id })
      .callListeners(false)
      .execute();
    const { failedAttempts } = await this.dataSource.getRepository(User).findOneByOrFail({ id: user.id });
    await this.audit.record({ action: 'sign_in_failed', entity: 'users', entityKey: user.email, after: { reason: 'wrong password', failedAttempts } }, actor);
    if (failedAttempts >= this.config.LOCKOUT_THRESHOLD) {
      const lockedUntil = new Date(now.getTime() + this.config.LOCKOUT_MINUTES * 60_000).toISOString();
      await this.dataSource.createQueryBuilder().update(User).set({ lockedUntil, failedAttempts: 0 }).where('id = :id', { id: user.id }).callListeners(false).execute();
      await this.audit.record({ action: 'account_locked', entity: 'users', entityKey: user.email, after: { lockedUntil, failedAttempts } }, actor);
    }
  }
}
