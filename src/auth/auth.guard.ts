import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DoubleCsrfUtilities } from 'csrf-csrf';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { TokensService } from '../users/tokens.service';
import { User } from '../users/user.entity';
import { toActor } from '../users/users.service';
import { ScopeService } from '../access/scope.service';
import { ALLOW_KEY, PARTNERSHIP_WIDE_KEY, PUBLIC_KEY } from './allow.decorator';
import { needsCsrfCheck } from './csrf';
import { ROLE_NAMES, Scope, UserRole } from './scope';
import { signedInAccount } from './session-store';
import { SignInRequiredException } from './sign-in-required.exception';
import { PERSON, personScopeOf } from '../my-training/person-session';

type TrackerRequest = Request & { user?: User; scope?: Scope };

/**
 * The one gate every route passes: finds the user (bearer token or session), checks the CSRF
 * token of forms, and the route's @Allow roles. Routes without @Allow or @Public are refused.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
    private readonly scopes: ScopeService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<TrackerRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;
    const allowed = this.reflector.getAllAndOverride<UserRole[] | undefined>(ALLOW_KEY, targets);

    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const user = bearer ? await this.tokens.authenticate(bearer) : await this.sessionUser(req);
    if (bearer && !user && !isPublic) throw new UnauthorizedException('The API token is not valid or has been revoked');
    if (user) this.attach(req, res, user);
    // Without an account: a person signed in to My training by an emailed link, who reaches only @ForPerson routes.
    const person = user || bearer ? null : await personScopeOf(req, this.dataSource);
    if (person) {
      req.scope = person;
      res.locals.signedInPerson = { displayName: person.actor!.displayName };
    }

    if (needsCsrfCheck(req, Boolean(bearer)) && !(req.app.get('csrf') as DoubleCsrfUtilities).validateRequest(req)) {
      throw new ForbiddenException('This form has expired or did not come from this site. Go back, reload the page and try again.');
    }
    if (isPublic) return true;
    if (person && allowed?.includes(PERSON as UserRole)) return true;
    if (person) throw new ForbiddenException('You are signed in to My training only: this page is for people with a tracker account');
    if (!user) throw new SignInRequiredException();
    if (!allowed) {
      this.logger.error(`Route ${req.method} ${req.path} has no @Allow or @Public: refused`);
      throw new ForbiddenException('This page is not available');
    }
    if (!allowed.includes(user.role)) throw new ForbiddenException(`Your account (${ROLE_NAMES[user.role]}) cannot do this`);
    if (this.reflector.getAllAndOverride<boolean>(PARTNERSHIP_WIDE_KEY, targets) && !(await this.scopes.coversEverything(req.scope!))) {
      throw new ForbiddenException(
        'This setting is shared by the whole partnership, so only an account for the whole partnership can change it. Ask an administrator for the whole partnership.',
      );
    }
    return true;
  }

  private async sessionUser(req: TrackerRequest): Promise<User | null> {
    const userId = req.session?.userId;
    if (!userId) return null;
    const user = signedInAccount(userId) ?? (await this.dataSource.getRepository(User).findOneBy({ id: userId }));
    if (!user || user.disabled) {
      delete req.session.userId;
      return null;
    }
    return user;
  }

  private attach(req: TrackerRequest, res: Response, user: User): void {
    req.user = user;
    req.scope = Scope.of(toActor(user));
    res.locals.user = { id: user.id, email: user.email, displayName: user.displayName, role: user.role, roleName: ROLE_NAMES[user.role] };
  }
}
