import { Controller, Delete, HttpCode, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { UsersService } from '../users/users.service';
import { SecondFactorService } from './second-factor.service';

/**
 * An administrator resets the second factor of an account inside their subtree (someone who lost
 * their phone and codes): the app and codes go, the account's sessions end, the audit log says so.
 */
@ApiTags('users')
@ApiBearerAuth()
@Allow('admin')
@Controller()
export class SecondFactorAdminController {
  constructor(
    private readonly users: UsersService,
    private readonly secondFactor: SecondFactorService,
  ) {}

  @Delete('api/users/:id/second-factor')
  @HttpCode(204)
  async resetApi(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.secondFactor.reset(await this.users.get(scope, id));
  }

  @Post('admin/users/:id/second-factor/reset')
  @ApiExcludeEndpoint()
  async resetPage(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Res() res: Response): Promise<void> {
    await this.secondFactor.reset(await this.users.get(scope, id));
    res.redirect(303, `/admin/users/${id}?done=second-factor-reset`);
  }
}
