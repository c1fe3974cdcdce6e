import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { ApiErrors, ApiSignedIn, ErrorBody } from '../common/openapi';
import { ApiTokenCreatedView, ApiTokenView, ChangePasswordDto, CreateTokenDto, MeView, PasswordChangedView, SignInDto, TokenIssuedView } from '../users/dto/user.dto';
import { TokensService } from '../users/tokens.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AnySignedIn, Public } from './allow.decorator';
import { ROLE_NAMES } from './scope';
import { SignInThrottle } from './sign-in-throttle';
import { SignInService } from './sign-in.service';

type SignedInRequest = Request & { user: User };

/** Signed in with the session cookie, a change also needs the CSRF token; bearer-token calls do not. */
const CSRF_REFUSED = 'Signed in with the session cookie, but the X-CSRF-Token header is missing or not valid';

/** Every operation but POST /api/auth/token needs sign-in, so @ApiSignedIn is on each of them, not on the class. */
@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly signIn: SignInService,
    private readonly tokens: TokensService,
    private readonly users: UsersService,
  ) {}

  /**
   * For scripts: email and password in, a personal API token out (shown once). An account with a
   * second factor sends `code` as well; tokens already issued are not affected by a second factor.
   */
  @Post('token')
  @Public()
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  @ApiOperation({
    summary: 'Sign in for a script: get a personal API token',
    description:
      'Email and password (and, for an account with a second factor, code) in; a new API token out, shown only this once. ' +
      'Send it as "Authorization: Bearer <token>". No sign-in needed.',
  })
  @ApiCreatedResponse({ type: TokenIssuedView, description: 'Signed in: the new token' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'The email, password, name or code is missing or too long' })
  @ApiUnauthorizedResponse({
    type: ErrorBody,
    description:
      'The email address or password is not right (also for an account locked after too many wrong attempts), the account is disabled, ' +
      'or the account uses a second factor and the code is missing or not right',
  })
  @ApiForbiddenResponse({
    type: ErrorBody,
    description:
      'Accounts at this email domain must use single sign-on, the role must use a second factor that is not set up yet, ' +
      'or a browser already signed in sent no valid X-CSRF-Token header',
  })
  @ApiTooManyRequestsResponse({ type: ErrorBody, description: 'Too many sign-in attempts from this address: wait a minute' })
  async token(@Body() dto: SignInDto, @Req() req: Request): Promise<TokenIssuedView> {
    const user = await this.signIn.checkForToken(dto.email, dto.password, dto.code, req.ip ?? null);
    const { token, record } = await this.tokens.issue(user.id, dto.name ?? `Script token ${new Date().toISOString().slice(0, 10)}`);
    return { token, id: record.id, name: record.name, role: user.role };
  }

  @Get('me')
  @AnySignedIn()
  @ApiSignedIn()
  @ApiOperation({ summary: 'See who you are signed in as', description: 'Your account and its role.' })
  @ApiOkResponse({ type: MeView })
  me(@Req() req: SignedInRequest): MeView {
    const u = req.user;
    return { id: u.id, email: u.email, displayName: u.displayName, role: u.role, roleName: ROLE_NAMES[u.role] };
  }

  /**
   * Changes your own password. Your other signed-in sessions end (a session making this call
   * stays signed in); with `revokeTokens: true` every API token of yours is revoked as well.
   */
  @Post('password')
  @AnySignedIn()
  @HttpCode(200)
  @ApiSignedIn()
  @ApiOperation({
    summary: 'Change your password',
    description: 'Your other signed-in sessions end (the one asking stays signed in); with revokeTokens: true, every API token of yours is revoked too.',
  })
  @ApiOkResponse({ type: PasswordChangedView, description: 'Changed: how many sessions ended and tokens were revoked' })
  @ApiErrors({
    badRequest: 'The new password is too short, too long, or common or easy to guess',
    forbidden: CSRF_REFUSED,
    unprocessable: 'The current password is not right',
  })
  changePassword(@Req() req: SignedInRequest, @Body() dto: ChangePasswordDto): Promise<PasswordChangedView> {
    return this.users.changePassword(req.user.id, dto.currentPassword, dto.newPassword, {
      keepSessionId: req.session?.userId === req.user.id ? req.sessionID : undefined,
      revokeTokens: dto.revokeTokens ?? false,
    });
  }

  @Get('tokens')
  @AnySignedIn()
  @ApiSignedIn()
  @ApiOperation({ summary: 'List your API tokens', description: 'Newest first, revoked ones too. The tokens themselves are never shown again.' })
  @ApiOkResponse({ type: [ApiTokenView] })
  async list(@Req() req: SignedInRequest): Promise<ApiTokenView[]> {
    return (await this.tokens.list(req.user.id)).map((t) => ({
      id: t.id,
      name: t.name,
      prefix: t.prefix,
      createdAt: t.createdAt,
      lastUsedAt: t.lastUsedAt,
      revokedAt: t.revokedAt,
    }));
  }

  @Post('tokens')
  @AnySignedIn()
  @ApiSignedIn()
  @ApiOperation({ summary: 'Create an API token for a script', description: 'The token is shown only in this answer: copy it now.' })
  @ApiCreatedResponse({ type: ApiTokenCreatedView, description: 'Created: the new token' })
  @ApiErrors({ badRequest: 'The name is missing or longer than 100 characters', forbidden: CSRF_REFUSED })
  async create(@Req() req: SignedInRequest, @Body() dto: CreateTokenDto): Promise<ApiTokenCreatedView> {
    const { token, record } = await this.tokens.issue(req.user.id, dto.name);
    return { token, id: record.id, name: record.name };
  }

  @Delete('tokens/:id')
  @AnySignedIn()
  @HttpCode(204)
  @ApiSignedIn()
  @ApiOperation({ summary: 'Revoke one of your API tokens', description: 'Scripts using it are refused from then on. Revoking a revoked token again changes nothing.' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors({ badRequest: 'The id is not a number', forbidden: CSRF_REFUSED, notFound: 'No token of yours with that id' })
  revoke(@Req() req: SignedInRequest, @Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.tokens.revoke(req.user.id, id);
  }
}
