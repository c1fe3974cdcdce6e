import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export const TREND_GROUPS = ['organisation', 'sector'] as const;
export type TrendGroupBy = (typeof TREND_GROUPS)[number];
export const TREND_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type TrendFormat = (typeof TREND_FORMATS)[number];
/** Quarters a trend may cover at most (five years): each is one more date for the gap analysis. */
export const MAX_TREND_QUARTERS = 20;
export const DEFAULT_TREND_QUARTERS = 8;

/** "2025Q3" is Q3 of the financial year 2025/26 (October to December 2025). */
export const QUARTER_PATTERN = /^(\d{4})Q([1-4])$/;
const QUARTER_MESSAGE = (field: string) => `${field} must be a quarter written like 2025Q3 (Q3 of 2025/26, October to December 2025)`;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const list = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : Array.isArray(value)
      ? value.filter((v) => typeof v === 'string' && v.trim() !== '')
      : value;

export class TrendQueryDto {
  @ApiPropertyOptional({ description: 'Organisation code: the trend covers its whole subtree (default: the top of your organisations)', example: 'WPP' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 40)
  organisation?: string;

  @ApiPropertyOptional({ description: 'First quarter, e.g. 2024Q1 (Q1 of 2024/25); default: seven quarters before `to`', example: '2024Q1' })
  @IsOptional()
  @Transform(trim)
  @Matches(QUARTER_PATTERN, { message: QUARTER_MESSAGE('from') })
  from?: string;

  @ApiPropertyOptional({ description: 'Last quarter, e.g. 2025Q4; default: the last quarter that has ended', example: '2025Q4' })
  @IsOptional()
  @Transform(trim)
  @Matches(QUARTER_PATTERN, { message: QUARTER_MESSAGE('to') })
  to?: string;

  @ApiPropertyOptional({ description: 'Level codes, comma separated (default: every level)', example: 'L1,L2', type: String })
  @IsOptional()
  @Transform(list)
  @IsString({ each: true })
  levels?: string[];

  @ApiPropertyOptional({ enum: TREND_GROUPS, default: 'organisation', description: 'organisation: each organisation directly below; sector: each sector' })
  @IsOptional()
  @IsIn(TREND_GROUPS, { message: 'groupBy must be organisation or sector' })
  groupBy?: TrendGroupBy;

  @ApiPropertyOptional({ enum: TREND_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(TREND_FORMATS, { message: `format must be one of: ${TREND_FORMATS.join(', ')}` })
  format?: TrendFormat;
}

export class TrendQuarterView {
  @ApiProperty({ example: 2025, description: 'The financial year it starts in: 2025 is 2025/26' }) year: number;
  @ApiProperty({ example: 3 }) quarter: number;
  @ApiProperty({ example: 'Q3 2025/26' }) label: string;
  @ApiProperty({ example: '2025-12-31', description: "The quarter's last day: the date the figures are for" }) end: string;
}

export class TrendTargetView {
  @ApiProperty({ nullable: true, type: Number, example: 85 }) targetPercent: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 5, description: 'Points below the target that are still amber' }) amberMargin: number | null;
  @ApiProperty({ enum: ['green', 'amber', 'red', 'no target', 'nobody due'] }) status: string;
  @ApiProperty({ example: 'On target' }) words: string;
}

export class TrendPointView {
  @ApiProperty({ example: '2025-12-31' }) end: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Compliance % on that day, as the gap analysis gives it; empty when nobody is due' }) compliancePct: number | null;
  @ApiProperty() required: number;
  @ApiProperty() met: number;
  @ApiProperty() pending: number;
  @ApiProperty() overdue: number;
  @ApiProperty({ type: TrendTargetView }) rag: TrendTargetView;
}

export class TrendGroupView {
  @ApiProperty({ enum: ['total', 'organisation', 'sector'] }) kind: 'total' | 'organisation' | 'sector';
  @ApiProperty({ description: 'Organisation code, or sector key' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'For an organisation row of people directly in the chosen organisation, not below it' }) direct: boolean;
}

export class TrendSeriesView {
  @ApiProperty({ type: TrendGroupView }) group: TrendGroupView;
  @ApiProperty({ example: 'L1' }) level: string;
  @ApiProperty() levelName: string;
  @ApiProperty({ nullable: true, type: Number, description: 'The target that applies to the group and level, if any' }) targetPercent: number | null;
  @ApiProperty({ type: [TrendPointView] }) points: TrendPointView[];
}

export class TrendView {
  @ApiProperty() organisation: { code: string; name: string };
  @ApiProperty({ enum: TREND_GROUPS }) groupBy: TrendGroupBy;
  @ApiProperty({ type: [TrendQuarterView] }) quarters: TrendQuarterView[];
  @ApiProperty({ description: 'The levels shown, in framework order' }) levels: { code: string; name: string }[];
  @ApiProperty({ type: [TrendSeriesView], description: 'The whole organisation first, then each group, each level in turn' }) series: TrendSeriesView[];
}
