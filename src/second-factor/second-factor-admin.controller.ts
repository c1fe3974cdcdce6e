import { Controller, Delete, HttpCode, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { UsersService } from '../users/users.service';
import { SecondFactorService } from './second-factor.service';

/**
 * An administrator resets the second factor of an account inside their subtree (someone who lost
 * their phone and codes): the app and codes go, the account's sessions end, the audit log says so.
 */
@ApiTags('users')
@ApiSignedIn()
@Allow('admin')
@Controller()
export class SecondFactorAdminController {
  constructor(
    private readonly users: UsersService,
    private readonly secondFactor: SecondFactorService,
  ) {}

  @Delete('api/users/:id/second-factor')
  @HttpCode(204)
  @ApiOperation({
    summary: "Reset someone's second factor when they have lost their authenticator app and recovery codes",
    description: "The account's authenticator app and recovery codes are removed and its signed-in sessions end (API tokens are not affected); the next sign-in sets a new app up where the role needs one. The audit log records it.",
  })
  @ApiNoContentResponse({ description: 'Reset' })
  @ApiErrors({ badRequest: 'The id is not a number', forbidden: 'Only administrators reset second factors', notFound: 'No account with that id among those you manage' })
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
