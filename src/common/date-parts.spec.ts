import { plainToInstance } from 'class-transformer';
import { IsOptional, validate } from 'class-validator';
import { IsCalendarDate } from './validators';
import { DateFromParts, isoFromParts, partsOfIso } from './date-parts';

class Form {
  @DateFromParts() @IsOptional() @IsCalendarDate() startDate?: string | null;
}

describe('GOV.UK date input parts', () => {
  it('reads day, month and year as one date, day first as UK users type it', () => {
    const form = plainToInstance(Form, { 'startDate-day': '1', 'startDate-month': '12', 'startDate-year': '2026' });
    expect(form.startDate).toBe('2026-12-01');
  });

  it('takes blank boxes as no date, and words as a value the date check refuses', async () => {
    expect(plainToInstance(Form, { 'startDate-day': '', 'startDate-month': ' ', 'startDate-year': '' }).startDate).toBeNull();
    const wrong = plainToInstance(Form, { 'startDate-day': 'first', 'startDate-month': '12', 'startDate-year': '2026' });
    expect(await validate(wrong)).toHaveLength(1);
    const impossible = plainToInstance(Form, { 'startDate-day': '31', 'startDate-month': '2', 'startDate-year': '2026' });
    expect(await validate(impossible)).toHaveLength(1);
  });

  it('leaves a JSON body that sends the date itself alone', () => {
    expect(plainToInstance(Form, { startDate: '2026-03-03' }).startDate).toBe('2026-03-03');
    expect(plainToInstance(Form, {}).startDate).toBeUndefined();
  });

  it('shows a stored date in the boxes without leading zeros, and round-trips', () => {
    expect(partsOfIso('2026-03-03')).toEqual({ day: '3', month: '3', year: '2026' });
    expect(isoFromParts(partsOfIso('2026-03-03'))).toBe('2026-03-03');
  });
});
