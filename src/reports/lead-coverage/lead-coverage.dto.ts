import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { DateFromParts } from '../../common/date-parts';
import { IsCalendarDate } from '../../common/validators';
import { SECTORS } from '../../organisations/sectors';

export const DEFAULT_LEAD_ROLE_CODES = ['PREVENT_LEAD', 'DSL'];
export const LEAD_STATUSES = ['covered', 'lead-without-valid-l3', 'no-lead'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export class LeadCoverageQuery {
  @ApiPropertyOptional({ description: 'Organisation code whose subtree is searched (default: the top of your scope)', example: 'WPP' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  organisation?: string;

  @ApiPropertyOptional({ enum: SECTORS, description: 'Only organisations of this sector (e.g. education for schools)' })
  @IsOptional()
  @IsIn(SECTORS, { message: `sector must be one of: ${SECTORS.join(', ')}` })
  sector?: string;

  @ApiPropertyOptional({ description: 'Only organisations this many levels below the chosen one (1 = its direct children). Default: 1 when no sector is given, else any depth', minimum: 1, maximum: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'depth must be a whole number of levels below the organisation (1 = its direct children)' })
  @Min(1, { message: 'depth must be at least 1' })
  @Max(20, { message: 'depth must be at most 20' })
  depth?: number;

  @ApiPropertyOptional({ description: 'The date (default: today)' })
  @DateFromParts()
  @IsOptional()
  @IsCalendarDate()
  @Matches(/^(19|20|21)\d\d-/, { message: 'asOf must be between 1900-01-01 and 2199-12-31' })
  asOf?: string;
}

export class LeadRoleCodesDto {
  @ApiProperty({ type: [String], example: DEFAULT_LEAD_ROLE_CODES, description: 'Role codes that make someone an organisation’s named Prevent lead' })
  @Transform(({ value }) => (typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value))
  @IsArray({ message: 'roleCodes must be a list of role codes' })
  @ArrayMinSize(1, { message: 'roleCodes must name at least one role' })
  @ArrayMaxSize(20, { message: 'roleCodes can name at most 20 roles' })
  @IsString({ each: true, message: 'roleCodes must be role codes' })
  @Length(1, 40, { each: true, message: 'each role code must be 1 to 40 characters' })
  roleCodes: string[];
}

export class LeadRoleCodesView {
  @ApiProperty({ type: [String] }) roleCodes: string[];
}

export class LeadView {
  @ApiProperty() employeeRef: string;
  @ApiProperty() name: string;
  @ApiProperty() organisationCode: string;
  @ApiProperty() organisationName: string;
  @ApiProperty({ type: [String], description: 'Their lead roles' }) roles: string[];
  @ApiProperty() validL3: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The first day their L3 is no longer valid; null when not valid or never lapsing' }) validUntil: string | null;
}

export class LeadOrganisationView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() sector: string;
  @ApiProperty() sectorName: string;
  @ApiProperty({ description: 'Named Prevent leads in it (people in scope holding a lead role)' }) leads: number;
  @ApiProperty() leadsWithValidL3: number;
  @ApiProperty({ enum: LEAD_STATUSES }) status: LeadStatus;
  @ApiPropertyOptional({ type: [LeadView], description: 'Only in the named list (not for viewers)' }) leadList?: LeadView[];
}

export class LeadCoverageView {
  @ApiProperty() organisation: { code: string; name: string };
  @ApiProperty() asOf: string;
  @ApiProperty({ nullable: true, type: String }) sector: string | null;
  @ApiProperty({ nullable: true, type: Number }) depth: number | null;
  @ApiProperty({ type: [String] }) roleCodes: string[];
  @ApiProperty({ type: [LeadOrganisationView] }) organisations: LeadOrganisationView[];
  @ApiProperty({ type: [String], description: 'Codes of the organisations with no named lead holding a valid L3' }) withoutValidLead: string[];
  @ApiProperty() counts: { covered: number; leadWithoutValidL3: number; noLead: number };
}
