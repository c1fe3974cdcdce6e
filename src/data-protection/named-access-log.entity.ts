import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The kinds of answer that carry names: a page, a JSON answer, or a download. */
export const ACCESS_FORMATS = ['page', 'json', 'csv', 'xlsx', 'pdf'] as const;
export type AccessFormat = (typeof ACCESS_FORMATS)[number];

/**
 * One view or download of a named list: which account, when, which list, with what filter and how
 * many people it named. No personal data but the account id: the filter keeps codes, dates and
 * statuses, and only whether a name search was used, never its words.
 */
@Entity('named_access_log')
@Index('ix_named_access_organisation', ['organisationId', 'id'])
@Index('ix_named_access_user', ['userId', 'id'])
export class NamedAccessEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_named_access_created')
  @CreateDateColumn()
  createdAt: Date;

  /** The account that looked; null only for a person signed in to My training by a link (they see only themselves, never logged). */
  @Column({ type: 'integer', nullable: true })
  userId: number | null;

  /** Which list: 'gap-analysis-people', 'my-team', 'staff', 'trainer-coverage', 'lead-coverage'. */
  @Column({ type: 'varchar', length: 60 })
  list: string;

  @Column({ type: 'varchar', length: 8 })
  format: AccessFormat;

  /** The filter as JSON text: organisation code, date, level, statuses, page. */
  @Column({ type: 'text', nullable: true })
  filterJson: string | null;

  /** How many people the answer named (on a page: the rows shown). */
  @Column({ type: 'integer' })
  rowCount: number;

  /** The organisation whose people were listed (the filter's, else the account's own): who may read the entry. */
  @Column({ type: 'integer', nullable: true })
  organisationId: number | null;
}
