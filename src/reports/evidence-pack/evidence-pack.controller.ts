import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AnySignedIn } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { type NamedAccess, NamedAccessLog } from '../../data-protection/named-access-log.service';
import type { AccessFormat } from '../../data-protection/named-access-log.entity';
import { OrganisationsService } from '../../organisations/organisations.service';
import { sendFile } from '../shared/export-files';
import { type FilterField, pageStatus, type RawQuery, readFilters } from '../shared/report-filters';
import { ViewRenderer } from '../shared/view-renderer';
import { EvidencePackQuery, EvidencePackView } from './evidence-pack.dto';
import { evidenceModel } from './evidence-pack.presenter';
import { EvidencePackService } from './evidence-pack.service';

const FILTERS: Record<string, FilterField> = { organisation: { message: 'Choose an organisation from the list' } };

/** The pack's named list as the access log records it (null: the pack names nobody but its lead). */
function namedAccess(pack: EvidencePackView, format: AccessFormat): NamedAccess | null {
  if (!pack.namedList) return null;
  const people = new Set(pack.namedList.flatMap((level) => level.people.map((p) => p.id)));
  return { list: 'evidence-pack', format, filter: { organisation: pack.organisation.code }, rows: people.size, organisationCode: pack.organisation.code };
}

@ApiTags('reports')
@ApiSignedIn()
@Controller('api/reports/evidence-pack')
export class EvidencePackController {
  constructor(
    private readonly evidence: EvidencePackService,
    private readonly accessLog: NamedAccessLog,
  ) {}

  /** The pack's contents; lead names only for those who may see them, the named list for coordinators and administrators. */
  @Get()
  @AnySignedIn()
  @ApiOperation({
    summary: 'Inspection evidence pack of one organisation',
    description: 'Its Prevent lead and their L3, each level’s compliance against target, the sessions its people attended in the last 12 months, and (coordinators and administrators only) everyone who needs each level with status and date due.',
  })
  @ApiOkResponse({ type: EvidencePackView, description: 'The pack' })
  @ApiErrors({ notFound: 'No organisation with that code among yours' })
  async pack(@CurrentScope() scope: Scope, @Query() q: EvidencePackQuery): Promise<EvidencePackView> {
    const pack = await this.evidence.pack(scope, q.organisation);
    const named = namedAccess(pack, 'json');
    if (named) this.accessLog.noteView(scope, named);
    return pack;
  }
}

/** The page (form and preview) and the tagged PDF handed to an inspector. */
@ApiExcludeController()
@Controller('reports')
export class EvidencePackPagesController {
  constructor(
    private readonly evidence: EvidencePackService,
    private readonly views: ViewRenderer,
    private readonly organisations: OrganisationsService,
    private readonly accessLog: NamedAccessLog,
  ) {}

  @Get('evidence-pack')
  @AnySignedIn()
  async page(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const form = await readFilters(EvidencePackQuery, raw, FILTERS, ['pdf']);
    const pack = await this.evidence.pack(scope, form.query.organisation);
    if (form.format === 'pdf' && form.errors.errors.length === 0) return this.sendPdf(scope, res, pack);
    const named = namedAccess(pack, 'page');
    if (named) this.accessLog.noteView(scope, named);
    res.status(pageStatus(form.errors)).render('reports/evidence-pack', {
      ...this.model(pack),
      ...form.errors,
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Inspection evidence pack' }],
      organisations: await this.organisations.choices(scope, pack.organisation),
    });
  }

  @Get('evidence-pack.pdf')
  @AnySignedIn()
  async pdf(@CurrentScope() scope: Scope, @Query() q: EvidencePackQuery, @Res() res: Response): Promise<void> {
    await this.sendPdf(scope, res, await this.evidence.pack(scope, q.organisation));
  }

  private model(pack: EvidencePackView) {
    return { title: `Prevent training evidence: ${pack.organisation.name}`, pack, ...evidenceModel(pack) };
  }

  private async sendPdf(scope: Scope, res: Response, pack: EvidencePackView): Promise<void> {
    const named = namedAccess(pack, 'pdf');
    if (named) await this.accessLog.recordDownload(scope, named);
    const body = await this.views.pdf('reports/evidence-pack', this.model(pack), `Prevent training evidence, prepared on ${evidenceModel(pack).preparedOnText}: ${pack.organisation.name}`);
    sendFile(res, { filename: `prevent-evidence-${pack.organisation.code}-${pack.preparedOn}.pdf`.replace(/[^A-Za-z0-9._-]+/g, '-'), contentType: 'application/pdf', body });
  }
}
