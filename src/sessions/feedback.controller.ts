import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '../auth/allow.decorator';
import { FeedbackDto, FeedbackSessionView } from './dto/feedback.dto';
import { FeedbackService } from './feedback.service';

/** The anonymous feedback link: no sign-in, so the token is the key and requests are rate limited. */
@ApiTags('feedback')
@Controller('api/feedback')
@Public()
@UseGuards(ThrottlerGuard)
@Throttle({ default: { limit: 20, ttl: 60_000 } })
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Get(':token')
  @Public()
  session(@Param('token') token: string): Promise<FeedbackSessionView> {
    return this.feedback.sessionFor(token);
  }

  @Post(':token')
  @Public()
  submit(@Param('token') token: string, @Body() dto: FeedbackDto): Promise<{ received: true }> {
    return this.feedback.submit(token, dto);
  }
}
