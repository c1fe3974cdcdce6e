import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Organisation } from '../organisations/organisation.entity';
import type { ImportKind } from './import-columns';

export const IMPORT_STATUSES = ['previewed', 'importing', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One upload of a staff list or a completions export: who, when, what file, and what came of it. */
@Entity('imports')
@Index('ix_imports_created', ['createdAt'])
export class FileImport {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  kind: ImportKind;

  @Column({ type: 'varchar', length: 12 })
  status: ImportStatus;

  @Column({ type: 'varchar', length: 255 })
  fileName: string;

  /** The uploaded file kept in the temporary folder between preview and confirm; null once done. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  storedPath: string | null;

  /** The ?organisation= the import was made for (references resolved within its employer). */
  @Index('ix_imports_organisation')
  @Column({ type: 'integer', nullable: true })
  organisationId: number | null;

  @ManyToOne(() => Organisation, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation | null;

  /** Whose imports these are: the ?organisation= given, else the top of the uploader's scope (null: system). */
  @Index('ix_imports_scope_organisation')
  @Column({ type: 'integer', nullable: true })
  scopeOrganisationId: number | null;

  @Column({ type: 'boolean', default: false })
  markLeavers: boolean;

  @Column({ type: 'boolean', default: false })
  validRowsOnly: boolean;

  /** The header mapping given with the upload, as JSON ({"Payroll No": "employee_ref"}). */
  @Column({ type: 'text', nullable: true })
  mapping: string | null;

  @Column({ type: 'integer', default: 0 }) totalRows: number;
  @Column({ type: 'integer', default: 0 }) createdCount: number;
  @Column({ type: 'integer', default: 0 }) updatedCount: number;
  @Column({ type: 'integer', default: 0 }) unchangedCount: number;
  @Column({ type: 'integer', default: 0 }) duplicateCount: number;
  @Column({ type: 'integer', default: 0 }) leaverCount: number;
  @Column({ type: 'integer', default: 0 }) errorRowCount: number;
  @Column({ type: 'integer', default: 0 }) skippedCount: number;
  @Column({ type: 'integer', default: 0 }) errorCount: number;
  /** Rows left out on purpose: not completions ("In progress"), or inactive people not in the tracker. */
  @Column({ type: 'integer', default: 0 }) excludedCount: number;

  /** What the upload asked for besides the above, as JSON: header row, extract date, per-file course or level, organisation names. */
  @Column({ type: 'text', nullable: true })
  options: string | null;

  /** What the preview found besides counts, as JSON: warnings, role changes, organisation names not linked yet. */
  @Column({ type: 'text', nullable: true })
  report: string | null;

  /** The header row as matched: {recognised, unrecognised, missing}, as JSON (for the mapping step). */
  @Column({ type: 'text', nullable: true })
  columnReport: string | null;

  /** A problem with the file as a whole (unreadable, columns missing), shown above the row errors. */
  @Column({ type: 'text', nullable: true })
  message: string | null;

  /** Who uploaded it (a user's email, or "system"). */
  @Column({ type: 'varchar', length: 254 })
  createdBy: string;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}

/** A problem found on one row (and column) of an import's file. */
@Entity('import_errors')
export class ImportError {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_import_errors_import')
  @Column({ type: 'integer' })
  importId: number;

  @ManyToOne(() => FileImport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id' })
  fileImport?: FileImport;

  @Column({ type: 'integer' })
  rowNumber: number;

  @Column({ type: 'varchar', length: 200, nullable: true })
  columnName: string | null;

  @Column({ type: 'text', nullable: true })
  value: string | null;

  @Column({ type: 'text' })
  reason: string;
}

/** A file's own header name remembered as one of our fields, per organisation and kind of import. */
@Entity('import_header_mappings')
@Index('ix_header_mappings_lookup', ['organisationId', 'kind'])
export class HeaderMappingEntry {
  @PrimaryGeneratedColumn()
  id: number;

  /** null: imports made without ?organisation=. */
  @Column({ type: 'integer', nullable: true })
  organisationId: number | null;

  @ManyToOne(() => Organisation, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation | null;

  @Column({ type: 'varchar', length: 20 })
  kind: ImportKind;

  /** Normalised header text (see normaliseHeader). */
  @Column({ type: 'varchar', length: 200 })
  header: string;

  /** One of the import's fields; empty means "ignore this column". */
  @Column({ type: 'varchar', length: 40 })
  field: string;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}

/** An organisation name as an HR system writes it ("Adult Social Care"), remembered as one of ours, per importing organisation. */
@Entity('import_organisation_names')
@Index('ix_import_organisation_names_lookup', ['scopeOrganisationId', 'nameKey'])
export class OrganisationNameEntry {
  @PrimaryGeneratedColumn()
  id: number;

  /** null: imports made without an organisation (an administrator of everything). */
  @Column({ type: 'integer', nullable: true })
  scopeOrganisationId: number | null;

  @ManyToOne(() => Organisation, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scope_organisation_id' })
  scopeOrganisation?: Organisation | null;

  /** The name trimmed, spaces collapsed and lower-cased. */
  @Column({ type: 'varchar', length: 200 })
  nameKey: string;

  @Column({ type: 'integer' })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
