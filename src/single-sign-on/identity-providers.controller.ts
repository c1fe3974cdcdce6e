import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, PartnershipWide } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { IdentityProviderDto, IdentityProviderView, UpdateIdentityProviderDto } from './dto/identity-provider.dto';
import { IdentityProvidersService } from './identity-providers.service';

const SHARED = 'Only administrators for the whole partnership can change this: it is shared by everyone';
const SETTINGS_REFUSED =
  'The issuer address is not valid, a domain is not an email domain, passwordsOff has no domains, ' +
  'or createAccounts lacks defaultRole or a defaultOrganisationCode among yours';

/**
 * OpenID Connect providers for "Sign in with ...". Shared by the whole partnership, so only an
 * administrator for the whole partnership adds, changes or removes them. Secrets are write only.
 */
@ApiTags('identity providers')
@ApiSignedIn()
@ApiErrors({ forbidden: 'Only administrators manage single sign-on' })
@Allow('admin')
@Controller('api/identity-providers')
export class IdentityProvidersController {
  constructor(private readonly providers: IdentityProvidersService) {}

  /** Every provider, those set by OIDC_PROVIDERS too (with id null; they are changed there). */
  @Get()
  @ApiOperation({
    summary: 'List the single sign-on providers',
    description: 'Those added here and those set by OIDC_PROVIDERS (with id null: they are changed there). Client secrets are never shown.',
  })
  @ApiOkResponse({ type: [IdentityProviderView] })
  list(@CurrentScope() scope: Scope): Promise<IdentityProviderView[]> {
    return this.providers.list(scope);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a single sign-on provider' })
  @ApiOkResponse({ type: IdentityProviderView })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No provider with that id (providers set by OIDC_PROVIDERS have none)' })
  get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<IdentityProviderView> {
    return this.providers.get(scope, id);
  }

  @Post()
  @PartnershipWide()
  @ApiOperation({
    summary: 'Add a single sign-on provider ("Sign in with ...")',
    description: 'An OpenID Connect provider: its issuer, client id and secret, the email domains it speaks for, and whether it may create accounts.',
  })
  @ApiCreatedResponse({ type: IdentityProviderView })
  @ApiErrors({
    badRequest: 'A field is missing or not valid',
    forbidden: SHARED,
    conflict: 'There is already a provider with that short name (slug)',
    unprocessable: `${SETTINGS_REFUSED}, or the client secret is missing`,
  })
  create(@CurrentScope() scope: Scope, @Body() dto: IdentityProviderDto): Promise<IdentityProviderView> {
    return this.providers.create(scope, dto);
  }

  /** Leave clientSecret out (or empty) to keep the stored one. */
  @Patch(':id')
  @PartnershipWide()
  @ApiOperation({ summary: 'Change a single sign-on provider', description: 'Give only the fields to change; leave clientSecret out (or empty) to keep the stored one.' })
  @ApiOkResponse({ type: IdentityProviderView })
  @ApiErrors({ badRequest: 'A field is not valid', forbidden: SHARED, notFound: 'No provider with that id (providers set by OIDC_PROVIDERS are changed there)', unprocessable: SETTINGS_REFUSED })
  update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateIdentityProviderDto): Promise<IdentityProviderView> {
    return this.providers.update(scope, id, dto);
  }

  @Delete(':id')
  @PartnershipWide()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a single sign-on provider', description: 'Its button goes from the sign-in page; the user accounts stay.' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors({ badRequest: 'The id is not a number', forbidden: SHARED, notFound: 'No provider with that id (providers set by OIDC_PROVIDERS are removed there)' })
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.providers.remove(id);
  }
}
