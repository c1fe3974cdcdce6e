import { Controller, Get, Param, ParseIntPipe, Post, Query, Render, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { TokensService } from '../users/tokens.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AnySignedIn, Public } from './allow.decorator';
import { ROLE_NAMES } from './scope';
import { SecondFactorService } from '../second-factor/second-factor.service';
import { IdentityProvidersService } from '../single-sign-on/identity-providers.service';
import { OidcSignInService } from '../single-sign-on/oidc-sign-in.service';
import { PENDING_MINUTES, pendingSignIn, renewSession, saveSession } from './signed-in-session';
import { SESSION_COOKIE } from './web-security';
import { SignInThrottle } from './sign-in-throttle';
import { SignInService } from './sign-in.service';
import { formErrors, NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { ChangePasswordFormDto, SecondFactorCodeFormDto, SetUpCodeFormDto, SignInFormDto, TokenNameFormDto } from './dto/auth-forms.dto';

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
    private readonly providers: IdentityProvidersService,
    private readonly oidc: OidcSignInService,
    private readonly secondFactor: SecondFactorService,
  ) {}

  @Get('sign-in')
  @Public()
  async page(@Query('next') next: string, @Res() res: Response) {
    res.render('auth/sign-in', await signInModel(this.providers, { next: safeNext(next) }));
  }

  @Post('sign-in')
  @Public()
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  // Wrong email or password, disabled (401), or an account that signs in elsewhere (403): said at the email box, as it is not known which was wrong.
  @OnFieldError<AuthPagesController>('signInAgain', { also: [401, 403] })
  async submit(@FormBody() form: SignInFormDto, @Req() req: Request, @Res() res: Response) {
    const next = safeNext(form.next);
    const user = await this.signIn.checkPassword(form.email, form.password, req.ip ?? null);
    const stage = this.secondFactor.stageAfterPassword(user);
    if (stage === 'none') {
      await this.signIn.complete(user, req.ip ?? null, 'password');
      await renewSession(req, { userId: user.id });
      return res.redirect(303, next);
    }
    // Not signed in yet: the session only remembers whose password was right, for a few minutes.
    const until = new Date(Date.now() + PENDING_MINUTES * 60_000).toISOString();
    await renewSession(req, { pendingSignIn: { userId: user.id, stage, next, until } });
    res.redirect(303, stage === 'code' ? '/sign-in/second-factor' : '/sign-in/second-factor/set-up');
  }

  @Get('sign-in/second-factor')
  @Public()
  codePage(@Req() req: Request, @Res() res: Response) {
    const pending = pendingSignIn(req);
    if (!pending) return res.redirect(303, '/sign-in');
    if (pending.stage === 'enrol') return res.redirect(303, '/sign-in/second-factor/set-up');
    res.render('auth/second-factor', { title: 'Enter the code from your authenticator app' });
  }

  /** The second step: a code from the app or a recovery code. Wrong codes (401) count towards the lock-out. */
  @Post('sign-in/second-factor')
  @Public()
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  @OnFieldError<AuthPagesController>('codeAgain', { also: [401] })
  async code(@FormBody() form: SecondFactorCodeFormDto, @Req() req: Request, @Res() res: Response) {
    const pending = pendingSignIn(req);
    if (!pending || pending.stage !== 'code') return res.redirect(303, '/sign-in');
    const { user, used } = await this.signIn.checkSecondFactor(pending.userId, form.code, req.ip ?? null);
    await this.signIn.complete(user, req.ip ?? null, used === 'recovery' ? 'password and recovery code' : 'password and authenticator app');
    await renewSession(req, { userId: user.id });
    // Someone using a recovery code has probably lost their app: show them how many codes are left.
    res.redirect(303, used === 'recovery' ? '/account/second-factor?done=recovery-used' : pending.next);
  }

  @Get('sign-in/second-factor/set-up')
  @Public()
  async enrolPage(@Req() req: Request, @Res() res: Response) {
    const pending = pendingSignIn(req);
    if (!pending) return res.redirect(303, '/sign-in');
    if (pending.stage !== 'enrol') return res.redirect(303, '/sign-in/second-factor');
    const user = await this.users.findById(pending.userId);
    if (!user) return res.redirect(303, '/sign-in');
    const setUp = await this.secondFactor.newSetUp(user.email, pending.secret);
    if (!pending.secret) {
      req.session.pendingSignIn = { ...pending, secret: setUp.secret };
      await saveSession(req);
    }
    res.render('second-factor/set-up', { title: 'Set up an authenticator app', setUp, action: '/sign-in/second-factor/set-up', required: true });
  }

  /** Roles that must use a second factor set one up before they are signed in. */
  @Post('sign-in/second-factor/set-up')
  @Public()
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  @OnFieldError<AuthPagesController>('enrolAgain')
  async enrol(@FormBody() form: SetUpCodeFormDto, @Req() req: Request, @Res() res: Response) {
    const pending = pendingSignIn(req);
    if (!pending || pending.stage !== 'enrol' || !pending.secret) return res.redirect(303, '/sign-in');
    const user = await this.users.findById(pending.userId);
    if (!user || user.disabled) return res.redirect(303, '/sign-in');
    const codes = await this.secondFactor.confirmSetUp(user.id, pending.secret, form.code, { userId: user.id, email: user.email, ip: req.ip ?? null });
    await this.signIn.complete(user, req.ip ?? null, 'password and authenticator app (set up now)');
    await renewSession(req, { userId: user.id });
    res.status(200).render('second-factor/recovery-codes', { title: 'Your recovery codes', codes, continueTo: pending.next });
  }

  /** Ends the session here; after a provider sign-in, offers the provider's own sign-out too. */
  @Post('sign-out')
  @Public()
  async signOut(@Req() req: Request, @Res() res: Response) {
    const via = req.session?.signedInVia;
    const provider = via ? await this.providers.bySlug(via) : null;
    const endSessionUrl = provider ? await this.oidc.endSessionUrl(provider) : null;
    req.session.destroy(() => {
      res.clearCookie(SESSION_COOKIE);
      if (!provider || !endSessionUrl) return res.redirect(303, '/sign-in');
      res.status(200).render('auth/signed-out', { title: 'You have signed out', provider: provider.label, endSessionUrl });
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
  @OnFieldError<AuthPagesController>('passwordAgain')
  async changePassword(@Req() req: SignedInRequest, @Res() res: Response, @FormBody() form: ChangePasswordFormDto) {
    const { revokedTokens } = await this.users.changePassword(req.user.id, form.currentPassword, form.newPassword, {
      keepSessionId: req.sessionID,
      revokeTokens: form.revokeTokens === 'true',
    });
    res.redirect(303, `/account?done=${revokedTokens > 0 ? 'password-tokens' : 'password'}`);
  }

  @Post('account/tokens')
  @AnySignedIn()
  @OnFieldError<AuthPagesController>('accountAgain')
  async createToken(@Req() req: SignedInRequest, @Res() res: Response, @FormBody() form: TokenNameFormDto) {
    const { token, record } = await this.tokens.issue(req.user.id, form.name);
    res.status(200).render('auth/token-created', { title: 'Your new API token', token, name: record.name, breadcrumbs: [{ text: 'Your account', href: '/account' }] });
  }

  @Post('account/tokens/:id/revoke')
  @AnySignedIn()
  async revokeToken(@Req() req: SignedInRequest, @Res() res: Response, @Param('id', ParseIntPipe) id: number) {
    await this.tokens.revoke(req.user.id, id);
    res.redirect(303, '/account?done=revoked');
  }

  /** The sign-in form again with its problems: the email typed is kept, never the password. */
  async signInAgain(req: PageRequest): Promise<FormPage> {
    const body = req.body as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    return { view: 'auth/sign-in', model: await signInModel(this.providers, { email, next: safeNext(body.next as string | undefined) }), order: ['email', 'password'], unnamed: 'email' };
  }

  /** The code step again, the problem at the code box; back to the password when the step has expired. */
  async codeAgain(req: PageRequest): Promise<FormPage> {
    const pending = pendingSignIn(req);
    if (!pending || pending.stage !== 'code') return { view: 'auth/sign-in', model: {}, redirect: '/sign-in' };
    return { view: 'auth/second-factor', model: { title: 'Enter the code from your authenticator app' }, order: ['code'], unnamed: 'code' };
  }

  /** The set-up page again with the same secret; back to the password when the step has expired. */
  async enrolAgain(req: PageRequest): Promise<FormPage> {
    const pending = pendingSignIn(req);
    const user = pending?.stage === 'enrol' && pending.secret ? await this.users.findById(pending.userId) : null;
    if (!pending?.secret || !user || user.disabled) return { view: 'auth/sign-in', model: {}, redirect: '/sign-in' };
    const setUp = await this.secondFactor.newSetUp(user.email, pending.secret);
    return { view: 'second-factor/set-up', model: { title: 'Set up an authenticator app', setUp, action: '/sign-in/second-factor/set-up', required: true }, order: ['code'], unnamed: 'code' };
  }

  async passwordAgain(req: PageRequest): Promise<FormPage> {
    const body = req.body as Record<string, unknown>;
    return {
      view: 'auth/password',
      // A refusal naming no field is about the new password.
      unnamed: 'newPassword',
      order: ['currentPassword', 'newPassword', 'confirmPassword'],
      model: { title: 'Change your password', revokeTokens: body.revokeTokens === 'true', breadcrumbs: [{ text: 'Your account', href: '/account' }] },
    };
  }

  async accountAgain(req: PageRequest): Promise<FormPage> {
    const user = (req as unknown as SignedInRequest).user;
    return { view: 'auth/account', order: ['name'], model: { title: 'Your account', account: user, roleName: ROLE_NAMES[user.role], tokens: await this.tokens.list(user.id) } };
  }
}

/** The sign-in page: the password form, and a "Sign in with ..." button for each identity provider. */
export async function signInModel(
  providers: IdentityProvidersService,
  values: { email?: string; next: string; problems?: Array<{ field: string | null; message: string }> },
  ids: Record<string, string> = {},
) {
  const buttons = (await providers.all()).map((p) => ({
    label: p.label,
    href: `/sign-in/oidc/${encodeURIComponent(p.slug)}${values.next === '/' ? '' : `?next=${encodeURIComponent(values.next)}`}`,
  }));
  const { problems, ...shown } = values;
  return { title: 'Sign in', ...shown, ...(problems ? formErrors(problems, {}, [], ids) : NO_ERRORS), providers: buttons };
}

function flashFor(done?: string): string | undefined {
  return {
    password: 'Your password has been changed, and you have been signed out everywhere else',
    'password-tokens': 'Your password has been changed, you have been signed out everywhere else and your API tokens have been revoked',
    revoked: 'The token has been revoked',
  }[done ?? ''];
}
