import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Length } from 'class-validator';
import { FinancialQuarter, FinancialYear } from '../shared/financial-quarter.query';

const codeList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : Array.isArray(value) ? value.map(String) : value;

/** The NHS return of a health organisation for a financial year, quarter by quarter. */
export class NhsReturnQuery {
  @ApiPropertyOptional({ description: 'Code of a health organisation (sector health): the return covers its whole subtree', example: 'SWFT' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  organisation?: string;

  @FinancialYear('The year the financial year starts (2025 = 2025/26). Default: the year of the last quarter that has ended')
  year?: number;

  @FinancialQuarter('The last quarter to include (1 = April to June). Default: every quarter of the year that has ended')
  quarter?: number;
}

/** Which of the tracker's levels count for each of the return's training categories. */
export class NhsMappingDto {
  @ApiProperty({ type: [String], example: ['L1'], description: 'Level codes that count as basic Prevent awareness' })
  @Transform(codeList)
  @IsArray({ message: 'Choose at least one level for basic Prevent awareness' })
  @ArrayMinSize(1, { message: 'Choose at least one level for basic Prevent awareness' })
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 10, { each: true })
  basicLevels: string[];

  @ApiProperty({ type: [String], example: ['L2', 'L3'], description: 'Level codes that count as WRAP / level 3' })
  @Transform(codeList)
  @IsArray({ message: 'Choose at least one level for WRAP / level 3' })
  @ArrayMinSize(1, { message: 'Choose at least one level for WRAP / level 3' })
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 10, { each: true })
  wrapLevels: string[];
}

export class NhsCategoryMappingView {
  @ApiProperty({ type: [String], description: 'The tracker levels that count for the category' }) levels: string[];
  @ApiProperty({ description: 'The level whose gap analysis figures the category reports: the lowest of them, since a higher level meets every lower one' })
  figuresLevel: string;
}

export class NhsMappingView {
  @ApiProperty() basic: NhsCategoryMappingView;
  @ApiProperty() wrap: NhsCategoryMappingView;
  @ApiProperty({ type: [String], description: 'Roles that make someone a Prevent lead (the Prevent lead coverage setting)' }) leadRoleCodes: string[];
}

export class NhsTrainingFiguresView {
  @ApiProperty({ description: 'Staff whose roles require the category: the gap analysis "required"' }) eligible: number;
  @ApiProperty({ description: 'New starters still inside their grace period (not yet due)' }) notYetDue: number;
  @ApiProperty({ description: 'Staff trained: the gap analysis "met" (compliant + expiring)' }) trained: number;
  @ApiProperty({ description: 'Staff due and not trained: expired + missing' }) notTrained: number;
  @ApiProperty({ nullable: true, type: Number, description: 'trained / (trained + notTrained) x 100, one decimal; empty with nobody due' }) percentTrained: number | null;
}

export class NhsQuarterView {
  @ApiProperty() year: number;
  @ApiProperty() quarter: number;
  @ApiProperty({ example: 'Q3 2025/26' }) label: string;
  @ApiProperty({ description: 'The quarter’s last day: every figure is as at this date' }) end: string;
  @ApiProperty({ description: 'A named Prevent lead is in post' }) leadNamed: boolean;
  @ApiProperty({ description: 'A named Prevent lead holds a valid L3' }) leadTrained: boolean;
  @ApiProperty() basic: NhsTrainingFiguresView;
  @ApiProperty() wrap: NhsTrainingFiguresView;
  @ApiProperty({ description: 'Prevent referrals: concerns reported in the quarter (impact figures)' }) referrals: number;
  @ApiProperty({ description: 'Of which referred to Channel' }) channelReferrals: number;
  @ApiProperty({ description: 'Organisations in the subtree that entered impact figures for the quarter' }) organisationsReporting: number;
}

export class NhsReturnView {
  @ApiProperty() organisation: { code: string; name: string };
  @ApiProperty() year: number;
  @ApiProperty({ example: '2025/26' }) yearName: string;
  @ApiProperty() mapping: NhsMappingView;
  @ApiProperty({ type: [NhsQuarterView], description: 'The quarters of the year that have ended (up to `quarter` when given), oldest first' }) quarters: NhsQuarterView[];
}
