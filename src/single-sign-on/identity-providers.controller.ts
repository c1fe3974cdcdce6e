import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow, PartnershipWide } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { IdentityProviderDto, IdentityProviderView, UpdateIdentityProviderDto } from './dto/identity-provider.dto';
import { IdentityProvidersService } from './identity-providers.service';

/**
 * OpenID Connect providers for "Sign in with ...". Shared by the whole partnership, so only an
 * administrator for the whole partnership adds, changes or removes them. Secrets are write only.
 */
@ApiTags('identity providers')
@ApiBearerAuth()
@Allow('admin')
@Controller('api/identity-providers')
export class IdentityProvidersController {
  constructor(private readonly providers: IdentityProvidersService) {}

  /** Every provider, those set by OIDC_PROVIDERS too (with id null; they are changed there). */
  @Get()
  list(@CurrentScope() scope: Scope): Promise<IdentityProviderView[]> {
    return this.providers.list(scope);
  }

  @Get(':id')
  get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<IdentityProviderView> {
    return this.providers.get(scope, id);
  }

  @Post()
  @PartnershipWide()
  create(@CurrentScope() scope: Scope, @Body() dto: IdentityProviderDto): Promise<IdentityProviderView> {
    return this.providers.create(scope, dto);
  }

  /** Leave clientSecret out (or empty) to keep the stored one. */
  @Patch(':id')
  @PartnershipWide()
  update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateIdentityProviderDto): Promise<IdentityProviderView> {
    return this.providers.update(scope, id, dto);
  }

  @Delete(':id')
  @PartnershipWide()
  @HttpCode(204)
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.providers.remove(id);
  }
}
