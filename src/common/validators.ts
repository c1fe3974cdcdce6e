import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isIsoDate } from './dates';

/** A real calendar date written YYYY-MM-DD (rejects 2025-02-31). */
export function IsCalendarDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a real date written YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => isIsoDate(value) },
    });
}

const blank = (value: unknown) => value === null || value === undefined || value === '';

/**
 * GOV.UK's messages for a date: "Enter the start date" when it was left blank, "Start date must
 * be a real date" when it is not one (31 February, letters in the boxes).
 */
export function dateMessage(label: string, blankMessage = `Enter the ${label.toLowerCase()}`): ValidationOptions {
  return { message: (args: ValidationArguments) => (blank(args.value) ? blankMessage : `${label} must be a real date`) };
}

/** A YYYY-MM-DD date on or after another property's date (either missing or not a date: left to their own checks). */
export function IsSameOrAfter(other: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isSameOrAfter',
      target: target.constructor,
      propertyName,
      constraints: [other],
      options: { message: `${propertyName} must be the same as or after ${other}`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const before = (args.object as Record<string, unknown>)[other];
          return !isIsoDate(value) || !isIsoDate(before) || (value as string) >= (before as string);
        },
      },
    });
}

/**
 * Messages for a length limit on a text box: "Enter ..." when nothing was given (so a missing field
 * gets one message, not two), the limit otherwise.
 */
export function lengthMessage(blankMessage: string, longMessage: string): ValidationOptions {
  return { message: (args: ValidationArguments) => (typeof args.value !== 'string' || args.value.trim() === '' ? blankMessage : longMessage) };
}

/** The same as another property ("New password again"); an empty value is left to its own "Enter ..." check. */
export function IsSameAs(other: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isSameAs',
      target: target.constructor,
      propertyName,
      constraints: [other],
      options: { message: `${propertyName} must be the same as ${other}`, ...options },
      validator: { validate: (value: unknown, args: ValidationArguments) => blank(value) || value === (args.object as Record<string, unknown>)[other] },
    });
}
