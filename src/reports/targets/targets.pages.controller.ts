import { Controller, Get, NotFoundException, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { Allow, PartnershipWide } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { NO_ERRORS } from '../../common/form-errors';
import { FormBody, type FormPage, OnFieldError, type PageRequest } from '../../common/form-page';
import { SECTOR_NAMES, SECTORS } from '../../organisations/sectors';
import { OrganisationsService } from '../../organisations/organisations.service';
import { ORGANISATION_FORM_ORDER, OrganisationTargetFormDto, PARTNERSHIP_FORM_ORDER, PartnershipTargetFormDto, RemoveTargetFormDto } from './targets.dto';
import { type AppliedTarget, sectorNameOf, TargetsService } from './targets.service';

class TargetsPageQuery {
  @IsOptional()
  @IsIn(['saved', 'removed'])
  done?: string;
}

type Form = Record<string, string>;

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** Targets: the partnership's per level, each sector's and each organisation's (administrators change them). */
@ApiExcludeController()
@Controller('reports/targets')
export class TargetsPagesController {
  constructor(
    private readonly targets: TargetsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get()
  @Allow('admin', 'coordinator')
  async page(@CurrentScope() scope: Scope, @Query() q: TargetsPageQuery, @Res() res: Response): Promise<void> {
    const flash = q.done === 'saved' ? 'Target saved' : q.done === 'removed' ? 'Target removed' : undefined;
    res.render('reports/targets', { ...(await this.model(scope, {}, {})), ...NO_ERRORS, flash });
  }

  @Post('partnership')
  @Allow('admin')
  @PartnershipWide()
  @OnFieldError<TargetsPagesController>('partnershipFormAgain')
  async savePartnership(@CurrentScope() scope: Scope, @FormBody() form: PartnershipTargetFormDto, @Res() res: Response): Promise<void> {
    const target = { level: form.level, targetPercent: form.targetPercent, amberMargin: form.amberMargin };
    if (form.sector) await this.targets.setSector(scope, form.sector, target);
    else await this.targets.setPartnership(scope, target);
    res.redirect(303, '/reports/targets?done=saved');
  }

  @Post('organisation')
  @Allow('admin')
  @OnFieldError<TargetsPagesController>('organisationFormAgain')
  async saveOrganisation(@CurrentScope() scope: Scope, @FormBody() form: OrganisationTargetFormDto, @Res() res: Response): Promise<void> {
    await this.targets.setOrganisation(scope, form.organisation, { level: form.orgLevel, targetPercent: form.orgTargetPercent, amberMargin: form.orgAmberMargin });
    res.redirect(303, '/reports/targets?done=saved');
  }

  /** Removes a partnership or sector target: shared by everyone, so only from a partnership-wide account. */
  @Post('remove-shared')
  @Allow('admin')
  @PartnershipWide()
  async removeShared(@CurrentScope() scope: Scope, @FormBody() form: RemoveTargetFormDto, @Res() res: Response): Promise<void> {
    if (form.reach === 'organisation') throw new NotFoundException('No target is set there for that level');
    await this.remove(scope, form, res);
  }

  @Post('remove')
  @Allow('admin')
  async removeOrganisation(@CurrentScope() scope: Scope, @FormBody() form: RemoveTargetFormDto, @Res() res: Response): Promise<void> {
    if (form.reach !== 'organisation') throw new NotFoundException('No target is set there for that level');
    await this.remove(scope, form, res);
  }

  private async remove(scope: Scope, form: RemoveTargetFormDto, res: Response): Promise<void> {
    if (!(await this.targets.remove(scope, form.reach, { sector: form.sector, organisation: form.organisation }, form.level))) {
      throw new NotFoundException('No target is set there for that level');
    }
    res.redirect(303, '/reports/targets?done=removed');
  }

  async partnershipFormAgain(req: PageRequest): Promise<FormPage> {
    const posted = Object.fromEntries(PARTNERSHIP_FORM_ORDER.map((f) => [f, text((req.body as Form)[f])]));
    return { view: 'reports/targets', model: await this.model(req.scope, posted, {}), order: PARTNERSHIP_FORM_ORDER, status: 422 };
  }

  async organisationFormAgain(req: PageRequest): Promise<FormPage> {
    const posted = Object.fromEntries(ORGANISATION_FORM_ORDER.map((f) => [f, text((req.body as Form)[f])]));
    return {
      view: 'reports/targets',
      model: await this.model(req.scope, {}, posted),
      order: ORGANISATION_FORM_ORDER,
      // The service names the level and the organisation as the API does.
      anchors: { level: 'orgLevel' },
      status: 422,
    };
  }

  private async model(scope: Scope, partnership: Form, organisation: Form): Promise<Record<string, unknown>> {
    const list = await this.targets.list(scope);
    const levelName = new Map(list.levels.map((l) => [l.code, l.name]));
    const row = (t: AppliedTarget) => ({
      ...t,
      levelName: levelName.get(t.levelCode) ?? t.levelCode,
      sectorName: sectorNameOf(t.sector),
      where: t.reach === 'partnership' ? 'The whole partnership' : t.reach === 'sector' ? sectorNameOf(t.sector) : t.organisation!.name,
      removeAction: t.reach === 'organisation' ? '/reports/targets/remove' : '/reports/targets/remove-shared',
      canRemove: scope.canEditFramework && (t.reach === 'organisation' || list.canSetPartnershipWide),
    });
    const levels = (selected: string | undefined) => list.levels.map((l) => ({ value: l.code, label: `${l.code} ${l.name}`, selected: l.code === selected }));
    return {
      title: 'Targets',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports', href: '/reports' }, { text: 'Targets' }],
      shared: [...list.partnership, ...list.sectors].map(row),
      own: list.organisations.map(row),
      canSetShared: scope.canEditFramework && list.canSetPartnershipWide,
      canSetOwn: scope.canEditFramework,
      partnership: { ...partnership, amberMargin: partnership.amberMargin ?? '5' },
      organisation: { ...organisation, orgAmberMargin: organisation.orgAmberMargin ?? '5' },
      sectors: [{ value: '', label: 'The whole partnership', selected: !partnership.sector }, ...SECTORS.map((s) => ({ value: s, label: SECTOR_NAMES[s], selected: s === partnership.sector }))],
      sharedLevels: levels(partnership.level),
      ownLevels: levels(organisation.orgLevel),
      organisations: (await this.organisations.choices(scope)).map((o) => ({ ...o, selected: o.code === organisation.organisation })),
    };
  }
}

