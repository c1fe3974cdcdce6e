import 'reflect-metadata';
import { loadConfig } from '../config/app-config';
import { inProject, KNOWN_MIGRATIONS, restoreSqlite } from './sqlite-backup';

/** `npm run restore -- FILE`: puts a backup back as the SQLite database of a stopped server. */
function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('Usage: npm run restore -- backups/tracker-20261201T020000Z.sqlite   (stop the server first)');
    process.exit(2);
  }
  const config = loadConfig();
  if (config.DATABASE_URL) {
    console.error('This server uses PostgreSQL: restore a pg_dump file with pg_restore (README, "Operating the tracker").');
    process.exit(2);
  }
  const database = inProject(config.DATABASE_PATH);
  const { keptAs } = restoreSqlite({ file, database, knownMigrations: KNOWN_MIGRATIONS });
  console.log(`Restored ${file} as ${database}.`);
  if (keptAs) console.log(`The database it replaced is kept as ${keptAs}; delete it once the tracker is working again.`);
  console.log('Start the server: any migrations newer than the backup run on start.');
}

try {
  main();
} catch (error) {
  console.error(`Restore failed: ${(error as Error).message}`);
  process.exit(1);
}
