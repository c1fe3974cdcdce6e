import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { ErasureCheckView, ErasureDto, ErasureResultView } from './dto/erasure.dto';
import { ErasureService } from './erasure.service';

/** Erasure on request: administrators, for people in their subtree. */
@ApiTags('data protection')
@ApiSignedIn()
@Controller('api/staff/:id/erasure')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Get()
  @Allow('admin')
  @ApiOperation({ summary: 'Whether a person can be erased', description: 'The sessions within the retention period they are the trainer of record of, and why erasing everything is refused if it is.' })
  @ApiOkResponse({ type: ErasureCheckView })
  @ApiErrors({ notFound: 'No person with that id in your subtree' })
  async check(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number): Promise<ErasureCheckView> {
    return this.erasure.check(scope, id);
  }

  @Post()
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Erase a person on request', description: 'Anonymises them at once, as retention would; the reason is written to the audit log.' })
  @ApiOkResponse({ type: ErasureResultView })
  @ApiErrors({ badRequest: 'No reason given', notFound: 'No person with that id in your subtree', conflict: 'Already anonymised, or the trainer of record of sessions still kept (send keepTrainerName)' })
  async erase(@CurrentScope() scope: Scope, @Param('id', ParseIntPipe) id: number, @Body() dto: ErasureDto): Promise<ErasureResultView> {
    return this.erasure.erase(scope, id, dto.reason, dto.keepTrainerName === true);
  }
}
