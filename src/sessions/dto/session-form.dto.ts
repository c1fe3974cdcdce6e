import { Expose, Transform } from 'class-transformer';
import { IsArray, IsIn, IsString, IsInt, IsObject, IsOptional, IsUrl, Length, Matches, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../common/validators';
import type { CreateSessionDto } from './session.dto';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : '');
const orNull = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Employee references typed into a box: separated by commas, spaces or new lines. */
export function splitRefs(value: unknown): string[] {
  return [...new Set((typeof value === 'string' ? value.trim() : '').split(/[\s,;]+/).filter(Boolean))];
}

/** The schedule / change a session form, in the words the page uses; `toSession` gives the API's DTO. */
export class SessionFormDto {
  @Transform(trimmed)
  @Length(1, 10, { message: 'Choose the level' })
  levelCode: string;

  @Transform(trimmed)
  @Length(1, 200, { message: 'Enter a title of up to 200 characters' })
  title: string;

  @Transform(trimmed)
  @IsCalendarDate({ message: 'Enter the date of the session' })
  date: string;

  @Transform(trimmed)
  @Matches(TIME, { message: 'Enter the start time as HH:MM, for example 09:30' })
  startTime: string;

  @Transform(trimmed)
  @Matches(TIME, { message: 'Enter the end time as HH:MM, for example 12:30' })
  endTime: string;

  @Transform(orNull)
  @IsOptional()
  @Length(0, 300, { message: 'Enter a venue of up to 300 characters' })
  venue: string | null;

  @Transform(orNull)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'Enter the online link as a web address starting https://' })
  @Length(0, 500, { message: 'Enter the online link as a web address starting https://' })
  onlineLink: string | null;

  @Transform(trimmed)
  @Length(1, 40, { message: 'Choose the host organisation' })
  hostOrganisationCode: string;

  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN))
  @IsInt({ message: 'Enter the number of places, from 1 to 500' })
  @Min(1, { message: 'Enter the number of places, from 1 to 500' })
  @Max(500, { message: 'Enter the number of places, from 1 to 500' })
  capacity: number;

  @Expose()
  @Transform(({ value }) => splitRefs(value))
  @IsArray()
  trainerEmployeeRefs: string[];

  @Transform(orNull)
  @IsOptional()
  @Length(0, 200, { message: 'Enter the external trainer in up to 200 characters' })
  externalTrainer: string | null;

  @Transform(orNull)
  @IsOptional()
  @Length(0, 5000, { message: 'Enter notes of up to 5,000 characters' })
  notes: string | null;

  toSession(): CreateSessionDto {
    const { levelCode, title, date, startTime, endTime, venue, onlineLink, hostOrganisationCode, capacity, trainerEmployeeRefs, externalTrainer, notes } = this;
    return { levelCode, title, startsAt: `${date}T${startTime}`, endsAt: `${date}T${endTime}`, venue, onlineLink, hostOrganisationCode, capacity, trainerEmployeeRefs, externalTrainer, notes };
  }
}

/** The fields of the session form in page order, and where the service's names for them point. */
export const SESSION_FORM_ORDER = ['levelCode', 'title', 'date', 'startTime', 'endTime', 'venue', 'onlineLink', 'hostOrganisationCode', 'capacity', 'trainerEmployeeRefs', 'externalTrainer', 'notes'] as const;
export const SESSION_FORM_ANCHORS = { startsAt: 'startTime', endsAt: 'endTime' };

/** Book people onto a session: by their references, or everyone overdue in an organisation. */
export class BookingFormDto {
  @Transform(({ value }) => (value === 'overdue' ? 'overdue' : 'people'))
  @IsIn(['people', 'overdue'])
  mode: 'people' | 'overdue';

  @Expose()
  @Transform(({ value }) => splitRefs(value))
  @IsArray()
  employeeRefs: string[];

  @Transform(orNull)
  @IsOptional()
  @IsString()
  organisationCode: string | null;
}

/** A register as posted: one attendance-<bookingId> choice per person, and walk-ins by reference. */
export class RegisterFormDto {
  @Expose()
  @Transform(({ obj }: { obj: Record<string, unknown> }) =>
    Object.fromEntries(Object.entries(obj).filter(([name, value]) => name.startsWith('attendance-') && typeof value === 'string').map(([name, value]) => [name.slice('attendance-'.length), value])),
  )
  @IsObject()
  attendance: Record<string, string>;

  @Expose()
  @Transform(({ value }) => splitRefs(value))
  @IsArray()
  walkIns: string[];

  @Transform(orNull)
  @IsOptional()
  @IsString()
  walkInOrganisationCode: string | null;
}
