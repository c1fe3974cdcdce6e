import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { DateFromParts } from '../../common/date-parts';
import { IsCalendarDate } from '../../common/validators';

export const MAX_HORIZON_MONTHS = 60;

export class NeedsAnalysisQuery {
  @ApiPropertyOptional({ description: 'Organisation code: the analysis covers its whole subtree (default: the top of your scope)', example: 'WPP' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  organisation?: string;

  @ApiPropertyOptional({ description: 'The date the analysis starts from (default: today)', example: '2026-04-01' })
  @DateFromParts()
  @IsOptional()
  @IsCalendarDate()
  @Matches(/^(19|20|21)\d\d-/, { message: 'asOf must be between 1900-01-01 and 2199-12-31' })
  asOf?: string;

  @ApiPropertyOptional({ description: 'How many months ahead to look', default: 12, minimum: 1, maximum: MAX_HORIZON_MONTHS })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'horizonMonths must be a whole number of months' })
  @Min(1, { message: 'horizonMonths must be at least 1' })
  @Max(MAX_HORIZON_MONTHS, { message: `horizonMonths must be at most ${MAX_HORIZON_MONTHS}` })
  horizonMonths?: number;

  @ApiPropertyOptional({ description: 'Places on a WRAP session', default: 20, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'sessionCapacity must be a whole number of places' })
  @Min(1, { message: 'sessionCapacity must be at least 1' })
  @Max(1000, { message: 'sessionCapacity must be at most 1000' })
  sessionCapacity?: number;

  @ApiPropertyOptional({ description: 'WRAP sessions one trainer can run in a year', default: 6, minimum: 1, maximum: 365 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'sessionsPerTrainer must be a whole number of sessions a year' })
  @Min(1, { message: 'sessionsPerTrainer must be at least 1' })
  @Max(365, { message: 'sessionsPerTrainer must be at most 365' })
  sessionsPerTrainer?: number;
}

/** One level's needs, named as in DOMAIN.md; the session and trainer figures only for WRAP (empty otherwise). */
export class LevelNeedsView {
  @ApiProperty({ example: 'L2' }) level: string;
  @ApiProperty() name: string;
  @ApiProperty() required: number;
  @ApiProperty() met: number;
  @ApiProperty() pending: number;
  @ApiProperty() overdue: number;
  @ApiProperty({ description: 'Met now but lapsing before the end of the horizon' }) lapsingInHorizon: number;
  @ApiProperty({ description: 'overdue + pending + lapsingInHorizon: the people to train' }) demand: number;
  @ApiProperty({ nullable: true, type: Number }) sessionsNeeded: number | null;
  @ApiProperty({ nullable: true, type: Number }) trainersAvailable: number | null;
  @ApiProperty({ nullable: true, type: Number }) trainersNeeded: number | null;
  @ApiProperty({ nullable: true, type: Number }) trainerShortfall: number | null;
}

export class NeedsOrganisationRefView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() sector: string;
  @ApiProperty() sectorName: string;
}

export class OrganisationNeedsView extends NeedsOrganisationRefView {
  @ApiProperty({ description: 'The row of people directly in the chosen organisation, not in a child of it' }) direct: boolean;
  @ApiProperty({ type: [LevelNeedsView] }) levels: LevelNeedsView[];
}

export class SectorNeedsView {
  @ApiProperty() sector: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [LevelNeedsView] }) levels: LevelNeedsView[];
}

export class RoleNeedsView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [LevelNeedsView] }) levels: LevelNeedsView[];
}

export class NeedsAnalysisView {
  @ApiProperty({ type: NeedsOrganisationRefView }) organisation: NeedsOrganisationRefView;
  @ApiProperty() asOf: string;
  @ApiProperty() horizonMonths: number;
  @ApiProperty({ description: 'The end of the horizon' }) horizonEnd: string;
  @ApiProperty() sessionCapacity: number;
  @ApiProperty() sessionsPerTrainer: number;
  @ApiProperty({ nullable: true, type: String, description: 'The level sessions are run for (L2, WRAP)' }) sessionLevel: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The level its trainers must hold (L3)' }) trainerLevel: string | null;
  @ApiProperty({ type: [LevelNeedsView] }) levels: LevelNeedsView[];
  @ApiProperty({ type: [OrganisationNeedsView] }) byOrganisation: OrganisationNeedsView[];
  @ApiProperty({ type: [SectorNeedsView] }) bySector: SectorNeedsView[];
  @ApiProperty({ type: [RoleNeedsView] }) byRole: RoleNeedsView[];
}
