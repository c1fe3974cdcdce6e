import { Global, Module } from '@nestjs/common';
import { OutboxService } from './outbox.service';

/** Email: the outbox (written in callers' transactions), its sender and the messages' words. */
@Global()
@Module({
  providers: [OutboxService],
  exports: [OutboxService],
})
export class NotificationsModule {}
