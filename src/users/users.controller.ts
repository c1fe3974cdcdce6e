import { Body, Controller, Get, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { CreateUserDto, UpdateUserDto, UserView } from './dto/user.dto';
import { UsersService, userView } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Allow('admin')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list(@CurrentScope() scope: Scope): Promise<UserView[]> {
    return (await this.users.list(scope)).map(userView);
  }

  @Get(':id')
  async get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<UserView> {
    return userView(await this.users.get(scope, id));
  }

  /** Without a password, a temporary one is generated and returned once. */
  @Post()
  async create(@CurrentScope() scope: Scope, @Body() dto: CreateUserDto): Promise<UserView & { temporaryPassword: string | null }> {
    const { user, temporaryPassword } = await this.users.create(scope, dto);
    return { ...userView(user), temporaryPassword };
  }

  /** Change role, organisation scope or linked staff record; disable with { disabled: true }. */
  @Patch(':id')
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateUserDto): Promise<UserView> {
    return userView(await this.users.update(scope, id, dto));
  }
}
