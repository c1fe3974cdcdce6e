import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsSameAs, lengthMessage } from '../../common/validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The password sign-in form; `next` is where to go after it (checked by safeNext). */
export class SignInFormDto {
  @Transform(trim)
  @IsString({ message: 'Enter your email address' })
  @IsNotEmpty({ message: 'Enter your email address' })
  email: string;

  @IsString({ message: 'Enter your password' })
  @IsNotEmpty({ message: 'Enter your password' })
  password: string;

  @IsOptional()
  @IsString()
  next?: string;
}

/** Change your password: the current one, the new one twice. */
export class ChangePasswordFormDto {
  @IsString({ message: 'Enter your current password' })
  @IsNotEmpty({ message: 'Enter your current password' })
  currentPassword: string;

  @IsString({ message: 'Enter a new password' })
  @IsNotEmpty({ message: 'Enter a new password' })
  newPassword: string;

  @IsString({ message: 'Enter the new password again' })
  @IsNotEmpty({ message: 'Enter the new password again' })
  @IsSameAs('newPassword', { message: 'The new passwords do not match' })
  confirmPassword: string;

  @IsOptional()
  @IsIn(['true'])
  revokeTokens?: 'true';
}

/** A code from an authenticator app, or a recovery code. */
export class SecondFactorCodeFormDto {
  @Transform(trim)
  @IsString({ message: 'Enter the 6-digit code from your authenticator app, or a recovery code' })
  @IsNotEmpty({ message: 'Enter the 6-digit code from your authenticator app, or a recovery code' })
  code: string;
}

/** The first code from an app being set up (no recovery codes exist yet). */
export class SetUpCodeFormDto {
  @Transform(trim)
  @IsString({ message: 'Enter the 6-digit code your authenticator app shows now' })
  @IsNotEmpty({ message: 'Enter the 6-digit code your authenticator app shows now' })
  code: string;
}

/** Naming a new API token. */
export class TokenNameFormDto {
  @Transform(trim)
  @IsString({ message: 'Enter a name for the token, such as "HR nightly sync"' })
  @MaxLength(100, lengthMessage('Enter a name for the token, such as "HR nightly sync"', 'Token name must be 100 characters or fewer'))
  @IsNotEmpty({ message: 'Enter a name for the token, such as "HR nightly sync"' })
  name: string;
}
