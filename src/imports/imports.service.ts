import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  NotFoundException,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { DataSource, EntityManager, IsNull, LessThan } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { isIsoDate, todayIso } from '../common/dates';
import { FieldError } from '../common/field-error';
import { notFound } from '../common/http-errors';
import { Page, pageOf } from '../common/paging';
import { AppConfig } from '../config/app-config';
import { Organisation } from '../organisations/organisation.entity';
import { letOtherRequestsIn } from '../database/flow-context';
import { sql } from '../database/sql';
import { bulkInsert } from './bulk-sql';
import { CompletionImport } from './completion-import';
import { courseKey } from './course-mapping.entity';
import { ColumnReport, ImportBodyDto, ImportListQuery, ImportOptionsView, ImportView } from './dto/import.dto';
import { FileImport, HeaderMappingEntry, ImportError, ImportStatus, OrganisationNameEntry } from './file-import.entity';
import { chooseHeader } from './header-row';
import { FIELDS, HeaderMapping, ImportKind, invalidMappingTargets, matchColumns, normaliseHeader } from './import-columns';
import { nameKey } from './import-lookups';
import { ImportOutcome, isBlankRow, MAX_KEPT_ERRORS, RoleChange, RowError, RowReader } from './import-outcome';
import { ImportRun } from './import-run';
import { recogniseSource } from './known-sources';
import { RoleRulesService } from './role-rules.service';
import { FileRefused, SheetLimits } from './sheet-limits';
import { openSheet, SheetRow } from './sheet-reader';
import { StaffImport } from './staff-import';

/** A file multer has saved in the temporary folder. */
export interface UploadedSheet {
  path: string;
  originalname: string;
}

/** How an import is to be run, settled from the upload's options (or a recorded preview's). */
interface Settings {
  kind: ImportKind;
  fileName: string;
  organisation: Organisation | null;
  scopeOrganisationId: number | null;
  markLeavers: boolean;
  validRowsOnly: boolean;
  mapping: HeaderMapping;
  /** The header row the user chose, else found by the reader. */
  headerRow: number | null;
  /** Staff: the date of the extract, YYYY-MM-DD (null: today). */
  extractDate: string | null;
  /** Completions: the level or course of every row that gives none. */
  level: string | null;
  course: string | null;
  /** Organisation names sent with the upload: name -> code (remembered like the mapping). */
  organisationNames: HeaderMapping;
}

/** What a preview found besides counts, kept on the record (imports.report). */
interface PreviewReport {
  warnings: string[];
  roleChanges: RoleChange[];
  roleChangeCount: number;
  unlinkedOrganisationNames: string[];
}

interface Analysis {
  outcome: ImportOutcome;
  columns: ColumnReport | null;
}

export interface ImportAnswer {
  view: ImportView;
  /** Nothing was written because of errors (the answer is then 422). */
  refused: boolean;
}

/** Errors shown in an answer or on a page; the CSV of errors has them all. */
export const ERRORS_SHOWN = 1000;
const BATCH_ROWS = 500;
const PREVIEW_KEPT_FOR_MS = 24 * 60 * 60 * 1000;

/** Thrown inside the write transaction to roll it back: rows with errors found while writing. */
class RefusedDuringWrite extends Error {
  constructor(readonly analysis: Analysis) {
    super('rows with errors found while writing');
  }
}

/**
 * Staff and completion imports. A preview reads the file without writing. Writing reads it inside
 * one transaction, so a file with any error row imports nothing unless the valid rows only were
 * asked for: a staff list is checked in full first (a manager may be named further down the file),
 * while completions, whose rows stand alone, are written in a single pass that is rolled back if a
 * row turns out bad. Files are streamed a batch of rows at a time, never held in memory whole.
 */
@Injectable()
export class ImportsService implements OnApplicationBootstrap {
  private readonly limits: SheetLimits;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly roleRules: RoleRulesService,
  ) {
    this.limits = { maxRows: config.IMPORT_MAX_ROWS, maxColumns: 500, maxCellChars: 10_000, maxXlsxBytes: config.IMPORT_MAX_XLSX_MB * 1024 * 1024 };
  }

  /**
   * An import still marked as being written when the server starts was cut off by a crash: its
   * transaction never committed, so nothing of it was written. It is marked so, and its file removed.
   */
  async onApplicationBootstrap(): Promise<void> {
    const repository = this.dataSource.getRepository(FileImport);
    for (const record of await repository.find({ where: { status: 'importing' } })) {
      if (record.storedPath) await rm(record.storedPath, { force: true });
      await repository.update(record.id, {
        status: 'interrupted',
        storedPath: null,
        message: 'The server stopped while this file was being imported: nothing from it was written. Upload the file again.',
      });
    }
  }

  /** An upload: a dry run (nothing recorded), a kept preview (?keep=true), or preview and write at once. */
  async upload(scope: Scope, kind: ImportKind, file: UploadedSheet | undefined, options: ImportBodyDto): Promise<ImportAnswer> {
    if (!file) throw new FieldError('file', 'choose a CSV or XLSX file to upload (multipart field "file")', HttpStatus.BAD_REQUEST);
    let keepFile = false;
    try {
      this.scopes.assertCanEditPeople(scope);
      const organisation = options.organisation ? await this.scopes.organisation(scope, options.organisation) : null;
      const settings: Settings = {
        kind,
        fileName: file.originalname.slice(0, 255) || 'upload',
        organisation,
        scopeOrganisationId: organisation?.id ?? scope.rootOrganisationId,
        markLeavers: kind === 'staff' && Boolean(options.markLeavers),
        validRowsOnly: Boolean(options.validRowsOnly),
        mapping: parseMapping(kind, options.mapping),
        headerRow: options.headerRow ?? null,
        extractDate: kind === 'staff' ? this.extractDate(options.extractDate) : null,
        level: kind === 'completions' ? (options.level?.trim() ?? null) : null,
        course: kind === 'completions' ? (options.course?.trim().replace(/\s+/g, ' ') ?? null) : null,
        organisationNames: await this.parseOrganisationNames(scope, options.organisationNames),
      };
      if (settings.level && settings.course) throw new FieldError('course', 'give the course or the level of every row, not both', HttpStatus.BAD_REQUEST);
      await this.expireStalePreviews();
      // A file refused whole (unreadable, empty, over a limit) leaves no trace: nothing is recorded.
      if (!options.dryRun && !options.keep && singlePass(kind)) {
        await this.rememberMapping(settings);
        return await this.write(scope, settings, file.path, null, null);
      }
      const analysis = await this.analyse(scope, settings, file.path);
      if (options.dryRun) return { view: this.previewView(scope, settings, analysis), refused: false };
      await this.rememberMapping(settings);
      if (options.keep) {
        // Moved aside, so that whatever cleans up after the request leaves the kept file alone.
        const kept = `${file.path}.kept`;
        await rename(file.path, kept);
        keepFile = true;
        const record = await this.saveRecord(this.dataSource.manager, null, scope, settings, analysis, 'previewed', kept);
        return { view: await this.view(record), refused: false };
      }
      return await this.write(scope, settings, file.path, analysis, null);
    } finally {
      if (!keepFile) await rm(file.path, { force: true });
    }
  }

  /** Writes a kept preview, re-checking the file first (the data may have changed since). */
  async confirm(scope: Scope, id: number, validRowsOnly: boolean): Promise<ImportAnswer> {
    const { record, settings, path } = await this.previewed(scope, id);
    settings.validRowsOnly = validRowsOnly;
    const analysis = singlePass(settings.kind) ? null : await this.analyse(scope, settings, path);
    return this.write(scope, settings, path, analysis, record);
  }

  /**
   * The mapping step: re-checks a kept preview with the file's headers mapped to our fields, its
   * organisation names linked to organisations, or another row taken as the header.
   */
  async remap(scope: Scope, id: number, changes: { mapping?: HeaderMapping; organisationNames?: HeaderMapping; headerRow?: number | null }): Promise<ImportView> {
    const { record, settings, path } = await this.previewed(scope, id);
    const mapping = changes.mapping ?? {};
    const invalid = invalidMappingTargets(settings.kind, mapping);
    if (invalid.length > 0) throw new FieldError('mapping', `${invalid.join(', ')} is not a column of a ${settings.kind} import`, HttpStatus.BAD_REQUEST);
    settings.mapping = { ...settings.mapping, ...mapping };
    if (changes.organisationNames) {
      settings.organisationNames = { ...settings.organisationNames, ...(await this.checkOrganisationNames(scope, changes.organisationNames)) };
    }
    if (changes.headerRow !== undefined) {
      if (changes.headerRow !== null && (!Number.isInteger(changes.headerRow) || changes.headerRow < 1 || changes.headerRow > 1000)) {
        throw new BadRequestException('headerRow must be a row number from 1 to 1000');
      }
      settings.headerRow = changes.headerRow;
    }
    await this.rememberMapping(settings);
    const analysis = await this.analyse(scope, settings, path);
    return this.view(await this.saveRecord(this.dataSource.manager, record, scope, settings, analysis, 'previewed', path));
  }

  async cancel(scope: Scope, id: number): Promise<ImportView> {
    const { record, path } = await this.previewed(scope, id, false);
    if (path) await rm(path, { force: true });
    record.status = 'cancelled';
    record.storedPath = null;
    return this.view(await this.dataSource.getRepository(FileImport).save(record));
  }

  async list(scope: Scope, query: ImportListQuery): Promise<Page<ImportView>> {
    this.scopes.assertCanEditPeople(scope);
    const qb = this.dataSource.getRepository(FileImport).createQueryBuilder('i').leftJoinAndSelect('i.organisation', 'o');
    qb.andWhere(...this.scopes.importsPredicate(scope, 'i'));
    if (query.kind) qb.andWhere('i.kind = :kind', { kind: query.kind });
    qb.orderBy('i.created_at', 'DESC').addOrderBy('i.id', 'DESC');
    qb.skip((query.page - 1) * query.pageSize).take(query.pageSize);
    const [records, total] = await qb.getManyAndCount();
    return pageOf(
      records.map((r) => this.recordView(r, [])),
      total,
      query,
    );
  }

  async get(scope: Scope, id: number): Promise<ImportView> {
    return this.view(await this.record(scope, id));
  }

  /** The last line of the CSV of errors when only the first errors were kept, else null. */
  errorsNote(record: FileImport): string | null {
    if (record.errorCount <= MAX_KEPT_ERRORS) return null;
    return `This list stops at the first ${MAX_KEPT_ERRORS.toLocaleString('en-GB')} of the ${record.errorCount.toLocaleString('en-GB')} errors: correct these and check the file again to see the rest.`;
  }

  /** Every kept error of an import, a page at a time (for the CSV of errors). */
  async *errors(scope: Scope, id: number): AsyncGenerator<RowError[]> {
    const record = await this.record(scope, id);
    const repository = this.dataSource.getRepository(ImportError);
    for (let skip = 0; ; skip += 5000) {
      const page = await repository.find({ where: { importId: record.id }, order: { rowNumber: 'ASC', id: 'ASC' }, skip, take: 5000 });
      if (page.length === 0) return;
      yield page.map(errorView);
    }
  }

  /** An import the scope may see; 404 otherwise. */
  async record(scope: Scope, id: number): Promise<FileImport> {
    this.scopes.assertCanEditPeople(scope);
    const qb = this.dataSource.getRepository(FileImport).createQueryBuilder('i').leftJoinAndSelect('i.organisation', 'o').where('i.id = :id', { id });
    qb.andWhere(...this.scopes.importsPredicate(scope, 'i'));
    const record = await qb.getOne();
    if (!record) throw notFound('import', id);
    return record;
  }

  /** Reads the file once without writing: counts, row errors and the header report. */
  private analyse(scope: Scope, settings: Settings, path: string): Promise<Analysis> {
    return this.pass(scope, settings, path, this.dataSource.manager, false, null);
  }

  /**
   * One pass over the file: a preview, or the write (in a transaction). A write after a preview
   * passes over the rows the preview found in error, keeping their errors.
   */
  private async pass(
    scope: Scope,
    settings: Settings,
    path: string,
    m: EntityManager,
    write: boolean,
    previous: ImportOutcome | null,
  ): Promise<Analysis> {
    const { info, rows } = await openSheet(path, settings.fileName, this.limits);
    const outcome = new ImportOutcome();
    if (previous) outcome.adopt(previous);
    try {
      const remembered = await this.rememberedMapping(settings.scopeOrganisationId, settings.kind);
      const organisationGiven = settings.organisation !== null;
      const defaults = settings.kind === 'completions' ? await this.defaultLevel(m, settings) : { levelId: null, course: null };
      const courseGiven = defaults.levelId !== null;
      const matchFor = (headers: string[]) => {
        const source = recogniseSource(settings.kind, headers);
        return { source, match: matchColumns(settings.kind, headers, organisationGiven, settings.mapping, remembered, source?.mapping ?? {}, courseGiven) };
      };
      const fieldOf = (header: string) => matchColumns(settings.kind, [header], true, settings.mapping, remembered).recognised[0]?.field ?? null;
      const choice = await chooseHeader(rows, (headers) => matchFor(headers).match.recognised.length, fieldOf, settings.headerRow);
      if (!choice) throw new FileRefused('the file is empty: it must have a header row and at least one row below it');
      const header = choice.header;
      const headers = header.cells.map((c) => (c === null ? '' : String(c)));
      const { source, match } = matchFor(headers);
      const columns: ColumnReport = {
        recognised: match.recognised,
        unrecognised: match.unrecognised,
        missing: match.missing,
        fields: [...FIELDS[settings.kind]],
        headerRow: header.row,
        headerHow: choice.how,
        rowsAbove: choice.rowsAbove,
        labelRows: choice.labelRows,
        candidates: choice.candidates,
        source: source ? { id: source.id, name: source.name } : null,
      };
      if (match.missing.length > 0 || match.problems.length > 0) {
        if (!previous) {
          for (const missing of match.missing) {
            outcome.addError(header.row, missing, null, `the column ${missing} is missing: add it to the file, or say which of your columns holds it`);
          }
          for (const problem of match.problems) outcome.addError(header.row, problem.column, null, problem.reason);
        }
        outcome.fileProblem =
          match.missing.length > 0
            ? `Columns missing: ${match.missing.join('; ')}. Nothing can be imported until every required column is there or mapped (the header was taken from row ${header.row}).`
            : 'The header row has a problem: see the errors on row ' + header.row;
        return { outcome, columns };
      }
      const today = todayIso(this.config.TIME_ZONE);
      const run: ImportRun = {
        m,
        scope,
        scopes: this.scopes,
        organisation: settings.organisation ? { id: settings.organisation.id, code: settings.organisation.code } : null,
        markLeavers: settings.markLeavers,
        today,
        extractDate: settings.extractDate ?? today,
        defaultLevelId: defaults.levelId,
        defaultCourse: defaults.course,
        rules: settings.kind === 'staff' ? await this.roleRules.rulesFor(m) : [],
        organisationNames: await this.organisationNamesFor(m, settings),
        reader: new RowReader(match.index, headers, info.date1904, today),
        outcome,
        write,
        recordedBy: scope.recordedBy,
        skipRows: previous ? previous.errorRows : new Set(),
      };
      const processor = settings.kind === 'staff' ? new StaffImport(run) : new CompletionImport(run);
      await processor.begin();
      let batch: SheetRow[] = [];
      let dataRows = 0;
      const take = async (row: SheetRow) => {
        if (isBlankRow(row.cells)) return;
        if (++dataRows > this.limits.maxRows) {
          const most = this.limits.maxRows.toLocaleString('en-GB');
          throw new FileRefused(`the file has more than ${most} rows (row ${row.row} is past the limit): split it into files of at most ${most} rows`);
        }
        batch.push(row);
        if (batch.length === BATCH_ROWS) {
          await processor.batch(batch);
          batch = [];
          // Their reads run beside the open transaction and see what was last committed.
          await letOtherRequestsIn();
        }
      };
      for (const row of choice.ahead) await take(row);
      for await (const row of rows) await take(row);
      if (dataRows === 0) throw new FileRefused(`the file has column headers (row ${header.row}) but no rows below them: there is nothing to import`);
      if (batch.length > 0) await processor.batch(batch);
      await processor.finish();
      return { outcome, columns };
    } finally {
      await rows.return(undefined);
    }
  }

  /**
   * Writes the file in one transaction, or refuses: a header problem always, row errors unless the
   * valid rows only were asked for. A refused confirm leaves the preview in place to try again.
   */
  private async write(scope: Scope, settings: Settings, path: string, analysis: Analysis | null, record: FileImport | null): Promise<ImportAnswer> {
    const outcome = analysis?.outcome;
    if (analysis && outcome && (outcome.fileProblem || (outcome.errorCount > 0 && !settings.validRowsOnly))) {
      // A kept preview stays kept: the user may still map columns or import the valid rows only.
      const status: ImportStatus = record ? 'previewed' : 'failed';
      const saved = await this.saveRecord(this.dataSource.manager, record, scope, settings, analysis, status, status === 'previewed' ? path : null);
      const view = await this.view(saved);
      view.message = outcome.fileProblem ?? refusedMessage(outcome.errorRows.size);
      return { view, refused: true };
    }
    // Marked as being written, outside the transaction: a crash leaves it so, and the next start says what happened.
    const started = await this.markImporting(scope, settings, record, path);
    try {
      const saved = await this.dataSource.transaction(async (m) => {
        const written = await this.pass(scope, settings, path, m, true, outcome ?? null);
        if (written.outcome.fileProblem || (written.outcome.errorCount > 0 && !settings.validRowsOnly)) throw new RefusedDuringWrite(written);
        const saved = await this.saveRecord(m, started, scope, settings, { ...written, columns: analysis?.columns ?? written.columns }, 'completed', null);
        // The rows were written in bulk SQL, which the audit subscriber cannot see: one summary entry instead.
        await this.audit.record(
          {
            action: 'import',
            entity: settings.kind === 'staff' ? 'staff' : 'completions',
            entityKey: `import ${saved.id}`,
            organisationId: saved.scopeOrganisationId,
            after: {
              fileName: settings.fileName,
              organisation: settings.organisation?.code ?? null,
              markLeavers: settings.markLeavers,
              validRowsOnly: settings.validRowsOnly,
              counts: written.outcome.counts,
            },
          },
          undefined,
          m,
        );
        return saved;
      });
      await rm(path, { force: true });
      return { view: await this.view(saved), refused: false };
    } catch (error) {
      if (!(error instanceof RefusedDuringWrite)) {
        // Nothing was written. A kept preview goes back to waiting; a direct upload leaves no record of a file refused whole.
        if (record) await this.dataSource.getRepository(FileImport).update(started.id, { status: 'previewed' });
        else if (error instanceof HttpException) await this.dataSource.getRepository(FileImport).delete(started.id);
        else await this.dataSource.getRepository(FileImport).update(started.id, { status: 'failed', message: 'The import stopped with an unexpected error: nothing from it was written.' });
        throw error;
      }
      // A single-pass write met a bad row, or rows turned bad since the preview (the data changed meanwhile).
      const saved = await this.saveRecord(this.dataSource.manager, started, scope, settings, error.analysis, record ? 'previewed' : 'failed', record ? path : null);
      const view = await this.view(saved);
      view.message = error.analysis.outcome.fileProblem ?? refusedMessage(error.analysis.outcome.errorRows.size);
      return { view, refused: true };
    }
  }

  private async markImporting(scope: Scope, settings: Settings, record: FileImport | null, path: string): Promise<FileImport> {
    const repository = this.dataSource.getRepository(FileImport);
    if (record) {
      await repository.update(record.id, { status: 'importing' });
      record.status = 'importing';
      return record;
    }
    const saved = await repository.save(
      repository.create({
        createdBy: scope.recordedBy,
        kind: settings.kind,
        status: 'importing',
        fileName: settings.fileName,
        storedPath: path,
        organisationId: settings.organisation?.id ?? null,
        scopeOrganisationId: settings.scopeOrganisationId,
        markLeavers: settings.markLeavers,
        validRowsOnly: settings.validRowsOnly,
        options: optionsJson(settings),
      }),
    );
    saved.organisation = settings.organisation;
    return saved;
  }

  /** The extract date of a staff file: a real date, not in the future; null for today. */
  private extractDate(text: string | undefined): string | null {
    if (text === undefined || text === '') return null;
    if (!isIsoDate(text)) throw new FieldError('extractDate', `${text} is not a real date (write it YYYY-MM-DD)`, HttpStatus.BAD_REQUEST);
    if (text > todayIso(this.config.TIME_ZONE)) throw new FieldError('extractDate', `${text} is in the future: give the date the extract was taken`, HttpStatus.BAD_REQUEST);
    return text;
  }

  /** The level of every row of a one-course file: the level code given, or the course's level in the course mappings. */
  private async defaultLevel(m: EntityManager, settings: Settings): Promise<{ levelId: number | null; course: string | null }> {
    if (settings.level) {
      const found = await sql<{ id: number; name: string }>(m, 'SELECT id, name FROM levels WHERE LOWER(code) = $1', [settings.level.toLowerCase()]);
      if (found.length === 0) throw new FieldError('level', `no level with code ${settings.level}`);
      return { levelId: Number(found[0].id), course: null };
    }
    if (settings.course) {
      const found = await sql<{ level_id: number; course_name: string }>(m, 'SELECT level_id, course_name FROM course_mappings WHERE name_key = $1', [courseKey(settings.course)]);
      if (found.length === 0) throw new FieldError('course', `the course "${settings.course}" is not linked to a level: add it on the course mappings page`);
      return { levelId: Number(found[0].level_id), course: found[0].course_name };
    }
    return { levelId: null, course: null };
  }

  /** The organisationNames field: JSON of {"their name": "our code"}, every code one the scope sees. */
  private async parseOrganisationNames(scope: Scope, text: string | undefined): Promise<HeaderMapping> {
    if (text === undefined || text.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BadRequestException('organisationNames must be JSON, e.g. {"Adult Social Care": "WCC-ASC"}');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
      throw new BadRequestException('organisationNames must be a JSON object of names to organisation codes, e.g. {"Adult Social Care": "WCC-ASC"}');
    }
    return this.checkOrganisationNames(scope, parsed as HeaderMapping);
  }

  private async checkOrganisationNames(scope: Scope, names: HeaderMapping): Promise<HeaderMapping> {
    const out: HeaderMapping = {};
    for (const [name, code] of Object.entries(names)) {
      if (name.trim() === '' || code.trim() === '') continue;
      try {
        out[name] = (await this.scopes.organisation(scope, code.trim())).code;
      } catch (error) {
        if (error instanceof NotFoundException) throw new FieldError('organisationNames', `no organisation with code ${code} (for "${name}")`);
        throw error;
      }
    }
    return out;
  }

  /** Remembered organisation names for the import's organisation, with those sent now on top: name key -> id. */
  private async organisationNamesFor(m: EntityManager, settings: Settings): Promise<Map<string, number>> {
    const entries = await m.getRepository(OrganisationNameEntry).find({ where: { scopeOrganisationId: settings.scopeOrganisationId ?? IsNull() } });
    const names = new Map(entries.map((e) => [e.nameKey, e.organisationId]));
    const codes = Object.values(settings.organisationNames);
    if (codes.length > 0) {
      const rows = await m.getRepository(Organisation).find({ where: codes.map((code) => ({ code })) });
      const idOf = new Map(rows.map((o) => [o.code, o.id]));
      for (const [name, code] of Object.entries(settings.organisationNames)) if (idOf.has(code)) names.set(nameKey(name), idOf.get(code)!);
    }
    return names;
  }

  private async previewed(scope: Scope, id: number, needFile = true): Promise<{ record: FileImport; settings: Settings; path: string }> {
    const record = await this.record(scope, id);
    if (record.createdBy !== scope.recordedBy) throw new ForbiddenException('Only the person who uploaded this file can confirm or change this import');
    if (record.status !== 'previewed') throw new ConflictException(`This import is already ${record.status}`);
    if (needFile && (!record.storedPath || !existsSync(record.storedPath))) {
      throw new ConflictException('The uploaded file is no longer kept on the server: upload it again');
    }
    if (record.organisation) await this.scopes.organisation(scope, record.organisation.code);
    const settings: Settings = {
      kind: record.kind,
      fileName: record.fileName,
      organisation: record.organisation ?? null,
      scopeOrganisationId: record.scopeOrganisationId,
      markLeavers: record.markLeavers,
      validRowsOnly: record.validRowsOnly,
      mapping: record.mapping ? (JSON.parse(record.mapping) as HeaderMapping) : {},
      ...settingsFromOptions(record.options),
    };
    return { record, settings, path: record.storedPath ?? '' };
  }

  private async saveRecord(
    m: EntityManager,
    existing: FileImport | null,
    scope: Scope,
    settings: Settings,
    analysis: Analysis,
    status: ImportStatus,
    storedPath: string | null,
  ): Promise<FileImport> {
    const { outcome } = analysis;
    const record = existing ?? m.create(FileImport, { createdBy: scope.recordedBy });
    Object.assign(record, {
      kind: settings.kind,
      status,
      fileName: settings.fileName,
      storedPath,
      organisationId: settings.organisation?.id ?? null,
      scopeOrganisationId: settings.scopeOrganisationId,
      markLeavers: settings.markLeavers,
      validRowsOnly: settings.validRowsOnly,
      mapping: Object.keys(settings.mapping).length > 0 ? JSON.stringify(settings.mapping) : null,
      totalRows: outcome.rows,
      createdCount: outcome.created,
      updatedCount: outcome.updated,
      unchangedCount: outcome.unchanged,
      duplicateCount: outcome.duplicates,
      leaverCount: outcome.leavers,
      errorRowCount: outcome.errorRows.size,
      skippedCount: outcome.skipped,
      errorCount: outcome.errorCount,
      excludedCount: outcome.excluded,
      columnReport: analysis.columns ? JSON.stringify(analysis.columns) : null,
      message: outcome.fileProblem,
      options: optionsJson(settings),
      report: JSON.stringify(reportOf(outcome)),
    });
    const saved = await m.save(FileImport, record);
    saved.organisation = settings.organisation;
    if (existing) await m.delete(ImportError, { importId: saved.id });
    await bulkInsert(
      m,
      'import_errors',
      ['import_id', 'row_number', 'column_name', 'value', 'reason'],
      outcome.sortedErrors().map((e) => [saved.id, e.row, e.column?.slice(0, 200) ?? null, e.value, e.reason]),
    );
    return saved;
  }

  /** Previews never confirmed within a day: their files are removed and they are marked cancelled. */
  private async expireStalePreviews(): Promise<void> {
    const repository = this.dataSource.getRepository(FileImport);
    const stale = await repository.find({ where: { status: 'previewed', createdAt: LessThan(new Date(Date.now() - PREVIEW_KEPT_FOR_MS)) } });
    for (const record of stale) {
      if (record.storedPath) await rm(record.storedPath, { force: true });
      await repository.update(record.id, { status: 'cancelled', storedPath: null, message: 'Not confirmed within a day: the uploaded file was removed' });
    }
  }

  private async rememberedMapping(organisationId: number | null, kind: ImportKind): Promise<HeaderMapping> {
    const entries = await this.dataSource.getRepository(HeaderMappingEntry).find({
      where: { organisationId: organisationId ?? IsNull(), kind },
    });
    return Object.fromEntries(entries.map((e) => [e.header, e.field]));
  }

  /** The mapping and organisation names given with an upload are remembered for its organisation and applied next time. */
  private async rememberMapping(settings: Settings): Promise<void> {
    await this.rememberOrganisationNames(settings);
    const entries = Object.entries(settings.mapping);
    if (entries.length === 0) return;
    await this.dataSource.transaction(async (m) => {
      for (const [header, field] of entries) {
        const key = normaliseHeader(header).slice(0, 200);
        const where = { organisationId: settings.scopeOrganisationId ?? IsNull(), kind: settings.kind, header: key };
        await m.delete(HeaderMappingEntry, where);
        await m.insert(HeaderMappingEntry, { organisationId: settings.scopeOrganisationId, kind: settings.kind, header: key, field });
      }
    });
  }


  private async rememberOrganisationNames(settings: Settings): Promise<void> {
    const entries = Object.entries(settings.organisationNames);
    if (entries.length === 0) return;
    await this.dataSource.transaction(async (m) => {
      const ids = new Map((await m.getRepository(Organisation).find({ where: entries.map(([, code]) => ({ code })) })).map((o) => [o.code, o.id]));
      for (const [name, code] of entries) {
        const organisationId = ids.get(code);
        if (organisationId === undefined) continue;
        const where = { scopeOrganisationId: settings.scopeOrganisationId ?? IsNull(), nameKey: nameKey(name) };
        await m.delete(OrganisationNameEntry, where);
        await m.insert(OrganisationNameEntry, { scopeOrganisationId: settings.scopeOrganisationId, nameKey: nameKey(name), organisationId });
      }
    });
  }

  private previewView(scope: Scope, settings: Settings, analysis: Analysis): ImportView {
    const { outcome } = analysis;
    return {
      id: null,
      kind: settings.kind,
      status: 'preview',
      fileName: settings.fileName,
      organisationCode: settings.organisation?.code ?? null,
      markLeavers: settings.markLeavers,
      validRowsOnly: settings.validRowsOnly,
      createdBy: scope.recordedBy,
      createdAt: null,
      counts: outcome.counts,
      errorCount: outcome.errorCount,
      errors: outcome.sortedErrors().slice(0, ERRORS_SHOWN),
      columns: analysis.columns,
      message: outcome.fileProblem,
      ...reportOf(outcome),
      options: optionsView(settings),
    };
  }

  private async view(record: FileImport): Promise<ImportView> {
    const errors = await this.dataSource.getRepository(ImportError).find({
      where: { importId: record.id },
      order: { rowNumber: 'ASC', id: 'ASC' },
      take: ERRORS_SHOWN,
    });
    return this.recordView(record, errors.map(errorView));
  }

  private recordView(record: FileImport, errors: RowError[]): ImportView {
    return {
      id: record.id,
      kind: record.kind,
      status: record.status,
      fileName: record.fileName,
      organisationCode: record.organisation?.code ?? null,
      markLeavers: record.markLeavers,
      validRowsOnly: record.validRowsOnly,
      createdBy: record.createdBy,
      createdAt: record.createdAt instanceof Date ? record.createdAt.toISOString() : record.createdAt ? String(record.createdAt) : null,
      counts: {
        rows: record.totalRows,
        created: record.createdCount,
        updated: record.updatedCount,
        unchanged: record.unchangedCount,
        duplicates: record.duplicateCount,
        leavers: record.leaverCount,
        excluded: record.excludedCount,
        errorRows: record.errorRowCount,
        skipped: record.skippedCount,
      },
      errorCount: record.errorCount,
      errors,
      columns: record.columnReport ? (JSON.parse(record.columnReport) as ColumnReport) : null,
      message: record.message,
      ...(record.report ? (JSON.parse(record.report) as PreviewReport) : { warnings: [], roleChanges: [], roleChangeCount: 0, unlinkedOrganisationNames: [] }),
      options: optionsView(settingsFromOptions(record.options)),
    };
  }
}

function reportOf(outcome: ImportOutcome): PreviewReport {
  return {
    warnings: outcome.warnings,
    roleChanges: outcome.roleChanges,
    roleChangeCount: outcome.roleChangeCount,
    unlinkedOrganisationNames: [...outcome.unlinkedNames].sort((a, b) => a.localeCompare(b)),
  };
}

type StoredOptions = Pick<Settings, 'headerRow' | 'extractDate' | 'level' | 'course' | 'organisationNames'>;

function optionsJson(settings: Settings): string {
  const stored: StoredOptions = {
    headerRow: settings.headerRow,
    extractDate: settings.extractDate,
    level: settings.level,
    course: settings.course,
    organisationNames: settings.organisationNames,
  };
  return JSON.stringify(stored);
}

function settingsFromOptions(text: string | null): StoredOptions {
  const stored = text ? (JSON.parse(text) as Partial<StoredOptions>) : {};
  return {
    headerRow: stored.headerRow ?? null,
    extractDate: stored.extractDate ?? null,
    level: stored.level ?? null,
    course: stored.course ?? null,
    organisationNames: stored.organisationNames ?? {},
  };
}

function optionsView(settings: StoredOptions): ImportOptionsView {
  return { headerRow: settings.headerRow, extractDate: settings.extractDate, level: settings.level, course: settings.course };
}

/** Completion rows stand alone, so they are checked and written in one pass (see ImportsService). */
const singlePass = (kind: ImportKind) => kind === 'completions';

/** The mapping field of an upload: JSON of {"their header": "our field"}. */
export function parseMapping(kind: ImportKind, text: string | undefined): HeaderMapping {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequestException('mapping must be JSON, e.g. {"Payroll No": "employee_ref"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new BadRequestException('mapping must be a JSON object of header names to field names, e.g. {"Payroll No": "employee_ref"}');
  }
  const mapping = parsed as HeaderMapping;
  const invalid = invalidMappingTargets(kind, mapping);
  if (invalid.length > 0) {
    throw new FieldError('mapping', `${invalid.join(', ')} is not a column of a ${kind} import; use one of ${FIELDS[kind].join(', ')}`, HttpStatus.BAD_REQUEST);
  }
  return mapping;
}

function refusedMessage(errorRows: number): string {
  return `Nothing was imported: ${errorRows} ${errorRows === 1 ? 'row has' : 'rows have'} errors. Correct the file and upload it again, or choose to import the valid rows only.`;
}

const errorView = (e: ImportError): RowError => ({ row: e.rowNumber, column: e.columnName, value: e.value, reason: e.reason });
