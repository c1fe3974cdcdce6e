// `node -r ./test/support/pause-backup.js ...`: the process's SQLite online backups stop part-way,
// after their first 100 pages, and say so on stdout ("Paused at 100 of 2100 pages"), so a test can
// kill the process (kill -9) at a known point in the middle of a backup.
const Database = require('better-sqlite3');

const backup = Database.prototype.backup;
Database.prototype.backup = function pausedBackup(filename, options = {}) {
  let steps = 0;
  return backup.call(this, filename, {
    ...options,
    progress: ({ totalPages, remainingPages }) => {
      steps++;
      if (steps === 1) return undefined; // the first step copies the first 100 pages
      if (steps === 2) process.stdout.write(`Paused at ${totalPages - remainingPages} of ${totalPages} pages\n`);
      return 0; // copies nothing more, step after step, until the process is killed
    },
  });
};
