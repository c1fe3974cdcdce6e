import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMinSize, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { DateFromParts } from '../../common/date-parts';
import { PageQuery } from '../../common/paging';
import { IsCalendarDate } from '../../common/validators';
import type { Status } from '../../compliance/rules';
import { STATUSES } from '../../compliance/rules';
import { SECTORS } from '../../organisations/sectors';
import { LevelTargetView } from '../targets/targets.dto';

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const MAX_WINDOW_DAYS = 3650;
/** Years the date arithmetic is sure to stay inside (validity periods and grace reach back from the date). */
export const SUPPORTED_YEARS = /^(19|20|21)\d\d-/;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const statusList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

/** The date and look-ahead window that compliance figures are worked out for. */
export class PersonComplianceQueryDto {
  @ApiPropertyOptional({ description: 'The date the figures are for, past or future (default: today)', example: '2026-03-31' })
  @DateFromParts()
  @IsOptional()
  @IsCalendarDate()
  @Matches(SUPPORTED_YEARS, { message: 'asOf must be between 1900-01-01 and 2199-12-31' })
  asOf?: string;

  @ApiPropertyOptional({ description: 'Look-ahead in days: a completion lapsing within it is "expiring"', default: 90, minimum: 0, maximum: MAX_WINDOW_DAYS })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'window must be a whole number of days' })
  @Min(0)
  @Max(MAX_WINDOW_DAYS)
  window?: number;
}

export class GapAnalysisQueryDto extends PersonComplianceQueryDto {
  @ApiPropertyOptional({ description: 'Organisation code: the report covers its whole subtree (default: the top of your organisations)', example: 'WCC' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 40)
  organisation?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(REPORT_FORMATS, { message: `format must be one of: ${REPORT_FORMATS.join(', ')}` })
  format?: ReportFormat;
}

export class GapPeopleQueryDto extends IntersectionType(PageQuery, PersonComplianceQueryDto) {
  @ApiPropertyOptional({ description: 'Organisation code: its whole subtree (default: the top of your organisations)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 40)
  organisation?: string;

  @ApiProperty({ description: 'Level code', example: 'L2' })
  @Transform(trim)
  @IsString()
  @Length(1, 10)
  level: string;

  @ApiPropertyOptional({ description: 'Comma-separated statuses (default: expired,missing, the people overdue)', example: 'expired,missing' })
  @IsOptional()
  @Transform(statusList)
  @ArrayMinSize(1, { message: 'status must name at least one status' })
  @IsIn(STATUSES, { each: true, message: `status must be a comma-separated list of: ${STATUSES.join(', ')}` })
  status?: Status[];

  @ApiPropertyOptional({ description: 'Only people holding this role (code)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 40)
  role?: string;

  @ApiPropertyOptional({ enum: SECTORS, description: 'Only people whose organisation is in this sector' })
  @IsOptional()
  @IsIn(SECTORS, { message: `sector must be one of: ${SECTORS.join(', ')}` })
  sector?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(REPORT_FORMATS, { message: `format must be one of: ${REPORT_FORMATS.join(', ')}` })
  format?: ReportFormat;
}


export class LevelFiguresView {
  @ApiProperty({ example: 'L2' }) level: string;
  @ApiProperty() required: number;
  @ApiProperty({ description: 'compliant + expiring' }) met: number;
  @ApiProperty() compliant: number;
  @ApiProperty() expiring: number;
  @ApiProperty() pending: number;
  @ApiProperty() expired: number;
  @ApiProperty() missing: number;
  @ApiProperty({ description: 'expired + missing' }) overdue: number;
  @ApiProperty({ nullable: true, type: Number, description: 'met / (met + overdue) x 100, one decimal; null when nobody is due' })
  compliancePct: number | null;
}

export class OrganisationRefView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class OrganisationFiguresView {
  @ApiProperty({ type: OrganisationRefView }) organisation: OrganisationRefView;
  @ApiProperty({ type: [LevelFiguresView] }) levels: LevelFiguresView[];
  @ApiPropertyOptional({ type: [LevelTargetView], description: 'Per level, the target that applies to the group and the status of its figure against it' }) targets?: LevelTargetView[];
}

export class SectorFiguresView {
  @ApiProperty() sector: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [LevelFiguresView] }) levels: LevelFiguresView[];
  @ApiPropertyOptional({ type: [LevelTargetView], description: 'Per level, the target that applies to the group and the status of its figure against it' }) targets?: LevelTargetView[];
}

export class RoleFiguresView {
  @ApiProperty({ type: OrganisationRefView }) role: OrganisationRefView;
  @ApiProperty({ type: [LevelFiguresView] }) levels: LevelFiguresView[];
  @ApiPropertyOptional({ type: [LevelTargetView], description: 'Per level, the target that applies to the group and the status of its figure against it' }) targets?: LevelTargetView[];
}

export class GapAnalysisView {
  @ApiProperty({ type: OrganisationRefView }) organisation: OrganisationRefView;
  @ApiProperty() asOf: string;
  @ApiProperty() windowDays: number;
  @ApiProperty({ type: [LevelFiguresView] }) levels: LevelFiguresView[];
  @ApiPropertyOptional({ type: [LevelTargetView], description: 'Per level, the target that applies to the group and the status of its figure against it' }) targets?: LevelTargetView[];
  @ApiProperty({ type: [OrganisationFiguresView], description: 'One entry per child organisation (each with its subtree)' })
  byOrganisation: OrganisationFiguresView[];
  @ApiProperty({ type: [SectorFiguresView], description: "By the sector of each person's own organisation" })
  bySector: SectorFiguresView[];
  @ApiProperty({ type: [RoleFiguresView], description: 'A person holding several roles counts under each' })
  byRole: RoleFiguresView[];
}

export class CompletionRefView {
  @ApiProperty() level: string;
  @ApiProperty() completedOn: string;
}

export class GapPersonView {
  @ApiProperty() id: number;
  @ApiProperty() employeeRef: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: OrganisationRefView }) organisation: OrganisationRefView;
  @ApiProperty({ enum: STATUSES }) status: Status;
  @ApiProperty({ nullable: true, type: String, description: 'expired: the day it lapsed; pending/missing: the end of grace; compliant/expiring: refresher due' })
  dueOn: string | null;
  @ApiProperty({ nullable: true, type: CompletionRefView, description: 'The latest completion at this level or higher dated on or before asOf' })
  lastCompletion: CompletionRefView | null;
}

export class GapPeopleView {
  @ApiProperty({ type: OrganisationRefView }) organisation: OrganisationRefView;
  @ApiProperty() asOf: string;
  @ApiProperty() windowDays: number;
  @ApiProperty() level: string;
  @ApiProperty({ enum: STATUSES, isArray: true }) statuses: Status[];
  @ApiProperty({ type: [GapPersonView] }) items: GapPersonView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() pages: number;
}
