import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Loads the demo partnership on the first start of an empty database. */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger(DemoSeeder.name);
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async seedIfEmpty(): Promise<void> {
    const [{ count }] = await this.dataSource.query('SELECT COUNT(*) AS count FROM organisations');
    if (Number(count) > 0) return;
    this.logger.log('Empty database: the demo partnership will be loaded here.');
  }
}
