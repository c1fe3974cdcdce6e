import { Global, Module, OnModuleInit } from '@nestjs/common';
import { Scheduler } from '../jobs/scheduler';
import { OutboxSender } from './outbox-sender';
import { OutboxService } from './outbox.service';
import { OutboxPagesController } from './outbox.pages.controller';
import { SessionMessages } from './session-messages';
import { ManagerDigests } from './digests';
import { Reminders } from './reminders';

const MINUTE = 60_000;

/** Email: the outbox (written in callers' transactions), its sender, the messages' words and the jobs that write reminders. */
@Global()
@Module({
  controllers: [OutboxPagesController],
  providers: [OutboxService, OutboxSender, SessionMessages, Reminders, ManagerDigests],
  exports: [OutboxService, OutboxSender, SessionMessages, Reminders, ManagerDigests],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly sender: OutboxSender,
    private readonly sessions: SessionMessages,
    private readonly reminders: Reminders,
    private readonly digests: ManagerDigests,
  ) {}

  onModuleInit(): void {
    // Every server sends: each message is claimed before it is sent, so none goes twice.
    this.scheduler.add({ name: 'send-outbox', everyMs: 15_000, once: false, run: (now) => this.sender.sendDue(now) });
    this.scheduler.add({ name: 'session-reminders', everyMs: 60 * MINUTE, once: true, run: (now) => this.sessions.dayBeforeReminders(now) });
    this.scheduler.add({ name: 'register-reminders', everyMs: 60 * MINUTE, once: true, run: (now) => this.sessions.registerReminders(now) });
    // Training due and overdue, daily; the managers' digest once a week (its key is the week, so the first run each week writes it).
    this.scheduler.add({ name: 'training-reminders', everyMs: 24 * 60 * MINUTE, once: true, run: (now) => this.reminders.run(now) });
    this.scheduler.add({ name: 'manager-digests', everyMs: 24 * 60 * MINUTE, once: true, run: (now) => this.digests.run(now) });
  }
}
