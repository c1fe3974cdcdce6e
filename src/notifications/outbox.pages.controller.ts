import { Controller, Get, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { AppConfig } from '../config/app-config';
import { NO_MAIL_SERVER } from './outbox-sender';
import { OutboxService } from './outbox.service';

/** What each kind of message is, in words. Kinds written by other features show as they are. */
const KINDS: Record<string, string> = {
  'booking-confirmed': 'Booking confirmed',
  'waiting-list-place': 'Place from the waiting list',
  'session-cancelled': 'Session cancelled',
  'session-reminder': 'Reminder the day before',
  'certificate-and-feedback': 'Certificate and feedback link',
  'register-reminder': 'Register not taken',
  'reminder-due': 'Training runs out soon',
  'reminder-lapsed': 'Training ran out',
  'reminder-missing': 'Training overdue, never done',
  'reminder-new-starter': 'New starter: training due',
  'manager-digest': 'Manager’s weekly digest',
};
const STATES = {
  queued: { text: 'Waiting to send', colour: 'govuk-tag--blue' },
  sending: { text: 'Sending', colour: 'govuk-tag--yellow' },
  sent: { text: 'Sent', colour: 'govuk-tag--green' },
  failed: { text: 'Failed', colour: 'govuk-tag--red' },
} as const;
const PAGE_SIZE = 50;

/** Administrators: the outbox, every email the tracker has written, with what the mail server answered. */
@ApiExcludeController()
@Allow('admin')
@Controller('admin/outbox')
export class OutboxPagesController {
  constructor(
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Render('admin/outbox')
  async list(@CurrentScope() scope: Scope, @Query('page') pageNumber?: string) {
    const wanted = Number.parseInt(String(pageNumber ?? '1'), 10);
    const page = await this.outbox.list(scope, { page: Number.isFinite(wanted) && wanted > 0 ? wanted : 1, pageSize: PAGE_SIZE });
    return {
      title: 'Outbox',
      mailServer: Boolean(this.config.SMTP_URL),
      page: {
        ...page,
        items: page.items.map((m) => ({
          ...m,
          what: KINDS[m.kind] ?? m.kind,
          stateText: STATES[m.state].text,
          stateColour: STATES[m.state].colour,
          answer: m.lastAnswer ?? (m.state === 'queued' && !this.config.SMTP_URL ? NO_MAIL_SERVER : null),
          nextTry: m.state === 'queued' && m.attempts > 0 ? m.nextAttemptAt : null,
        })),
      },
      breadcrumbs: [{ text: 'Admin', href: '/admin' }],
    };
  }
}
