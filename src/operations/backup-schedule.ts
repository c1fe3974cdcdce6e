import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { basename } from 'node:path';
import { DataSource } from 'typeorm';
import { todayIso } from '../common/dates';
import { AppConfig } from '../config/app-config';
import { Scheduler } from '../jobs/scheduler';
import { toUtcMillis } from '../sessions/session-times';
import { backupSqlite, inProject, KNOWN_MIGRATIONS, listBackups } from './sqlite-backup';

/** How often the servers look whether the day's backup is due. */
const CHECK_EVERY_MS = 5 * 60_000;

/** When a backup was taken, from its name (tracker-20261201T020000Z.sqlite). */
function takenAt(file: string): Date | null {
  const m = /^tracker-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.sqlite$/.exec(basename(file));
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
}

/** Today's scheduled moment (HH:MM in TIME_ZONE) as seen at `now`. */
export function scheduledToday(schedule: string, now: Date, timeZone: string): Date {
  return new Date(toUtcMillis(`${todayIso(timeZone, now)}T${schedule}`, timeZone));
}

/**
 * BACKUP_SCHEDULE: the server takes the day's SQLite backup itself, once the time of day has come
 * and no backup in BACKUP_DIR was taken since. A job of the Scheduler that runs on one server at a
 * time (a lease in job_leases), so servers sharing the database take one backup between them.
 */
@Injectable()
export class BackupSchedule implements OnModuleInit {
  private readonly logger = new Logger('Backups');

  constructor(
    private readonly config: AppConfig,
    private readonly scheduler: Scheduler,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    if (this.config.BACKUP_SCHEDULE === 'off') return;
    if (this.dataSource.options.type !== 'better-sqlite3') {
      this.logger.warn('BACKUP_SCHEDULE is ignored on PostgreSQL: back it up with pg_dump');
      return;
    }
    this.scheduler.add({ name: 'daily-backup', everyMs: CHECK_EVERY_MS, once: true, run: (now) => this.backUpIfDue(now) });
  }

  /** Takes the day's backup when it is due and not yet taken; answers the file written, or null. */
  async backUpIfDue(now: Date): Promise<string | null> {
    const due = scheduledToday(this.config.BACKUP_SCHEDULE, now, this.config.TIME_ZONE);
    if (now < due) return null;
    const dir = inProject(this.config.BACKUP_DIR);
    const newest = listBackups(dir).map(takenAt).filter((d): d is Date => d !== null).pop();
    if (newest && newest >= due) return null;
    const database = inProject(String(this.dataSource.options.database));
    const { file, bytes, removed } = await backupSqlite({ database, dir, keep: this.config.BACKUP_KEEP, knownMigrations: KNOWN_MIGRATIONS, now });
    this.logger.log(`Daily backup written to ${basename(file)} (${(bytes / 1_048_576).toFixed(1)} MB, integrity checked)${removed.length ? `; removed the oldest: ${removed.join(', ')}` : ''}`);
    return file;
  }
}
