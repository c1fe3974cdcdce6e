import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * The financial year and quarter (Q1 is April to June) a report is for, as its query string gives
 * them: the quarterly and annual reports, the NHS return and the Working Group pack read them the
 * same way and refuse them with the same words. `description` says what the report makes of it
 * (its default, for one).
 */
export const FinancialYear = (description: string) =>
  stacked(
    ApiPropertyOptional({ description, example: 2025 }),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: 'year must be a whole number, the year the financial year starts (2025 for 2025/26)' }),
    Min(2000, { message: 'year must be 2000 or later' }),
    Max(2100, { message: 'year must be 2100 or earlier' }),
  );

export const FinancialQuarter = (description: string) =>
  stacked(
    ApiPropertyOptional({ description, example: 3 }),
    IsOptional(),
    Type(() => Number),
    IsIn([1, 2, 3, 4], { message: 'quarter must be 1, 2, 3 or 4 (1 = April to June)' }),
  );

/** The decorators applied bottom-up, as when written one above the other, so a refused value's messages keep their order. */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(...decorators.reverse());
}

/** A quarter of a financial year, each defaulting to the last quarter that has ended. */
export class FinancialQuarterQuery {
  @FinancialYear('The year the financial year starts (2025 = 2025/26); default: that of the last quarter that has ended')
  year?: number;

  @FinancialQuarter('Quarter of the financial year: 1 = April to June ... 4 = January to March; default: the last quarter that has ended')
  quarter?: number;
}
