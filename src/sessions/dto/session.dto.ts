import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  Min,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import { PageQuery } from '../../common/paging';
import { IsCalendarDate } from '../../common/validators';
import { isLocalDateTime } from '../session-times';
import { BookingView } from './booking.dto';
import { SESSION_STATUSES, type SessionStatus } from '../training-session.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimList = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value);

/** A London wall-clock time written YYYY-MM-DDTHH:MM (rejects 2026-02-30T09:00 and 24:00). */
export function IsLocalDateTime(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isLocalDateTime',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a real date and time written YYYY-MM-DDTHH:MM (UK time)`, ...options },
      validator: { validate: (value: unknown) => isLocalDateTime(value) },
    });
}

export class CreateSessionDto {
  @ApiProperty({ example: 'L2', description: 'L2 (WRAP workshop) or L3 (train the trainer); L1 is e-learning and has no sessions' })
  @IsString()
  @Length(1, 10)
  levelCode: string;

  @ApiProperty({ example: 'WRAP workshop for frontline staff' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiProperty({ example: '2026-03-03T09:30', description: 'UK local time' })
  @IsLocalDateTime()
  startsAt: string;

  @ApiProperty({ example: '2026-03-03T12:30', description: 'UK local time, after startsAt' })
  @IsLocalDateTime()
  endsAt: string;

  @ApiPropertyOptional({ example: 'Shire Hall, Warwick', nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(0, 300)
  venue?: string | null;

  @ApiPropertyOptional({ example: 'https://meet.example.org/wrap-march', nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'onlineLink must be a web address starting https://' })
  @Length(0, 500)
  onlineLink?: string | null;

  @ApiProperty({ example: 'WCC' })
  @IsString()
  @Length(1, 40)
  hostOrganisationCode: string;

  @ApiProperty({ example: 20, minimum: 1, maximum: 500 })
  @IsInt()
  @Min(1)
  @Max(500)
  capacity: number;

  @ApiPropertyOptional({ example: ['E10234'], description: 'Employee references of the trainers (an L2 trainer must hold a valid L3)' })
  @IsOptional()
  @Transform(trimList)
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  trainerEmployeeRefs?: string[];

  @ApiPropertyOptional({ example: 'WCC', description: 'Settles trainer references used by more than one employer' })
  @IsOptional()
  @IsString()
  trainerOrganisationCode?: string;

  @ApiPropertyOptional({ example: 'West Midlands Police Prevent team', nullable: true, description: 'L3 sessions only' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(0, 200)
  externalTrainer?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(0, 5000)
  notes?: string | null;
}

export class UpdateSessionDto extends PartialType(CreateSessionDto) {}

export const SESSION_WHEN = ['upcoming', 'past', 'all'] as const;
export type SessionWhen = (typeof SESSION_WHEN)[number];

export class SessionQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SESSION_WHEN, default: 'upcoming', description: 'upcoming: not yet ended; past: ended' })
  @IsOptional()
  @IsIn(SESSION_WHEN, { message: `when must be one of: ${SESSION_WHEN.join(', ')}` })
  when: SessionWhen = 'upcoming';

  @ApiPropertyOptional({ example: 'L2' }) @IsOptional() @IsString() level?: string;

  @ApiPropertyOptional({ description: 'Host organisation code: its whole subtree' }) @IsOptional() @IsString() organisation?: string;

  @ApiPropertyOptional({ description: "A trainer's employee reference" }) @IsOptional() @IsString() trainer?: string;
  /** The pages' trainer filter, the person its box names (not a query parameter of the API). */
  declare trainerStaffId?: number;

  @ApiPropertyOptional({ enum: SESSION_STATUSES })
  @IsOptional()
  @IsIn(SESSION_STATUSES, { message: `status must be one of: ${SESSION_STATUSES.join(', ')}` })
  status?: SessionStatus;

  @ApiPropertyOptional({ example: '2026-04-01', description: 'Sessions on or after this date' }) @IsOptional() @IsCalendarDate() from?: string;
  @ApiPropertyOptional({ example: '2026-06-30', description: 'Sessions on or before this date' }) @IsOptional() @IsCalendarDate() to?: string;
}

export class TrainerView {
  @ApiProperty() staffId: number;
  @ApiProperty() employeeRef: string;
  @ApiProperty() name: string;
  @ApiProperty() organisationCode: string;
}

export class SessionView {
  @ApiProperty() id: number;
  @ApiProperty() levelCode: string;
  @ApiProperty() levelName: string;
  @ApiProperty() title: string;
  @ApiProperty({ example: '2026-03-03T09:30' }) startsAt: string;
  @ApiProperty({ example: '2026-03-03T12:30' }) endsAt: string;
  @ApiProperty({ example: '2026-03-03' }) date: string;
  @ApiProperty({ nullable: true, type: String }) venue: string | null;
  @ApiProperty({ nullable: true, type: String }) onlineLink: string | null;
  @ApiProperty() hostOrganisationCode: string;
  @ApiProperty() hostOrganisationName: string;
  @ApiProperty() capacity: number;
  @ApiProperty({ enum: SESSION_STATUSES }) status: SessionStatus;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({ nullable: true, type: String }) externalTrainer: string | null;
  @ApiProperty({ type: [TrainerView] }) trainers: TrainerView[];
  @ApiProperty({ description: 'Places taken (walk-ins included)' }) booked: number;
  @ApiProperty() waiting: number;
  @ApiProperty() placesLeft: number;
  @ApiProperty() attended: number;
  @ApiProperty() noShows: number;
  @ApiProperty({ nullable: true, type: String, description: 'When the feedback link closes (UK time)' }) feedbackClosesAt: string | null;
}

export class PersonToTell {
  @ApiProperty() staffId: number;
  @ApiProperty() employeeRef: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() organisationCode: string;
  @ApiProperty({ enum: ['booked', 'waiting', 'trainer'] }) was: 'booked' | 'waiting' | 'trainer';
  @ApiProperty({ description: 'Whether they were emailed (false: no email address is held, so someone must tell them)' }) emailed: boolean;
}

export class CancelledSessionView {
  @ApiProperty({ type: SessionView }) session: SessionView;
  @ApiProperty({ type: [PersonToTell], description: 'The people who were booked or waiting, and the trainers' }) peopleToTell: PersonToTell[];
  @ApiProperty({ description: 'How many of them were emailed that the session is cancelled' }) emailed: number;
  @ApiProperty({ description: 'How many of them have no email address: someone must tell them' }) withoutEmail: number;
}

export class SessionDetailView extends SessionView {
  @ApiProperty({ description: 'Whether the caller may change the session and take its register' }) canManage: boolean;
  @ApiProperty({ type: [BookingView], description: 'Booked people, then the waiting list in order' }) bookings: BookingView[];
  @ApiProperty({ description: 'Booked or waiting people the caller cannot see' }) othersNotShown: number;
}
