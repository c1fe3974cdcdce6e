import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class PageQuery {
  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize: number = 50;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** True when counting stopped at `total`: there are more than `total` ("more than 1,000 people"). */
  totalIsCapped?: boolean;
}

export function pageOf<T>(items: T[], total: number, query: PageQuery): Page<T> {
  return { items, total, page: query.page, pageSize: query.pageSize, pages: Math.max(1, Math.ceil(total / query.pageSize)) };
}

/**
 * A page whose total was counted only up to `countedUpTo` (`counted` is at most one more): past
 * that, the total says "more than countedUpTo" and the pages are those known to exist.
 */
export function cappedPageOf<T>(items: T[], counted: number, countedUpTo: number, query: PageQuery): Page<T> {
  if (counted <= countedUpTo) return { ...pageOf(items, counted, query), totalIsCapped: false };
  return { items, total: countedUpTo, page: query.page, pageSize: query.pageSize, pages: Math.ceil(counted / query.pageSize), totalIsCapped: true };
}
