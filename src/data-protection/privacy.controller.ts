import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, PartnershipWide, Public } from '../auth/allow.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { PrivacyControllerDto, PrivacyInformationView } from './privacy.dto';
import { PrivacyService } from './privacy.service';

@ApiTags('data protection')
@Controller('api/privacy')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The privacy information', description: 'Who the data controller is, how to reach the data protection officer and how long leavers’ details are kept. No sign-in needed.' })
  @ApiOkResponse({ type: PrivacyInformationView })
  information(): Promise<PrivacyInformationView> {
    return this.privacy.information();
  }

  @Put()
  @ApiSignedIn()
  @Allow('admin')
  @PartnershipWide()
  @ApiOperation({ summary: 'Set the data controller’s details shown on the privacy page' })
  @ApiOkResponse({ type: PrivacyControllerDto })
  @ApiErrors({ badRequest: 'A detail is missing or not valid', forbidden: 'Only administrators for the whole partnership can change this: it is shared by everyone' })
  setController(@Body() dto: PrivacyControllerDto): Promise<PrivacyControllerDto> {
    return this.privacy.setController(dto);
  }
}
