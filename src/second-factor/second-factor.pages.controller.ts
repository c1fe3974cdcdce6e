import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { AnySignedIn } from '../auth/allow.decorator';
import { SignInThrottle } from '../auth/sign-in-throttle';
import { saveSession } from '../auth/signed-in-session';
import { User } from '../users/user.entity';
import { SecondFactorService } from './second-factor.service';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { SecondFactorCodeFormDto, SetUpCodeFormDto } from '../auth/dto/auth-forms.dto';

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
  @OnFieldError<SecondFactorPagesController>('setUpAgain')
  async setUp(@Req() req: SignedInRequest, @Res() res: Response, @FormBody() form: SetUpCodeFormDto) {
    const secret = req.session.secondFactorSetUp;
    if (!secret || req.user.totpEnabledAt) return res.redirect(303, '/account/second-factor');
    const codes = await this.secondFactor.confirmSetUp(req.user.id, secret, form.code);
    delete req.session.secondFactorSetUp;
    await saveSession(req);
    res.status(200).render('second-factor/recovery-codes', { title: 'Your recovery codes', codes, continueTo: '/account/second-factor', breadcrumbs: CRUMBS });
  }

  @Post('recovery-codes')
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  @OnFieldError<SecondFactorPagesController>('newCodesAgain')
  async recoveryCodes(@Req() req: SignedInRequest, @Res() res: Response, @FormBody() form: SecondFactorCodeFormDto) {
    const codes = await this.secondFactor.newRecoveryCodes(req.user, form.code);
    res.status(200).render('second-factor/recovery-codes', { title: 'Your new recovery codes', codes, continueTo: '/account/second-factor', breadcrumbs: CRUMBS });
  }

  @Post('turn-off')
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  @OnFieldError<SecondFactorPagesController>('turnOffAgain')
  async turnOff(@Req() req: SignedInRequest, @Res() res: Response, @FormBody() form: SecondFactorCodeFormDto) {
    await this.secondFactor.turnOff(req.user, form.code);
    res.redirect(303, '/account/second-factor?done=off');
  }

  /** The set-up page again, with the same secret, when the code is missing or not right. */
  async setUpAgain(req: PageRequest): Promise<FormPage> {
    const user = (req as unknown as SignedInRequest).user;
    const setUp = await this.secondFactor.newSetUp(user.email, req.session.secondFactorSetUp);
    return { view: 'second-factor/set-up', order: ['code'], model: { title: 'Set up an authenticator app', setUp, action: '/account/second-factor/set-up', breadcrumbs: CRUMBS } };
  }

  /** The status page again, the problem at the box of the form that was sent (each form's box has its own id). */
  async newCodesAgain(req: PageRequest): Promise<FormPage> {
    return { view: 'second-factor/status', model: await this.statusModel(req as unknown as SignedInRequest), anchors: { code: 'newCodesCode' }, unnamed: 'newCodesCode' };
  }

  async turnOffAgain(req: PageRequest): Promise<FormPage> {
    return { view: 'second-factor/status', model: await this.statusModel(req as unknown as SignedInRequest), anchors: { code: 'turnOffCode' }, unnamed: 'turnOffCode' };
  }

  private async renderStatus(req: SignedInRequest, res: Response, done?: string) {
    res.render('second-factor/status', { ...(await this.statusModel(req, done)), ...NO_ERRORS });
  }

  private async statusModel(req: SignedInRequest, done?: string): Promise<Record<string, unknown>> {
    const left = req.user.totpEnabledAt ? await this.secondFactor.recoveryCodesLeft(req.user.id) : 0;
    const flash = {
      off: 'The authenticator app has been turned off',
      'recovery-used': `You signed in with a recovery code. You have ${left} left: if you have lost your authenticator app, make new codes below or ask an administrator to reset it`,
    }[done ?? ''];
    return {
      title: TITLE,
      enabled: Boolean(req.user.totpEnabledAt),
      enabledAt: req.user.totpEnabledAt,
      required: this.secondFactor.isRequiredFor(req.user),
      recoveryCodesLeft: left,
      flash,
      breadcrumbs: CRUMBS,
    };
  }
}
