import { Controller, Get, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { Allow } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { NO_ERRORS } from '../../common/form-errors';
import { FormBody, type FormPage, OnFieldError, type PageRequest } from '../../common/form-page';
import { OrganisationsService } from '../../organisations/organisations.service';
import { FREQUENCIES, FREQUENCY_NAMES, REPORT_NAMES, SUBSCRIBABLE_REPORTS } from './report-subscription.entity';
import { CreateSubscriptionDto } from './subscriptions.dto';
import { SubscriptionsService } from './subscriptions.service';

const ORDER = ['report', 'organisation', 'frequency', 'recipients'] as const;

class SubscriptionsPageQuery {
  @IsOptional()
  @IsIn(['added', 'stopped'])
  done?: string;
}

const REPORT_HINTS: Record<string, string> = {
  'working-group-pack': 'A PDF: the quarterly report, the trend and the exceptions',
  'nhs-return': 'Excel and CSV, for a health organisation',
  trend: 'Excel and CSV: compliance % at each quarter end for the last eight quarters',
};

/** Coordinators' page to send reports on a schedule, and to stop them. */
@ApiExcludeController()
@Controller('reports/subscriptions')
export class SubscriptionsPagesController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get()
  @Allow('admin', 'coordinator')
  async page(@CurrentScope() scope: Scope, @Query() q: SubscriptionsPageQuery, @Res() res: Response): Promise<void> {
    const flash = q.done === 'added' ? 'Scheduled report added' : q.done === 'stopped' ? 'Scheduled report stopped' : undefined;
    res.render('reports/subscriptions', { ...(await this.model(scope, { frequency: 'quarterly' }, flash)), ...NO_ERRORS });
  }

  @Post()
  @Allow('admin', 'coordinator')
  @OnFieldError<SubscriptionsPagesController>('formAgain')
  async add(@CurrentScope() scope: Scope, @FormBody() form: CreateSubscriptionDto, @Res() res: Response): Promise<void> {
    await this.subscriptions.create(scope, form);
    res.redirect(303, '/reports/subscriptions?done=added');
  }

  @Post(':id/stop')
  @Allow('admin', 'coordinator')
  async stop(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    await this.subscriptions.remove(scope, id);
    res.redirect(303, '/reports/subscriptions?done=stopped');
  }

  /** The form again, as posted, for the exception filter to show with its errors at their fields. */
  async formAgain(req: PageRequest): Promise<FormPage> {
    const posted = (req.body ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const values = { report: text(posted.report), organisation: text(posted.organisation), frequency: text(posted.frequency), recipients: text(posted.recipients) };
    return { view: 'reports/subscriptions', model: await this.model(req.scope, values), order: ORDER, ids: { report: 'report', frequency: 'frequency' }, status: 422 };
  }

  private async model(scope: Scope, values: Record<string, string>, flash?: string) {
    return {
      title: 'Scheduled reports',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Scheduled reports' }],
      flash,
      values,
      subscriptions: await this.subscriptions.list(scope),
      reports: SUBSCRIBABLE_REPORTS.map((r, i) => ({ value: r, label: REPORT_NAMES[r], hint: REPORT_HINTS[r], id: i === 0 ? 'report' : `report-${i}`, checked: values.report === r })),
      frequencies: FREQUENCIES.map((f, i) => ({ value: f, label: FREQUENCY_NAMES[f], id: i === 0 ? 'frequency' : `frequency-${i}`, checked: values.frequency === f })),
      organisations: await this.organisations.choices(scope, undefined),
    };
  }
}
