import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module';
import { UsersModule } from '../users/users.module';
import { IdentityProvidersController } from './identity-providers.controller';
import { IdentityProvidersPagesController } from './identity-providers.pages.controller';
import { IdentityProvidersService } from './identity-providers.service';
import { OidcSignInService } from './oidc-sign-in.service';

/** OpenID Connect providers and the accounts they sign in. The "Sign in with ..." pages are registered by AuthModule. */
@Module({
  imports: [UsersModule, OrganisationsModule],
  controllers: [IdentityProvidersController, IdentityProvidersPagesController],
  providers: [IdentityProvidersService, OidcSignInService],
  exports: [IdentityProvidersService, OidcSignInService],
})
export class SingleSignOnModule {}
