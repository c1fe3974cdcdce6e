/**
 * Scheduled delivery: coordinators subscribe addresses to a report for an organisation of theirs,
 * and the hourly job (once across servers) emails each address its own copy through the outbox
 * when a delivery falls due (delivery-periods.ts), with the figures of the last closed quarter.
 * The outbox key names the subscription, the period and the address, so each is sent once.
 */
import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ScopeService } from '../../access/scope.service';
import type { Scope } from '../../auth/scope';
import { formatUkDate, todayIso } from '../../common/dates';
import { FieldError } from '../../common/field-error';
import { AppConfig } from '../../config/app-config';
import { OutboxService } from '../../notifications/outbox.service';
import { Organisation } from '../../organisations/organisation.entity';
import { quarterLabel } from '../quarterly/quarterly.service';
import { type Delivery, deliveryDue, nextDeliveryOn } from './delivery-periods';
import { ReportDeliveries } from './report-deliveries';
import { FREQUENCY_NAMES, REPORT_NAMES, ReportSubscription } from './report-subscription.entity';
import type { CreateSubscriptionDto, SubscriptionView } from './subscriptions.dto';

export function deliveryKey(subscriptionId: number, period: string, address: string): string {
  // The address hashed: keys are short and shown nowhere, and two long addresses never share one.
  const who = createHash('sha256').update(address.trim().toLowerCase()).digest('hex').slice(0, 20);
  return `report-subscription:${subscriptionId}:${period}:${who}`;
}

@Injectable()
export class SubscriptionsService {
  private readonly logger = new Logger('ReportSubscriptions');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly outbox: OutboxService,
    private readonly deliveries: ReportDeliveries,
    private readonly config: AppConfig,
  ) {}

  async list(scope: Scope): Promise<SubscriptionView[]> {
    const rows = await this.scopes.reportSubscriptions(scope).innerJoinAndSelect('rs.organisation', 'o').orderBy('o.name', 'ASC').addOrderBy('rs.id', 'ASC').getMany();
    const today = todayIso(this.config.TIME_ZONE);
    return rows.map((r) => viewOf(r, today));
  }

  async create(scope: Scope, dto: CreateSubscriptionDto): Promise<SubscriptionView> {
    this.scopes.assertCanEditPeople(scope);
    const organisation = await this.scopes.organisationField(scope, dto.organisation, 'organisation');
    if (dto.report === 'nhs-return' && organisation.sector !== 'health') {
      throw new FieldError('organisation', `The NHS return is for health organisations; choose one, or another report for ${organisation.name}`);
    }
    const recipients = [...new Set(dto.recipients.map((a) => a.trim().toLowerCase()))];
    const saved = await this.dataSource.manager.save(
      ReportSubscription,
      this.dataSource.manager.create(ReportSubscription, {
        organisationId: organisation.id,
        report: dto.report,
        frequency: dto.frequency,
        recipients: JSON.stringify(recipients),
        createdBy: scope.recordedBy,
        createdOn: todayIso(this.config.TIME_ZONE),
      }),
    );
    return viewOf({ ...saved, organisation }, todayIso(this.config.TIME_ZONE));
  }

  /** Stops a subscription; one outside the scope answers 404 as if it did not exist. */
  async remove(scope: Scope, id: number): Promise<void> {
    this.scopes.assertCanEditPeople(scope);
    const found = await this.scopes.reportSubscriptions(scope).andWhere('rs.id = :id', { id }).getOne();
    if (!found) throw new NotFoundException('No such scheduled report among yours');
    await this.dataSource.manager.delete(ReportSubscription, { id: found.id });
  }

  /** The job: every delivery due today, each address once. Answers how many emails were queued. */
  async run(now = new Date()): Promise<number> {
    const today = todayIso(this.config.TIME_ZONE, now);
    const subscriptions = await this.dataSource.manager.find(ReportSubscription, { relations: { organisation: true }, order: { id: 'ASC' } });
    let queued = 0;
    for (const subscription of subscriptions) {
      const delivery = deliveryDue(subscription.frequency, subscription.createdOn, today);
      if (!delivery) continue;
      try {
        queued += await this.deliver(subscription, delivery, now);
      } catch (error) {
        // One report that cannot be made (Chromium gone, say) does not hold up the others; it is tried again next hour.
        this.logger.error(`Scheduled report ${subscription.id} (${subscription.report}) failed: ${(error as Error).message}`);
      }
    }
    return queued;
  }

  private async deliver(subscription: ReportSubscription & { organisation: Organisation }, delivery: Delivery, now: Date): Promise<number> {
    const m = this.dataSource.manager;
    const pending: string[] = [];
    for (const to of parseRecipients(subscription.recipients)) if (!(await this.outbox.has(m, deliveryKey(subscription.id, delivery.period, to)))) pending.push(to);
    if (pending.length === 0) return 0;
    const content = await this.deliveries.build(subscription.report, subscription.organisation, delivery.quarter);
    const label = quarterLabel(delivery.quarter);
    const subject = `${REPORT_NAMES[subscription.report]}, ${label}: ${subscription.organisation.name}`;
    const text = [
      `${REPORT_NAMES[subscription.report]} for ${subscription.organisation.name}, with the figures of ${label}, which closed on ${formatUkDate(delivery.quarter.end)}.`,
      ...content.lines,
      `You get this because ${subscription.createdBy} asked for it to be sent to you ${FREQUENCY_NAMES[subscription.frequency].toLowerCase()}. To stop it, ask them, or anyone who manages scheduled reports at ${this.config.PUBLIC_URL}/reports/subscriptions.`,
      'Prevent training tracker',
    ].join('\n\n') + '\n';
    return this.dataSource.transaction(async (tx) => {
      let written = 0;
      for (const to of pending) {
        const fresh = await this.outbox.enqueue(
          tx,
          { to, subject, text, key: deliveryKey(subscription.id, delivery.period, to), kind: 'scheduled-report', organisationId: subscription.organisationId, attachments: content.attachments },
          now,
        );
        if (fresh) written++;
      }
      return written;
    });
  }
}

function parseRecipients(json: string): string[] {
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) ? list.filter((a): a is string => typeof a === 'string' && a.includes('@')) : [];
  } catch {
    return [];
  }
}

function viewOf(r: ReportSubscription & { organisation: Organisation }, today: string): SubscriptionView {
  const next = nextDeliveryOn(r.frequency, today);
  return {
    id: r.id,
    report: r.report,
    reportName: REPORT_NAMES[r.report],
    organisation: { code: r.organisation.code, name: r.organisation.name },
    frequency: r.frequency,
    frequencyName: FREQUENCY_NAMES[r.frequency],
    recipients: parseRecipients(r.recipients),
    createdBy: r.createdBy,
    createdOn: r.createdOn,
    next: `Next on ${formatUkDate(next)}, with the figures of the last quarter closed by then`,
  };
}
