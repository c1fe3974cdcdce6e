import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, Equals, IsArray, IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { ATTENDANCE, type Attendance, BOOKING_STATUSES, type BookingStatus } from '../booking.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimList = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value);

/**
 * One of three ways to book: a person (employeeRef), several people (employeeRefs), or everyone
 * in an organisation's subtree who is overdue for the session's level (organisationCode + overdueFor).
 */
export class CreateBookingDto {
  @ApiPropertyOptional({ example: 'E10234' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 60)
  employeeRef?: string;

  @ApiPropertyOptional({ example: ['E10234', 'E10235'] })
  @IsOptional()
  @Transform(trimList)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique({ message: 'employeeRefs must not name a person twice' })
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  employeeRefs?: string[];

  @ApiPropertyOptional({
    example: 'WCC-CYP',
    description: 'With employeeRef(s): settles references used by more than one employer. With overdueFor: the organisation subtree',
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  organisationCode?: string;

  @ApiPropertyOptional({ example: true, description: "Book everyone in organisationCode's subtree who is overdue (expired or missing) for the session's level" })
  @IsOptional()
  @IsBoolean()
  @Equals(true, { message: 'overdueFor must be true when given' })
  overdueFor?: boolean;
}

export class BookingView {
  @ApiProperty() id: number;
  @ApiProperty() sessionId: number;
  @ApiProperty() staffId: number;
  @ApiProperty() employeeRef: string;
  @ApiProperty() personName: string;
  @ApiProperty() organisationCode: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ enum: BOOKING_STATUSES }) status: BookingStatus;
  @ApiProperty({ enum: ATTENDANCE, nullable: true }) attendance: Attendance | null;
  @ApiProperty() walkIn: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'Place on the waiting list, from 1' }) waitingPosition: number | null;
}

export const BOOKING_OUTCOMES = ['booked', 'waiting', 'already booked'] as const;
export type BookingOutcome = (typeof BOOKING_OUTCOMES)[number];

export class BookingOutcomeView {
  @ApiProperty() employeeRef: string;
  @ApiProperty() personName: string;
  @ApiProperty({ enum: BOOKING_OUTCOMES }) outcome: BookingOutcome;
  @ApiProperty({ type: BookingView }) booking: BookingView;
}

export class BulkBookingView {
  @ApiProperty() booked: number;
  @ApiProperty() waiting: number;
  @ApiProperty() alreadyBooked: number;
  @ApiProperty({ type: [BookingOutcomeView] }) results: BookingOutcomeView[];
}

export class CancelledBookingView {
  @ApiProperty({ type: BookingView }) cancelled: BookingView;
  @ApiProperty({ type: BookingView, nullable: true, description: 'The person moved up from the waiting list into the freed place' })
  promoted: BookingView | null;
}

export class RegisterDto {
  @ApiProperty({ example: ['E10234'], description: 'Employee references of those who attended; anyone not booked is added as a walk-in' })
  @Transform(trimList)
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  attended: string[];

  @ApiProperty({ example: ['E10235'], description: 'Employee references of booked people who did not come' })
  @Transform(trimList)
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  noShow: string[];

  @ApiPropertyOptional({ example: 'WCC', description: 'Settles walk-in references used by more than one employer' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  organisationCode?: string;
}

export class RegisterView {
  @ApiProperty() sessionId: number;
  @ApiProperty() status: string;
  @ApiProperty({ description: 'Whether the register can be taken now (on or after the day, not cancelled)' }) open: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Why the register cannot be taken, when it cannot' }) closedReason: string | null;
  @ApiProperty({ description: 'Whether a register has been completed' }) taken: boolean;
  @ApiProperty({ type: [BookingView] }) entries: BookingView[];
  @ApiProperty() attended: number;
  @ApiProperty() noShows: number;
  @ApiProperty({ description: 'Completions this save created' }) completionsCreated: number;
  @ApiProperty({ description: 'Completions this save removed' }) completionsRemoved: number;
}
