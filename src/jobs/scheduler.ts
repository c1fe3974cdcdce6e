import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AppConfig } from '../config/app-config';
import { inOwnFlow } from '../database/flow-context';
import { JobLeases } from './job-leases';

export interface Job {
  /** A name unique across the tracker, e.g. "session-reminders". */
  name: string;
  /** How often the job runs (across all servers when `once` is set). */
  everyMs: number;
  /**
   * true: one server at a time, once per interval across servers (a lease in job_leases).
   * false: every server runs it (safe when the job claims its own work, as sending the outbox does).
   */
  once: boolean;
  run: (now: Date) => Promise<unknown>;
}

/** Told of every run of a job on this server: how it went and how long it took. */
export type JobRunListener = (name: string, outcome: 'ok' | 'failed', seconds: number) => void;

/** The longest a job may hold its lease; a server that dies mid-run frees it after this. */
const LEASE_MS = 10 * 60_000;
/** How often the scheduler looks for due jobs. */
const TICK_MS = 15_000;

/**
 * Runs named jobs on an interval, started with the app unless SCHEDULER=off (tests turn it off and
 * run jobs themselves with runNow). A job never overlaps itself on one server; `once` jobs run on
 * one server at a time across all of them.
 */
@Injectable()
export class Scheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private readonly holder = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 100);
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Map<string, Promise<boolean>>();
  private readonly lastLocalRun = new Map<string, number>();
  private readonly listeners: JobRunListener[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly leases: JobLeases,
    private readonly config: AppConfig,
  ) {}

  add(job: Job): void {
    if (this.jobs.has(job.name)) throw new Error(`A job named ${job.name} is already scheduled`);
    this.jobs.set(job.name, job);
  }

  /** Hears of every run from now on (the metrics count them). */
  onRun(listener: JobRunListener): void {
    this.listeners.push(listener);
  }

  onApplicationBootstrap(): void {
    if (this.config.SCHEDULER !== 'on') return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
    void this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.running.values()]);
  }

  /** Runs every job that is due now. */
  async tick(now = new Date()): Promise<void> {
    await Promise.allSettled([...this.jobs.keys()].map((name) => this.runNow(name, now, false)));
  }

  /**
   * Runs the job if it is due (`force`: even if it ran less than an interval ago), unless it is
   * running here already or, for a `once` job, on another server. Answers whether it ran here.
   */
  runNow(name: string, now = new Date(), force = true): Promise<boolean> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No job named ${name}`);
    const already = this.running.get(name);
    if (already) return already.then(() => false);
    // Each run is a flow of its own, as a request is: on SQLite the transaction gate tells flows apart,
    // and two jobs due at once would otherwise share one transaction.
    const run = inOwnFlow(() => this.runJob(job, now, force)).finally(() => this.running.delete(name));
    this.running.set(name, run);
    return run;
  }

  private async runJob(job: Job, now: Date, force: boolean): Promise<boolean> {
    if (!job.once) {
      if (!force && now.getTime() - (this.lastLocalRun.get(job.name) ?? 0) < job.everyMs) return false;
      this.lastLocalRun.set(job.name, now.getTime());
      await this.guarded(job, now);
      return true;
    }
    if (!(await this.leases.take(job.name, this.holder, LEASE_MS, force ? 0 : job.everyMs, now))) return false;
    let ran = false;
    try {
      ran = await this.guarded(job, now);
    } finally {
      await this.leases.release(job.name, this.holder, ran, new Date(Math.max(now.getTime(), Date.now())));
    }
    return true;
  }

  private async guarded(job: Job, now: Date): Promise<boolean> {
    const started = process.hrtime.bigint();
    let outcome: 'ok' | 'failed' = 'ok';
    try {
      await job.run(now);
      return true;
    } catch (error) {
      outcome = 'failed';
      this.logger.error(`Job ${job.name} failed: ${(error as Error).message}`);
      return false;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      for (const listener of this.listeners) listener(job.name, outcome, seconds);
    }
  }
}
