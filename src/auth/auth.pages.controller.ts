import { Body, Controller, Get, HttpException, Param, ParseIntPipe, Post, Query, Render, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { TokensService } from '../users/tokens.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AnySignedIn, Public } from './allow.decorator';
import { ROLE_NAMES } from './scope';
import { SESSION_COOKIE } from './web-security';
import { SignInThrottle } from './sign-in-throttle';
import { SignInService } from './sign-in.service';

type SignedInRequest = Request & { user: User };

/** Only local paths, so the sign-in page cannot be used to send people elsewhere. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly signIn: SignInService,
    private readonly tokens: TokensService,
    private readonly users: UsersService,
  ) {}

  @Get('sign-in')
  @Public()
  @Render('auth/sign-in')
  page(@Query('next') next: string) {
    return { title: 'Sign in', next: safeNext(next) };
  }

  @Post('sign-in')
  @Public()
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  async submit(@Body() body: { email?: string; password?: string; next?: string }, @Req() req: Request, @Res() res: Response) {
    const email = String(body.email ?? '').trim();
    const next = safeNext(body.next);
    const errors = [
      ...(email ? [] : [{ href: '#email', field: 'email', text: 'Enter your email address' }]),
      ...(body.password ? [] : [{ href: '#password', field: 'password', text: 'Enter your password' }]),
    ];
    if (errors.length) return res.status(400).render('auth/sign-in', { title: 'Sign in', email, next, errors });
    try {
      const user = await this.signIn.signIn(email, String(body.password), req.ip ?? null);
      // A new session id on sign-in, so a session fixed before sign-in is worthless.
      req.session.regenerate((error) => {
        if (error) return res.status(500).render('errors/error', { title: 'Sorry, there is a problem with the service', messages: ['Please try again.'] });
        req.session.userId = user.id;
        req.session.save(() => res.redirect(303, next));
      });
    } catch (error) {
      const status = error instanceof HttpException ? error.getStatus() : 500;
      if (status >= 500) throw error;
      return res.status(status).render('auth/sign-in', {
        title: 'Sign in',
        email,
        next,
        errors: [{ href: '#email', text: error instanceof Error ? error.message : 'Sign-in failed' }],
      });
    }
  }

  @Post('sign-out')
  @Public()
  signOut(@Req() req: Request, @Res() res: Response) {
    req.session.destroy(() => {
      res.clearCookie(SESSION_COOKIE);
      res.redirect(303, '/sign-in');
    });
  }

  @Get('account')
  @AnySignedIn()
  @Render('auth/account')
  async account(@Req() req: SignedInRequest, @Query('done') done?: string) {
    const tokens = await this.tokens.list(req.user.id);
    return { title: 'Your account', account: req.user, roleName: ROLE_NAMES[req.user.role], tokens, flash: flashFor(done) };
  }

  @Get('account/password')
  @AnySignedIn()
  @Render('auth/password')
  passwordPage() {
    return { title: 'Change your password', breadcrumbs: [{ text: 'Your account', href: '/account' }] };
  }

  /** Ends the account's other sessions (this one stays signed in) and, when ticked, revokes its API tokens. */
  @Post('account/password')
  @AnySignedIn()
  async changePassword(
    @Req() req: SignedInRequest,
    @Res() res: Response,
    @Body() body: { currentPassword?: string; newPassword?: string; confirmPassword?: string; revokeTokens?: string },
  ) {
    const revokeTokens = body.revokeTokens === 'true';
    const render = (status: number, field: 'currentPassword' | 'newPassword' | 'confirmPassword', text: string) =>
      res.status(status).render('auth/password', {
        title: 'Change your password',
        errors: [{ href: `#${field}`, field, text }],
        errorFor: { [field]: text },
        revokeTokens,
        breadcrumbs: [{ text: 'Your account', href: '/account' }],
      });
    if (body.newPassword !== body.confirmPassword) return render(400, 'confirmPassword', 'The new passwords do not match');
    try {
      const { revokedTokens } = await this.users.changePassword(req.user.id, String(body.currentPassword ?? ''), String(body.newPassword ?? ''), {
        keepSessionId: req.sessionID,
        revokeTokens,
      });
      res.redirect(303, `/account?done=${revokedTokens > 0 ? 'password-tokens' : 'password'}`);
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      const message = String((error.getResponse() as { message?: string }).message ?? error.message);
      const field = message.startsWith('currentPassword') ? 'currentPassword' : 'newPassword';
      return render(error.getStatus(), field, message.replace(/^\w+: /, ''));
    }
  }

  @Post('account/tokens')
  @AnySignedIn()
  async createToken(@Req() req: SignedInRequest, @Res() res: Response, @Body() body: { name?: string }) {
    const name = String(body.name ?? '').trim();
    if (!name || name.length > 100) {
      const tokens = await this.tokens.list(req.user.id);
      return res.status(400).render('auth/account', {
        title: 'Your account',
        account: req.user,
        roleName: ROLE_NAMES[req.user.role],
        tokens,
        errors: [{ href: '#name', text: 'Give the token a name of up to 100 characters, such as "HR nightly sync"' }],
      });
    }
    const { token, record } = await this.tokens.issue(req.user.id, name);
    res.status(200).render('auth/token-created', { title: 'Your new API token', token, name: record.name, breadcrumbs: [{ text: 'Your account', href: '/account' }] });
  }

  @Post('account/tokens/:id/revoke')
  @AnySignedIn()
  async revokeToken(@Req() req: SignedInRequest, @Res() res: Response, @Param('id', ParseIntPipe) id: number) {
    await this.tokens.revoke(req.user.id, id);
    res.redirect(303, '/account?done=revoked');
  }
}

function flashFor(done?: string): string | undefined {
  return {
    password: 'Your password has been changed, and you have been signed out everywhere else',
    'password-tokens': 'Your password has been changed, you have been signed out everywhere else and your API tokens have been revoked',
    revoked: 'The token has been revoked',
  }[done ?? ''];
}
