import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

@ApiExcludeController()
@Controller()
export class HomePagesController {
  @Get()
  @Render('home/index')
  home() {
    return { title: 'Prevent training tracker' };
  }
}
