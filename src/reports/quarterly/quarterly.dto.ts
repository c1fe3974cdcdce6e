import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class QuarterlyQuery {
  @ApiPropertyOptional({ description: 'Organisation code: the report covers its whole subtree (default: the top of your scope)', example: 'WPP' })
  @IsOptional()
  @IsString()
  organisation?: string;

  @ApiPropertyOptional({ description: 'The year the financial year starts (2025 = 2025/26); default: the last quarter that has ended', example: 2025 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number, the year the financial year starts (2025 for 2025/26)' })
  @Min(2000, { message: 'year must be 2000 or later' })
  @Max(2100, { message: 'year must be 2100 or earlier' })
  year?: number;

  @ApiPropertyOptional({ description: 'Quarter of the financial year: 1 = April-June ... 4 = January-March', example: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsIn([1, 2, 3, 4], { message: 'quarter must be 1, 2, 3 or 4 (1 = April to June)' })
  quarter?: number;
}

export class AnnualQuery {
  @ApiPropertyOptional({ description: 'Organisation code: the report covers its whole subtree (default: the top of your scope)', example: 'WPP' })
  @IsOptional()
  @IsString()
  organisation?: string;

  @ApiPropertyOptional({ description: 'The year the financial year starts (2025 = 2025/26); default: the current financial year', example: 2025 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number, the year the financial year starts (2025 for 2025/26)' })
  @Min(2000, { message: 'year must be 2000 or later' })
  @Max(2100, { message: 'year must be 2100 or earlier' })
  year?: number;
}

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
