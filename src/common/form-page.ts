import {
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
  SetMetadata,
  ValidationPipe,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { catchError, from, Observable, throwError } from 'rxjs';
import type { Scope } from '../auth/scope';
import { FieldError } from './field-error';
import type { FormAnchors } from './form-errors';

/** The page a refused form is shown again on: its view and model, and how its inputs relate to field names. */
export interface FormPage {
  view: string;
  model: Record<string, unknown>;
  /** Service field name -> element id, where they differ ("startsAt" -> "startTime"). */
  anchors?: FormAnchors;
  /** The form's fields in page order: the summary follows it; fields not listed are not linked. */
  order?: readonly string[];
  /** Field -> the element the summary links to, where it is not the field's own id (a date input's "date-day"). */
  ids?: Record<string, string>;
  /** The field a refusal naming no field is shown at (the booking box for "already booked"); otherwise none. */
  unnamed?: string;
  /** As `unnamed`, for refusals of one status (an upload's 404 is about the organisation chosen). */
  unnamedAt?: Partial<Record<number, string>>;
  /** The status to answer with, when not the refusal's own. */
  status?: number;
  /** Where to send the person instead of showing the form again (a sign-in step that has expired). */
  redirect?: string;
  /** Refusals shown at the form besides 400, 409 and 422 (a wrong code's 401): set from @OnFieldError. */
  also?: readonly number[];
}

/** What a form page builder receives: the signed-in scope, the route's parameters and the posted form. */
export type PageRequest = Request & { scope: Scope; formPage?: FormPage };

const FORM_PAGE = 'formPage';

/**
 * On a page's POST route: when the form or the service refuses a field, the exception filter
 * shows the page that the controller's `builder` method returns, with the errors at their fields.
 */
export const OnFieldError = <T>(builder: keyof T & string, options: { also?: readonly number[] } = {}) =>
  SetMetadata(FORM_PAGE, { builder, also: options.also ?? [] });

/**
 * A posted form validated by its DTO, as the API's ValidationPipe validates JSON; failures throw FieldError.
 * `extra` adds what the request holds beside the fields (an upload's file), so it is checked with them.
 */
export const FormBody = (extra?: (request: Request) => Record<string, unknown>) =>
  createParamDecorator((_: unknown, context: ExecutionContext) => {
    const request = context.switchToHttp().getRequest<Request>();
    return (extra ? { ...((request.body as Record<string, unknown> | undefined) ?? {}), ...extra(request) } : request.body) as unknown;
  })(
    new ValidationPipe({
      validateCustomDecorators: true,
      whitelist: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (failures) => FieldError.fromValidation(failures),
    }),
  );

const isFormRefusal = (error: unknown, also: readonly number[]) => error instanceof HttpException && [400, 409, 422, ...also].includes(error.getStatus());

/** Builds the page for @OnFieldError routes before the filter renders the refusal (filters cannot reach controllers). */
@Injectable()
export class FormPageInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const marked = this.reflector.get<{ builder: string; also: readonly number[] } | undefined>(FORM_PAGE, context.getHandler());
    if (!marked || context.getType() !== 'http') return next.handle();
    const { builder, also } = marked;
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!isFormRefusal(error, also)) return throwError(() => error);
        const request = context.switchToHttp().getRequest<PageRequest>();
        const controller = this.moduleRef.get(context.getClass(), { strict: false }) as Record<string, (r: PageRequest) => Promise<FormPage>>;
        return from(
          controller[builder](request).then((page) => {
            request.formPage = { also, ...page };
            throw error;
          }),
        );
      }),
    );
  }
}
