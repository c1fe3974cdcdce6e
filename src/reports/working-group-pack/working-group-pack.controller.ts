import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { quarterOf, todayIso } from '../../common/dates';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { OrganisationsService } from '../../organisations/organisations.service';
import { yearName } from '../quarterly/quarterly.service';
import { sendFile } from '../shared/export-files';
import { type FilterField, pageStatus, type RawQuery, readFilters } from '../shared/report-filters';
import { ViewRenderer } from '../shared/view-renderer';
import { WorkingGroupPackQuery, WorkingGroupPackView } from './working-group-pack.dto';
import { packModel } from './working-group-pack.presenter';
import { WorkingGroupPackService } from './working-group-pack.service';

const FILTERS: Record<string, FilterField> = {
  organisation: { message: 'Choose an organisation from the list' },
  year: { message: 'Choose a financial year from the list' },
  quarter: { message: 'Choose a quarter from the list' },
};

/** The pack's PDF: the page's print view, tagged. */
export async function packPdf(views: ViewRenderer, p: WorkingGroupPackView): Promise<{ filename: string; contentType: string; body: Buffer }> {
  const model = packModel(p);
  const body = await views.pdf('reports/working-group-pack', model, `${model.title}`);
  const name = `prevent-working-group-pack-${p.quarterly.organisation.code}-${p.quarterly.period.year}-Q${p.quarterly.period.quarter}.pdf`;
  return { filename: name.replace(/[^A-Za-z0-9._-]+/g, '-'), contentType: 'application/pdf', body };
}

@ApiTags('reports')
@ApiSignedIn()
@Controller('api/reports/working-group-pack')
export class WorkingGroupPackController {
  constructor(private readonly packs: WorkingGroupPackService) {}

  @Get()
  @AnySignedIn()
  @ApiOperation({
    summary: 'Prevent Working Group pack for a quarter',
    description: 'The quarterly take-up report, the compliance trend over the eight quarters to it, and the exceptions: organisations below target at the quarter’s end and organisations with no Prevent lead holding a valid L3. Figures only.',
  })
  @ApiOkResponse({ type: WorkingGroupPackView, description: 'The pack' })
  @ApiErrors({ badRequest: 'The year or quarter is not valid', notFound: 'No organisation with that code among yours' })
  pack(@CurrentScope() scope: Scope, @Query() q: WorkingGroupPackQuery): Promise<WorkingGroupPackView> {
    return this.packs.pack(scope, q);
  }
}

@ApiExcludeController()
@Controller('reports')
export class WorkingGroupPackPagesController {
  constructor(
    private readonly packs: WorkingGroupPackService,
    private readonly views: ViewRenderer,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get('working-group-pack')
  @AnySignedIn()
  async page(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const form = await readFilters(WorkingGroupPackQuery, raw, FILTERS, ['pdf']);
    const p = await this.packs.pack(scope, form.query);
    if (form.format === 'pdf' && form.errors.errors.length === 0) return sendFile(res, await packPdf(this.views, p));
    const current = quarterOf(todayIso()).year;
    const { year, quarter } = p.quarterly.period;
    res.status(pageStatus(form.errors)).render('reports/working-group-pack', {
      ...packModel(p),
      ...form.errors,
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Prevent Working Group pack' }],
      organisations: await this.organisations.choices(scope, p.quarterly.organisation),
      years: Array.from({ length: 10 }, (_, i) => current - i).map((y) => ({ value: y, label: yearName(y), selected: y === year })),
      quarters: [1, 2, 3, 4].map((value) => ({ value, label: ['Q1 (Apr to Jun)', 'Q2 (Jul to Sep)', 'Q3 (Oct to Dec)', 'Q4 (Jan to Mar)'][value - 1], selected: value === quarter })),
    });
  }

  @Get('working-group-pack.pdf')
  @AnySignedIn()
  async pdf(@CurrentScope() scope: Scope, @Query() q: WorkingGroupPackQuery, @Res() res: Response): Promise<void> {
    sendFile(res, await packPdf(this.views, await this.packs.pack(scope, q)));
  }
}
