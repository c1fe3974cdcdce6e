import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Page } from '../common/paging';
import { CreateStaffDto, StaffQuery, StaffView, UpdateStaffDto } from './dto/staff.dto';
import { StaffService, staffView } from './staff.service';

@ApiTags('staff')
@Controller('api/staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get()
  list(@Query() query: StaffQuery): Promise<Page<StaffView>> {
    return this.staff.list(query);
  }

  @Get(':id')
  async get(@Param('id', ParseIntPipe) id: number): Promise<StaffView> {
    return staffView(await this.staff.get(id));
  }

  @Post()
  async create(@Body() dto: CreateStaffDto): Promise<StaffView> {
    return staffView(await this.staff.create(dto));
  }

  @Patch(':id')
  async update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateStaffDto): Promise<StaffView> {
    return staffView(await this.staff.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.staff.remove(id);
  }
}
