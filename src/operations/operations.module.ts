import { Module } from '@nestjs/common';
import { HealthController } from '../health/health.controller';
import { GracefulShutdown } from './graceful-shutdown';

/** What an operator needs to run the tracker: health checks, a clean shutdown. */
@Module({
  controllers: [HealthController],
  providers: [GracefulShutdown],
  exports: [GracefulShutdown],
})
export class OperationsModule {}
