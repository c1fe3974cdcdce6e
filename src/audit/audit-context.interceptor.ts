import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import type { Scope } from '../auth/scope';
import { User } from '../users/user.entity';
import { inOwnFlow } from '../database/flow-context';
import { auditContext } from './audit-context';

/**
 * Runs each handler inside an audit context naming the signed-in user, so entity changes deep in
 * services are attributed, and as a database flow of its own. Subscribing inside run() is what
 * carries the context into the handler.
 */
@Injectable()
export class AuditContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & { user?: User; scope?: Scope }>();
    // A person signed in to My training by a link has no account: their changes carry their email.
    const person = req.scope?.isPerson ? req.scope.actor : null;
    const actor = req.user ? { userId: req.user.id, email: req.user.email, ip: req.ip ?? null } : person ? { userId: null, email: person.email, ip: req.ip ?? null } : null;
    // A flow of its own too, so the SQLite transaction gate can tell this request's queries apart.
    return new Observable((subscriber) => inOwnFlow(() => auditContext.run({ actor }, () => next.handle().subscribe(subscriber))));
  }
}
