import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Scope } from './scope';

/**
 * The request's Scope, set by the auth guard. Until a user is attached (the guard refuses
 * anonymous requests to every route not marked public) it falls back to the system scope.
 */
export const CurrentScope = createParamDecorator((_: unknown, context: ExecutionContext): Scope => {
  const request = context.switchToHttp().getRequest<{ scope?: Scope }>();
  return request.scope ?? Scope.system();
});
