import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { ScopeService } from './scope.service';

/** The Scope every query goes through, and rate limiting, available to every feature. */
@Global()
@Module({
  imports: [
    // Limits apply only where a route opts in with @UseGuards(ThrottlerGuard) and @Throttle(...).
    ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: 60_000, limit: 60 }] }),
  ],
  providers: [ScopeService],
  exports: [ScopeService, ThrottlerModule],
})
export class ScopeModule {}
