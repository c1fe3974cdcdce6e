import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Page } from './paging';

/** The names the security schemes have in the OpenAPI document (app.setup.ts declares them). */
export const BEARER_SCHEME = 'bearer';
export const SESSION_COOKIE_SCHEME = 'cookie';

/** What every error answer of the API looks like (HttpExceptionFilter writes it). */
export class ErrorBody {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ example: 'Not Found', description: 'The HTTP status in words' }) error: string;
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'No person with id 12',
    description: 'What went wrong, in words a user can act on; a list of them when the request fails validation',
  })
  message: string | string[];
}

/** A signed-in operation: a bearer token (scripts) or the session cookie (the browser); 401 with neither. */
export const ApiSignedIn = () =>
  applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiCookieAuth(SESSION_COOKIE_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Not signed in, or the API token is not valid or has been revoked' }),
  );

/** The error answers an operation really gives, each with the reason in words. */
export interface ErrorAnswers {
  badRequest?: string;
  forbidden?: string;
  notFound?: string;
  conflict?: string;
  gone?: string;
  unprocessable?: string;
}

export const ApiErrors = (answers: ErrorAnswers) =>
  applyDecorators(
    ...[
      answers.badRequest && ApiBadRequestResponse({ type: ErrorBody, description: answers.badRequest }),
      answers.forbidden && ApiForbiddenResponse({ type: ErrorBody, description: answers.forbidden }),
      answers.notFound && ApiNotFoundResponse({ type: ErrorBody, description: answers.notFound }),
      answers.conflict && ApiConflictResponse({ type: ErrorBody, description: answers.conflict }),
      answers.gone && ApiGoneResponse({ type: ErrorBody, description: answers.gone }),
      answers.unprocessable && ApiUnprocessableEntityResponse({ type: ErrorBody, description: answers.unprocessable }),
    ].filter((d): d is MethodDecorator & ClassDecorator => Boolean(d)),
  );

/**
 * A file download (PDF, calendar file, ...): its content type and a binary body. Not @ApiProduces,
 * which would give the error answers that type too: they are JSON.
 */
export const ApiFile = (contentType: string, description: string) =>
  ApiOkResponse({ description, content: { [contentType]: { schema: { type: 'string', format: 'binary' } } } });

/** JSON by default, CSV text with ?format=csv. */
export const ApiJsonOrCsv = (type: Type<unknown>, description: string) =>
  applyDecorators(
    ApiExtraModels(type),
    ApiResponse({
      status: 200,
      description,
      content: { 'application/json': { schema: { $ref: getSchemaPath(type) } }, 'text/csv': { schema: { type: 'string' } } },
    }),
  );

const pages = new Map<Type<unknown>, Type<Page<unknown>>>();

/** The OpenAPI shape of Page<T> for one item type, named after it (StaffView gives StaffPage). */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  const known = pages.get(item);
  if (known) return known as Type<Page<T>>;
  class ItemPage implements Page<T> {
    items: T[];
    total: number;
    page: number;
    pageSize: number;
    pages: number;
    totalIsCapped?: boolean;
  }
  Object.defineProperty(ItemPage, 'name', { value: `${item.name.replace(/View$/, '')}Page` });
  ApiProperty({ type: [item] })(ItemPage.prototype, 'items');
  ApiProperty({ type: Number, description: 'How many there are in all' })(ItemPage.prototype, 'total');
  ApiProperty({ type: Number, description: 'This page, from 1' })(ItemPage.prototype, 'page');
  ApiProperty({ type: Number })(ItemPage.prototype, 'pageSize');
  ApiProperty({ type: Number, description: 'How many pages there are (at least 1)' })(ItemPage.prototype, 'pages');
  ApiPropertyOptional({ type: Boolean, description: 'True when counting stopped: there are more than `total` (the staff list counts to 1,000), and `pages` are those known to exist' })(
    ItemPage.prototype,
    'totalIsCapped',
  );
  pages.set(item, ItemPage);
  return ItemPage;
}
