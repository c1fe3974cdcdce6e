import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseThrottlerStorage } from '../operations/database-throttler-storage';
import { ScopeService } from './scope.service';

/** The Scope every query goes through, and rate limiting, available to every feature. */
@Global()
@Module({
  imports: [
    // Limits apply only where a route opts in with @UseGuards(ThrottlerGuard) and @Throttle(...).
    // Counted in the database (DatabaseThrottlerStorage), so several servers share one count.
    ThrottlerModule.forRootAsync({
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => ({ throttlers: [{ name: 'default', ttl: 60_000, limit: 60 }], storage: new DatabaseThrottlerStorage(dataSource) }),
    }),
  ],
  providers: [ScopeService],
  exports: [ScopeService, ThrottlerModule],
})
export class ScopeModule {}
