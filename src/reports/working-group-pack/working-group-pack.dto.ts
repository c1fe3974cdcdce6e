import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { LeadOrganisationView } from '../lead-coverage/lead-coverage.dto';
import { QuarterlyReportView } from '../quarterly/quarterly.dto';
import type { QuarterlyReport } from '../quarterly/quarterly.service';
import { FinancialQuarterQuery } from '../shared/financial-quarter.query';
import { TrendView } from '../trend/trend.dto';

export class WorkingGroupPackQuery extends FinancialQuarterQuery {
  @ApiPropertyOptional({ description: 'Organisation code: the pack covers its whole subtree (default: the top of your organisations)', example: 'WPP' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  organisation?: string;
}

/** An organisation below the chosen one whose compliance at the quarter's end is red or amber against its target, for one level. */
export class BelowTargetView {
  @ApiProperty({ example: 'SCH-01' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'L1' }) level: string;
  @ApiProperty() levelName: string;
  @ApiProperty({ nullable: true, type: Number, description: "Compliance % on the quarter's last day; null when nobody is due" }) compliancePct: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 85, description: 'The target that applies' }) targetPercent: number | null;
  @ApiProperty({ enum: ['red', 'amber'], description: 'red below the target and its margin, amber within the margin' }) status: string;
  @ApiProperty({ example: 'Below target' }) words: string;
}

export class WorkingGroupPackView {
  // The quarterly report as its service gives it (figures only, no targets beside them); its schema is the quarterly report's own.
  @ApiProperty({ type: () => QuarterlyReportView, description: 'The quarterly take-up report for the quarter' }) quarterly: QuarterlyReport;
  @ApiProperty({ type: () => TrendView, description: 'Compliance at each quarter end over the eight quarters to it, by organisation' }) trend: TrendView;
  @ApiProperty({ type: () => BelowTargetView, isArray: true, description: 'Red first, then amber; by name, then level' }) belowTarget: BelowTargetView[];
  @ApiProperty({ type: () => LeadOrganisationView, isArray: true, description: 'Organisations directly below with no named Prevent lead holding a valid L3 at the quarter’s end (figures only: no names)' })
  withoutValidLead: LeadOrganisationView[];
}
