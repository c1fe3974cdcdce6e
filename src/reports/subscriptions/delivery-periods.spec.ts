import { deliveryDue, nextDeliveryOn } from './delivery-periods';

describe('when a scheduled report is due', () => {
  it('quarterly: nothing while the quarter runs, its closed quarter from the day after it ends', () => {
    expect(deliveryDue('quarterly', '2026-12-01', '2026-12-31')).toBeNull();
    expect(deliveryDue('quarterly', '2026-12-01', '2027-01-01')).toEqual({ period: '2026Q3', quarter: { year: 2026, quarter: 3, end: '2026-12-31' } });
    // Still the same delivery (same key) on every later day of the quarter.
    expect(deliveryDue('quarterly', '2026-12-01', '2027-03-31')?.period).toBe('2026Q3');
  });

  it('quarterly: a quarter that closed before the subscription was made is not sent', () => {
    expect(deliveryDue('quarterly', '2027-01-02', '2027-01-02')).toBeNull();
    expect(deliveryDue('quarterly', '2027-01-01', '2027-01-01')?.period).toBe('2026Q3');
  });

  it('monthly and weekly: from the first day of the month or the Monday, with the last closed quarter’s figures', () => {
    expect(deliveryDue('monthly', '2026-12-05', '2026-12-20')).toBeNull();
    expect(deliveryDue('monthly', '2026-12-05', '2027-01-01')).toEqual({ period: 'M2027-01', quarter: { year: 2026, quarter: 3, end: '2026-12-31' } });
    expect(deliveryDue('weekly', '2026-12-01', '2026-12-03')).toBeNull();
    // 7 December 2026 is a Monday; the quarter then closed is Q2 (July to September).
    expect(deliveryDue('weekly', '2026-12-01', '2026-12-09')).toEqual({ period: 'W2026-12-07', quarter: { year: 2026, quarter: 2, end: '2026-09-30' } });
  });

  it('says when the next one goes', () => {
    expect(nextDeliveryOn('quarterly', '2026-12-01')).toBe('2027-01-01');
    expect(nextDeliveryOn('monthly', '2026-12-01')).toBe('2027-01-01');
    expect(nextDeliveryOn('monthly', '2026-06-15')).toBe('2026-07-01');
    expect(nextDeliveryOn('weekly', '2026-12-01')).toBe('2026-12-07');
  });
});
