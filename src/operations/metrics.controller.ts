import { Controller, Get, Headers, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../auth/allow.decorator';
import { AppConfig } from '../config/app-config';
import { Metrics } from './metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Prometheus scrapes this; off (404) unless METRICS_TOKEN is set, and then only with that token. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    const token = this.config.METRICS_TOKEN;
    if (!token) throw new NotFoundException('Metrics are off: set METRICS_TOKEN to turn them on');
    const given = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '';
    if (!timingSafeEqual(digest(given), digest(token))) throw new UnauthorizedException('Give the metrics token as "Authorization: Bearer <METRICS_TOKEN>"');
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
