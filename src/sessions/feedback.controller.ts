import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '../auth/allow.decorator';
import { ApiErrors, ErrorBody } from '../common/openapi';
import { FeedbackDto, FeedbackReceivedView, FeedbackSessionView } from './dto/feedback.dto';
import { FeedbackService } from './feedback.service';

/** The anonymous feedback link: no sign-in, so the token is the key and requests are rate limited. */
@ApiTags('feedback')
@Controller('api/feedback')
@Public()
@UseGuards(ThrottlerGuard)
@Throttle({ default: { limit: 20, ttl: 60_000 } })
@ApiTooManyRequestsResponse({ type: ErrorBody, description: 'Too many requests from this address: wait a minute' })
@ApiErrors({ notFound: 'The feedback link is not valid' })
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Get(':token')
  @Public()
  @ApiOperation({ summary: 'See which session a feedback link is for', description: 'No sign-in needed: the link is the key.' })
  @ApiOkResponse({ type: FeedbackSessionView })
  session(@Param('token') token: string): Promise<FeedbackSessionView> {
    return this.feedback.sessionFor(token);
  }

  @Post(':token')
  @Public()
  @ApiOperation({ summary: 'Give feedback on a session you attended', description: 'No sign-in needed; anonymous unless you give your employee reference. Open until 14 days after the session.' })
  @ApiCreatedResponse({ type: FeedbackReceivedView })
  @ApiErrors({
    badRequest: 'A rating is missing or not between 1 and 5',
    gone: 'Feedback for the session has closed',
    conflict: 'You have already given feedback on this session',
    unprocessable: 'The employee reference is not someone who attended',
  })
  submit(@Param('token') token: string, @Body() dto: FeedbackDto): Promise<FeedbackReceivedView> {
    return this.feedback.submit(token, dto);
  }
}
