import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { SECTORS, type Sector } from '../sectors';

export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const CODE_MESSAGE = 'must use only letters, digits, dots, dashes and underscores';

export class CreateOrganisationDto {
  @ApiProperty({ example: 'WCC-CYP', description: 'Short unique code' })
  @IsString()
  @Length(1, 40)
  @Matches(CODE_PATTERN, { message: `code ${CODE_MESSAGE}` })
  code: string;

  @ApiProperty({ example: "Children and Young People's Directorate" })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: SECTORS })
  @IsIn(SECTORS, { message: `sector must be one of: ${SECTORS.join(', ')}` })
  sector: Sector;

  @ApiPropertyOptional({ example: 'WCC', description: 'Code of the parent organisation; empty for a partnership at the top' })
  @IsOptional()
  @IsString()
  parentCode?: string | null;

  @ApiPropertyOptional({ default: false, description: 'An employing body: employee references are unique within it' })
  @IsOptional()
  @IsBoolean()
  isEmployer?: boolean;
}

export class UpdateOrganisationDto extends PartialType(OmitType(CreateOrganisationDto, ['code'] as const)) {}

export class OrganisationView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SECTORS }) sector: Sector;
  @ApiProperty({ nullable: true, type: String }) parentCode: string | null;
  @ApiProperty() isEmployer: boolean;
  @ApiProperty() depth: number;
}

/** An organisation with everything below it, for GET /api/organisations/tree. */
export class OrganisationNodeView extends OrganisationView {
  @ApiProperty() id: number;
  @ApiProperty({ type: () => [OrganisationNodeView] }) children: OrganisationNodeView[];
}
