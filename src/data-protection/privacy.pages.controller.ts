import { Controller, Get, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, PartnershipWide, Public } from '../auth/allow.decorator';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { PrivacyControllerDto } from './privacy.dto';
import { PrivacyService } from './privacy.service';

const FORM_ORDER = ['controllerName', 'controllerAddress', 'controllerEmail', 'dpoName', 'dpoEmail', 'dpoPhone'];
const ADMIN_CRUMBS = [{ text: 'Admin', href: '/admin' }];

/** The privacy page (anyone, signed in or not) and the form for the controller's details. */
@ApiExcludeController()
@Controller()
export class PrivacyPagesController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get('privacy')
  @Public()
  @Render('data-protection/privacy')
  async page() {
    return { title: 'Privacy: how the tracker uses personal data', ...(await this.privacy.information()) };
  }

  @Get('admin/privacy')
  @Allow('admin')
  @PartnershipWide()
  async form(@Res() res: Response, @Query('done') done?: string) {
    const values = (await this.privacy.controller()) ?? {};
    res.render('data-protection/privacy-form', { ...this.formModel(values), flash: done ? 'The privacy information has been saved' : undefined, ...NO_ERRORS });
  }

  @Post('admin/privacy')
  @Allow('admin')
  @PartnershipWide()
  @OnFieldError<PrivacyPagesController>('formAgain')
  async save(@FormBody() dto: PrivacyControllerDto, @Res() res: Response) {
    await this.privacy.setController(dto);
    res.redirect(303, '/admin/privacy?done=1');
  }

  /** The form as posted, for the exception filter to show with its errors. */
  async formAgain(req: PageRequest): Promise<FormPage> {
    return { view: 'data-protection/privacy-form', model: this.formModel(req.body as Record<string, unknown>), order: FORM_ORDER };
  }

  private formModel(values: object) {
    return { title: 'Privacy information: the data controller', values, breadcrumbs: ADMIN_CRUMBS };
  }
}
