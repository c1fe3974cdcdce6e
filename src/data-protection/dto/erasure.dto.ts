import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { lengthMessage } from '../../common/validators';
import { RetentionRunView } from './retention.dto';

export class ErasureDto {
  @ApiProperty({ example: 'Request received by email on 1 March 2026 (ref DPO-2026-14)', description: 'Why the person is erased: written to the audit log' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'Enter the reason for erasing this person' })
  @Length(1, 500, lengthMessage('Enter the reason for erasing this person', 'The reason must be 500 characters or fewer'))
  reason: string;

  @ApiPropertyOptional({ description: 'Where they are the trainer of record of sessions still kept: anonymise everything except their name on those sessions' })
  @IsOptional()
  @Transform(({ value }) => (value === 'yes' || value === 'true' ? true : value === 'no' || value === 'false' || value === '' ? false : value))
  @IsBoolean({ message: 'Choose whether to keep their name as the trainer' })
  keepTrainerName?: boolean;
}

export class TrainedSessionView {
  @ApiProperty() id: number;
  @ApiProperty() title: string;
  @ApiProperty({ example: '2025-04-01' }) startsOn: string;
}

export class ErasureCheckView {
  @ApiProperty() person: { id: number; name: string; employeeRef: string; organisationName: string; endDate: string | null };
  @ApiProperty({ description: 'The retention period that applies to them' }) years: number;
  @ApiProperty({ type: [TrainedSessionView], description: 'Sessions within that period they are the trainer of record of' }) sessionsKept: TrainedSessionView[];
  @ApiProperty({ nullable: true, type: String, description: 'Set when they are already anonymised' }) anonymised: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why erasing everything is refused, if it is' }) refusal: string | null;
}

export class ErasureResultView extends RetentionRunView {
  @ApiProperty() trainerNameKept: boolean;
}
