import { Controller, Get, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { RejectEvidenceDto } from './dto/evidence.dto';
import { EvidenceFile, EvidenceService, EvidenceView } from './evidence.service';

/** Who checks certificates: coordinators and administrators, for the people of their subtree. */
const CHECKERS = ['admin', 'coordinator'] as const;

const DONE: Record<string, string> = {
  approved: 'Certificate accepted: the training is on the person’s record.',
  rejected: 'Certificate not accepted: the person has been sent the reason.',
};

const STATUS = {
  pending: { text: 'Waiting to be checked', tag: 'govuk-tag--blue' },
  approved: { text: 'Accepted', tag: 'govuk-tag--green' },
  rejected: { text: 'Not accepted', tag: 'govuk-tag--red' },
} as const;

/**
 * Sends a certificate file as it was checked at upload: its own type, shown in the browser, with
 * nothing else allowed to run or load, and the uploaded name (cleaned) as its name.
 */
export async function sendEvidenceFile(res: Response, file: EvidenceFile): Promise<void> {
  res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.type(file.contentType);
  res.setHeader('Content-Disposition', `inline; filename="${file.filename.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
  await new Promise<void>((resolve, reject) => res.sendFile(file.path, { dotfiles: 'deny' }, (error) => (error ? reject(error) : resolve())));
}

const shown = (e: EvidenceView) => ({ ...e, statusText: STATUS[e.status].text, tagClass: STATUS[e.status].tag });

/** The queue of certificates people sent from My training, for coordinators to check. */
@ApiExcludeController()
@Controller('evidence')
export class EvidencePagesController {
  constructor(private readonly evidence: EvidenceService) {}

  @Get()
  @Allow(...CHECKERS)
  async queue(@CurrentScope() scope: Scope, @Query('done') done: string | undefined, @Res() res: Response) {
    const { waiting, decided } = await this.evidence.queue(scope);
    res.render('evidence/index', { title: 'Certificates to check', flash: typeof done === 'string' ? DONE[done] : undefined, waiting: waiting.map(shown), decided: decided.map(shown) });
  }

  @Get(':id')
  @Allow(...CHECKERS)
  async show(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    res.render('evidence/show', { ...(await this.model(scope, id, '')), ...NO_ERRORS });
  }

  @Get(':id/file')
  @Allow(...CHECKERS)
  async file(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    await sendEvidenceFile(res, await this.evidence.file(scope, id));
  }

  @Post(':id/approve')
  @Allow(...CHECKERS)
  @OnFieldError<EvidencePagesController>('again')
  async approve(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    await this.evidence.approve(scope, id);
    res.redirect(303, '/evidence?done=approved');
  }

  @Post(':id/reject')
  @Allow(...CHECKERS)
  @OnFieldError<EvidencePagesController>('again')
  async reject(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() form: RejectEvidenceDto, @Res() res: Response) {
    await this.evidence.reject(scope, id, form.reason);
    res.redirect(303, '/evidence?done=rejected');
  }

  /** The certificate's page again with the refusal: a missing reason, or a completion already recorded for that day. */
  async again(req: PageRequest): Promise<FormPage> {
    const reason = typeof (req.body as { reason?: unknown })?.reason === 'string' ? (req.body as { reason: string }).reason : '';
    return { view: 'evidence/show', model: await this.model(req.scope, Number(req.params.id), reason), order: ['reason'], unnamed: 'decision' };
  }

  private async model(scope: Scope, id: number, reason: string) {
    const evidence = shown(await this.evidence.view(scope, id));
    return { title: `Certificate from ${evidence.personName}`, breadcrumbs: [{ text: 'Certificates to check', href: '/evidence' }], evidence, reason, fileHref: `/evidence/${id}/file` };
  }
}
