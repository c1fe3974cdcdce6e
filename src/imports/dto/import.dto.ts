import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { PageQuery } from '../../common/paging';
import { IMPORT_KINDS, type ImportKind } from '../import-columns';
import type { ImportCounts, RowError } from '../import-outcome';

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
}

export class ImportBodyDto extends ImportOptionsDto {
  @ApiPropertyOptional({
    example: '{"Payroll No": "employee_ref"}',
    description: 'JSON: your header names mapped to ours (empty to ignore a column); remembered for the organisation',
  })
  @IsOptional()
  @IsString()
  mapping?: string;

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
  @ApiProperty({ description: 'Headers of the file matched to our fields' })
  recognised: { header: string; field: string; how: 'name' | 'mapping' | 'remembered' }[];
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
  @ApiProperty({ enum: ['preview', 'previewed', 'completed', 'failed', 'cancelled'] }) status: string;
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
}
