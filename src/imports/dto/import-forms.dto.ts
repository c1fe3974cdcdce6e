import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, registerDecorator, ValidateIf } from 'class-validator';
import type { Request } from 'express';
import { isIsoDate, todayIso } from '../../common/dates';
import { IsCalendarDate, lengthMessage } from '../../common/validators';
import { IMPORT_KINDS, type ImportKind } from '../import-columns';
import { readImportDate } from '../import-dates';
import { RULE_EFFECTS, RULE_FIELDS, RULE_OPERATORS, type RuleEffect, type RuleField, type RuleOperator } from '../role-rule.entity';
import { MAX_UPLOAD_MB } from '../upload';

/** A form field's text: the first value when a field came twice, trimmed. */
const one = (value: unknown): unknown => {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : first;
};
const text = ({ value }: { value: unknown }) => one(value);
/** Trimmed, runs of spaces made one (course names and rule values are matched that way). */
const spaced = ({ value }: { value: unknown }) => {
  const v = one(value);
  return typeof v === 'string' ? v.replace(/\s+/g, ' ') : v;
};

/** What became of the upload's file, as the form's `file` field (the file itself stays on the request). */
export type FileOutcome = 'chosen' | 'none' | 'too-large' | 'failed';

/** For @FormBody: the posted fields with the file's outcome, so one check reports every problem at once. */
export function withUploadedFile(req: Request): { file: FileOutcome } {
  const uploadError = (req as Request & { uploadError?: { code?: string } }).uploadError;
  const file = (req as Request & { file?: { size?: number } }).file;
  if (uploadError) return { file: uploadError.code === 'LIMIT_FILE_SIZE' ? 'too-large' : 'failed' };
  return { file: !file || file.size === 0 ? 'none' : 'chosen' };
}

const FILE_MESSAGES: Record<Exclude<FileOutcome, 'chosen'>, string> = {
  none: 'Choose a CSV or Excel file',
  'too-large': `The file must be smaller than ${MAX_UPLOAD_MB} MB: split it into smaller files`,
  failed: 'The file could not be uploaded: try again',
};

/** The date of a staff extract as typed (3 March 2026, 03/03/2026 ...), read as YYYY-MM-DD; kept as typed when it cannot be read. */
const extractDate = ({ value }: { value: unknown }) => {
  const typed = one(value);
  if (typeof typed !== 'string' || typed === '') return undefined;
  const read = readImportDate(typed, todayIso());
  return read.ok ? read.date : typed;
};

/** A date read from the form that is not after today (dates that could not be read are left to their own check). */
function IsNotAfterToday(message: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotAfterToday',
      target: target.constructor,
      propertyName,
      options: { message },
      validator: { validate: (value: unknown) => !isIsoDate(value) || (value as string) <= todayIso() },
    });
}

/** Upload a file: what it holds, its options, and the file (its outcome here; see withUploadedFile). */
export class UploadFormDto {
  @Transform(text)
  @IsIn(IMPORT_KINDS, { message: 'Choose what the file holds' })
  kind: ImportKind;

  @IsOptional()
  @Transform(text)
  @IsString()
  organisation?: string;

  @IsOptional()
  @Transform(text)
  @IsString()
  markLeavers?: string;

  /** Read only for a staff list; YYYY-MM-DD once valid. */
  @Transform(extractDate)
  @ValidateIf((form: UploadFormDto) => form.kind === 'staff' && form.extractDate !== undefined)
  @IsNotAfterToday('The date of the extract must be today or in the past')
  @IsCalendarDate({ message: 'Enter the date of the extract as a date, for example 3 March 2026 or 03/03/2026' })
  extractDate?: string;

  @IsOptional()
  @Transform(text)
  @IsString()
  course?: string;

  @IsIn(['chosen'], { message: ({ value }) => FILE_MESSAGES[value as Exclude<FileOutcome, 'chosen'>] ?? FILE_MESSAGES.none })
  file: FileOutcome;
}

/** A course name as the learning platform writes it, and the level it counts as. */
export class CourseMappingFormDto {
  @Transform(spaced)
  @IsString({ message: 'Enter the course name as the learning platform writes it' })
  @MaxLength(200, lengthMessage('Enter the course name as the learning platform writes it', 'Course name must be 200 characters or fewer'))
  @IsNotEmpty({ message: 'Enter the course name as the learning platform writes it' })
  courseName: string;

  @Transform(text)
  @IsString({ message: 'Choose the level the course counts as' })
  @IsNotEmpty({ message: 'Choose the level the course counts as' })
  levelCode: string;
}

/** A role rule: which column, how it is compared, the value, the role, and whether it gives or takes the role. */
export class RoleRuleFormDto {
  @Transform(text)
  @IsIn(RULE_FIELDS, { message: 'Choose the column the rule reads' })
  field: RuleField;

  @Transform(text)
  @IsIn(RULE_OPERATORS, { message: 'Choose how the value is compared' })
  operator: RuleOperator;

  @Transform(spaced)
  @IsString({ message: 'Enter the value to look for, for example Social Worker' })
  @MaxLength(200, lengthMessage('Enter the value to look for, for example Social Worker', 'The value must be 200 characters or fewer'))
  @IsNotEmpty({ message: 'Enter the value to look for, for example Social Worker' })
  value: string;

  @Transform(text)
  @IsString({ message: 'Choose the role the rule gives or takes away' })
  @IsNotEmpty({ message: 'Choose the role the rule gives or takes away' })
  roleCode: string;

  /** Gives the role unless told otherwise. */
  @IsOptional()
  @Transform(({ value }) => one(value) || 'add')
  @IsIn(RULE_EFFECTS, { message: 'Choose whether the rule gives or takes away the role' })
  effect?: RuleEffect;
}
