import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { PageQuery } from '../common/paging';
import { AuditService } from './audit.service';

export class AuditQueryDto extends PageQuery {
  @ApiPropertyOptional({ example: 'staff' }) @IsOptional() @IsString() entity?: string;
  @ApiPropertyOptional({ example: 'sign_in_failed' }) @IsOptional() @IsString() action?: string;
  @ApiPropertyOptional({ description: 'Part of the email of who did it' }) @IsOptional() @IsString() actor?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Allow('admin')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  list(@CurrentScope() scope: Scope, @Query() query: AuditQueryDto) {
    return this.audit.list(scope, query);
  }
}
