import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { dateBoxes, dateMessage, type FilterField, pageStatus, type RawQuery, readFilters } from '../reports/shared/report-filters';
import { NamedAccessQueryDto } from './named-access-log.dto';
import { NamedAccessLog } from './named-access-log.service';

/** What each list is called on the page. */
export const LIST_NAMES: Record<string, string> = {
  'gap-analysis-people': 'Gap analysis: people',
  'my-team': 'My team',
  staff: 'Staff list',
  'trainer-coverage': 'Trainer coverage: trainers by name',
  'lead-coverage': 'Prevent lead coverage: leads by name',
  'session-certificates': 'Certificates of a session’s attendees',
};
const FORMAT_NAMES: Record<string, string> = { page: 'Viewed the page', json: 'Read through the API', csv: 'Downloaded CSV', xlsx: 'Downloaded Excel', pdf: 'Downloaded PDF' };

const FILTERS: Record<string, FilterField> = {
  account: { message: 'Enter part of an email address, up to 254 characters' },
  from: dateMessage('From'),
  to: dateMessage('To'),
};

const filterWords = (filter: Record<string, unknown>) =>
  Object.entries(filter)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ');

@ApiExcludeController()
@Allow('admin')
@Controller('admin/access-log')
export class NamedAccessLogPagesController {
  constructor(private readonly log: NamedAccessLog) {}

  @Get()
  async page(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response) {
    const form = await readFilters(NamedAccessQueryDto, { ...raw, pageSize: '50' }, FILTERS);
    const query = Object.assign(form.query, { page: Number(form.query.page) || 1, pageSize: 50 });
    const page = await this.log.list(scope, query);
    const params = (n: number) => new URLSearchParams({ ...(query.account ? { account: query.account } : {}), ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}), page: String(n) });
    res.status(pageStatus(form.errors)).render('data-protection/access-log', {
      title: 'Who looked at named lists',
      breadcrumbs: [{ text: 'Admin', href: '/admin' }],
      ...form.errors,
      account: form.typed.account,
      fromParts: dateBoxes(raw, 'from', form.refused('from'), query.from ?? ''),
      toParts: dateBoxes(raw, 'to', form.refused('to'), query.to ?? ''),
      page,
      entries: page.items.map((e) => ({
        ...e,
        listName: LIST_NAMES[e.list] ?? e.list,
        formatName: FORMAT_NAMES[e.format] ?? e.format,
        filterText: filterWords(e.filter),
      })),
      newer: page.page > 1 ? `/admin/access-log?${params(page.page - 1)}` : null,
      older: page.page < page.pages ? `/admin/access-log?${params(page.page + 1)}` : null,
    });
  }
}
