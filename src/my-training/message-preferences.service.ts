import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MessagePreference } from './message-preference.entity';

/**
 * Whether a person wants optional messages (session reminders, feedback links and the like).
 * Statutory reminders (a level due or lapsed) are sent whatever they choose; their manager still
 * sees their status. Senders of optional messages ask `wantsOptional` first.
 */
@Injectable()
export class MessagePreferencesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async wantsOptional(staffId: number, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    const row = await m.findOne(MessagePreference, { where: { staffId } });
    return row?.optionalMessages ?? true;
  }

  async setOptional(staffId: number, wanted: boolean): Promise<void> {
    await this.dataSource.getRepository(MessagePreference).save({ staffId, optionalMessages: wanted, changedAt: new Date().toISOString() });
  }
}
