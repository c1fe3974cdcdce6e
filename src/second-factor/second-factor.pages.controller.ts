import { Body, Controller, Get, HttpException, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { AnySignedIn } from '../auth/allow.decorator';
import { SignInThrottle } from '../auth/sign-in-throttle';
import { saveSession } from '../auth/signed-in-session';
import { User } from '../users/user.entity';
import { SecondFactorService } from './second-factor.service';
import { refusalText } from '../common/field-error';
import { formErrors, NO_ERRORS } from '../common/form-errors';

type SignedInRequest = Request & { user: User };
const CRUMBS = [{ text: 'Your account', href: '/account' }];
const TITLE = 'Second factor';

/** Your account > Second factor: set up an authenticator app, new recovery codes, turn it off. */
@ApiExcludeController()
@AnySignedIn()
@Controller('account/second-factor')
export class SecondFactorPagesController {
  constructor(private readonly secondFactor: SecondFactorService) {}

  @Get()
  async status(@Req() req: SignedInRequest, @Res() res: Response, @Query('done') done?: string) {
    await this.renderStatus(req, res, done);
  }

  @Get('set-up')
  async setUpPage(@Req() req: SignedInRequest, @Res() res: Response) {
    if (req.user.totpEnabledAt) return res.redirect(303, '/account/second-factor');
    const setUp = await this.secondFactor.newSetUp(req.user.email, req.session.secondFactorSetUp);
    if (!req.session.secondFactorSetUp) {
      req.session.secondFactorSetUp = setUp.secret;
      await saveSession(req);
    }
    res.render('second-factor/set-up', { title: 'Set up an authenticator app', setUp, action: '/account/second-factor/set-up', breadcrumbs: CRUMBS });
  }

  @Post('set-up')
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  async setUp(@Req() req: SignedInRequest, @Res() res: Response, @Body() body: { code?: string }) {
    const secret = req.session.secondFactorSetUp;
    if (!secret || req.user.totpEnabledAt) return res.redirect(303, '/account/second-factor');
    try {
      const codes = await this.secondFactor.confirmSetUp(req.user.id, secret, String(body.code ?? ''));
      delete req.session.secondFactorSetUp;
      await saveSession(req);
      res.status(200).render('second-factor/recovery-codes', { title: 'Your recovery codes', codes, continueTo: '/account/second-factor', breadcrumbs: CRUMBS });
    } catch (error) {
      const text = messageOf(error);
      res.status((error as HttpException).getStatus()).render('second-factor/set-up', {
        title: 'Set up an authenticator app',
        setUp: await this.secondFactor.newSetUp(req.user.email, secret),
        action: '/account/second-factor/set-up',
        ...formErrors([{ field: 'code', message: text }]),
        breadcrumbs: CRUMBS,
      });
    }
  }

  @Post('recovery-codes')
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  async recoveryCodes(@Req() req: SignedInRequest, @Res() res: Response, @Body() body: { code?: string }) {
    try {
      const codes = await this.secondFactor.newRecoveryCodes(req.user, String(body.code ?? ''));
      res.status(200).render('second-factor/recovery-codes', { title: 'Your new recovery codes', codes, continueTo: '/account/second-factor', breadcrumbs: CRUMBS });
    } catch (error) {
      await this.renderStatus(req, res, undefined, { field: 'newCodesCode', text: messageOf(error), status: (error as HttpException).getStatus() });
    }
  }

  @Post('turn-off')
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  async turnOff(@Req() req: SignedInRequest, @Res() res: Response, @Body() body: { code?: string }) {
    try {
      await this.secondFactor.turnOff(req.user, String(body.code ?? ''));
      res.redirect(303, '/account/second-factor?done=off');
    } catch (error) {
      await this.renderStatus(req, res, undefined, { field: 'turnOffCode', text: messageOf(error), status: (error as HttpException).getStatus() });
    }
  }

  private async renderStatus(req: SignedInRequest, res: Response, done?: string, error?: { field: string; text: string; status: number }) {
    const left = req.user.totpEnabledAt ? await this.secondFactor.recoveryCodesLeft(req.user.id) : 0;
    const flash = {
      off: 'The authenticator app has been turned off',
      'recovery-used': `You signed in with a recovery code. You have ${left} left: if you have lost your authenticator app, make new codes below or ask an administrator to reset it`,
    }[done ?? ''];
    res.status(error?.status ?? 200).render('second-factor/status', {
      title: TITLE,
      enabled: Boolean(req.user.totpEnabledAt),
      enabledAt: req.user.totpEnabledAt,
      required: this.secondFactor.isRequiredFor(req.user),
      recoveryCodesLeft: left,
      flash,
      ...(error ? formErrors([{ field: error.field, message: error.text }]) : NO_ERRORS),
      breadcrumbs: CRUMBS,
    });
  }
}

function messageOf(error: unknown): string {
  if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
  return refusalText(error);
}
