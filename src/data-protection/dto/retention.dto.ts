import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';

/** A whole number typed in a form box ("6") is read as the number; anything else is left for the checks to refuse. */
const wholeNumber = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value === '' ? undefined : value);
const YEARS = { message: 'The number of years must be a whole number from 1 to 100' };

export class RetentionYearsDto {
  @ApiProperty({ example: 6, minimum: 1, maximum: 100, description: "Years a leaver's personal details are kept after their end date" })
  @Transform(wholeNumber)
  @IsNotEmpty({ message: 'Enter the number of years, like 6' })
  @IsInt(YEARS)
  @Min(1, YEARS)
  @Max(100, YEARS)
  years: number;
}

/** The page form for an organisation's own period. */
export class RetentionOverrideFormDto extends RetentionYearsDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'Enter the organisation code' })
  @IsNotEmpty({ message: 'Enter the organisation code' })
  organisationCode: string;
}

export class RemoveOverrideFormDto {
  @IsString({ message: 'Choose the organisation' })
  @IsNotEmpty({ message: 'Choose the organisation' })
  organisationCode: string;
}

export class RetentionOverrideView {
  @ApiProperty({ example: 'WCC' }) organisationCode: string;
  @ApiProperty({ example: 'Warwickshire County Council' }) organisationName: string;
  @ApiProperty({ example: 7 }) years: number;
  @ApiProperty({ example: 'admin@example.org', description: 'The account that set it' }) setBy: string;
  @ApiProperty({ example: '2026-03-03T10:00:00.000Z' }) setAt: string;
}

export class RetentionPolicyView {
  @ApiProperty({ example: 6, description: 'Partnership-wide: years after the end date a leaver is kept before anonymisation' }) defaultYears: number;
  @ApiProperty({ type: [RetentionOverrideView], description: 'Organisations (with everything below them) where it differs; the nearest to a person wins' })
  overrides: RetentionOverrideView[];
}

export class DuePersonView {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() employeeRef: string;
  @ApiProperty() organisationCode: string;
  @ApiProperty() organisationName: string;
  @ApiProperty({ example: '2019-08-31' }) endDate: string;
  @ApiProperty({ example: 6, description: 'The period that applies to them' }) years: number;
}

export class DuePeriodView {
  @ApiProperty({ example: 6 }) years: number;
  @ApiProperty({ example: '6 years' }) period: string;
  @ApiProperty({ example: 40 }) people: number;
}

export class DryRunView {
  @ApiProperty({ example: '2026-12-01' }) today: string;
  @ApiProperty({ description: 'Everyone a run now would anonymise, of the people you can see' }) total: number;
  @ApiProperty({ type: [DuePeriodView] }) byPeriod: DuePeriodView[];
  @ApiProperty({ type: [DuePersonView], description: 'The first 200 of them, by end date' }) people: DuePersonView[];
  @ApiProperty() shown: number;
}

export class RetentionRunView {
  @ApiProperty({ description: 'People anonymised' }) people: number;
  @ApiProperty() managerLinksRemoved: number;
  @ApiProperty() completionNotesRemoved: number;
  @ApiProperty() evidenceUploadsDeleted: number;
  @ApiProperty() evidenceFilesDeleted: number;
  @ApiProperty() feedbackUnlinked: number;
  @ApiProperty() bookingRequestsDeleted: number;
  @ApiProperty() messagePreferencesDeleted: number;
  @ApiProperty() signInLinksDeleted: number;
  @ApiProperty() outboxMessagesCleared: number;
  @ApiPropertyOptional({ description: 'Used and expired sign-in links of anyone, removed on every run' }) spentSignInLinksPurged?: number;
  @ApiPropertyOptional() batches?: number;
  @ApiPropertyOptional() seconds?: number;
}
