import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { CODE_MESSAGE, CODE_PATTERN } from '../../organisations/dto/organisation.dto';

export class CreateRoleDto {
  @ApiProperty({ example: 'FRONTLINE' })
  @IsString()
  @Length(1, 40)
  @Matches(CODE_PATTERN, { message: `code ${CODE_MESSAGE}` })
  code: string;

  @ApiProperty({ example: 'Frontline care and support' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string | null;
}

export class UpdateRoleDto extends PartialType(OmitType(CreateRoleDto, ['code'] as const)) {}

export class RoleView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
}
