import { ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';

/** Errors with messages a user can act on; one place so wording stays consistent. */
export const notFound = (what: string, key: string | number) => new NotFoundException(`No ${what} with ${typeof key === 'number' ? 'id' : 'code'} ${key}`);
export const unknownCode = (field: string, what: string, code: string) =>
  new UnprocessableEntityException(`${field}: no ${what} with code ${code}`);
export const conflict = (message: string) => new ConflictException(message);
