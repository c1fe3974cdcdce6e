import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organisation } from '../organisations/organisation.entity';

/** An organisation (with everything below it, unless a nearer one has its own) whose leavers are kept for a different number of years. */
@Entity('retention_overrides')
export class RetentionOverride {
  @PrimaryColumn({ type: 'integer' })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ type: 'integer' })
  years: number;

  @Column({ type: 'varchar', length: 254 })
  setBy: string;

  @Column({ type: 'varchar', length: 24 })
  setAt: string;
}
