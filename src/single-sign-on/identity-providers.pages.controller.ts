import { Controller, Get, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ScopeService } from '../access/scope.service';
import { Allow, PartnershipWide } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { ROLE_NAMES, Scope } from '../auth/scope';
import { AppConfig } from '../config/app-config';
import { OrganisationsService } from '../organisations/organisations.service';
import { IdentityProviderDto, UpdateIdentityProviderDto } from './dto/identity-provider.dto';
import { IdentityProvidersService } from './identity-providers.service';
import { CREATABLE_ROLES } from './provider-settings';
import { FormErrors, NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';

const CRUMBS = [{ text: 'Admin', href: '/admin' }];
const LIST_CRUMBS = [...CRUMBS, { text: 'Single sign-on', href: '/admin/identity-providers' }];

/** The provider form's fields in page order: the error summary follows it. */
const PROVIDER_FORM_ORDER = ['slug', 'label', 'issuer', 'clientId', 'clientSecret', 'domains', 'passwordsOff', 'createAccounts', 'defaultRole', 'defaultOrganisationCode'];

/** Admin pages for the identity providers; like every partnership-wide setting, changed only from an account for the whole partnership. */
@ApiExcludeController()
@Allow('admin')
@Controller('admin/identity-providers')
export class IdentityProvidersPagesController {
  constructor(
    private readonly providers: IdentityProvidersService,
    private readonly scopes: ScopeService,
    private readonly organisations: OrganisationsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@CurrentScope() scope: Scope, @Res() res: Response, @Query('done') done?: string) {
    const providers = (await this.providers.list(scope)).map((p) => ({ ...p, redirectUri: this.redirectUri(p.slug) }));
    res.render('admin/identity-providers', {
      title: 'Single sign-on',
      providers,
      canChange: await this.scopes.coversEverything(scope),
      secondFactorRoles: this.config.secondFactorRoles.map((r) => ROLE_NAMES[r]).join(', '),
      flash: { saved: 'The provider has been saved', removed: 'The provider has been removed' }[done ?? ''],
      breadcrumbs: CRUMBS,
    });
  }

  @Get('new')
  @PartnershipWide()
  async newProvider(@Res() res: Response) {
    await this.render(res, {}, NO_ERRORS);
  }

  @Post('new')
  @PartnershipWide()
  @OnFieldError<IdentityProvidersPagesController>('formAgain')
  async create(@CurrentScope() scope: Scope, @FormBody() dto: IdentityProviderDto, @Res() res: Response) {
    await this.providers.create(scope, dto);
    res.redirect(303, '/admin/identity-providers?done=saved');
  }

  @Get(':id')
  @PartnershipWide()
  async edit(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    const provider = await this.providers.get(scope, id);
    await this.render(res, { ...provider, defaultRole: provider.defaultRole ?? '', defaultOrganisationCode: provider.defaultOrganisationCode ?? '' }, NO_ERRORS, id);
  }

  @Post(':id')
  @PartnershipWide()
  @OnFieldError<IdentityProvidersPagesController>('formAgain')
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() dto: UpdateIdentityProviderDto, @Res() res: Response) {
    await this.providers.get(scope, id);
    // Every box is on the form: an unticked checkbox is "no", an empty domains box is none.
    await this.providers.update(scope, id, { ...dto, domains: dto.domains ?? '', passwordsOff: dto.passwordsOff ?? false, createAccounts: dto.createAccounts ?? false });
    res.redirect(303, '/admin/identity-providers?done=saved');
  }

  /** The add or change form again, as posted (never the secret), for the exception filter to show with its errors. */
  async formAgain(req: PageRequest): Promise<FormPage> {
    const id = req.params.id ? Number(req.params.id) : undefined;
    const existing = id === undefined ? null : await this.providers.get(req.scope, id);
    const values = { ...formValues(req.body as Record<string, string>), ...(existing ? { slug: existing.slug, hasClientSecret: existing.hasClientSecret } : {}) };
    // A refusal naming no field is the short name already used by another provider.
    return { view: 'admin/identity-provider-form', model: await this.model(values, id), order: PROVIDER_FORM_ORDER, unnamed: 'slug' };
  }

  @Post(':id/delete')
  @PartnershipWide()
  async remove(@Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    await this.providers.remove(id);
    res.redirect(303, '/admin/identity-providers?done=removed');
  }

  private redirectUri(slug: string): string {
    return `${this.config.PUBLIC_URL}/sign-in/oidc/${slug}/callback`;
  }

  private async render(res: Response, values: Record<string, unknown>, errors: FormErrors, id?: number) {
    res.render('admin/identity-provider-form', { ...(await this.model(values, id)), ...errors });
  }

  private async model(values: Record<string, unknown>, id?: number): Promise<Record<string, unknown>> {
    const organisations = await this.organisations.list();
    const heading = id ? `Change ${String(values.label ?? 'provider')}` : 'Add an identity provider';
    return {
      title: heading,
      heading,
      id,
      // Never the secret itself: only whether one is stored.
      values: { ...values, clientSecret: undefined },
      redirectUri: values.slug ? this.redirectUri(String(values.slug)) : `${this.config.PUBLIC_URL}/sign-in/oidc/{short name}/callback`,
      roles: CREATABLE_ROLES.map((value) => ({ value, text: ROLE_NAMES[value] })),
      organisations: organisations.map((o) => ({ code: o.code, name: `${'– '.repeat(o.depth)}${o.name}` })),
      breadcrumbs: LIST_CRUMBS,
    };
  }
}

function formValues(body: Record<string, string>) {
  return {
    slug: body.slug,
    label: body.label,
    issuer: body.issuer,
    clientId: body.clientId,
    clientSecret: body.clientSecret,
    domains: body.domains ?? '',
    passwordsOff: body.passwordsOff === 'true',
    createAccounts: body.createAccounts === 'true',
    defaultRole: body.defaultRole,
    defaultOrganisationCode: body.defaultOrganisationCode,
  };
}
