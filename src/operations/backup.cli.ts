import 'reflect-metadata';
import { relative } from 'node:path';
import { loadConfig } from '../config/app-config';
import { backupSqlite, inProject, KNOWN_MIGRATIONS } from './sqlite-backup';

/** `npm run backup`: a checked copy of the SQLite database, safe while the server runs; keeps the last BACKUP_KEEP. */
async function main() {
  const config = loadConfig();
  if (config.DATABASE_URL) {
    console.error('This server uses PostgreSQL: back it up with pg_dump (README, "Operating the tracker").');
    process.exit(2);
  }
  const database = inProject(config.DATABASE_PATH);
  const dir = inProject(config.BACKUP_DIR);
  console.log(`Backing up ${database} ...`);
  const { file, bytes, removed } = await backupSqlite({ database, dir, keep: config.BACKUP_KEEP, knownMigrations: KNOWN_MIGRATIONS });
  console.log(`Backed up to ${relative(process.cwd(), file) || file} (${(bytes / 1_048_576).toFixed(1)} MB, integrity checked).`);
  if (removed.length > 0) console.log(`Removed the oldest, keeping the last ${config.BACKUP_KEEP}: ${removed.join(', ')}`);
}

main().catch((error: Error) => {
  console.error(`Backup failed: ${error.message}`);
  process.exit(1);
});
