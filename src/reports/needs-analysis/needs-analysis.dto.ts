import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../common/validators';

export const MAX_HORIZON_MONTHS = 60;

export class NeedsAnalysisQuery {
  @ApiPropertyOptional({ description: 'Organisation code: the analysis covers its whole subtree (default: the top of your scope)', example: 'WPP' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  organisation?: string;

  @ApiPropertyOptional({ description: 'The date the analysis starts from (default: today)', example: '2026-04-01' })
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
