import { Body, Controller, Get, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { CreatedUserView, CreateUserDto, UpdateUserDto, UserView } from './dto/user.dto';
import { UsersService, userView } from './users.service';

@ApiTags('users')
@ApiSignedIn()
@ApiErrors({ forbidden: 'Only administrators manage user accounts' })
@Allow('admin')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List the user accounts you manage', description: 'Accounts limited to your organisation or one inside it, by name; an account for the whole partnership sees every account.' })
  @ApiOkResponse({ type: [UserView] })
  async list(@CurrentScope() scope: Scope): Promise<UserView[]> {
    return (await this.users.list(scope)).map(userView);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a user account' })
  @ApiOkResponse({ type: UserView })
  @ApiErrors({ badRequest: 'The id is not a number', notFound: 'No account with that id among those you manage' })
  async get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<UserView> {
    return userView(await this.users.get(scope, id));
  }

  /** Without a password, a temporary one is generated and returned once. */
  @Post()
  @ApiOperation({
    summary: 'Give someone a user account',
    description: 'With a role and the organisation it is limited to. Leave the password out to have a temporary one made: it is shown only in this answer.',
  })
  @ApiCreatedResponse({ type: CreatedUserView, description: 'Created, with the temporary password when none was given' })
  @ApiErrors({
    badRequest: 'A field is missing or not valid, or the password is too short, too long, or common or easy to guess',
    conflict: 'The email address already has an account, or cannot be used for a new one',
    unprocessable:
      'The organisation is not yours or one inside it, none was given for an account that is not an administrator, or there is no person with that employee reference among yours',
  })
  async create(@CurrentScope() scope: Scope, @Body() dto: CreateUserDto): Promise<CreatedUserView> {
    const { user, temporaryPassword } = await this.users.create(scope, dto);
    return { ...userView(user), temporaryPassword };
  }

  /** Change role, organisation scope or linked staff record; disable with { disabled: true }. */
  @Patch(':id')
  @ApiOperation({
    summary: "Change a user account's name, role, organisation or staff record, or disable it",
    description: 'Give only the fields to change; disabled: true stops the account signing in or using its API tokens.',
  })
  @ApiOkResponse({ type: UserView })
  @ApiErrors({
    badRequest: 'A field is not valid',
    notFound: 'No account with that id among those you manage',
    unprocessable:
      'The organisation is not yours or one inside it, none is set for an account that is not an administrator, or there is no person with that employee reference among yours',
  })
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateUserDto): Promise<UserView> {
    return userView(await this.users.update(scope, id, dto));
  }
}
