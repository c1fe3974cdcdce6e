import { Controller, Get, Param, ParseIntPipe, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import type { Response } from 'express';
import { AuditQueryDto } from '../audit/audit.controller';
import { AuditService } from '../audit/audit.service';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { ROLE_NAMES, Scope, USER_ROLES } from '../auth/scope';
import { AppConfig } from '../config/app-config';
import { OrganisationsService } from '../organisations/organisations.service';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { UsersService, userView } from './users.service';
import { NO_ERRORS } from '../common/form-errors';
import { FormBody, FormPage, OnFieldError, PageRequest } from '../common/form-page';

const ROLE_OPTIONS = USER_ROLES.map((value) => ({ value, text: ROLE_NAMES[value] }));
const ADMIN_CRUMBS = [{ text: 'Admin', href: '/admin' }];
/** The account form's fields in page order, and the input each links to where it is not the field's own id. */
const USER_FORM_ORDER = ['email', 'displayName', 'role', 'organisationCode', 'staffEmployeeRef', 'disabled', 'password'];
const USER_FORM_IDS = { role: `role-${USER_ROLES[0]}` };

/** Administrators: accounts (create, change role and scope, disable) and the audit log. */
@ApiExcludeController()
@Allow('admin')
@Controller('admin')
export class AdminPagesController {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly organisations: OrganisationsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Render('admin/index')
  index() {
    return { title: 'Admin' };
  }

  @Get('users')
  @Render('admin/users')
  async list(@CurrentScope() scope: Scope, @Query('done') done?: string) {
    const users = (await this.users.list(scope)).map((u) => ({ ...userView(u), lockedUntil: u.lockedUntil, roleName: ROLE_NAMES[u.role] }));
    return { title: 'User accounts', users, breadcrumbs: ADMIN_CRUMBS, flash: done ? 'The account has been saved' : undefined };
  }

  @Get('users/new')
  @Render('admin/user-form')
  async newUser(@CurrentScope() scope: Scope) {
    return { ...(await this.formModel(scope, 'Create an account', {})), ...NO_ERRORS };
  }

  @Post('users/new')
  @OnFieldError<AdminPagesController>('formAgain')
  async create(@CurrentScope() scope: Scope, @FormBody() dto: CreateUserDto, @Res() res: Response) {
    const { user, temporaryPassword } = await this.users.create(scope, dto);
    return res.status(200).render('admin/user-created', { title: 'Account created', account: userView(user), temporaryPassword, breadcrumbs: ADMIN_CRUMBS });
  }

  @Get('users/:id')
  async edit(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response, @Query('done') done?: string) {
    const account = await this.users.get(scope, id);
    const user = userView(account);
    const values = { ...user, lockedUntil: user.locked ? account.lockedUntil : null, organisationCode: user.organisationCode ?? '' };
    const flash = done === 'second-factor-reset' ? 'The second factor has been reset and the account signed out everywhere' : undefined;
    res.render('admin/user-form', {
      ...(await this.formModel(scope, `Change ${user.displayName}`, values, id)),
      secondFactorRequired: this.config.secondFactorRoles.includes(account.role),
      flash,
      ...NO_ERRORS,
    });
  }

  @Post('users/:id')
  @OnFieldError<AdminPagesController>('formAgain')
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @FormBody() dto: UpdateUserDto, @Res() res: Response) {
    // The form always has the box: unticked is "not disabled".
    await this.users.update(scope, id, { ...dto, disabled: dto.disabled ?? false });
    return res.redirect(303, '/admin/users?done=1');
  }

  /** The create or change form again, as posted, for the exception filter to show with its errors. */
  async formAgain(req: PageRequest): Promise<FormPage> {
    const body = req.body as Record<string, unknown>;
    const id = req.params.id ? Number(req.params.id) : undefined;
    const values: Record<string, unknown> = { ...body, password: undefined, disabled: [body.disabled].flat().includes('true') };
    let model: Record<string, unknown>;
    if (id === undefined) model = await this.formModel(req.scope, 'Create an account', values);
    else {
      const account = await this.users.get(req.scope, id);
      model = {
        ...(await this.formModel(req.scope, `Change ${account.displayName}`, { ...values, secondFactor: userView(account).secondFactor }, id)),
        secondFactorRequired: this.config.secondFactorRoles.includes(account.role),
      };
    }
    // A refusal naming no field on the create form is the address already having an account.
    return { view: 'admin/user-form', model, order: USER_FORM_ORDER, ids: USER_FORM_IDS, unnamed: id === undefined ? 'email' : undefined };
  }

  @Get('audit')
  @Render('admin/audit')
  async auditLog(@CurrentScope() scope: Scope, @Query() query: AuditQueryDto) {
    const page = await this.audit.list(scope, plainToInstance(AuditQueryDto, { ...query, page: Number(query.page ?? 1), pageSize: 50 }));
    return { title: 'Audit log', page, query, breadcrumbs: ADMIN_CRUMBS };
  }

  private async formModel(scope: Scope, heading: string, values: Record<string, unknown>, id?: number) {
    const organisations = await this.organisations.list(scope.rootOrganisationId === null ? undefined : [scope.rootOrganisationId]);
    return {
      title: heading,
      heading,
      id,
      values,
      roles: ROLE_OPTIONS,
      // Only an administrator with no organisation can give an account none.
      canGrantEverything: scope.rootOrganisationId === null,
      organisations: organisations.map((o) => ({ code: o.code, name: `${'– '.repeat(o.depth)}${o.name}` })),
      breadcrumbs: [...ADMIN_CRUMBS, { text: 'User accounts', href: '/admin/users' }],
    };
  }
}
