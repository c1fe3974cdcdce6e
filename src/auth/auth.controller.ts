import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { CreateTokenDto, SignInDto } from '../users/dto/user.dto';
import { TokensService } from '../users/tokens.service';
import { User } from '../users/user.entity';
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
  ) {}

  /** For scripts: email and password in, a personal API token out (shown once). */
  @Post('token')
  @Public()
  @UseGuards(ThrottlerGuard)
  @SignInThrottle()
  async token(@Body() dto: SignInDto, @Req() req: Request) {
    const user = await this.signIn.signIn(dto.email, dto.password, req.ip ?? null);
    const { token, record } = await this.tokens.issue(user.id, dto.name ?? `Script token ${new Date().toISOString().slice(0, 10)}`);
    return { token, id: record.id, name: record.name, role: user.role };
  }

  @Get('me')
  @AnySignedIn()
  me(@Req() req: SignedInRequest) {
    const u = req.user;
    return { id: u.id, email: u.email, displayName: u.displayName, role: u.role, roleName: ROLE_NAMES[u.role] };
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
