import { Controller, Get, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { BookingRequestsService } from './booking-requests.service';
import { ApprovalSettingDto, DeclineRequestDto } from './dto/my-training.dto';

const DONE: Record<string, string> = {
  approved: 'Request approved: the person is booked on the session.',
  declined: 'Request declined: the person has been told.',
  saved: 'Setting saved.',
};

/** Places people asked for from My training, waiting for a manager's approval, and where that is needed. */
@ApiExcludeController()
@Controller('booking-requests')
export class BookingRequestsPagesController {
  constructor(private readonly requests: BookingRequestsService) {}

  @Get()
  @Allow('admin', 'coordinator', 'manager')
  async list(@CurrentScope() scope: Scope, @Query('done') done: string | undefined, @Res() res: Response) {
    res.render('my-training/booking-requests', { title: 'Places waiting for approval', flash: typeof done === 'string' ? DONE[done] : undefined, requests: await this.requests.queue(scope), canSet: scope.canEditFramework, ...NO_ERRORS });
  }

  @Post(':id/approve')
  @Allow('admin', 'coordinator', 'manager')
  @OnFieldError<BookingRequestsPagesController>('again')
  async approve(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    await this.requests.approve(scope, id);
    res.redirect(303, '/booking-requests?done=approved');
  }

  @Post(':id/decline')
  @Allow('admin', 'coordinator', 'manager')
  @OnFieldError<BookingRequestsPagesController>('again')
  async decline(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() form: DeclineRequestDto, @Res() res: Response) {
    await this.requests.decline(scope, id, form.reason || null);
    res.redirect(303, '/booking-requests?done=declined');
  }

  /** The list again with a refusal (a session now full or past, a request decided by someone else). */
  async again(req: PageRequest): Promise<FormPage> {
    return { view: 'my-training/booking-requests', model: { title: 'Places waiting for approval', requests: await this.requests.queue(req.scope), canSet: req.scope.canEditFramework }, unnamed: 'requests' };
  }

  @Get('settings')
  @Allow('admin')
  async settings(@CurrentScope() scope: Scope, @Query('done') done: string | undefined, @Res() res: Response) {
    res.render('my-training/approval-settings', { ...(await this.settingsModel(scope, { organisationCode: '', approval: '' })), flash: typeof done === 'string' ? DONE[done] : undefined, ...NO_ERRORS });
  }

  @Post('settings')
  @Allow('admin')
  @OnFieldError<BookingRequestsPagesController>('settingsAgain')
  async saveSettings(@CurrentScope() scope: Scope, @FormBody() form: ApprovalSettingDto, @Res() res: Response) {
    await this.requests.set(scope, form.organisationCode, form.approval === 'on');
    res.redirect(303, '/booking-requests/settings?done=saved');
  }

  async settingsAgain(req: PageRequest): Promise<FormPage> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { organisationCode: typeof body.organisationCode === 'string' ? body.organisationCode : '', approval: typeof body.approval === 'string' ? body.approval : '' };
    return { view: 'my-training/approval-settings', model: await this.settingsModel(req.scope, values), order: ['organisationCode', 'approval'], ids: { approval: 'approval-on' } };
  }

  private async settingsModel(scope: Scope, values: { organisationCode: string; approval: string }) {
    return { title: 'Managers approve bookings first', breadcrumbs: [{ text: 'Places waiting for approval', href: '/booking-requests' }], organisations: await this.requests.settings(scope), values };
  }
}
