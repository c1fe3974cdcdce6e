import { ConflictException, NotFoundException } from '@nestjs/common';
import { FieldError } from './field-error';

/** Errors with messages a user can act on; one place so wording stays consistent. */
export const notFound = (what: string, key: string | number) => new NotFoundException(`No ${what} with ${typeof key === 'number' ? 'id' : 'code'} ${key}`);
export const unknownCode = (field: string, what: string, code: string) =>
  new FieldError(field, `no ${what} with code ${code}`);
export const conflict = (message: string) => new ConflictException(message);
