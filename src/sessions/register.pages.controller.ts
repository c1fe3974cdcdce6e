import { Controller, Get, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { rowChoices } from '../people/person-rows';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';
import { RegisterFormDto } from './dto/session-form.dto';
import { RegisterService } from './register.service';
import { SessionPages } from './session-pages';
import { MANAGE_ROLES } from './sessions.pages.controller';

/** A session's register: who attended, who did not, and walk-ins. */
@ApiExcludeController()
@Controller('sessions')
export class RegisterPagesController {
  constructor(
    private readonly register: RegisterService,
    private readonly pages: SessionPages,
  ) {}

  @Get(':id/register')
  @Allow(...MANAGE_ROLES)
  async registerForm(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Query('mark') mark: unknown, @Res() res: Response): Promise<void> {
    const page = await this.pages.registerPage(scope, id, null, mark === 'attended');
    res.render(page.view, { ...page.model, ...NO_ERRORS });
  }

  @Post(':id/register')
  @Allow(...MANAGE_ROLES)
  @OnFieldError<RegisterPagesController>('registerAgain')
  async saveRegister(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() form: RegisterFormDto, @Res() res: Response): Promise<void> {
    await this.register.saveChoices(scope, id, form.attendance, rowChoices('walkIns', form.walkIns), form.walkInOrganisationCode ?? undefined);
    res.redirect(303, `/sessions/${id}?done=register`);
  }

  async registerAgain(req: PageRequest): Promise<FormPage> {
    return this.pages.registerPage(req.scope, Number(req.params.id), req.body as Record<string, unknown>);
  }
}
