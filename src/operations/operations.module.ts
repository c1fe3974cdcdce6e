import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { HealthController } from '../health/health.controller';
import { GracefulShutdown } from './graceful-shutdown';
import { Metrics, MetricsMiddleware } from './metrics';
import { MetricsController } from './metrics.controller';

/** What an operator needs to run the tracker: health checks, a clean shutdown, metrics. */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [GracefulShutdown, Metrics],
  exports: [GracefulShutdown, Metrics],
})
export class OperationsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MetricsMiddleware).forRoutes('*');
  }
}
