import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { SignInRequiredException } from '../auth/sign-in-required.exception';
import { isDiskFull, isForeignKeyViolation, isUniqueViolation } from './db-errors';
import { FieldError, refusalProblems } from './field-error';
import { formErrors } from './form-errors';
import type { FormPage } from './form-page';

/** The app setting holding the 403 page's look-up of who can help (request => helpers). */
export const WHO_CAN_HELP = 'whoCanHelp';

/**
 * One place that turns errors into answers: JSON for /api (and anything asking for JSON),
 * a plain-English error page for people. A constraint the services did not foresee still
 * answers 409, never 500; unexpected errors are logged and shown without internals. A field
 * refusal on a form page shows the form again, the problems in its error summary and at its fields.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request>();
    const response = context.getResponse<Response>();
    const { status, message } = this.describe(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (response.headersSent) return;
    const wantsJson = request.path.startsWith('/api') || request.path === '/health' || !request.accepts('html');
    if (!wantsJson && exception instanceof SignInRequiredException) {
      // My training is for people without an account: its pages send them to ask for a link instead.
      if (request.path.startsWith('/my-training')) response.redirect(303, '/my-training/sign-in');
      else response.redirect(303, `/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
      return;
    }
    if (wantsJson) {
      const field = exception instanceof FieldError ? { field: exception.field } : {};
      response.status(status).json({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, ...field });
      return;
    }
    const page = (request as Request & { formPage?: FormPage }).formPage;
    const problems = page ? refusalProblems(exception, page.also) : null;
    if (page?.redirect && problems) {
      response.redirect(303, page.redirect);
      return;
    }
    if (page && problems) {
      response.status(page.status ?? status).render(page.view, { ...page.model, ...formErrors(problems.map((p) => ({ ...p, field: p.field ?? page.unnamedAt?.[status] ?? page.unnamed ?? null })), page.anchors, page.order, page.ids) });
      return;
    }
    const render = (helpers: unknown[]) =>
      response.status(status).render('errors/error', {
        title: titleFor(status),
        status,
        messages: Array.isArray(message) ? message : [message],
        user: (request as Request & { user?: unknown }).user,
        helpers,
      });
    // A refusal names who can help (the app sets the look-up: src/pages/error-pages.ts).
    const whoCanHelp = status === 403 ? (request.app.get(WHO_CAN_HELP) as ((r: Request) => Promise<unknown[]>) | undefined) : undefined;
    if (!whoCanHelp) return void render([]);
    whoCanHelp(request).then(render, (error: unknown) => {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      render([]);
    });
  }

  private describe(exception: unknown): { status: number; message: string | string[] } {
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? exception.message);
      return { status: exception.getStatus(), message };
    }
    if (isUniqueViolation(exception)) return { status: 409, message: 'That record already exists' };
    if (isForeignKeyViolation(exception)) return { status: 409, message: 'That record is still in use by another record' };
    if (isDiskFull(exception)) return { status: 507, message: 'The server has run out of disk space, so nothing was saved. Tell your administrator, and try again once they have made space.' };
    return { status: 500, message: 'Something went wrong on our side. Please try again; if it keeps happening, tell your administrator.' };
  }
}

function titleFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 403 || status === 401) return 'You cannot see this page';
  if (status >= 500) return 'Sorry, there is a problem with the service';
  return 'There is a problem';
}
