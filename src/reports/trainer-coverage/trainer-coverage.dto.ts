import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { DateFromParts } from '../../common/date-parts';
import { IsCalendarDate } from '../../common/validators';

export class TrainerCoverageQuery {
  @ApiPropertyOptional({ description: 'Organisation code: one row per organisation directly below it (default: the top of your scope)' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  organisation?: string;

  @ApiPropertyOptional({ description: 'The date (default: today); sessions counted are those of the 12 months up to it' })
  @DateFromParts()
  @IsOptional()
  @IsCalendarDate()
  @Matches(/^(19|20|21)\d\d-/, { message: 'asOf must be between 1900-01-01 and 2199-12-31' })
  asOf?: string;
}

export class CoverageTrainerView {
  @ApiProperty() employeeRef: string;
  @ApiProperty() name: string;
  @ApiProperty() organisationCode: string;
  @ApiProperty() organisationName: string;
  @ApiProperty({ nullable: true, type: String, description: 'The first day their L3 is no longer valid; null: never lapses' }) validUntil: string | null;
  @ApiProperty() sessionsDelivered: number;
  @ApiProperty() peopleTrained: number;
}

export class CoverageOrganisationView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() sector: string;
  @ApiProperty() sectorName: string;
  @ApiProperty({ description: 'The row of people directly in the chosen organisation' }) direct: boolean;
  @ApiProperty({ description: 'People holding a valid L3 on the date' }) trainers: number;
  @ApiProperty({ description: 'Different sessions their trainers delivered in the 12 months' }) sessionsDelivered: number;
  @ApiProperty({ description: 'Attendances at those sessions (walk-ins included)' }) peopleTrained: number;
  @ApiProperty() hasTrainer: boolean;
  @ApiPropertyOptional({ type: [CoverageTrainerView], description: 'Only in the named list (not for viewers)' }) trainerList?: CoverageTrainerView[];
}

export class TrainerCoverageView {
  @ApiProperty() organisation: { code: string; name: string };
  @ApiProperty() asOf: string;
  @ApiProperty({ description: 'First day of the 12 months whose sessions are counted' }) sessionsFrom: string;
  @ApiProperty({ type: [CoverageOrganisationView] }) organisations: CoverageOrganisationView[];
  @ApiProperty({ type: [String], description: 'Codes of the organisations with no trainer' }) withoutTrainer: string[];
  @ApiProperty() trainers: number;
}
