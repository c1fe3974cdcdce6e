import { Body, Controller, Get, HttpException, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
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
import { refusalProblems } from '../common/field-error';

const CRUMBS = [{ text: 'Admin', href: '/admin' }];
const LIST_CRUMBS = [...CRUMBS, { text: 'Single sign-on', href: '/admin/identity-providers' }];

const PROVIDER_FORM_FIELDS = ['slug', 'label', 'issuer', 'clientId', 'clientSecret', 'domains', 'createAccounts', 'defaultOrganisationCode', 'defaultRole', 'passwordsOff'];

interface FormError {
  href: string;
  field: string;
  text: string;
}

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
    await this.render(res, {}, [], undefined, 200);
  }

  @Post('new')
  @PartnershipWide()
  async create(@CurrentScope() scope: Scope, @Body() body: Record<string, string>, @Res() res: Response) {
    const values = formValues(body);
    const dto = plainToInstance(IdentityProviderDto, values);
    const problems = await validate(dto, { whitelist: true });
    if (problems.length) return this.render(res, values, errorsOf(problems));
    try {
      await this.providers.create(scope, dto);
      res.redirect(303, '/admin/identity-providers?done=saved');
    } catch (error) {
      await this.renderFailure(res, values, error);
    }
  }

  @Get(':id')
  @PartnershipWide()
  async edit(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    const provider = await this.providers.get(scope, id);
    await this.render(res, { ...provider, defaultRole: provider.defaultRole ?? '', defaultOrganisationCode: provider.defaultOrganisationCode ?? '' }, [], id, 200);
  }

  @Post(':id')
  @PartnershipWide()
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() body: Record<string, string>, @Res() res: Response) {
    const existing = await this.providers.get(scope, id);
    const values = { ...formValues(body), slug: existing.slug, hasClientSecret: existing.hasClientSecret };
    const { slug: _slug, hasClientSecret: _has, ...changes } = values;
    const dto = plainToInstance(UpdateIdentityProviderDto, changes);
    const problems = await validate(dto, { whitelist: true });
    if (problems.length) return this.render(res, values, errorsOf(problems), id);
    try {
      await this.providers.update(scope, id, dto);
      res.redirect(303, '/admin/identity-providers?done=saved');
    } catch (error) {
      await this.renderFailure(res, values, error, id);
    }
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

  private async render(res: Response, values: Record<string, unknown>, errors: FormError[], id?: number, status = 400) {
    const organisations = await this.organisations.list();
    const heading = id ? `Change ${String(values.label ?? 'provider')}` : 'Add an identity provider';
    res.status(errors.length ? status : 200).render('admin/identity-provider-form', {
      title: heading,
      heading,
      id,
      // Never the secret itself: only whether one is stored.
      values: { ...values, clientSecret: undefined },
      redirectUri: values.slug ? this.redirectUri(String(values.slug)) : `${this.config.PUBLIC_URL}/sign-in/oidc/{short name}/callback`,
      roles: CREATABLE_ROLES.map((value) => ({ value, text: ROLE_NAMES[value] })),
      organisations: organisations.map((o) => ({ code: o.code, name: `${'– '.repeat(o.depth)}${o.name}` })),
      errors,
      errorFor: Object.fromEntries(errors.map((e) => [e.field, e.text])),
      breadcrumbs: LIST_CRUMBS,
    });
  }

  private async renderFailure(res: Response, values: Record<string, unknown>, error: unknown, id?: number) {
    if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
    // A refusal that names no field is about the slug (already used by another provider).
    const problems = refusalProblems(error) ?? [{ field: null, message: error.message }];
    await this.render(res, values, problems.map(({ field, message }) => ({ href: `#${field ?? 'slug'}`, field: field ?? 'slug', text: message })), id, error.getStatus());
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

function errorsOf(problems: ValidationError[]): FormError[] {
  return problems.map((p) => {
    const text = (Object.values(p.constraints ?? {})[0] ?? `${p.property} is not valid`).replace(/^\w+: /, '');
    return { href: `#${p.property}`, field: p.property, text };
  });
}
