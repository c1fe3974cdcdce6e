import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A competency level of the framework: L1 e-learning, L2 WRAP, L3 train the trainer. */
@Entity('levels')
export class Level {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('uq_levels_code', { unique: true })
  @Column({ type: 'varchar', length: 10 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Index('uq_levels_rank', { unique: true })
  @Column({ type: 'integer' })
  rank: number;

  /** Months a completion stays valid; null means it never expires. */
  @Column({ type: 'integer', nullable: true })
  validityMonths: number | null;
}
