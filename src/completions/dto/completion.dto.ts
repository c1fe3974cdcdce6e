import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Length, MaxLength, Min } from 'class-validator';
import { DateFromParts } from '../../common/date-parts';
import { PageQuery } from '../../common/paging';
import { dateMessage, IsCalendarDate, lengthMessage } from '../../common/validators';
import { COMPLETION_SOURCES, type CompletionSource } from '../completion.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToNull = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value);

const LEVEL = { message: 'Choose the level completed' };
const COMPLETED_ON = dateMessage('Date completed', 'Enter the date the training was completed');
const SOURCE = { message: 'Choose how the training was completed' };
const EVIDENCE = { message: 'Evidence must be 2,000 characters or fewer' };
const REASON = 'Enter why you are making this change, for example the certificate shows another date';

export class CreateCompletionDto {
  @ApiProperty({ example: 'E10234' })
  @Transform(trim)
  @IsString()
  @Length(1, 60)
  employeeRef: string;

  @ApiPropertyOptional({ example: 'NWBC', description: 'Needed when the reference is used by more than one employer' })
  @IsOptional()
  @IsString()
  organisationCode?: string;

  @ApiProperty({ example: 'L1' })
  @IsString(LEVEL)
  @IsNotEmpty(LEVEL)
  levelCode: string;

  @ApiProperty({ example: '2026-03-03' })
  @DateFromParts()
  @IsCalendarDate(COMPLETED_ON)
  completedOn: string;

  @ApiProperty({ enum: COMPLETION_SOURCES, example: 'elearning' })
  @IsIn(COMPLETION_SOURCES, SOURCE)
  source: CompletionSource;

  @ApiPropertyOptional({ example: 'Certificate seen by line manager', description: 'The certificate reference, or who saw the certificate' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsString(EVIDENCE)
  @MaxLength(2000, EVIDENCE)
  evidence?: string | null;
}

/** The record-training form: the person comes from the page, the rest as the API takes it. */
export class CompletionFormDto extends PickType(CreateCompletionDto, ['levelCode', 'completedOn', 'source', 'evidence'] as const) {}

/** Why a completion is corrected or deleted: required, kept in the audit log beside the change. */
export class CompletionReasonDto {
  @ApiProperty({ example: 'The certificate shows 3 March 2026', description: 'Why the record is changed or deleted; kept in the audit log' })
  @Transform(trim)
  @IsString({ message: REASON })
  @IsNotEmpty({ message: REASON })
  @MaxLength(500, lengthMessage(REASON, 'Reason must be 500 characters or fewer'))
  reason: string;
}

/** A correction: only the fields to change, and why. */
export class UpdateCompletionDto extends CompletionReasonDto {
  @ApiPropertyOptional({ example: 'L2', description: 'The level, if it was recorded as the wrong one' })
  @IsOptional()
  @IsString(LEVEL)
  @IsNotEmpty(LEVEL)
  levelCode?: string;

  @ApiPropertyOptional({ example: '2026-03-03' })
  @DateFromParts()
  @IsOptional()
  @IsCalendarDate(COMPLETED_ON)
  completedOn?: string;

  @ApiPropertyOptional({ enum: COMPLETION_SOURCES })
  @IsOptional()
  @IsIn(COMPLETION_SOURCES, SOURCE)
  source?: CompletionSource;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'The certificate reference, or who saw the certificate; null to clear it' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsString(EVIDENCE)
  @MaxLength(2000, EVIDENCE)
  evidence?: string | null;
}

export class CompletionQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) staffId?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() employeeRef?: string;
  @ApiPropertyOptional({ description: 'Organisation code: its whole subtree' }) @IsOptional() @IsString() organisation?: string;
  @ApiPropertyOptional({ example: 'L2' }) @IsOptional() @IsString() level?: string;
  @ApiPropertyOptional({ example: '2025-04-01' }) @IsOptional() @IsCalendarDate() from?: string;
  @ApiPropertyOptional({ example: '2026-03-31' }) @IsOptional() @IsCalendarDate() to?: string;
}

export class CompletionView {
  @ApiProperty() id: number;
  @ApiProperty() staffId: number;
  @ApiProperty() employeeRef: string;
  @ApiProperty() personName: string;
  @ApiProperty() organisationCode: string;
  @ApiProperty() levelCode: string;
  @ApiProperty() completedOn: string;
  @ApiProperty({ enum: COMPLETION_SOURCES }) source: CompletionSource;
  @ApiProperty({ nullable: true, type: String }) evidence: string | null;
  @ApiProperty({ nullable: true, type: Number }) sessionId: number | null;
  @ApiProperty({ nullable: true, type: String }) recordedBy: string | null;
}

/** The correct-a-completion form: every field as the record-training form has them, and the reason. */
export class CompletionCorrectionFormDto extends IntersectionType(CompletionFormDto, CompletionReasonDto) {}
