import { Controller, Get, HttpCode, HttpException, HttpStatus, Injectable, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { Public } from '../auth/allow.decorator';
import { renewSession } from '../auth/signed-in-session';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { SignInLinkDto } from './dto/my-training.dto';
import { ForPerson } from './person-session';
import { SignInLinksService } from './sign-in-links.service';

/** Link requests from one client address per 15 minutes (SIGN_IN_LINK_RATE_LIMIT), read at request time. */
const LinkRequestThrottle = () =>
  Throttle({
    default: {
      ttl: 15 * 60_000,
      limit: (context) => Number(context.switchToHttp().getRequest<Request>().app.get('signInLinkRateLimit') ?? 10),
    },
  });

/** Past the limit, the page says what to do in plain words. */
@Injectable()
class LinkRequestGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(): Promise<void> {
    throw new HttpException('You have asked for a sign-in link too many times. Wait 15 minutes, then try again.', HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Signing in to My training without an account: ask for a link by email, follow it, and sign
 * out. Every answer to a request for a link is the same page, whether the address is known or not.
 */
@ApiExcludeController()
@Controller('my-training')
export class MyTrainingSignInPagesController {
  constructor(private readonly links: SignInLinksService) {}

  @Get('sign-in')
  @Public()
  form(@Res() res: Response) {
    res.render('my-training/sign-in', { title: 'Sign in to My training', email: '', ...NO_ERRORS });
  }

  @Post('sign-in')
  @HttpCode(200)
  @Public()
  @UseGuards(LinkRequestGuard)
  @LinkRequestThrottle()
  @OnFieldError<MyTrainingSignInPagesController>('formAgain')
  async request(@FormBody() form: SignInLinkDto, @Res() res: Response) {
    await this.links.request(form.email);
    res.render('my-training/check-email', { title: 'Check your email', email: form.email });
  }

  async formAgain(req: PageRequest): Promise<FormPage> {
    const email = typeof (req.body as { email?: unknown }).email === 'string' ? String((req.body as { email: string }).email) : '';
    return { view: 'my-training/sign-in', model: { title: 'Sign in to My training', email }, order: ['email'] };
  }

  /** The page a link opens: a button signs in (so a mail scanner that follows links does not use it up). */
  @Get('sign-in/:token')
  @Public()
  async link(@Param('token') token: string, @Res() res: Response) {
    if (!(await this.links.usable(token))) return res.status(410).render('my-training/link-expired', { title: 'This link has expired or has been used' });
    res.render('my-training/link', { title: 'Sign in to My training', action: `/my-training/sign-in/${token}` });
  }

  @Post('sign-in/:token')
  @Public()
  async useLink(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const staffId = await this.links.use(token);
    if (staffId === null) return res.status(410).render('my-training/link-expired', { title: 'This link has expired or has been used' });
    // A new session holding only the person: any account signed in on this browser is signed out.
    await renewSession(req, { personStaffId: staffId });
    res.redirect(303, '/my-training');
  }

  @Post('sign-out')
  @HttpCode(200)
  @ForPerson()
  async signOut(@Req() req: Request, @Res() res: Response) {
    await new Promise<void>((resolve, reject) => req.session.destroy((error) => (error ? reject(error) : resolve())));
    res.locals.signedInPerson = undefined;
    res.render('my-training/signed-out', { title: 'You have signed out of My training' });
  }
}
