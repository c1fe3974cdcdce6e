import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { USER_ROLES, type UserRole } from '../../auth/scope';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const emptyToNull = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? null : value);

export class CreateUserDto {
  @ApiProperty({ example: 'sam.coordinator@example.gov.uk' })
  @Transform(lower)
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  @ApiProperty({ example: 'Sam Patel' })
  @IsString()
  @Length(1, 200)
  displayName: string;

  @ApiProperty({ enum: USER_ROLES })
  @IsIn(USER_ROLES, { message: `role must be one of: ${USER_ROLES.join(', ')}` })
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
  @IsString()
  @Length(10, 200, { message: 'password must be at least 10 characters' })
  password?: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) displayName?: string;

  @ApiPropertyOptional({ enum: USER_ROLES })
  @IsOptional()
  @IsIn(USER_ROLES, { message: `role must be one of: ${USER_ROLES.join(', ')}` })
  role?: UserRole;

  @ApiPropertyOptional() @Transform(emptyToNull) @IsOptional() @IsString() organisationCode?: string | null;
  @ApiPropertyOptional() @Transform(emptyToNull) @IsOptional() @IsString() staffEmployeeRef?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() disabled?: boolean;
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
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() currentPassword: string;
  @ApiProperty() @IsString() @Length(10, 200, { message: 'newPassword must be at least 10 characters' }) newPassword: string;
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
}
