import { Controller, Get, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { formatUkDate } from '../common/dates';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { ErasureDto } from './dto/erasure.dto';
import { ErasureService } from './erasure.service';
import { yearsText } from './retention-words';

/** Erasing a person on request: a confirmation page with the reason, then the erasure. */
@ApiExcludeController()
@Controller('staff/:id/erase')
export class ErasurePagesController {
  constructor(private readonly erasure: ErasureService) {}

  @Get()
  @Allow('admin')
  async confirm(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    res.render('data-protection/erasure', { ...(await this.model(scope, id, { reason: '' })), ...NO_ERRORS });
  }

  @Post()
  @Allow('admin')
  @OnFieldError<ErasurePagesController>('again')
  async erase(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() form: ErasureDto, @Res() res: Response): Promise<void> {
    await this.erasure.erase(scope, id, form.reason, form.keepTrainerName === true);
    res.redirect(303, `/staff/${id}?done=erased`);
  }

  async again(req: PageRequest): Promise<FormPage> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const model = await this.model(req.scope, Number(req.params.id), { reason: typeof body.reason === 'string' ? body.reason : '' });
    return { view: 'data-protection/erasure', model, order: ['reason'], unnamed: 'reason' };
  }

  private async model(scope: Scope, id: number, values: { reason: string }) {
    const check = await this.erasure.check(scope, id);
    return {
      title: `Erase ${check.person.name}`,
      breadcrumbs: [{ text: 'Staff', href: '/staff' }, { text: check.person.name, href: `/staff/${id}` }],
      check,
      period: yearsText(check.years),
      endDateText: check.person.endDate ? formatUkDate(check.person.endDate) : null,
      sessions: check.sessionsKept.map((s) => ({ ...s, startsOnText: formatUkDate(s.startsOn), href: `/sessions/${s.id}` })),
      action: `/staff/${id}/erase`,
      values,
    };
  }
}
