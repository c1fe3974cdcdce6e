import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, registerDecorator, ValidationArguments } from 'class-validator';
import { DateFromParts } from '../../common/date-parts';
import { dateMessage, IsCalendarDate } from '../../common/validators';
import type { UploadVerdict } from '../../evidence/certificate-file';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const EMAIL = { message: 'Enter an email address in the correct format, like name@example.com' };

/** The sign-in page's one box. */
export class SignInLinkDto {
  @Transform(trim)
  @IsString(EMAIL)
  @IsNotEmpty({ message: 'Enter your email address' })
  @MaxLength(254, EMAIL)
  @IsEmail({}, EMAIL)
  email: string;
}

const FILE_MESSAGES: Record<Exclude<UploadVerdict, 'pdf' | 'png' | 'jpeg'>, (maxMb: number) => string> = {
  missing: () => 'Choose the certificate file',
  'too-big': (maxMb) => `The file must be smaller than ${maxMb} MB`,
  'wrong-type': () => 'The file must be a PDF, PNG or JPEG',
  failed: () => 'The file could not be uploaded: try again',
};

/** The verdict the upload middleware put in `file`: a PDF, PNG or JPEG, or a message saying why not. */
function IsCertificateFile() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCertificateFile',
      target: target.constructor,
      propertyName,
      options: {
        // "too-big:5": the middleware's verdict with the limit it applied.
        message: (args: ValidationArguments) => {
          const [verdict, limit] = String(args.value ?? 'missing').split(':');
          return (FILE_MESSAGES[verdict as keyof typeof FILE_MESSAGES] ?? FILE_MESSAGES.missing)(Number(limit) || 0);
        },
      },
      validator: { validate: (value: unknown) => value === 'pdf' || value === 'png' || value === 'jpeg' },
    });
}

/** A certificate of training done elsewhere: level, date and the file (checked by its content). */
export class EvidenceFormDto {
  @IsString({ message: 'Choose the level of the training' })
  @IsNotEmpty({ message: 'Choose the level of the training' })
  levelCode: string;

  @DateFromParts()
  @IsCalendarDate(dateMessage('Date of the training', 'Enter the date you did the training'))
  completedOn: string;

  @IsCertificateFile()
  file: UploadVerdict;
}

export class PreferencesDto {
  @IsIn(['yes', 'no'], { message: 'Choose whether you want these messages' })
  optionalMessages: 'yes' | 'no';
}

/** Why a request for a place is declined (optional): sent to the person. */
export class DeclineRequestDto {
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(1000, { message: 'The reason must be 1,000 characters or fewer' })
  reason?: string;
}

/** An administrator turns approval of bookings on or off for an organisation. */
export class ApprovalSettingDto {
  @Transform(trim)
  @IsString({ message: 'Enter the organisation’s code' })
  @IsNotEmpty({ message: 'Enter the organisation’s code' })
  organisationCode: string;

  @IsIn(['on', 'off'], { message: 'Choose whether a manager approves bookings first' })
  approval: 'on' | 'off';
}
