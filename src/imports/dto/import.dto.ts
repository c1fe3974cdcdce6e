import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { RULE_EFFECTS, RULE_FIELDS, RULE_OPERATORS, type RuleEffect, type RuleField, type RuleOperator } from '../role-rule.entity';
import { PageQuery } from '../../common/paging';
import { IMPORT_STATUSES } from '../file-import.entity';
import { IMPORT_KINDS, type ImportKind } from '../import-columns';
import type { ImportCounts, RoleChange, RowError } from '../import-outcome';

/** "true"/"false" from a query string or a multipart field; booleans from JSON pass through. */
const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 'on') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Options of an upload, taken from the query string and the multipart body alike. */
export class ImportOptionsDto {
  @ApiPropertyOptional({ description: 'Preview only: answer the counts and row errors, write and record nothing' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;

  @ApiPropertyOptional({
    description: 'Record the preview and keep the file, to be written later with POST /api/imports/{id}/confirm',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'keep must be true or false' })
  keep?: boolean;

  @ApiPropertyOptional({ example: 'WCC', description: 'Resolve employee references within this organisation\'s employer' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @Length(1, 40)
  organisation?: string;

  @ApiPropertyOptional({ description: 'Staff only: people of the organisations in the file who are absent from it become leavers' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'markLeavers must be true or false' })
  markLeavers?: boolean;

  @ApiPropertyOptional({ description: 'Import the rows without errors even when some rows have errors (recorded)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'validRowsOnly must be true or false' })
  validRowsOnly?: boolean;

  @ApiPropertyOptional({ example: 4, description: 'The row that holds the column headers, when the one found is not it (1 to 1000)' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @Type(() => Number)
  @IsInt({ message: 'headerRow must be a row number' })
  @Min(1, { message: 'headerRow must be a row number from 1 to 1000' })
  @Max(1000, { message: 'headerRow must be a row number from 1 to 1000' })
  headerRow?: number;

  @ApiPropertyOptional({ example: '2026-03-03', description: 'Staff: the date the HR extract was taken (default today); leavers\' last day in post is the day before' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'extractDate must be a date written YYYY-MM-DD' })
  extractDate?: string;

  @ApiPropertyOptional({ example: 'L2', description: 'Completions: the level of every row that gives no course or level (a one-course file)' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @Length(1, 10)
  level?: string;

  @ApiPropertyOptional({ example: 'WRAP', description: 'Completions: the course of every row that gives none, as in the course mappings (a one-course file)' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @Length(1, 200)
  course?: string;
}

export class ImportBodyDto extends ImportOptionsDto {
  @ApiPropertyOptional({
    example: '{"Payroll No": "employee_ref"}',
    description: 'JSON: your header names mapped to ours (empty to ignore a column); remembered for the organisation',
  })
  @IsOptional()
  @IsString()
  mapping?: string;

  @ApiPropertyOptional({
    example: '{"Adult Social Care": "WCC-ASC"}',
    description: 'JSON: organisation names as the file writes them mapped to organisation codes; remembered for the organisation',
  })
  @IsOptional()
  @IsString()
  organisationNames?: string;

  /** The page forms' CSRF token travels in the body. */
  @IsOptional()
  @IsString()
  _csrf?: string;
}

export class ImportUploadDto extends ImportBodyDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'CSV (UTF-8 or Windows-1252) or XLSX, one row a person or completion' })
  file: unknown;
}

export class ConfirmImportDto {
  @ApiPropertyOptional({ default: false, description: 'Import the valid rows even though some rows have errors' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'validRowsOnly must be true or false' })
  validRowsOnly?: boolean;

  @IsOptional()
  @IsString()
  _csrf?: string;
}

export class ImportListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: IMPORT_KINDS })
  @IsOptional()
  @IsIn(IMPORT_KINDS)
  kind?: ImportKind;
}

export class CourseMappingDto {
  @ApiProperty({ example: 'Prevent awareness e-learning' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value))
  @IsString()
  @Length(1, 200)
  courseName: string;

  @ApiProperty({ example: 'L1' })
  @IsString()
  @Length(1, 10)
  levelCode: string;
}

export class ReplaceCourseMappingsDto {
  @ApiProperty({ type: [CourseMappingDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CourseMappingDto)
  mappings: CourseMappingDto[];
}

export class CourseMappingView {
  @ApiProperty() id: number;
  @ApiProperty() courseName: string;
  @ApiProperty() levelCode: string;
  @ApiProperty() levelName: string;
}

export class ColumnReport {
  @ApiProperty({ description: 'Headers of the file matched to our fields: by our name, the mapping sent, the one remembered, or the known source\'s' })
  recognised: { header: string; field: string; how: 'name' | 'mapping' | 'remembered' | 'source' }[];
  @ApiProperty({ description: 'The row taken as the header' }) headerRow: number;
  @ApiProperty({ enum: ['detected', 'given'] }) headerHow: 'detected' | 'given';
  @ApiProperty({ type: [Number], description: 'Rows above the header passed over (report titles, filters)' }) rowsAbove: number[];
  @ApiProperty({ type: [Number], description: 'Rows below the header that repeat it as labels, passed over' }) labelRows: number[];
  @ApiProperty({ description: 'The first rows of the file, to choose another header row' }) candidates: { row: number; text: string }[];
  @ApiProperty({ nullable: true, description: 'The known export recognised from the headers' }) source: { id: string; name: string } | null;
  @ApiProperty({ type: [String], description: 'Headers of the file not imported' })
  unrecognised: string[];
  @ApiProperty({ type: [String], description: 'Required fields the file lacks ("employee_ref or email")' })
  missing: string[];
  @ApiProperty({ type: [String], description: 'The fields this kind of import reads' })
  fields: string[];
}

/** What the API answers for a preview, an import, or a recorded import. */
export class ImportView {
  @ApiProperty({ nullable: true, type: Number, description: 'null for a dry run (nothing is recorded)' })
  id: number | null;
  @ApiProperty({ enum: IMPORT_KINDS }) kind: ImportKind;
  @ApiProperty({ enum: ['preview', ...IMPORT_STATUSES], description: 'preview: a dry run, not recorded; previewed: a kept preview to confirm' }) status: string;
  @ApiProperty() fileName: string;
  @ApiProperty({ nullable: true, type: String }) organisationCode: string | null;
  @ApiProperty() markLeavers: boolean;
  @ApiProperty() validRowsOnly: boolean;
  @ApiProperty() createdBy: string;
  @ApiProperty({ nullable: true, type: String }) createdAt: string | null;
  @ApiProperty({ description: 'In a preview: what would happen' }) counts: ImportCounts;
  @ApiProperty({ description: 'Number of errors (a row may have several)' }) errorCount: number;
  @ApiProperty({ description: 'The first errors, by row: the CSV of errors has them all' }) errors: RowError[];
  @ApiProperty({ nullable: true, type: ColumnReport }) columns: ColumnReport | null;
  @ApiProperty({ nullable: true, type: String }) message: string | null;
  @ApiProperty({ type: [String], description: 'Things to check before confirming: lost leading zeros, many leavers' }) warnings: string[];
  @ApiProperty({ description: 'Staff: people whose roles the import sets or changes (the first 500); before is null for a new person' })
  roleChanges: RoleChange[];
  @ApiProperty() roleChangeCount: number;
  @ApiProperty({ type: [String], description: 'Organisation names in the file not linked to an organisation yet' }) unlinkedOrganisationNames: string[];
  @ApiProperty({ description: 'Options of the upload: header row chosen, extract date, per-file level or course' })
  options: ImportOptionsView;
}

export interface ImportOptionsView {
  headerRow: number | null;
  extractDate: string | null;
  level: string | null;
  course: string | null;
}

export class RoleRuleDto {
  @ApiProperty({ enum: RULE_FIELDS }) @IsIn(RULE_FIELDS, { message: `field must be one of ${RULE_FIELDS.join(', ')}` }) field: RuleField;
  @ApiProperty({ enum: RULE_OPERATORS }) @IsIn(RULE_OPERATORS, { message: `operator must be one of ${RULE_OPERATORS.join(', ')}` }) operator: RuleOperator;
  @ApiProperty({ example: 'social worker' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value))
  @IsString()
  @Length(1, 200, { message: 'value must be 1 to 200 characters' })
  value: string;
  @ApiProperty({ example: 'FRONTLINE' }) @IsString() @Length(1, 40) roleCode: string;
  @ApiPropertyOptional({ enum: RULE_EFFECTS, default: 'add' }) @IsOptional() @IsIn(RULE_EFFECTS, { message: 'effect must be add or remove' }) effect?: RuleEffect;
}

export class ReplaceRoleRulesDto {
  @ApiProperty({ type: [RoleRuleDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => RoleRuleDto)
  rules: RoleRuleDto[];
}

export class RoleRuleView {
  @ApiProperty() id: number;
  @ApiProperty({ enum: RULE_FIELDS }) field: RuleField;
  @ApiProperty({ enum: RULE_OPERATORS }) operator: RuleOperator;
  @ApiProperty() value: string;
  @ApiProperty() roleCode: string;
  @ApiProperty() roleName: string;
  @ApiProperty({ enum: RULE_EFFECTS }) effect: RuleEffect;
}

export class ApplyRoleRulesDto {
  @ApiPropertyOptional({ description: 'Only say what would change' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;

  @IsOptional()
  @IsString()
  _csrf?: string;
}

export class ApplyRoleRulesView {
  @ApiProperty({ description: 'People the rules were applied to' }) people: number;
  @ApiProperty({ description: 'People whose roles changed (or would)' }) changed: number;
  @ApiProperty({ description: 'The first 500 of them' }) changes: RoleChange[];
  @ApiProperty() dryRun: boolean;
}
