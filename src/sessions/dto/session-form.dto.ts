import { Expose, Transform } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsString,
  IsInt,
  IsObject,
  IsOptional,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { DateFromParts, NOT_A_DATE } from '../../common/date-parts';
import { IsCalendarDate } from '../../common/validators';
import { postedRows, rowChoices, rowFields } from '../../people/person-rows';
import type { SessionChanges } from '../sessions.service';
import { parseTime } from '../session-times';
import type { CreateSessionDto } from './session.dto';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : '');
const orNull = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A typed time as HH:MM; what cannot be read is kept as typed, so the pattern refuses it (blank stays blank). */
const typedTime = ({ value }: { value: unknown }) => {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? '' : (parseTime(text) ?? text);
};
const timeMessage = (which: 'start' | 'end') => (args: ValidationArguments) =>
  args.value === '' ? `Enter the ${which} time` : `Enter the ${which} time like 9:30am or 14:00`;

/** The end time is after the start time (checked only when both were read). */
@ValidatorConstraint({ name: 'endsAfterStart' })
class EndsAfterStart implements ValidatorConstraintInterface {
  validate(end: unknown, args: ValidationArguments): boolean {
    const start = (args.object as SessionFormDto).startTime;
    if (typeof end !== 'string' || !TIME.test(end) || typeof start !== 'string' || !TIME.test(start)) return true;
    return end > start;
  }

  defaultMessage(): string {
    return 'The end time must be after the start time';
  }
}

/** A venue of up to 300 characters, or none when there is an online link. */
@ValidatorConstraint({ name: 'venueOrLink' })
class VenueOrLink implements ValidatorConstraintInterface {
  validate(venue: unknown, args: ValidationArguments): boolean {
    if (venue === null || venue === undefined || venue === '') return Boolean((args.object as SessionFormDto).onlineLink);
    return typeof venue === 'string' && venue.length <= 300;
  }

  defaultMessage(args: ValidationArguments): string {
    return typeof args.value === 'string' && args.value !== '' ? 'Enter a venue of up to 300 characters' : 'Enter a venue or an online link (or both)';
  }
}

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

  @DateFromParts()
  @IsCalendarDate({
    message: (args: ValidationArguments) =>
      args.value === NOT_A_DATE || (typeof args.value === 'string' && args.value !== '') ? 'The date of the session must be a real date, for example 27 3 2026' : 'Enter the date of the session',
  })
  date: string;

  @Transform(typedTime)
  @Matches(TIME, { message: timeMessage('start') })
  startTime: string;

  @Transform(typedTime)
  @Matches(TIME, { message: timeMessage('end') })
  @Validate(EndsAfterStart)
  endTime: string;

  @Transform(orNull)
  @Validate(VenueOrLink)
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

  /** The trainer boxes as posted (views/partials/person-picker.hbs): a name, "Name (REF)", a reference or an email each. */
  @Expose()
  @Transform(({ value }) => postedRows(value))
  @IsArray()
  trainers: string[];

  @Transform(orNull)
  @IsOptional()
  @Length(0, 200, { message: 'Enter the external trainer in up to 200 characters' })
  externalTrainer: string | null;

  @Transform(orNull)
  @IsOptional()
  @Length(0, 5000, { message: 'Enter notes of up to 5,000 characters' })
  notes: string | null;

  toSession(): SessionChanges & CreateSessionDto {
    const { levelCode, title, date, startTime, endTime, venue, onlineLink, hostOrganisationCode, capacity, trainers, externalTrainer, notes } = this;
    const trainerChoices = rowChoices('trainers', trainers);
    return { levelCode, title, startsAt: `${date}T${startTime}`, endsAt: `${date}T${endTime}`, venue, onlineLink, hostOrganisationCode, capacity, trainerChoices, externalTrainer, notes };
  }
}

/** The fields of the session form in page order, and where the service's names for them point. */
export const SESSION_FORM_ORDER = ['levelCode', 'title', 'date', 'startTime', 'endTime', 'venue', 'onlineLink', 'hostOrganisationCode', 'capacity', ...rowFields('trainers'), 'externalTrainer', 'notes'] as const;
export const SESSION_FORM_ANCHORS = { startsAt: 'startTime', endsAt: 'endTime', trainerEmployeeRefs: 'trainers-1' };
/** The element each field's error links to, where it is not the field's own id (the date input's first box). */
export const SESSION_FORM_IDS = { date: 'date-day' };

/** Book people onto a session: by their references, or everyone overdue in an organisation. */
export class BookingFormDto {
  @Transform(({ value }) => (value === 'overdue' ? 'overdue' : 'people'))
  @IsIn(['people', 'overdue'])
  mode: 'people' | 'overdue';

  /** The boxes of people to book as posted (views/partials/person-picker.hbs): one person each. */
  @Expose()
  @Transform(({ value }) => postedRows(value))
  @IsArray()
  people: string[];

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

  /** The walk-in boxes as posted (views/partials/person-picker.hbs): one person each. */
  @Expose()
  @Transform(({ value }) => postedRows(value))
  @IsArray()
  walkIns: string[];

  @Transform(orNull)
  @IsOptional()
  @IsString()
  walkInOrganisationCode: string | null;
}
