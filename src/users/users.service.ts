import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, Scope } from '../auth/scope';
import { endSessionsOf } from '../auth/session-store';
import { ScopeService } from '../access/scope.service';
import { AuditService } from '../audit/audit.service';
import { FieldError } from '../common/field-error';
import { notFound } from '../common/http-errors';
import { OrganisationsService } from '../organisations/organisations.service';
import { StaffService } from '../staff/staff.service';
import { CreateUserDto, UpdateUserDto, UserView } from './dto/user.dto';
import { hashPassword, passwordProblem, temporaryPassword as generateTemporaryPassword, verifyPassword } from './passwords';
import { revokeAllTokens } from './tokens.service';
import { User } from './user.entity';

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly staff: StaffService,
    private readonly scopes: ScopeService,
    private readonly audit: AuditService,
  ) {}

  private get users() {
    return this.dataSource.getRepository(User);
  }

  /** Accounts an administrator may manage: those limited to organisations inside their own subtree. */
  async list(scope: Scope): Promise<User[]> {
    return this.scopes
      .users(scope)
      .leftJoinAndSelect('u.organisation', 'o')
      .leftJoinAndSelect('u.staff', 's')
      .orderBy('u.display_name', 'ASC')
      .getMany();
  }

  async get(scope: Scope, id: number, m: EntityManager = this.dataSource.manager): Promise<User> {
    const user = await this.scopes
      .users(scope, m)
      .leftJoinAndSelect('u.organisation', 'o')
      .leftJoinAndSelect('u.staff', 's')
      .andWhere('u.id = :id', { id })
      .getOne();
    if (!user) throw notFound('user', id);
    return user;
  }

  /** For sign-in steps only, before there is a scope: the account by id, whatever its organisation. */
  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email: email.trim().toLowerCase() } });
  }

  /** Creates an account; without a password a temporary one is generated and returned once. */
  async create(scope: Scope, dto: CreateUserDto): Promise<{ user: User; temporaryPassword: string | null }> {
    const temporaryPassword = dto.password ? null : generateTemporaryPassword();
    const password = dto.password ?? temporaryPassword!;
    const problem = passwordProblem(password, [dto.email, dto.displayName]);
    if (problem) throw new FieldError('password', problem, HttpStatus.BAD_REQUEST);
    const passwordHash = await hashPassword(password);
    const user = await this.dataSource.transaction(async (m) => {
      // Said the same whether the account is inside the creator's subtree or not, so nothing outside it is revealed.
      if (await m.existsBy(User, { email: dto.email })) {
        throw new FieldError('email', 'This email address already has an account, or cannot be used for a new one. Check the list of user accounts, or ask an administrator for the whole partnership.', HttpStatus.CONFLICT);
      }
      const user = m.create(User, { email: dto.email, displayName: dto.displayName, role: dto.role, passwordHash, disabled: false, failedAttempts: 0 });
      await this.applyScopeFields(scope, user, dto, m);
      return m.save(User, user);
    });
    return { user: await this.get(Scope.system(), user.id), temporaryPassword };
  }

  async update(scope: Scope, id: number, dto: UpdateUserDto): Promise<User> {
    await this.dataSource.transaction(async (m) => {
      const user = await this.get(scope, id, m);
      if (dto.displayName !== undefined) user.displayName = dto.displayName;
      if (dto.role !== undefined) user.role = dto.role;
      if (dto.disabled !== undefined) user.disabled = dto.disabled;
      await this.applyScopeFields(scope, user, dto, m);
      await m.save(User, user);
    });
    return this.get(scope, id);
  }

  /**
   * Changes the user's own password and, in the same transaction, ends their other signed-in
   * sessions (all but `keepSessionId`, the one asking) and, when asked, revokes their API tokens.
   */
  async changePassword(
    userId: number,
    currentPassword: string,
    newPassword: string,
    options: { keepSessionId?: string; revokeTokens?: boolean } = {},
  ): Promise<{ signedOutSessions: number; revokedTokens: number }> {
    const user = await this.users.findOneByOrFail({ id: userId });
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new FieldError('currentPassword', 'that is not your current password');
    }
    const problem = passwordProblem(newPassword, [user.email, user.displayName]);
    if (problem) throw new FieldError('newPassword', problem, HttpStatus.BAD_REQUEST);
    user.passwordHash = await hashPassword(newPassword);
    return this.dataSource.transaction(async (m) => {
      await m.save(User, user);
      const signedOutSessions = await endSessionsOf(m, user.id, options.keepSessionId);
      const revokedTokens = options.revokeTokens ? await revokeAllTokens(m, user.id) : 0;
      // The hash is never logged, so the subscriber sees no change: say what happened instead.
      await this.audit.record({ action: 'password_changed', entity: 'users', entityKey: user.email, organisationId: user.organisationId, after: { signedOutSessions, revokedTokens } }, undefined, m);
      return { signedOutSessions, revokedTokens };
    });
  }

  /**
   * Sets the fields that decide what an account sees: its organisation (inside the creator's own
   * subtree; none only for an administrator, and only from an administrator with none) and its
   * own staff record (one the creator can see). Out of reach and unknown answer alike.
   */
  private async applyScopeFields(scope: Scope, user: User, dto: UpdateUserDto, m: EntityManager): Promise<void> {
    if (dto.organisationCode !== undefined) {
      if (dto.organisationCode === null) {
        if (scope.rootOrganisationId !== null) {
          throw new FieldError('organisationCode', 'Choose the organisation the account is limited to: it must be yours or one inside it');
        }
        user.organisationId = null;
      } else {
        user.organisationId = (await this.scopes.organisationField(scope, dto.organisationCode, 'organisationCode', m)).id;
      }
      user.organisation = undefined;
    }
    if (user.organisationId === null || user.organisationId === undefined) {
      if (user.role !== 'admin') {
        throw new FieldError('organisationCode', 'Choose an organisation: only administrators can have an account for the whole partnership');
      }
      if (scope.rootOrganisationId !== null) {
        throw new FieldError('organisationCode', 'Choose the organisation the account is limited to: it must be yours or one inside it');
      }
    }
    if (dto.staffEmployeeRef !== undefined) {
      user.staffId = dto.staffEmployeeRef ? (await this.linkableStaff(scope, dto.staffEmployeeRef, dto.organisationCode ?? undefined, m)).id : null;
      // The loaded relation would otherwise win over the new id when saved.
      user.staff = undefined;
    }
  }

  /** A staff record the creator can see; any other answers as unknown. */
  private async linkableStaff(scope: Scope, employeeRef: string, organisationCode: string | undefined, m: EntityManager) {
    const unknown = new FieldError('staffEmployeeRef', `no person with employee reference ${employeeRef}${organisationCode ? ` in ${organisationCode}` : ''}`);
    let person;
    try {
      person = await this.staff.findByRef(employeeRef, organisationCode, m, 'staffEmployeeRef');
    } catch (error) {
      // An ambiguous reference may name people outside the subtree: say only that it was not found.
      if (error instanceof HttpException && !scope.isSystem && scope.rootOrganisationId !== null) throw unknown;
      throw error;
    }
    if (!(await this.scopes.staffVisible(scope, person.id, m))) throw unknown;
    return person;
  }
}

export function toActor(user: User): Actor {
  return {
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    organisationId: user.organisationId,
    staffId: user.staffId,
  };
}

export function userView(u: User): UserView {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    organisationCode: u.organisation?.code ?? null,
    staffEmployeeRef: u.staff?.employeeRef ?? null,
    disabled: u.disabled,
    locked: u.lockedUntil !== null && u.lockedUntil > new Date().toISOString(),
    lastSignInAt: u.lastSignInAt,
    secondFactor: u.totpEnabledAt !== null,
  };
}
