/** Small helpers the benchmarks share: a free port, a server started as a child process, its memory. */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { projectRoot } from '../../src/config/project-root';

export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

export interface RunningServer {
  base: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/**
 * Node's options for the built server `main` as `npm run start:prod` of its project gives them
 * (its package.json: a BENCH_SERVER build gets its own), so the benches measure the server as it
 * is run: `--max-old-space-size`, which also sets how far V8 lets the heap grow between full
 * collections (README, Configuration).
 */
export function serverNodeOptions(main: string): string[] {
  const scripts = (JSON.parse(readFileSync(join(projectRoot(dirname(resolve(main))), 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  return (scripts['start:prod'] ?? '').split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Starts the built server (dist/src/main.js) on its own port with the given environment, and waits for /health. */
export async function startServer(main: string, env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [...serverNodeOptions(main), main], {
    // No scheduled jobs: a reminder run in the background would be timed with the reports.
    env: { ...process.env, DATABASE_URL: '', DATABASE_SCHEMA: '', SEED_DEMO: 'false', LOG_LEVEL: 'warn', SCHEDULER: 'off', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM');
      await once(child, 'exit').catch(() => undefined);
    }
  };
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (!running()) throw new Error(`The server stopped (${child.exitCode ?? child.signalCode})`);
      if (Date.now() > deadline) throw new Error('The server did not answer /health within 120 s');
      const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, process: child, stop };
}

/** Resident memory of a process from /proc (Linux), sampled every 25 ms while started. */
export class RssSampler {
  peakMb = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pid: number) {}

  sampleNow(): number {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1] ?? 0);
      this.peakMb = Math.max(this.peakMb, kb / 1024);
      return kb / 1024;
    } catch {
      return 0;
    }
  }

  start(): void {
    this.timer = setInterval(() => this.sampleNow(), 25);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sampleNow();
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs fn `warmUp` times untimed, then `runs` times, and returns each run's milliseconds. */
export async function timeRuns(runs: number, warmUp: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}
