import { Body, Controller, Get, HttpException, Param, ParseIntPipe, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
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
import { refusalProblems } from '../common/field-error';

const ROLE_OPTIONS = USER_ROLES.map((value) => ({ value, text: ROLE_NAMES[value] }));
const ADMIN_CRUMBS = [{ text: 'Admin', href: '/admin' }];

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
    return this.formModel(scope, 'Create an account', {});
  }

  @Post('users/new')
  async create(@CurrentScope() scope: Scope, @Body() body: Record<string, string>, @Res() res: Response) {
    const values = { ...body, password: body.password || undefined };
    const dto = plainToInstance(CreateUserDto, values);
    const problems = await validate(dto, { whitelist: true });
    if (problems.length) return this.renderForm(res, scope, 'Create an account', values, problemsToErrors(problems));
    try {
      const { user, temporaryPassword } = await this.users.create(scope, dto);
      return res.status(200).render('admin/user-created', { title: 'Account created', account: userView(user), temporaryPassword, breadcrumbs: ADMIN_CRUMBS });
    } catch (error) {
      return this.renderFailure(res, scope, 'Create an account', values, error);
    }
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
    });
  }

  @Post('users/:id')
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() body: Record<string, string>, @Res() res: Response) {
    const values = { ...body, disabled: body.disabled === 'true' };
    const dto = plainToInstance(UpdateUserDto, values);
    const problems = await validate(dto, { whitelist: true });
    if (problems.length) return this.renderForm(res, scope, 'Change account', values, problemsToErrors(problems), id);
    try {
      await this.users.update(scope, id, dto);
      return res.redirect(303, '/admin/users?done=1');
    } catch (error) {
      return this.renderFailure(res, scope, 'Change account', values, error, id);
    }
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

  private async renderForm(res: Response, scope: Scope, heading: string, values: Record<string, unknown>, errors: FormError[], id?: number, status = 400) {
    const errorFor = Object.fromEntries(errors.map((e) => [e.field, e.text]));
    res.status(status).render('admin/user-form', { ...(await this.formModel(scope, heading, values, id)), errors, errorFor });
  }

  private async renderFailure(res: Response, scope: Scope, heading: string, values: Record<string, unknown>, error: unknown, id?: number) {
    if (!(error instanceof HttpException)) throw error;
    // A refusal that names no field is about the address (already used by another account).
    const problems = refusalProblems(error) ?? [{ field: null, message: error.message }];
    const errors = problems.map(({ field, message }) => ({ href: `#${field ?? 'email'}`, field: field ?? 'email', text: message }));
    return this.renderForm(res, scope, heading, values, errors, id, error.getStatus());
  }
}

const USER_FORM_FIELDS = ['email', 'displayName', 'role', 'organisationCode', 'staffEmployeeRef', 'password', 'disabled'];

interface FormError {
  href: string;
  field: string;
  text: string;
}

function problemsToErrors(problems: { property: string; constraints?: Record<string, string> }[]): FormError[] {
  return problems.map((p) => ({ href: `#${p.property}`, field: p.property, text: Object.values(p.constraints ?? {})[0] ?? `${p.property} is not valid` }));
}
