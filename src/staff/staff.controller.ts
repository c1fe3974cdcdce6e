import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { Page } from '../common/paging';
import { CreateStaffDto, StaffQuery, StaffView, UpdateStaffDto } from './dto/staff.dto';
import { StaffService, staffView } from './staff.service';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('api/staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get()
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  list(@CurrentScope() scope: Scope, @Query() query: StaffQuery): Promise<Page<StaffView>> {
    return this.staff.list(scope, query);
  }

  @Get(':id')
  @Allow('admin', 'coordinator', 'manager', 'trainer')
  async get(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<StaffView> {
    return staffView(await this.staff.visible(scope, id));
  }

  @Post()
  @Allow('admin', 'coordinator')
  async create(@CurrentScope() scope: Scope, @Body() dto: CreateStaffDto): Promise<StaffView> {
    return staffView(await this.staff.create(scope, dto));
  }

  @Patch(':id')
  @Allow('admin', 'coordinator')
  async update(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateStaffDto): Promise<StaffView> {
    return staffView(await this.staff.update(scope, id, dto));
  }

  /** Removes a person and their records entirely (e.g. entered by mistake); leavers get an endDate instead. */
  @Delete(':id')
  @Allow('admin', 'coordinator')
  @HttpCode(204)
  remove(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.staff.remove(scope, id);
  }
}
