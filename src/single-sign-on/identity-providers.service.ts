import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import type { Scope } from '../auth/scope';
import { FieldError } from '../common/field-error';
import { conflict, notFound } from '../common/http-errors';
import { AppConfig } from '../config/app-config';
import { IdentityProviderDto, IdentityProviderView, UpdateIdentityProviderDto } from './dto/identity-provider.dto';
import { IdentityProvider } from './identity-provider.entity';
import { domainOf, issuerProblem, parseDomains, ProviderSettings } from './provider-settings';

/**
 * The OpenID Connect providers people may sign in with: those of OIDC_PROVIDERS (read only here)
 * and those an administrator for the whole partnership adds. Client secrets go in, never out.
 */
@Injectable()
export class IdentityProvidersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly scopes: ScopeService,
  ) {}

  private get rows() {
    return this.dataSource.getRepository(IdentityProvider);
  }

  async all(): Promise<ProviderSettings[]> {
    const rows = await this.rows.find({ relations: { defaultOrganisation: true }, order: { label: 'ASC' } });
    return [...this.config.environmentProviders, ...rows.map(settingsOf)];
  }

  async bySlug(slug: string): Promise<ProviderSettings | null> {
    return (await this.all()).find((p) => p.slug === slug) ?? null;
  }

  /** The provider an email address must sign in through, if its domain has passwords turned off. */
  async passwordsOffFor(email: string): Promise<ProviderSettings | null> {
    const domain = domainOf(email);
    return (await this.all()).find((p) => p.passwordsOff && p.domains.includes(domain)) ?? null;
  }

  /** Every provider; the organisation new accounts go to only where the scope may see it, as everywhere. */
  async list(scope: Scope): Promise<IdentityProviderView[]> {
    return Promise.all((await this.all()).map((p) => this.visibleView(scope, p)));
  }

  async get(scope: Scope, id: number): Promise<IdentityProviderView> {
    return this.visibleView(scope, settingsOf(await this.row(id)));
  }

  private async visibleView(scope: Scope, provider: ProviderSettings): Promise<IdentityProviderView> {
    const view = viewOf(provider);
    if (view.defaultOrganisationCode && scope.rootOrganisationId !== null) {
      const visible = await this.scopes.organisation(scope, view.defaultOrganisationCode).then(() => true, () => false);
      if (!visible) view.defaultOrganisationCode = null;
    }
    return view;
  }

  async create(scope: Scope, dto: IdentityProviderDto): Promise<IdentityProviderView> {
    if (!dto.clientSecret) throw new FieldError('clientSecret', 'Enter the client secret the provider gave you');
    if (this.config.environmentProviders.some((p) => p.slug === dto.slug) || (await this.rows.existsBy({ slug: dto.slug }))) {
      throw conflict(`slug: There is already a provider called ${dto.slug}: choose another short name`);
    }
    const row = this.rows.create({ slug: dto.slug, clientSecret: dto.clientSecret });
    await this.apply(scope, row, dto);
    return this.get(scope, (await this.rows.save(row)).id);
  }

  async update(scope: Scope, id: number, dto: UpdateIdentityProviderDto): Promise<IdentityProviderView> {
    const row = await this.row(id);
    // An empty secret keeps the one stored: it is never sent back to be re-entered.
    if (dto.clientSecret) row.clientSecret = dto.clientSecret;
    const current = viewOf(settingsOf(row));
    await this.apply(scope, row, {
      ...current,
      defaultRole: current.defaultRole ?? undefined,
      defaultOrganisationCode: current.defaultOrganisationCode ?? undefined,
      ...withoutUndefined(dto),
    });
    await this.rows.save(row);
    return this.get(scope, id);
  }

  async remove(id: number): Promise<void> {
    await this.rows.remove(await this.row(id));
  }

  private async row(id: number): Promise<IdentityProvider> {
    const row = await this.rows.findOne({ where: { id }, relations: { defaultOrganisation: true } });
    if (!row) throw notFound('identity provider', id);
    return row;
  }

  /** The checks the DTO cannot make alone: issuer, domains, and the organisation new accounts go to (through ScopeService). */
  private async apply(scope: Scope, row: IdentityProvider, dto: Omit<IdentityProviderDto, 'slug' | 'clientSecret'>): Promise<void> {
    const problem = issuerProblem(dto.issuer);
    if (problem) throw new FieldError('issuer', problem);
    const { domains, bad } = parseDomains(dto.domains ?? '');
    if (bad) throw new FieldError('domains', `${bad} is not an email domain. Write domains such as warwickshire.gov.uk, separated by commas`);
    if (dto.passwordsOff && domains.length === 0) throw new FieldError('domains', 'Enter the email domains whose accounts must use single sign-on');
    row.label = dto.label;
    row.issuer = dto.issuer;
    row.clientId = dto.clientId;
    row.domains = domains.join(',');
    row.passwordsOff = dto.passwordsOff ?? false;
    row.createAccounts = dto.createAccounts ?? false;
    if (row.createAccounts) {
      if (!dto.defaultRole) throw new FieldError('defaultRole', 'Choose the role new accounts are given');
      if (!dto.defaultOrganisationCode) throw new FieldError('defaultOrganisationCode', 'Choose the organisation new accounts are limited to');
      row.defaultRole = dto.defaultRole;
      row.defaultOrganisationId = (await this.scopes.organisationField(scope, dto.defaultOrganisationCode, 'defaultOrganisationCode')).id;
    } else {
      row.defaultRole = null;
      row.defaultOrganisationId = null;
    }
    row.defaultOrganisation = undefined;
  }
}

function settingsOf(row: IdentityProvider): ProviderSettings {
  return {
    id: row.id,
    slug: row.slug,
    label: row.label,
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecret: row.clientSecret,
    domains: row.domains ? row.domains.split(',') : [],
    passwordsOff: row.passwordsOff,
    createAccounts: row.createAccounts && row.defaultRole && row.defaultOrganisation ? { role: row.defaultRole, organisationCode: row.defaultOrganisation.code } : null,
    source: 'admin',
    version: `${row.id}:${row.updatedAt?.valueOf() ?? 0}`,
  };
}

function viewOf(p: ProviderSettings): IdentityProviderView {
  return {
    id: p.id ?? null,
    slug: p.slug,
    label: p.label,
    issuer: p.issuer,
    clientId: p.clientId,
    hasClientSecret: Boolean(p.clientSecret),
    domains: p.domains.join(', '),
    passwordsOff: p.passwordsOff,
    createAccounts: p.createAccounts !== null,
    defaultRole: p.createAccounts?.role ?? null,
    defaultOrganisationCode: p.createAccounts?.organisationCode ?? null,
    source: p.source,
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
