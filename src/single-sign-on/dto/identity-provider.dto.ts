import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import type { UserRole } from '../../auth/scope';
import { CREATABLE_ROLES, SLUG_PATTERN } from '../provider-settings';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** A page's checkbox posts 'true' when ticked; JSON sends a boolean. */
const checkbox = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const SLUG = 'Enter a short name of lower-case letters, digits and hyphens, up to 40, such as entra';
const LABEL = 'Enter the name on the button, up to 100 characters, such as Microsoft';
const ISSUER = 'Enter the issuer address, up to 500 characters';
const CLIENT_ID = 'Enter the client (application) ID, up to 255 characters';

export class IdentityProviderDto {
  @ApiProperty({ example: 'entra', description: 'Short name used in the sign-in and redirect addresses: lower-case letters, digits and hyphens' })
  @Transform(trim)
  @IsString({ message: SLUG })
  @Matches(SLUG_PATTERN, { message: SLUG })
  slug: string;

  @ApiProperty({ example: 'Microsoft', description: 'The button says "Sign in with {label}"' })
  @Transform(trim)
  @IsString({ message: LABEL })
  @Length(1, 100, { message: LABEL })
  label: string;

  @ApiProperty({ example: 'https://login.microsoftonline.com/{tenant id}/v2.0' })
  @Transform(trim)
  @IsString({ message: ISSUER })
  @Length(1, 500, { message: ISSUER })
  issuer: string;

  @ApiProperty()
  @Transform(trim)
  @IsString({ message: CLIENT_ID })
  @Length(1, 255, { message: CLIENT_ID })
  clientId: string;

  @ApiPropertyOptional({ description: 'Write only: never returned. When changing a provider, leave it out to keep the stored one' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString({ message: 'Enter the client secret the provider gave you' })
  @MaxLength(2000, { message: 'Client secret must be 2,000 characters or fewer' })
  clientSecret?: string;

  @ApiPropertyOptional({ example: 'warwickshire.gov.uk, warwickshire.police.uk', description: 'Email domains this provider speaks for, separated by commas' })
  @IsOptional()
  @IsString({ message: 'Enter the email domains, separated by commas' })
  @MaxLength(2000, { message: 'Email domains must be 2,000 characters or fewer' })
  domains?: string;

  @ApiPropertyOptional({ description: 'Accounts at those domains must sign in through this provider, never with a password' })
  @Transform(checkbox)
  @IsOptional()
  @IsBoolean({ message: 'Say whether accounts at these domains must use single sign-on' })
  passwordsOff?: boolean;

  @ApiPropertyOptional({ description: 'Give unknown people an account with defaultRole in defaultOrganisationCode (off unless set)' })
  @Transform(checkbox)
  @IsOptional()
  @IsBoolean({ message: 'Say whether unknown people get an account' })
  createAccounts?: boolean;

  @ApiPropertyOptional({ enum: CREATABLE_ROLES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(CREATABLE_ROLES, { message: 'Choose the role new accounts are given (administrators are created by hand)' })
  defaultRole?: UserRole;

  @ApiPropertyOptional({ example: 'WCC' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString({ message: 'Choose the organisation new accounts are limited to' })
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
