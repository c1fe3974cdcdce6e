import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small key/value settings the servers share (e.g. the generated session secret). */
@Entity('app_settings')
export class AppSetting {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key: string;

  @Column({ type: 'text' })
  value: string;
}
