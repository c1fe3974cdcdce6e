import { Controller, Get, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { datePartsOf, partsOfIso } from '../common/date-parts';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { displayOf } from '../compliance/compliance.service';
import type { RequestWithCertificate } from '../evidence/evidence-upload.middleware';
import { EvidenceService } from '../evidence/evidence.service';
import { LevelsService } from '../levels/levels.service';
import { AppConfig } from '../config/app-config';
import { EvidenceFormDto, PreferencesDto } from './dto/my-training.dto';
import { MyTrainingService } from './my-training.service';
import { ForPerson } from './person-session';
import { sendEvidenceFile } from '../evidence/evidence.pages.controller';

/** What the page says after a form, chosen by a fixed key so nothing from the address is shown as-is. */
const DONE: Record<string, string> = {
  booked: 'You have a place on the session. It is listed under “Your places”.',
  waiting: 'The session is full: you are on its waiting list. You will get a place if one comes free.',
  already: 'You are already booked on that session, or have asked for a place on it.',
  requested: 'You have asked for a place. Your manager needs to approve it: you will get an email when they do.',
  cancelled: 'Your place has been cancelled.',
  evidence: 'Thank you: your certificate has been sent. A Prevent coordinator will check it and it will then show on your record.',
  preferences: 'Your choice about messages has been saved.',
};

const EVIDENCE_ORDER = ['levelCode', 'completedOn', 'file'];
const EVIDENCE_IDS = { completedOn: 'completedOn-day', levelCode: 'levelCode-0' };

/** My training: a person's own record, sessions to book, certificates and messages, for someone signed in by a link. */
@ApiExcludeController()
@Controller('my-training')
export class MyTrainingPagesController {
  constructor(
    private readonly myTraining: MyTrainingService,
    private readonly evidence: EvidenceService,
    private readonly levels: LevelsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ForPerson()
  async show(@CurrentScope() scope: Scope, @Query('done') done: string | undefined, @Res() res: Response) {
    const page = await this.myTraining.page(scope);
    res.render('my-training/index', {
      title: 'My training',
      flash: typeof done === 'string' ? DONE[done] : undefined,
      ...page,
      levels: (page.status?.levels ?? []).map((l) => ({ ...l, ...displayOf(l) })),
      asOf: page.status?.asOf,
      windowDays: page.status?.windowDays,
      evidence: page.evidence.map((e) => ({ ...e, statusText: EVIDENCE_STATUS[e.status].text, tagClass: EVIDENCE_STATUS[e.status].tag, fileHref: `/my-training/evidence/${e.id}/file` })),
    });
  }

  @Post('sessions/:sessionId/book')
  @ForPerson()
  async book(@CurrentScope() scope: Scope, @Param('sessionId', ParseIntPipe) sessionId: number, @Res() res: Response) {
    res.redirect(303, `/my-training?done=${await this.myTraining.book(scope, sessionId)}`);
  }

  @Get('bookings/:bookingId/cancel')
  @ForPerson()
  async cancelPage(@CurrentScope() scope: Scope, @Param('bookingId', ParseIntPipe) bookingId: number, @Res() res: Response) {
    const place = await this.myTraining.place(scope, bookingId);
    res.render('my-training/cancel', { title: `Cancel your place on ${place.sessionTitle}?`, place, action: `/my-training/bookings/${bookingId}/cancel` });
  }

  @Post('bookings/:bookingId/cancel')
  @ForPerson()
  async cancel(@CurrentScope() scope: Scope, @Param('bookingId', ParseIntPipe) bookingId: number, @Res() res: Response) {
    await this.myTraining.cancel(scope, bookingId);
    res.redirect(303, '/my-training?done=cancelled');
  }

  @Get('bookings/:bookingId/certificate.pdf')
  @ForPerson()
  async certificate(@CurrentScope() scope: Scope, @Param('bookingId', ParseIntPipe) bookingId: number, @Res() res: Response) {
    const { filename, body } = await this.myTraining.certificate(scope, bookingId);
    res.type('application/pdf').attachment(filename).send(body);
  }

  @Get('evidence/new')
  @ForPerson()
  async evidenceForm(@Res() res: Response) {
    res.render('my-training/evidence-form', { ...(await this.evidenceModel({ levelCode: '', completedOn: partsOfIso(null) })), ...NO_ERRORS });
  }

  /** The form was parsed (and the file's type read from its content) by the evidence upload middleware. */
  @Post('evidence/new')
  @ForPerson()
  @OnFieldError<MyTrainingPagesController>('evidenceAgain')
  async submitEvidence(@CurrentScope() scope: Scope, @FormBody() form: EvidenceFormDto, @Req() req: RequestWithCertificate, @Res() res: Response) {
    await this.evidence.submit(scope, form, req.file);
    res.redirect(303, '/my-training?done=evidence');
  }

  async evidenceAgain(req: PageRequest): Promise<FormPage> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { levelCode: typeof body.levelCode === 'string' ? body.levelCode : '', completedOn: datePartsOf(body, 'completedOn') };
    return { view: 'my-training/evidence-form', model: await this.evidenceModel(values), order: EVIDENCE_ORDER, ids: EVIDENCE_IDS };
  }

  @Get('evidence/:id/file')
  @ForPerson()
  async evidenceFile(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    await sendEvidenceFile(res, await this.evidence.file(scope, id));
  }

  @Get('preferences')
  @ForPerson()
  async preferences(@CurrentScope() scope: Scope, @Res() res: Response) {
    res.render('my-training/preferences', { title: 'Messages you get', optionalMessages: await this.myTraining.wantsOptionalMessages(scope), ...NO_ERRORS });
  }

  @Post('preferences')
  @ForPerson()
  @OnFieldError<MyTrainingPagesController>('preferencesAgain')
  async savePreferences(@CurrentScope() scope: Scope, @FormBody() form: PreferencesDto, @Res() res: Response) {
    await this.myTraining.setOptionalMessages(scope, form.optionalMessages === 'yes');
    res.redirect(303, '/my-training?done=preferences');
  }

  async preferencesAgain(req: PageRequest): Promise<FormPage> {
    return { view: 'my-training/preferences', model: { title: 'Messages you get', optionalMessages: await this.myTraining.wantsOptionalMessages(req.scope) }, order: ['optionalMessages'], ids: { optionalMessages: 'optionalMessages-yes' } };
  }

  private async evidenceModel(values: { levelCode: string; completedOn: { day: string; month: string; year: string } }) {
    const levels = await this.levels.list();
    return {
      title: 'Send a certificate of training done elsewhere',
      maxMb: this.config.EVIDENCE_MAX_MB,
      values,
      levelOptions: levels.map((l, i) => ({ id: `levelCode-${i}`, value: l.code, text: `${l.code}: ${l.name}`, checked: values.levelCode === l.code })),
    };
  }
}

export const EVIDENCE_STATUS = {
  pending: { text: 'Waiting to be checked', tag: 'govuk-tag--blue' },
  approved: { text: 'Accepted', tag: 'govuk-tag--green' },
  rejected: { text: 'Not accepted', tag: 'govuk-tag--red' },
} as const;
