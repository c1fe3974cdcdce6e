/**
 * When a subscription is due and what it holds (pure): the delivery's period names it in its
 * outbox key, so however often and on however many servers the job runs, each address gets each
 * delivery once. Every delivery holds the figures of the last closed quarter, never a running one.
 */
import { addDays, financialQuarter, type IsoDate, type Quarter, quarterOf } from '../../common/dates';
import { weekOf } from '../../notifications/digests';
import { lastEndedQuarter } from '../quarterly/quarterly.service';
import type { Frequency } from './report-subscription.entity';

export interface Delivery {
  /** Names the delivery in its outbox key: 2026Q3, M2027-01 or W2027-01-04. */
  period: string;
  /** The closed quarter whose figures it holds. */
  quarter: { year: number; quarter: Quarter; end: IsoDate };
}

/**
 * The delivery due on `today`, or null. A period is delivered once it has begun (a quarterly one
 * the day after its quarter closes, a monthly one on the 1st, a weekly one on Monday), if that
 * happened on or after the day the subscription was made: subscribing sends nothing at once.
 */
export function deliveryDue(frequency: Frequency, createdOn: IsoDate, today: IsoDate): Delivery | null {
  const closed = lastEndedQuarter(today);
  const quarter = { ...closed, end: financialQuarter(closed.year, closed.quarter).end };
  const [period, begins] =
    frequency === 'quarterly' ? [`${closed.year}Q${closed.quarter}`, addDays(quarter.end, 1)] : frequency === 'monthly' ? [`M${today.slice(0, 7)}`, `${today.slice(0, 7)}-01`] : [`W${weekOf(today)}`, weekOf(today)];
  return begins >= createdOn ? { period, quarter } : null;
}

/** When the next delivery goes, counted from `today`: the day after the running quarter closes, the first of next month, next Monday. */
export function nextDeliveryOn(frequency: Frequency, today: IsoDate): IsoDate {
  if (frequency === 'quarterly') {
    const running = quarterOf(today);
    return addDays(financialQuarter(running.year, running.quarter).end, 1);
  }
  if (frequency === 'monthly') {
    const [y, m] = today.split('-').map(Number);
    return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  }
  return addDays(weekOf(today), 7);
}
