import { Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { Public } from '../auth/allow.decorator';
import { FeedbackFormDto } from './dto/feedback.dto';
import { FeedbackService } from './feedback.service';
import { formatLocal } from './session-times';

type Form = Record<string, unknown>;

/** The public feedback form reached by a session's link or QR code: no sign-in, rate limited. */
@ApiExcludeController()
@Controller('feedback')
@Public()
@UseGuards(ThrottlerGuard)
@Throttle({ default: { limit: 20, ttl: 60_000 } })
export class FeedbackPagesController {
  constructor(private readonly feedback: FeedbackService) {}

  @Get(':token')
  @Public()
  async form(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const session = await this.feedback.sessionFor(token);
    if (!session.open) {
      res.status(410).render('feedback/closed', { title: 'Feedback has closed', session, closesText: formatLocal(session.closesAt) });
      return;
    }
    res.render('feedback/form', { ...this.model(token, session, {}), ...NO_ERRORS });
  }

  /** A reference nobody booked has (422) is said at its box; closed (410) or already given (409) above the form. */
  @Post(':token')
  @Public()
  @OnFieldError<FeedbackPagesController>('formAgain', { also: [410] })
  async submit(@Param('token') token: string, @FormBody() form: FeedbackFormDto, @Res() res: Response): Promise<void> {
    await this.feedback.submit(token, form);
    const session = await this.feedback.sessionFor(token);
    res.status(200).render('feedback/thanks', { title: 'Thank you for your feedback', session });
  }

  /** The form again with what was chosen and typed, the problems in its summary and at their fields. */
  async formAgain(req: PageRequest): Promise<FormPage> {
    const token = req.params.token as string;
    const session = await this.feedback.sessionFor(token);
    return {
      view: 'feedback/form',
      model: this.model(token, session, (req.body ?? {}) as Form),
      order: ['overallRating', 'comments', 'employeeRef'],
    };
  }

  private model(token: string, session: Awaited<ReturnType<FeedbackService['sessionFor']>>, form: Form) {
    const scale = (name: string) => [1, 2, 3, 4, 5].map((n) => ({ value: String(n), checked: form[name] === String(n) }));
    return {
      title: `Feedback: ${session.title}`,
      session,
      token,
      form,
      overall: scale('overallRating'),
      recogniseBefore: scale('recogniseBefore'),
      recogniseAfter: scale('recogniseAfter'),
      referBefore: scale('referBefore'),
      referAfter: scale('referAfter'),
    };
  }
}
