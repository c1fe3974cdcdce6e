import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { ImpactTotalsView } from '../impact/impact-figures.dto';
import { FinancialQuarterQuery, FinancialYear } from '../shared/financial-quarter.query';
import { LevelTargetView } from '../targets/targets.dto';

export class QuarterlyQuery extends FinancialQuarterQuery {
  @ApiPropertyOptional({ description: 'Organisation code: the report covers its whole subtree (default: the top of your scope)', example: 'WPP' })
  @IsOptional()
  @IsString()
  organisation?: string;
}

export class AnnualQuery extends PickType(QuarterlyQuery, ['organisation'] as const) {
  @FinancialYear('The year the financial year starts (2025 = 2025/26); default: the current financial year')
  year?: number;
}

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A UK financial quarter (Q1 is April to June) or, for the year, its first quarter's number. */
export class PeriodView {
  @ApiProperty({ example: 2025, description: 'The financial year it starts in: 2025 is 2025/26' }) year: number;
  @ApiProperty({ example: 3, minimum: 1, maximum: 4 }) quarter: number;
  @ApiProperty({ example: '2025-10-01' }) start: string;
  @ApiProperty({ example: '2025-12-31' }) end: string;
}

/** One level's take-up figures for a period, named as in DOMAIN.md. */
export class TakeUpLevelView {
  @ApiProperty({ example: 'L2' }) level: string;
  @ApiProperty() name: string;
  @ApiProperty() completions: number;
  @ApiProperty({ description: 'Distinct people with a completion in the period' }) peopleTrained: number;
  @ApiProperty() firstTime: number;
  @ApiProperty() refresher: number;
  @ApiProperty() sessionsDelivered: number;
  @ApiProperty() placesBooked: number;
  @ApiProperty({ description: 'Walk-ins included' }) attended: number;
  @ApiProperty() noShows: number;
  @ApiProperty() feedbackCount: number;
  @ApiProperty({ nullable: true, type: Number, description: 'One decimal place; empty without feedback' }) averageRating: number | null;
  @ApiProperty({ nullable: true, type: Number, description: "Compliance % on the period's last day; empty when nobody is due" }) compliancePctAtEnd: number | null;
  @ApiProperty({ nullable: true, type: Number, description: "Compliance % on the previous period's last day" }) compliancePctPreviousEnd: number | null;
  @ApiPropertyOptional({ type: LevelTargetView, description: 'The target that applies and the status of the compliance % at the end against it' }) target?: LevelTargetView;
}

export class ReportOrganisationView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'local_authority' }) sector: string;
  @ApiProperty({ example: 'Local authority' }) sectorName: string;
}

export class TakeUpOrganisationView extends ReportOrganisationView {
  @ApiProperty({ description: 'The row of people and sessions directly in the chosen organisation, not in a child of it' }) direct: boolean;
  @ApiProperty({ type: [TakeUpLevelView] }) levels: TakeUpLevelView[];
}

export class TakeUpSectorView {
  @ApiProperty() sector: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [TakeUpLevelView] }) levels: TakeUpLevelView[];
}

export class TrendLevelView {
  @ApiProperty() level: string;
  @ApiProperty() completions: number;
  @ApiProperty() peopleTrained: number;
  @ApiProperty({ nullable: true, type: Number }) compliancePctAtEnd: number | null;
}

/** Named apart from the trend report's TrendPointView: the OpenAPI document names schemas by class, so one would hide the other. */
export class QuarterlyTrendPointView {
  @ApiProperty({ type: PeriodView }) period: PeriodView;
  @ApiProperty() label: string;
  @ApiProperty({ type: [TrendLevelView] }) levels: TrendLevelView[];
}

export class FeedbackCommentView {
  @ApiProperty() level: string;
  @ApiProperty() rating: number;
  @ApiProperty() comment: string;
}

export class FeedbackHighlightsView {
  @ApiProperty() responses: number;
  @ApiProperty({ nullable: true, type: Number }) averageRating: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Average confidence (1-5) in recognising vulnerability before, among responses that answered before and after' }) recogniseBefore: number | null;
  @ApiProperty({ nullable: true, type: Number }) recogniseAfter: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Average confidence (1-5) in knowing how to refer before' }) referBefore: number | null;
  @ApiProperty({ nullable: true, type: Number }) referAfter: number | null;
  @ApiProperty({ type: [FeedbackCommentView], description: 'The latest comments (none for viewers, who see figures only)' }) comments: FeedbackCommentView[];
}

export class QuarterlyReportView {
  @ApiProperty({ type: ReportOrganisationView }) organisation: ReportOrganisationView;
  @ApiProperty({ type: PeriodView }) period: PeriodView;
  @ApiProperty() periodName: string;
  @ApiProperty({ type: PeriodView }) previousPeriod: PeriodView;
  @ApiProperty({ description: 'False while the quarter is still running: figures so far' }) ended: boolean;
  @ApiProperty() asOf: string;
  @ApiProperty({ type: [TakeUpLevelView] }) levels: TakeUpLevelView[];
  @ApiProperty({ type: [TakeUpOrganisationView] }) byOrganisation: TakeUpOrganisationView[];
  @ApiProperty({ type: [TakeUpSectorView] }) bySector: TakeUpSectorView[];
  @ApiProperty({ type: [QuarterlyTrendPointView], description: 'The last four quarters, oldest first, ending with this one' }) trend: QuarterlyTrendPointView[];
  @ApiProperty({ type: FeedbackHighlightsView }) feedback: FeedbackHighlightsView;
  @ApiProperty({ type: ImpactTotalsView }) impact: ImpactTotalsView;
}

export class AnnualQuarterView {
  @ApiProperty({ type: PeriodView }) period: PeriodView;
  @ApiProperty() label: string;
  @ApiProperty() ended: boolean;
  @ApiProperty({ type: [TakeUpLevelView] }) levels: TakeUpLevelView[];
}

export class QuarterImpactView extends ImpactTotalsView {
  @ApiProperty() label: string;
}

export class AnnualReportView {
  @ApiProperty({ type: ReportOrganisationView }) organisation: ReportOrganisationView;
  @ApiProperty({ example: 2025 }) year: number;
  @ApiProperty({ example: '2025/26' }) yearName: string;
  @ApiProperty() start: string;
  @ApiProperty() end: string;
  @ApiProperty() ended: boolean;
  @ApiProperty() asOf: string;
  @ApiProperty({ type: [AnnualQuarterView] }) quarters: AnnualQuarterView[];
  @ApiProperty({ type: [TakeUpLevelView], description: "The whole year as one period: distinct people over the year, compliance % at its end against the previous year's end" })
  totals: TakeUpLevelView[];
  @ApiProperty({ type: [TakeUpOrganisationView] }) byOrganisation: TakeUpOrganisationView[];
  @ApiProperty({ type: [TakeUpSectorView] }) bySector: TakeUpSectorView[];
  @ApiProperty({ type: [QuarterImpactView] }) impact: QuarterImpactView[];
}
