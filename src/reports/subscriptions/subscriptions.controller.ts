import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { CreateSubscriptionDto, SubscriptionListView, SubscriptionView } from './subscriptions.dto';
import { SubscriptionsService } from './subscriptions.service';

@ApiTags('reports')
@ApiSignedIn()
@Controller('api/report-subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Get()
  @Allow('admin', 'coordinator')
  @ApiOperation({ summary: 'Scheduled reports for organisations of yours' })
  @ApiOkResponse({ type: SubscriptionListView })
  async list(@CurrentScope() scope: Scope): Promise<SubscriptionListView> {
    return { items: await this.subscriptions.list(scope) };
  }

  @Post()
  @Allow('admin', 'coordinator')
  @ApiOperation({
    summary: 'Email a report to a list of addresses on a schedule',
    description: 'The Working Group pack, the NHS return or the trend for an organisation of yours, emailed to each address when each quarter closes, or monthly or weekly, always with the figures of the last closed quarter.',
  })
  @ApiCreatedResponse({ type: SubscriptionView })
  @ApiErrors({ badRequest: 'A field is missing or not valid', unprocessable: 'No organisation with that code among yours, or the NHS return asked for an organisation outside health' })
  create(@CurrentScope() scope: Scope, @Body() dto: CreateSubscriptionDto): Promise<SubscriptionView> {
    return this.subscriptions.create(scope, dto);
  }

  @Delete(':id')
  @Allow('admin', 'coordinator')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop a scheduled report' })
  @ApiNoContentResponse({ description: 'Stopped' })
  @ApiErrors({ notFound: 'No such scheduled report among yours' })
  async remove(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.subscriptions.remove(scope, id);
  }
}
