import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AnySignedIn } from '../auth/allow.decorator';

@ApiExcludeController()
@Controller()
export class HomePagesController {
  @Get()
  @AnySignedIn()
  @Render('home/index')
  home() {
    return { title: 'Prevent training tracker' };
  }
}
