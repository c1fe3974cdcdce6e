import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AnySignedIn } from '../../auth/allow.decorator';
import { NamedAccessLog } from '../../data-protection/named-access-log.service';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { formatUkDate } from '../../common/dates';
import { reportFile, type Sheet, sendFile } from '../shared/export-files';
import { dateBoxes, dateMessage, type FilterField, pageStatus, type RawQuery, readFilters } from '../shared/report-filters';
import { OrganisationsService } from '../../organisations/organisations.service';
import { TrainerCoverageQuery, type TrainerCoverageView } from './trainer-coverage.dto';
import { TrainerCoverageService } from './trainer-coverage.service';
import type { NamedAccess } from '../../data-protection/named-access-log.service';
import type { AccessFormat } from '../../data-protection/named-access-log.entity';

function coverageSheet(v: TrainerCoverageView, named: boolean): Sheet {
  const base = [
    { header: 'Organisation', key: 'name', width: 36 },
    { header: 'Organisation code', key: 'code', width: 14 },
    { header: 'Sector', key: 'sectorName', width: 18 },
    { header: 'Trainers (valid L3 train the trainer)', key: 'trainers', kind: 'number' as const },
    { header: 'Sessions delivered', key: 'sessionsDelivered', kind: 'number' as const },
    { header: 'People trained', key: 'peopleTrained', kind: 'number' as const },
  ];
  if (!named) return { name: 'Trainer coverage', columns: base, rows: v.organisations };
  return {
    name: 'Trainer coverage',
    columns: [
      ...base,
      { header: 'Trainer', key: 'trainer', width: 24 },
      { header: 'Employee reference', key: 'employeeRef', width: 14 },
      { header: 'Trainer’s organisation', key: 'trainerOrganisation', width: 30 },
      { header: 'L3 train the trainer valid until', key: 'validUntil', width: 14 },
      { header: 'Trainer’s sessions', key: 'trainerSessions', kind: 'number' },
      { header: 'Trainer’s people trained', key: 'trainerPeople', kind: 'number' },
    ],
    rows: v.organisations.flatMap((o) =>
      o.trainerList?.length
        ? o.trainerList.map((t) => ({
            ...o,
            trainer: t.name,
            employeeRef: t.employeeRef,
            trainerOrganisation: t.organisationName,
            validUntil: t.validUntil ?? 'never lapses',
            trainerSessions: t.sessionsDelivered,
            trainerPeople: t.peopleTrained,
          }))
        : [o],
    ),
  };
}

/** A view or download of the trainers by name, for the access log: one row per trainer of each organisation. */
export function trainerCoverageAccess(v: TrainerCoverageView, format: AccessFormat): NamedAccess {
  const rows = v.organisations.reduce((n, o) => n + (o.trainerList?.length ?? 0), 0);
  return { list: 'trainer-coverage', format, filter: { organisation: v.organisation.code, asOf: v.asOf }, rows, organisationCode: v.organisation.code };
}

const FILTERS: Record<string, FilterField> = {
  organisation: { message: 'Choose an organisation from the list' },
  asOf: dateMessage('Date'),
};

/** Trained WRAP trainers in each organisation, the sessions they ran and the people they trained. */
@ApiExcludeController()
@Controller('reports')
export class TrainerCoveragePagesController {
  constructor(
    private readonly coverage: TrainerCoverageService,
    private readonly organisations: OrganisationsService,
    private readonly accessLog: NamedAccessLog,
  ) {}

  @Get('trainer-coverage')
  @AnySignedIn()
  async page(@CurrentScope() scope: Scope, @Query() raw: RawQuery, @Res() res: Response): Promise<void> {
    const named = scope.canSeePeople;
    const form = await readFilters(TrainerCoverageQuery, raw, FILTERS, ['csv']);
    const v = await this.coverage.coverage(scope, form.query, named);
    if (form.format && form.errors.errors.length === 0) return this.send(res, scope, v, named);
    // Viewers see figures only: nothing named, nothing logged.
    if (named) this.accessLog.noteView(scope, trainerCoverageAccess(v, 'page'));
    const withTrainer = v.organisations.filter((o) => o.hasTrainer).length;
    res.status(pageStatus(form.errors)).render('reports/trainer-coverage', {
      title: `Trainer coverage: ${v.organisation.name}`,
      ...form.errors,
      asOfParts: dateBoxes(raw, 'asOf', form.refused('asOf'), v.asOf),
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Trainer coverage' }],
      v,
      named,
      period: `Trainers holding a valid L3 (train the trainer) on ${formatUkDate(v.asOf)}; sessions they delivered from ${formatUkDate(v.sessionsFrom)} to ${formatUkDate(v.asOf)}`,
      summary: `${withTrainer} of ${v.organisations.length} ${v.organisations.length === 1 ? 'organisation has' : 'organisations have'} at least one trained trainer (${v.trainers} ${v.trainers === 1 ? 'trainer' : 'trainers'} in all).`,
      rows: v.organisations.map((o) => ({
        ...o,
        label: o.direct ? `${o.name} (people directly in it)` : o.name,
        href: o.direct ? null : `/reports/trainer-coverage?${new URLSearchParams({ organisation: o.code, asOf: v.asOf })}`,
      })),
      without: v.organisations.filter((o) => !o.hasTrainer),
      organisations: await this.organisations.choices(scope, v.organisation),
    });
  }

  @Get('trainer-coverage.csv')
  @AnySignedIn()
  async csv(@CurrentScope() scope: Scope, @Query() q: TrainerCoverageQuery, @Res() res: Response): Promise<void> {
    const named = scope.canSeePeople;
    await this.send(res, scope, await this.coverage.coverage(scope, q, named), named);
  }

  private async send(res: Response, scope: Scope, v: TrainerCoverageView, named: boolean): Promise<void> {
    if (named) await this.accessLog.recordDownload(scope, trainerCoverageAccess(v, 'csv'));
    sendFile(res, await reportFile('csv', `prevent-trainer-coverage-${v.organisation.code}-${v.asOf}`, [coverageSheet(v, named)], 'Trainer coverage'));
  }
}
