import { Body, Controller, Get, HttpException, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Response } from 'express';
import { formErrors } from '../common/form-errors';
import { Public } from '../auth/allow.decorator';
import { FeedbackDto } from './dto/feedback.dto';
import { FeedbackService } from './feedback.service';
import { formatLocal } from './session-times';

type Form = Record<string, unknown>;

const SCORES = ['recogniseBefore', 'recogniseAfter', 'referBefore', 'referAfter'] as const;

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
    await this.render(res, token, {}, []);
  }

  @Post(':token')
  @Public()
  async submit(@Param('token') token: string, @Body() form: Form, @Res() res: Response): Promise<void> {
    const number = (v: unknown) => (typeof v === 'string' && /^[1-5]$/.test(v) ? Number(v) : undefined);
    const plain: Record<string, unknown> = {
      overallRating: number(form.overallRating) ?? null,
      comments: typeof form.comments === 'string' ? form.comments : undefined,
      employeeRef: typeof form.employeeRef === 'string' && form.employeeRef.trim() ? form.employeeRef.trim() : undefined,
    };
    for (const key of SCORES) plain[key] = number(form[key]);
    const dto = plainToInstance(FeedbackDto, plain);
    const errors = (await validate(dto)).map((e) => ({
      field: e.property,
      text: e.property === 'overallRating' ? 'Choose a rating for the session overall, from 1 to 5' : Object.values(e.constraints ?? {})[0],
    }));
    if (errors.length > 0) return this.render(res, token, form, errors, 422);
    try {
      await this.feedback.submit(token, dto);
    } catch (error) {
      if (!(error instanceof HttpException) || ![409, 410, 422].includes(error.getStatus())) throw error;
      const text = error.message.replace(/^employeeRef: /, '');
      return this.render(res, token, form, [{ field: error.getStatus() === 422 ? 'employeeRef' : 'form', text }], error.getStatus());
    }
    const session = await this.feedback.sessionFor(token);
    res.status(200).render('feedback/thanks', { title: 'Thank you for your feedback', session });
  }

  private async render(res: Response, token: string, form: Form, errors: { field: string; text: string }[], status = 200): Promise<void> {
    const session = await this.feedback.sessionFor(token);
    if (!session.open && errors.length === 0) {
      res.status(410).render('feedback/closed', { title: 'Feedback has closed', session, closesText: formatLocal(session.closesAt) });
      return;
    }
    const scale = (name: string) => [1, 2, 3, 4, 5].map((n) => ({ value: String(n), checked: form[name] === String(n) }));
    res.status(status).render('feedback/form', {
      title: `Feedback: ${session.title}`,
      session,
      token,
      form,
      ...formErrors(errors.map((e) => ({ field: e.field === 'form' ? null : e.field, message: e.text }))),
      overall: scale('overallRating'),
      recogniseBefore: scale('recogniseBefore'),
      recogniseAfter: scale('recogniseAfter'),
      referBefore: scale('referBefore'),
      referAfter: scale('referAfter'),
    });
  }
}
