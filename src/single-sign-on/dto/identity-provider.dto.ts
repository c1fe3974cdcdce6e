import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import type { UserRole } from '../../auth/scope';
import { CREATABLE_ROLES, SLUG_PATTERN } from '../provider-settings';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export class IdentityProviderDto {
  @ApiProperty({ example: 'entra', description: 'Short name used in the sign-in and redirect addresses: lower-case letters, digits and hyphens' })
  @Transform(trim)
  @IsString()
  @Matches(SLUG_PATTERN, { message: 'slug: use lower-case letters, digits and hyphens only, up to 40, such as entra' })
  slug: string;

  @ApiProperty({ example: 'Microsoft', description: 'The button says "Sign in with {label}"' })
  @Transform(trim)
  @IsString()
  @Length(1, 100, { message: 'label: enter the name on the button, up to 100 characters, such as Microsoft' })
  label: string;

  @ApiProperty({ example: 'https://login.microsoftonline.com/{tenant id}/v2.0' })
  @Transform(trim)
  @IsString()
  @Length(1, 500, { message: 'issuer: enter the issuer address, up to 500 characters' })
  issuer: string;

  @ApiProperty()
  @Transform(trim)
  @IsString()
  @Length(1, 255, { message: 'clientId: enter the client (application) id, up to 255 characters' })
  clientId: string;

  @ApiPropertyOptional({ description: 'Write only: never returned. When changing a provider, leave it out to keep the stored one' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  clientSecret?: string;

  @ApiPropertyOptional({ example: 'warwickshire.gov.uk, warwickshire.police.uk', description: 'Email domains this provider speaks for, separated by commas' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  domains?: string;

  @ApiPropertyOptional({ description: 'Accounts at those domains must sign in through this provider, never with a password' })
  @IsOptional()
  @IsBoolean()
  passwordsOff?: boolean;

  @ApiPropertyOptional({ description: 'Give unknown people an account with defaultRole in defaultOrganisationCode (off unless set)' })
  @IsOptional()
  @IsBoolean()
  createAccounts?: boolean;

  @ApiPropertyOptional({ enum: CREATABLE_ROLES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(CREATABLE_ROLES, { message: `defaultRole: new accounts may be ${CREATABLE_ROLES.join(', ')} (administrators are created by hand)` })
  defaultRole?: UserRole;

  @ApiPropertyOptional({ example: 'WCC' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  defaultOrganisationCode?: string;
}

export class UpdateIdentityProviderDto extends PartialType(OmitType(IdentityProviderDto, ['slug'] as const)) {}

export class IdentityProviderView {
  @ApiProperty({ nullable: true, type: Number, description: 'null for providers set by OIDC_PROVIDERS' }) id: number | null;
  @ApiProperty() slug: string;
  @ApiProperty() label: string;
  @ApiProperty() issuer: string;
  @ApiProperty() clientId: string;
  @ApiProperty({ description: 'Whether a secret is stored; the secret itself is never returned' }) hasClientSecret: boolean;
  @ApiProperty() domains: string;
  @ApiProperty() passwordsOff: boolean;
  @ApiProperty() createAccounts: boolean;
  @ApiProperty({ nullable: true, type: String }) defaultRole: UserRole | null;
  @ApiProperty({ nullable: true, type: String }) defaultOrganisationCode: string | null;
  @ApiProperty({ enum: ['environment', 'admin'] }) source: 'environment' | 'admin';
}
