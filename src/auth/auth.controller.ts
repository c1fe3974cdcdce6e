import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { ChangePasswordDto, CreateTokenDto, PasswordChangedView, SignInDto } from '../users/dto/user.dto';
import { TokensService } from '../users/tokens.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AnySignedIn, Public } from './allow.decorator';
import { ROLE_NAMES } from './scope';
import { SignInThrottle } from './sign-in-throttle';
import { SignInService } from './sign-in.service';

type SignedInRequest = Request & { user: User };

@ApiTags('auth')
@ApiBearerAuth()
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
  async token(@Body() dto: SignInDto, @Req() req: Request) {
    const user = await this.signIn.checkForToken(dto.email, dto.password, dto.code, req.ip ?? null);
    const { token, record } = await this.tokens.issue(user.id, dto.name ?? `Script token ${new Date().toISOString().slice(0, 10)}`);
    return { token, id: record.id, name: record.name, role: user.role };
  }

  @Get('me')
  @AnySignedIn()
  me(@Req() req: SignedInRequest) {
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
  @ApiOkResponse({ type: PasswordChangedView })
  changePassword(@Req() req: SignedInRequest, @Body() dto: ChangePasswordDto): Promise<PasswordChangedView> {
    return this.users.changePassword(req.user.id, dto.currentPassword, dto.newPassword, {
      keepSessionId: req.session?.userId === req.user.id ? req.sessionID : undefined,
      revokeTokens: dto.revokeTokens ?? false,
    });
  }

  @Get('tokens')
  @AnySignedIn()
  async list(@Req() req: SignedInRequest) {
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
  async create(@Req() req: SignedInRequest, @Body() dto: CreateTokenDto) {
    const { token, record } = await this.tokens.issue(req.user.id, dto.name);
    return { token, id: record.id, name: record.name };
  }

  @Delete('tokens/:id')
  @AnySignedIn()
  @HttpCode(204)
  revoke(@Req() req: SignedInRequest, @Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.tokens.revoke(req.user.id, id);
  }
}
