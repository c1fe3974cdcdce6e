import { Controller, Get, HttpException, NotFoundException, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { Public } from '../auth/allow.decorator';
import { safeNext, signInModel } from '../auth/auth.pages.controller';
import { SignInThrottle } from '../auth/sign-in-throttle';
import { SignInService } from '../auth/sign-in.service';
import { renewSession, saveSession } from '../auth/signed-in-session';
import { IdentityProvidersService } from './identity-providers.service';
import { OidcSignInService } from './oidc-sign-in.service';

/** "Sign in with ...": off to the identity provider and back. Registered by AuthModule, which owns sign-in. */
@ApiExcludeController()
@Controller('sign-in/oidc')
export class SingleSignOnPagesController {
  constructor(
    private readonly providers: IdentityProvidersService,
    private readonly oidc: OidcSignInService,
    private readonly signIn: SignInService,
  ) {}

  @Get(':slug')
  @Public()
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  async start(@Param('slug') slug: string, @Query('next') next: string, @Req() req: Request, @Res() res: Response) {
    const provider = await this.providers.bySlug(slug);
    if (!provider) throw new NotFoundException('There is no way of signing in with that name. Go back to the sign-in page.');
    let started;
    try {
      started = await this.oidc.start(provider, safeNext(next));
    } catch {
      return this.refuse(req, res, 503, `${provider.label} cannot be reached just now. Try again in a few minutes, or sign in another way.`);
    }
    req.session.providerSignIn = started.pending;
    await saveSession(req);
    res.redirect(303, started.url);
  }

  @Get(':slug/callback')
  @Public()
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  async callback(@Param('slug') slug: string, @Req() req: Request, @Res() res: Response) {
    const provider = await this.providers.bySlug(slug);
    if (!provider) throw new NotFoundException('There is no way of signing in with that name. Go back to the sign-in page.');
    // Used once: taken out of the session before the answer is checked, so a replayed state finds nothing.
    const pending = req.session.providerSignIn;
    if (pending) {
      delete req.session.providerSignIn;
      await saveSession(req);
    }
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    try {
      const user = await this.oidc.finish(provider, pending, query, req.ip ?? null);
      await this.signIn.complete(user, req.ip ?? null, `single sign-on (${provider.slug})`);
      await renewSession(req, { userId: user.id, signedInVia: provider.slug });
      res.redirect(303, safeNext(pending?.next));
    } catch (error) {
      if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
      return this.refuse(req, res, error.getStatus(), error.message);
    }
  }

  private async refuse(req: Request, res: Response, status: number, text: string) {
    res.status(status).render('auth/sign-in', await signInModel(this.providers, { next: '/', problems: [{ field: 'providers', message: text }] }));
  }
}
