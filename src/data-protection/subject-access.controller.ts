import { Controller, Get, Param, ParseIntPipe, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { todayIso } from '../common/dates';
import { ApiErrors, ApiFile, ApiSignedIn } from '../common/openapi';
import { AppConfig } from '../config/app-config';
import { slug } from '../sessions/session-files';
import { subjectAccessPdf } from './subject-access-pdf';
import { SubjectAccessExport } from './dto/subject-access.dto';
import { SubjectAccessService } from './subject-access.service';

/**
 * A subject access request answered: everything the tracker holds about one person, as JSON or as
 * a PDF to send them. Administrators of the person's organisation (or above) only; each download
 * is recorded in the audit log. The person's record page links here ("Download their data").
 */
@ApiTags('data protection')
@ApiSignedIn()
@Allow('admin')
@ApiErrors({ badRequest: 'The id is not a number', forbidden: 'Only administrators can download a person’s data', notFound: 'No person with that id in your organisations' })
@Controller('api/staff/:id')
export class SubjectAccessController {
  constructor(
    private readonly subjectAccess: SubjectAccessService,
    private readonly config: AppConfig,
  ) {}

  @Get('subject-access')
  @ApiOperation({ summary: 'Everything held about a person (subject access), as JSON', description: 'Record, roles, training with evidence, certificates sent in, bookings and attendance, places asked for, feedback under their name, message preferences, messages sent, sign-in links issued (never the links), their account, and the audit entries about them. Dates YYYY-MM-DD, moments ISO 8601 in UTC.' })
  @ApiOkResponse({ type: SubjectAccessExport, description: 'The export, as a JSON file to save' })
  async json(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res({ passthrough: true }) res: Response): Promise<SubjectAccessExport> {
    const data = await this.subjectAccess.export(scope, id, 'json');
    res.setHeader('Content-Disposition', `attachment; filename="${this.fileName(data)}.json"`);
    return data;
  }

  @Get('subject-access.pdf')
  @ApiOperation({ summary: 'Everything held about a person (subject access), as a readable PDF' })
  @ApiFile('application/pdf', 'A tagged PDF with the same content as the JSON')
  async pdf(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    const data = await this.subjectAccess.export(scope, id, 'pdf');
    const body = await subjectAccessPdf(data, this.config.TIME_ZONE);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${this.fileName(data)}.pdf"`);
    res.send(body);
  }

  private fileName(data: SubjectAccessExport): string {
    return `personal-data-${slug(data.person.employeeRef)}-${todayIso(this.config.TIME_ZONE)}`;
  }
}
