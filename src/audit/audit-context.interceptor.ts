import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { User } from '../users/user.entity';
import { auditContext } from './audit-context';

/**
 * Runs each handler inside an audit context naming the signed-in user, so entity changes deep in
 * services are attributed. Subscribing inside run() is what carries the context into the handler.
 */
@Injectable()
export class AuditContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & { user?: User }>();
    const actor = req.user ? { userId: req.user.id, email: req.user.email, ip: req.ip ?? null } : null;
    return new Observable((subscriber) => auditContext.run({ actor }, () => next.handle().subscribe(subscriber)));
  }
}
