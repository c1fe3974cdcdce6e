import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { PageQuery } from '../../common/paging';
import { IsCalendarDate } from '../../common/validators';
import { COMPLETION_SOURCES, type CompletionSource } from '../completion.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

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
  @IsString()
  levelCode: string;

  @ApiProperty({ example: '2026-03-03' })
  @IsCalendarDate()
  completedOn: string;

  @ApiProperty({ enum: COMPLETION_SOURCES, example: 'elearning' })
  @IsIn(COMPLETION_SOURCES, { message: `source must be one of: ${COMPLETION_SOURCES.join(', ')}` })
  source: CompletionSource;

  @ApiPropertyOptional({ example: 'Certificate seen by line manager' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  evidence?: string | null;
}

export class UpdateCompletionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsCalendarDate()
  completedOn?: string;

  @ApiPropertyOptional({ enum: COMPLETION_SOURCES })
  @IsOptional()
  @IsIn(COMPLETION_SOURCES, { message: `source must be one of: ${COMPLETION_SOURCES.join(', ')}` })
  source?: CompletionSource;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
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
