import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { seedDemo } from '../../seeds/demo';
import { DemoAccounts } from './demo-accounts';

/** Loads the demo partnership on the first start of an empty database. */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger(DemoSeeder.name);
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: DemoAccounts,
  ) {}

  async seedIfEmpty(): Promise<void> {
    const [{ count }] = await this.dataSource.query('SELECT COUNT(*) AS count FROM organisations');
    if (Number(count) > 0) return;
    const s = await seedDemo(this.dataSource);
    this.logger.log(
      `Empty database: loaded the demo partnership (${s.organisations} organisations, ${s.staff} people, ` +
        `${s.completions} completions, ${s.sessions} sessions, ${s.bookings} bookings, ${s.feedback} feedback) in ${s.ms} ms`,
    );
    await this.accounts.create();
  }
}
