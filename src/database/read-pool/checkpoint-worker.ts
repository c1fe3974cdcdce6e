/**
 * The write-ahead log's checkpoints, off Node's main thread (SQLite, beside the read pool).
 *
 * SQLite copies the log back into the database file on the commit that takes it past 1,000 pages,
 * on the committing connection, so on the main thread: after a 100,000-row import that took 260 ms
 * in which no request was answered, and while readers held older snapshots every later commit
 * tried again. With the read pool running, the main connection's automatic checkpoints are off
 * and this thread, with a read-write connection of its own that writes nothing else, runs a
 * PASSIVE checkpoint (one that never waits for a reader or the writer) every `everyMs`. Like
 * read-worker.ts it imports nothing of the app but better-sqlite3.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointWorkerData {
  file: string;
  everyMs: number;
}

export type CheckpointAnswer = { ready: true } | { error: string };

const settings = workerData as CheckpointWorkerData;
const db = new Database(settings.file, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort!.postMessage({ error: String((error as Error).message ?? error) } satisfies CheckpointAnswer);
  }
}, settings.everyMs);

// 'stop': the connection closed before the thread ends, so nothing of it is left open.
parentPort!.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
parentPort!.postMessage({ ready: true } satisfies CheckpointAnswer);
