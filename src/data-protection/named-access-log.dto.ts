import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DateFromParts } from '../common/date-parts';
import { PageQuery } from '../common/paging';
import { IsCalendarDate } from '../common/validators';
import { ACCESS_FORMATS, type AccessFormat } from './named-access-log.entity';

const DAY = /^(19|20|21)\d\d-/;

export class NamedAccessQueryDto extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the email address of the account that looked' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  account?: string;

  @ApiPropertyOptional({ description: 'From this day (inclusive, in the tracker’s time zone)', example: '2026-03-01' })
  @DateFromParts()
  @IsOptional()
  @IsCalendarDate()
  @Matches(DAY, { message: 'from must be between 1900-01-01 and 2199-12-31' })
  from?: string;

  @ApiPropertyOptional({ description: 'To this day (inclusive)', example: '2026-03-31' })
  @DateFromParts()
  @IsOptional()
  @IsCalendarDate()
  @Matches(DAY, { message: 'to must be between 1900-01-01 and 2199-12-31' })
  to?: string;
}

/** One view or download of a list of named people. */
export class NamedAccessView {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: Number }) userId: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'The account’s email address now (empty if the account is gone)' }) accountEmail: string | null;
  @ApiProperty({ example: 'gap-analysis-people', description: 'gap-analysis-people, my-team, staff, trainer-coverage, lead-coverage' }) list: string;
  @ApiProperty({ enum: ACCESS_FORMATS }) format: AccessFormat;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { organisation: 'WCC', level: 'L2', status: ['expired', 'missing'] }, description: 'The filter: codes, dates, statuses; whether a name search was used, never its words' })
  filter: Record<string, unknown>;
  @ApiProperty({ description: 'How many people it named' }) rowCount: number;
  @ApiProperty({ nullable: true, type: String, description: 'The organisation whose people were listed' }) organisationCode: string | null;
}
