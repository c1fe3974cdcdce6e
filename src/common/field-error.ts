import { HttpException, HttpStatus } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/** One problem with one input: the field it is about (as the service or DTO names it) and what to do. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * A refusal about a field a person or script filled in. The API answers with the message
 * "organisationCode: no organisation with code X" and the field; a page shows the message at
 * the field and in the error summary. Form validation throws one with every problem at once.
 */
export class FieldError extends HttpException {
  readonly problems: FieldProblem[];

  constructor(field: string, message: string, status: number = HttpStatus.UNPROCESSABLE_ENTITY) {
    super({ message: `${field}: ${message}`, field }, status);
    this.problems = [{ field, message }];
  }

  get field(): string {
    return this.problems[0].field;
  }

  /** Several problems in one answer, in the order given (the order of the form). */
  static all(problems: FieldProblem[], status: number = HttpStatus.UNPROCESSABLE_ENTITY): FieldError {
    const error = new FieldError(problems[0].field, problems[0].message, status);
    (error as { problems: FieldProblem[] }).problems = problems;
    if (problems.length > 1) {
      (error.getResponse() as { message: string | string[] }).message = problems.map((p) => `${p.field}: ${p.message}`);
    }
    return error;
  }

  /** class-validator's failures as field problems: the first message of each field, nested ones by their dotted path. */
  static fromValidation(failures: ValidationError[], parent = ''): FieldError {
    return FieldError.all(problemsOf(failures, parent));
  }

  /**
   * The API's answer to a body or query its DTO refuses (400): every message of every field, as
   * Nest's ValidationPipe lists them, each naming its field ("email: Enter an email address ...")
   * unless it already starts with the field's name ("pageSize must not be greater than 500").
   */
  static fromApiValidation(failures: ValidationError[]): FieldError {
    const problems = allProblemsOf(failures, '');
    const error = FieldError.all(problems.length ? problems : [{ field: '', message: 'The request is not valid' }], HttpStatus.BAD_REQUEST);
    (error.getResponse() as { message: string | string[] }).message = problems.map(({ field, message }) => {
      const path = field.split('.');
      const own = path.pop() ?? field;
      // As Nest writes a nested field's own message: "rules.0.roleCode must be a string".
      if (message.startsWith(own)) return path.length ? `${path.join('.')}.${message}` : message;
      return `${field}: ${message}`;
    });
    return error;
  }
}

function allProblemsOf(failures: ValidationError[], parent: string): FieldProblem[] {
  return failures.flatMap((failure) => {
    const field = parent ? `${parent}.${failure.property}` : failure.property;
    const own = [...new Set(Object.values(failure.constraints ?? {}))].map((message) => ({ field, message }));
    return [...own, ...allProblemsOf(failure.children ?? [], field)];
  });
}

function problemsOf(failures: ValidationError[], parent: string): FieldProblem[] {
  return failures.flatMap((failure) => {
    const field = parent ? `${parent}.${failure.property}` : failure.property;
    const own = Object.values(failure.constraints ?? {});
    const mine = own.length ? [{ field, message: own[own.length - 1] }] : [];
    return [...mine, ...problemsOf(failure.children ?? [], field)];
  });
}

/** A refusal's words without the field they are about: a FieldError's messages, or the exception's own. */
export function refusalText(error: HttpException): string {
  return error instanceof FieldError ? error.problems.map((p) => p.message).join('; ') : error.message;
}

/**
 * What a refused form shows: a FieldError's problems at their fields; any other client refusal
 * (400, 409, 422 and those in `also`: "that record already exists") as problems with no field. Null for anything else
 * (404, 403, 500), which is not the form's to show.
 */
export function refusalProblems(exception: unknown, also: readonly number[] = []): Array<{ field: string | null; message: string }> | null {
  if (exception instanceof FieldError) return exception.problems;
  if (!(exception instanceof HttpException) || ![400, 409, 422, ...also].includes(exception.getStatus())) return null;
  const body = exception.getResponse();
  const raw = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? exception.message);
  return (Array.isArray(raw) ? raw : [raw]).map((message) => ({ field: null, message }));
}
