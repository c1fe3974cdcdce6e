import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { HealthController } from '../health/health.controller';
import { BackupSchedule } from './backup-schedule';
import { GracefulShutdown } from './graceful-shutdown';
import { Metrics, MetricsMiddleware } from './metrics';
import { MetricsController } from './metrics.controller';

/** What an operator needs to run the tracker: health checks, a clean shutdown, metrics, the daily backup. */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [GracefulShutdown, Metrics, BackupSchedule],
  exports: [GracefulShutdown, Metrics],
})
export class OperationsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MetricsMiddleware).forRoutes('*');
  }
}
