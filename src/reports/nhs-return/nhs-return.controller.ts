import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AnySignedIn, PartnershipWide } from '../../auth/allow.decorator';
import { CurrentScope } from '../../auth/current-scope.decorator';
import { Scope } from '../../auth/scope';
import { ApiErrors, ApiSignedIn } from '../../common/openapi';
import { NhsMappingDto, NhsMappingView, NhsReturnQuery, NhsReturnView } from './nhs-return.dto';
import { NhsReturnService } from './nhs-return.service';

@ApiTags('reports')
@ApiSignedIn()
@Controller('api/reports/nhs-return')
export class NhsReturnController {
  constructor(private readonly nhs: NhsReturnService) {}

  /** The NHS England quarterly Prevent return of a health organisation: figures only, for every role. */
  @Get()
  @AnySignedIn()
  @ApiOperation({
    summary: 'NHS Prevent quarterly return of a health organisation',
    description: 'For each quarter of the financial year that has ended: Prevent lead named and trained; staff eligible for and trained in basic Prevent awareness and in WRAP / level 3, with the percentage (the gap analysis at the quarter’s last day for the mapped levels); referrals from the impact figures.',
  })
  @ApiOkResponse({ type: NhsReturnView })
  @ApiErrors({ badRequest: 'The year or quarter is not valid', notFound: 'No organisation with that code among yours', unprocessable: 'The organisation is not a health organisation' })
  report(@CurrentScope() scope: Scope, @Query() query: NhsReturnQuery): Promise<NhsReturnView> {
    return this.nhs.nhsReturn(scope, query);
  }

  @Get('mapping')
  @AnySignedIn()
  @ApiOperation({ summary: 'Which levels count for the NHS return’s basic Prevent awareness and WRAP / level 3' })
  @ApiOkResponse({ type: NhsMappingView })
  mapping(): Promise<NhsMappingView> {
    return this.nhs.mapping();
  }

  @Put('mapping')
  @Allow('admin')
  @PartnershipWide()
  @ApiOperation({ summary: 'Choose which levels count for each of the NHS return’s training categories' })
  @ApiOkResponse({ type: NhsMappingView })
  @ApiErrors({
    badRequest: 'A list of level codes is missing or not valid',
    forbidden: 'Only administrators for the whole partnership can change this: it is shared by everyone',
    unprocessable: 'No level with one of the codes, or a level chosen for both categories',
  })
  setMapping(@CurrentScope() scope: Scope, @Body() dto: NhsMappingDto): Promise<NhsMappingView> {
    return this.nhs.setMapping(scope, dto.basicLevels, dto.wrapLevels);
  }
}
