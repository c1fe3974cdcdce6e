import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { plainToInstance, Type } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, validate, ValidateNested } from 'class-validator';
import { DateFromParts } from './date-parts';
import { FieldError, refusalProblems, refusalText } from './field-error';
import { formErrors } from './form-errors';
import { dateMessage, IsCalendarDate, IsSameAs, IsSameOrAfter, lengthMessage } from './validators';

class Person {
  @IsString({ message: 'Enter the last name' })
  @IsNotEmpty({ message: 'Enter the last name' })
  @MaxLength(5, lengthMessage('Enter the last name', 'Last name must be 5 characters or fewer'))
  lastName: string;

  @DateFromParts()
  @IsCalendarDate(dateMessage('Start date'))
  startDate: string;

  @DateFromParts()
  @IsCalendarDate(dateMessage('End date'))
  @IsSameOrAfter('startDate', { message: 'End date must be the same as or after the start date' })
  endDate: string;
}

class Passwords {
  @IsString() newPassword: string;
  @IsNotEmpty({ message: 'Enter the new password again' })
  @IsSameAs('newPassword', { message: 'The new passwords do not match' })
  confirmPassword: string;
}

class Rule {
  @IsString() roleCode: string;
}
class Rules {
  @ValidateNested({ each: true }) @Type(() => Rule) rules: Rule[];
}

const problemsOf = async <T extends object>(cls: new () => T, plain: object) => {
  const failures = await validate(plainToInstance(cls, plain));
  return failures.length ? FieldError.fromValidation(failures).problems : [];
};
const apiMessageOf = async <T extends object>(cls: new () => T, plain: object) => FieldError.fromApiValidation(await validate(plainToInstance(cls, plain))).getResponse();

describe('form messages in GOV.UK words', () => {
  it('says "Enter ..." for a blank date and "... must be a real date" for one that is not', async () => {
    const blank = await problemsOf(Person, { lastName: 'Fox', 'startDate-day': '', 'startDate-month': '', 'startDate-year': '', endDate: '2026-01-01' });
    expect(blank).toEqual([{ field: 'startDate', message: 'Enter the start date' }]);
    const unreal = await problemsOf(Person, { lastName: 'Fox', 'startDate-day': '31', 'startDate-month': '2', 'startDate-year': '2026', endDate: '2026-03-01' });
    expect(unreal).toEqual([{ field: 'startDate', message: 'Start date must be a real date' }]);
  });

  it('says an end before the start at the end date, and leaves it alone when either date is not one', async () => {
    expect(await problemsOf(Person, { lastName: 'Fox', startDate: '2026-03-02', endDate: '2026-03-01' })).toEqual([
      { field: 'endDate', message: 'End date must be the same as or after the start date' },
    ]);
    expect(await problemsOf(Person, { lastName: 'Fox', startDate: '2026-03-02', endDate: '2026-03-02' })).toEqual([]);
    expect((await problemsOf(Person, { lastName: 'Fox', startDate: 'soon', endDate: '2026-03-01' })).map((p) => p.field)).toEqual(['startDate']);
  });

  it('gives one message for a missing box, and the limit only for one too long', async () => {
    expect(await problemsOf(Person, { startDate: '2026-03-02', endDate: '2026-03-02' })).toEqual([{ field: 'lastName', message: 'Enter the last name' }]);
    expect(await problemsOf(Person, { lastName: 'Foxworth', startDate: '2026-03-02', endDate: '2026-03-02' })).toEqual([
      { field: 'lastName', message: 'Last name must be 5 characters or fewer' },
    ]);
  });

  it('says a second password that differs as not matching, and an empty one as missing', async () => {
    expect(await problemsOf(Passwords, { newPassword: 'one long password', confirmPassword: 'another' })).toEqual([{ field: 'confirmPassword', message: 'The new passwords do not match' }]);
    expect(await problemsOf(Passwords, { newPassword: 'one long password', confirmPassword: '' })).toEqual([{ field: 'confirmPassword', message: 'Enter the new password again' }]);
  });
});

describe('FieldError', () => {
  it('answers the API with "field: message" and the field; a page reads the field without parsing the words', () => {
    const error = new FieldError('organisationCode', 'no organisation with code X');
    expect(error.getStatus()).toBe(422);
    expect(error.getResponse()).toEqual({ message: 'organisationCode: no organisation with code X', field: 'organisationCode' });
    expect(refusalProblems(error)).toEqual([{ field: 'organisationCode', message: 'no organisation with code X' }]);
    expect(refusalText(error)).toBe('no organisation with code X');
  });

  it('takes other client refusals as problems with the whole form, and leaves the rest to the error page', () => {
    expect(refusalProblems(new ConflictException('That record already exists'))).toEqual([{ field: null, message: 'That record already exists' }]);
    expect(refusalProblems(new BadRequestException(['a', 'b']))).toEqual([
      { field: null, message: 'a' },
      { field: null, message: 'b' },
    ]);
    expect(refusalProblems(new NotFoundException('No person with id 9'))).toBeNull();
    expect(refusalProblems(new Error('boom'))).toBeNull();
  });

  it('lists every API problem, naming the field unless the words already do, nested ones by their path', async () => {
    const body = await apiMessageOf(Person, { lastName: '', startDate: '2026-03-02', endDate: '2026-02-01' });
    expect(body).toEqual({ field: 'lastName', message: ['lastName: Enter the last name', 'endDate: End date must be the same as or after the start date'] });
    expect(await apiMessageOf(Rules, { rules: [{ roleCode: 5 }] })).toEqual({ field: 'rules.0.roleCode', message: ['rules.0.roleCode must be a string'] });
  });
});

describe('formErrors', () => {
  it('orders the summary as the form, links each to its input, and writes dates and first letters as a page does', () => {
    const shown = formErrors(
      [
        { field: 'endDate', message: '2026-03-01 is in the future' },
        { field: 'lastName', message: 'enter the last name' },
        { field: null, message: 'That record already exists' },
      ],
      {},
      ['lastName', 'endDate'],
      { endDate: 'endDate-day' },
    );
    expect(shown.errors).toEqual([
      { field: 'lastName', href: '#lastName', text: 'Enter the last name' },
      { field: 'endDate', href: '#endDate-day', text: '1 March 2026 is in the future' },
      { field: null, href: null, text: 'That record already exists' },
    ]);
    expect(shown.errorFor).toEqual({ lastName: 'Enter the last name', endDate: '1 March 2026 is in the future' });
  });
});
