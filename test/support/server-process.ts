import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

/** The real server (src/main.ts) started as a process of its own, as `npm start` runs it. */
export interface ServerProcess {
  /** http://localhost:<port> once it listens. */
  url: string;
  child: ChildProcess;
  /** Everything it has written to stdout and stderr so far. */
  output: () => string;
  /** Waits until the output matches. */
  waitFor: (pattern: RegExp) => Promise<void>;
  /** Resolves with the exit code (null when a signal ended it) once the process has exited. */
  exited: Promise<number | null>;
  /** Sends the signal unless it has exited already, and resolves as `exited` does. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts the server on a free port with these settings (and no demo data unless asked) and waits until it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['-r', './test/support/swc-register.js', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, SEED_DEMO: 'false', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of [...waiting]) if (w.pattern.test(output)) waiting.splice(waiting.indexOf(w), 1) && w.resolve();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(output)) return resolve();
      waiting.push({ pattern, resolve });
      void exited.then((code) => reject(new Error(`The server exited (${code}) before writing ${pattern}:\n${output}`)));
    });
  await waitFor(/listening on http:\/\/localhost:(\d+)/);
  const port = /listening on http:\/\/localhost:(\d+)/.exec(output)![1];
  return {
    url: `http://localhost:${port}`,
    child,
    output: () => output,
    waitFor,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts the server with these settings and waits for it to exit, as it does when it cannot start. */
export async function serverThatCannotStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['-r', './test/support/swc-register.js', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, SEED_DEMO: 'false', PORT: '0', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c));
  child.stderr.on('data', (c: Buffer) => (output += c));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}
