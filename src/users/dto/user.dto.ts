import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength, MinLength, registerDecorator, ValidateIf, ValidationArguments } from 'class-validator';
import { USER_ROLES, type UserRole } from '../../auth/scope';
import { lengthMessage } from '../../common/validators';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem } from '../passwords';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** A form's checkbox after its hidden "false": ['false', 'true'] when ticked, 'false' when not; JSON's true and false as sent. */
const checkbox = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.includes('true') : value === 'true' ? true : value === 'false' ? false : value);
const NAME = { message: 'Enter a name' };
const ROLE = { message: 'Choose a role' };
const emptyToNull = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? null : value);

/**
 * Not a common or guessable password (zxcvbn, see passwords.ts), counting the object's own
 * `personal` fields (email, name) as guessable. Length is left to @MinLength/@MaxLength, so one message a problem.
 */
function IsHardToGuess(personal: string[] = []) {
  const problem = (value: unknown, args: ValidationArguments) => {
    if (typeof value !== 'string' || value.length < MIN_PASSWORD_LENGTH || value.length > MAX_PASSWORD_LENGTH) return null;
    const object = args.object as Record<string, unknown>;
    return passwordProblem(value, personal.map((field) => (typeof object[field] === 'string' ? (object[field] as string) : null)));
  };
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isHardToGuess',
      target: target.constructor,
      propertyName,
      options: { message: (args: ValidationArguments) => problem(args.value, args) ?? 'Choose a password that is harder to guess' },
      validator: { validate: (value: unknown, args: ValidationArguments) => problem(value, args as ValidationArguments) === null },
    });
}

export class CreateUserDto {
  @ApiProperty({ example: 'sam.coordinator@example.gov.uk' })
  @Transform(lower)
  @IsEmail({}, { message: 'Enter an email address in the correct format, like name@example.gov.uk' })
  email: string;

  @ApiProperty({ example: 'Sam Patel' })
  @Transform(trim)
  @IsString(NAME)
  @Length(1, 200, lengthMessage(NAME.message, 'Name must be 200 characters or fewer'))
  displayName: string;

  @ApiProperty({ enum: USER_ROLES })
  @IsIn(USER_ROLES, ROLE)
  role: UserRole;

  @ApiPropertyOptional({ example: 'WCC', description: 'The organisation subtree the user is limited to (empty: everything, administrators only)' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsString()
  organisationCode?: string | null;

  @ApiPropertyOptional({ description: 'Employee reference of the user’s own staff record (managers and trainers need one)' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsString()
  staffEmployeeRef?: string | null;

  @ApiPropertyOptional({ description: 'Leave empty to generate a temporary password, shown once' })
  @Transform(emptyToNull)
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString({ message: 'Enter a password, or leave it empty' })
  @MinLength(MIN_PASSWORD_LENGTH, { message: `Password must be at least ${MIN_PASSWORD_LENGTH} characters` })
  @MaxLength(MAX_PASSWORD_LENGTH, { message: `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer` })
  @IsHardToGuess(['email', 'displayName'])
  password?: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @Transform(trim)
  @IsOptional()
  @IsString(NAME)
  @Length(1, 200, lengthMessage(NAME.message, 'Name must be 200 characters or fewer'))
  displayName?: string;

  @ApiPropertyOptional({ enum: USER_ROLES })
  @IsOptional()
  @IsIn(USER_ROLES, ROLE)
  role?: UserRole;

  @ApiPropertyOptional() @Transform(emptyToNull) @IsOptional() @IsString() organisationCode?: string | null;
  @ApiPropertyOptional() @Transform(emptyToNull) @IsOptional() @IsString() staffEmployeeRef?: string | null;
  @ApiPropertyOptional()
  @Transform(checkbox)
  @IsOptional()
  @IsBoolean({ message: 'Say whether the account is disabled' })
  disabled?: boolean;
}

export class UserView {
  @ApiProperty() id: number;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: USER_ROLES }) role: UserRole;
  @ApiProperty({ nullable: true, type: String }) organisationCode: string | null;
  @ApiProperty({ nullable: true, type: String }) staffEmployeeRef: string | null;
  @ApiProperty() disabled: boolean;
  @ApiProperty() locked: boolean;
  @ApiProperty({ nullable: true, type: String }) lastSignInAt: string | null;
  @ApiProperty({ description: 'Whether the account has an authenticator app (second factor) set up' }) secondFactor: boolean;
}

/** A new account: its view and, when no password was given, the temporary one (shown once). */
export class CreatedUserView extends UserView {
  @ApiProperty({ nullable: true, type: String, description: 'The generated temporary password, shown only now; null when a password was given' })
  temporaryPassword: string | null;
}

/** The signed-in account, as GET /api/auth/me answers it. */
export class MeView {
  @ApiProperty() id: number;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: USER_ROLES }) role: UserRole;
  @ApiProperty({ example: 'Coordinator', description: 'The role in words' }) roleName: string;
}

/** One of your API tokens; the token itself is never shown again. */
export class ApiTokenView {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'HR nightly sync' }) name: string;
  @ApiProperty({ example: 'ptt_AbC123', description: 'The first characters of the token, to tell tokens apart' }) prefix: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Recorded at most once a minute' }) lastUsedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'null while the token works' }) revokedAt: string | null;
}

/** A new API token: the only time its text is shown. */
export class ApiTokenCreatedView {
  @ApiProperty({ example: 'ptt_…', description: 'Send it as "Authorization: Bearer <token>". Shown once: it is stored only as a hash' }) token: string;
  @ApiProperty({ description: 'The id to revoke it with' }) id: number;
  @ApiProperty({ example: 'HR nightly sync' }) name: string;
}

/** What signing in for a token (POST /api/auth/token) answers: the new token and the account's role. */
export class TokenIssuedView extends ApiTokenCreatedView {
  @ApiProperty({ enum: USER_ROLES, description: 'The role of the account the token acts as' }) role: UserRole;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() currentPassword: string;

  @ApiProperty({ description: `${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters, not a common or guessable password` })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH, { message: `newPassword must be at least ${MIN_PASSWORD_LENGTH} characters` })
  @MaxLength(MAX_PASSWORD_LENGTH, { message: `newPassword must be ${MAX_PASSWORD_LENGTH} characters or fewer` })
  newPassword: string;

  @ApiPropertyOptional({ description: 'Also revoke every API token of the account (other signed-in sessions always end)', default: false })
  @IsOptional()
  @IsBoolean()
  revokeTokens?: boolean;
}

export class PasswordChangedView {
  @ApiProperty({ description: 'Other signed-in sessions of the account that were ended' }) signedOutSessions: number;
  @ApiProperty({ description: 'API tokens revoked (0 unless revokeTokens was true)' }) revokedTokens: number;
}

export class CreateTokenDto {
  @ApiProperty({ example: 'HR nightly sync' })
  @IsString()
  @Length(1, 100)
  name: string;
}

export class SignInDto {
  @ApiProperty() @Transform(lower) @IsString() @Length(1, 254) email: string;
  @ApiProperty() @IsString() @Length(1, 200) password: string;
  @ApiPropertyOptional({ description: 'Name for the token returned' }) @IsOptional() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional({ description: 'For an account with a second factor: the 6-digit code from the authenticator app, or a recovery code' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  code?: string;
}
