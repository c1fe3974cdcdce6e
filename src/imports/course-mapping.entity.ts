import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Level } from '../levels/level.entity';

/** A course name as a learning platform exports it, and the level it counts as ("Prevent awareness e-learning" -> L1). */
@Entity('course_mappings')
export class CourseMapping {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200 })
  courseName: string;

  /** The name trimmed, spaces collapsed and lower-cased: what file cells are matched on. */
  @Index('uq_course_mappings_key', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  nameKey: string;

  @Column({ type: 'integer' })
  levelId: number;

  @ManyToOne(() => Level, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'level_id' })
  level: Level;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}

export function courseKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
