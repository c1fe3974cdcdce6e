import { HttpException, HttpStatus } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/** One problem with one input: the field it is about (as the service or DTO names it) and what to do. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * A refusal about a field a person or script filled in. The API answers with today's message
 * ("organisationCode: no organisation with code X") and the field; a page shows the message at
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
}

function problemsOf(failures: ValidationError[], parent: string): FieldProblem[] {
  return failures.flatMap((failure) => {
    const field = parent ? `${parent}.${failure.property}` : failure.property;
    const own = Object.values(failure.constraints ?? {});
    const mine = own.length ? [{ field, message: own[own.length - 1] }] : [];
    return [...mine, ...problemsOf(failure.children ?? [], field)];
  });
}

/**
 * The one compatibility path while services still throw `UnprocessableEntityException('field: message')`:
 * a client error whose message starts with the name of a field the form has, then ': '.
 * Anything else that is a client error becomes a problem about no field.
 */
export function fieldProblemsOf(exception: unknown, formFields: readonly string[]): Array<{ field: string | null; message: string }> | null {
  if (exception instanceof FieldError) return exception.problems;
  if (!(exception instanceof HttpException) || ![400, 409, 422].includes(exception.getStatus())) return null;
  const body = exception.getResponse();
  const raw = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? exception.message);
  return (Array.isArray(raw) ? raw : [raw]).map((message) => {
    const field = formFields.find((name) => message.startsWith(`${name}: `));
    return field ? { field, message: message.slice(field.length + 2) } : { field: null, message };
  });
}
