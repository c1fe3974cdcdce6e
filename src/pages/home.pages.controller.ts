import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AnySignedIn } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { ROLE_NAMES, Scope } from '../auth/scope';
import { HomeService } from './home.service';

@ApiExcludeController()
@Controller()
export class HomePagesController {
  constructor(private readonly homes: HomeService) {}

  /** The home page: what needs doing for this account's role, and the way to it. */
  @Get()
  @AnySignedIn()
  @Render('home/index')
  async home(@CurrentScope() scope: Scope) {
    const home = await this.homes.home(scope);
    return { title: 'Home', roleName: ROLE_NAMES[home.role], home, is: { [home.role]: true } };
  }
}
