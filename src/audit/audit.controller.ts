import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiSignedIn, PageOf } from '../common/openapi';
import { Page, PageQuery } from '../common/paging';
import { AuditService } from './audit.service';

export class AuditQueryDto extends PageQuery {
  @ApiPropertyOptional({ example: 'staff' }) @IsOptional() @IsString() entity?: string;
  @ApiPropertyOptional({ example: 'sign_in_failed' }) @IsOptional() @IsString() action?: string;
  @ApiPropertyOptional({ description: 'Part of the email of who did it' }) @IsOptional() @IsString() actor?: string;
}

/** One entry of the audit log: who did what to which record, when, with before and after. */
export class AuditEntryView {
  @ApiProperty() id: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ nullable: true, type: Number }) actorUserId: number | null;
  @ApiProperty({ nullable: true, type: String }) actorEmail: string | null;
  @ApiProperty({ example: 'update', description: 'create, update, delete, sign_in, sign_in_failed, account_locked, import, register, ...' }) action: string;
  @ApiProperty({ example: 'staff' }) entity: string;
  @ApiProperty({ nullable: true, type: String, description: 'The id or code of the record' }) entityKey: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The record before, as JSON text' }) beforeJson: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The record after, as JSON text' }) afterJson: string | null;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the change was made, where the person had to say (correcting or deleting a completion)' }) reason: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The organisation of the record; empty for partnership-wide things' }) organisationId: number | null;
}

@ApiTags('audit')
@ApiSignedIn()
@Allow('admin')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Browse the audit log of your organisations', description: 'Newest first; filter by kind of record, action or who did it. Paged.' })
  @ApiOkResponse({ type: PageOf(AuditEntryView) })
  @ApiErrors({ badRequest: 'A filter or page number is not valid', forbidden: 'Only administrators can read the audit log' })
  list(@CurrentScope() scope: Scope, @Query() query: AuditQueryDto): Promise<Page<AuditEntryView>> {
    return this.audit.list(scope, query);
  }
}
