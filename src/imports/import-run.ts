import { EntityManager } from 'typeorm';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { IsoDate } from '../common/dates';
import { ImportOutcome, RowReader } from './import-outcome';
import type { Rule } from './role-rules';
import { SheetRow } from './sheet-reader';

/** Everything one pass over a file needs. The same code previews (write = false) and writes. */
export interface ImportRun {
  /** The transaction when writing; the plain manager when previewing. */
  m: EntityManager;
  scope: Scope;
  scopes: ScopeService;
  /** The ?organisation= of the import: references resolve within its employer. */
  organisation: { id: number; code: string } | null;
  markLeavers: boolean;
  today: IsoDate;
  /** The date of the HR extract (today unless given): leavers' last day in post is the day before. */
  extractDate: IsoDate;
  /** Completions: the level of every row that names none (a one-course file), and the course it is, as evidence. */
  defaultLevelId: number | null;
  defaultCourse: string | null;
  /** Staff: the administrator's role rules, in table order. */
  rules: Rule[];
  /** Organisation names remembered for the import (and sent with it): name key -> organisation id. */
  organisationNames: Map<string, number>;
  reader: RowReader;
  outcome: ImportOutcome;
  write: boolean;
  recordedBy: string;
  /** When writing: rows the preview found in error, passed over (their errors are already in the outcome). */
  skipRows: Set<number>;
}

/** One kind of import, fed the data rows of a file a batch at a time. */
export interface RowProcessor {
  begin(): Promise<void>;
  batch(rows: SheetRow[]): Promise<void>;
  finish(): Promise<void>;
}
