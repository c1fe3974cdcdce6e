import { Injectable, NestMiddleware, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import type { AfterQueryEvent } from 'typeorm/subscriber/event/QueryEvent';
import { sql } from '../database/sql';
import { Scheduler } from '../jobs/scheduler';

/** The route a request matched, as written in the code (/api/staff/:id), so people's ids never become labels. */
function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: string } }).route?.path;
  if (route) return `${req.baseUrl}${route}`;
  if (/^\/(assets|govuk|static)\//.test(req.path)) return 'static files';
  return 'no route';
}

/**
 * The figures `GET /metrics` gives Prometheus: requests by route and status with their durations,
 * database query time, import rows, scheduled job runs and the outbox, plus Node's own (memory, CPU, event loop).
 * One registry per application, so several apps in one process (the tests) do not clash.
 */
@Injectable()
export class Metrics implements OnModuleInit {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'tracker_http_requests_total', help: 'Requests answered, by method, route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly requestSeconds = new Histogram({
    name: 'tracker_http_request_duration_seconds',
    help: 'Time to answer a request, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly querySeconds = new Histogram({
    name: 'tracker_db_query_duration_seconds',
    help: 'Time each database query took, by outcome (ok or failed)',
    labelNames: ['outcome'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  private readonly jobRuns = new Counter({
    name: 'tracker_job_runs_total',
    help: 'Runs of scheduled jobs on this server, by job and outcome (ok or failed)',
    labelNames: ['job', 'outcome'],
    registers: [this.registry],
  });
  private readonly jobSeconds = new Histogram({
    name: 'tracker_job_run_duration_seconds',
    help: 'Time each run of a scheduled job took on this server, by job',
    labelNames: ['job'],
    buckets: [0.01, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [this.registry],
  });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scheduler: Scheduler,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tracker_' });
    const db = this.dataSource;
    new Gauge({
      name: 'tracker_import_rows',
      help: 'Data rows in import files, by kind and status (read from the database: every server gives the same)',
      labelNames: ['kind', 'status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await sql<{ kind: string; status: string; total: number | string }>(db, 'SELECT kind, status, SUM(total_rows) AS total FROM imports GROUP BY kind, status');
        for (const row of rows) this.set({ kind: row.kind, status: row.status }, Number(row.total));
      },
    });
    new Gauge({
      name: 'tracker_compliance_stale_people',
      help: 'People whose kept compliance is waiting to be brought up to date (read from the database); reports work from the raw tables while it is above 0',
      registers: [this.registry],
      async collect() {
        const [row] = await sql<{ total: number | string }>(db, 'SELECT COUNT(*) AS total FROM compliance_stale').catch(() => [{ total: 0 }]);
        this.set(Number(row?.total ?? 0));
      },
    });
    new Gauge({
      name: 'tracker_outbox_messages',
      help: 'Email messages in the outbox, by state (read from the database)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await sql<{ state: string; total: number | string }>(db, 'SELECT state, COUNT(*) AS total FROM outbox_messages GROUP BY state').catch(() => []);
        for (const row of rows) this.set({ state: row.state }, Number(row.total));
      },
    });
  }

  onModuleInit(): void {
    this.scheduler.onRun((job, outcome, seconds) => {
      this.jobRuns.inc({ job, outcome });
      this.jobSeconds.observe({ job }, seconds);
    });
    const querySeconds = this.querySeconds;
    const subscriber: EntitySubscriberInterface = {
      afterQuery(event: AfterQueryEvent) {
        if (event.executionTime !== undefined) querySeconds.observe({ outcome: event.success ? 'ok' : 'failed' }, event.executionTime / 1000);
        else if (!event.success) querySeconds.observe({ outcome: 'failed' }, 0);
      },
    };
    this.dataSource.subscribers.push(subscriber);
  }

  /** Counts and times every answer once it has been sent. */
  record(req: Request, res: Response, seconds: number): void {
    const labels = { method: req.method, route: routeOf(req), status: String(res.statusCode) };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }
}

@Injectable()
export class MetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    res.on('finish', () => this.metrics.record(req, res, Number(process.hrtime.bigint() - started) / 1e9));
    next();
  }
}
