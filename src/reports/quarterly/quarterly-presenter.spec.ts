import { ceilDiv, meanOf } from '../shared/groups';
import { pct, pointsChange } from './quarterly-presenter';

describe('report arithmetic', () => {
  it('rounds up whole divisions exactly (sessions and trainers needed)', () => {
    expect([ceilDiv(0, 20), ceilDiv(1, 20), ceilDiv(20, 20), ceilDiv(21, 20), ceilDiv(24, 15)]).toEqual([0, 1, 1, 2, 2]);
  });

  it('averages to one decimal place with halves up, and leaves no average when there is nothing to average', () => {
    expect(meanOf(9, 2)).toBe(4.5);
    expect(meanOf(11, 3)).toBe(3.7);
    expect(meanOf(17, 4)).toBe(4.3); // 4.25 rounds up, worked in tenths so float error cannot round it down
    expect(meanOf(0, 0)).toBeNull();
  });
});

describe('how figures read on the page', () => {
  it('shows an empty compliance % as a dash, never as 0 or 100', () => {
    expect([pct(null), pct(0), pct(81.3), pct(100)]).toEqual(['–', '0.0%', '81.3%', '100.0%']);
  });

  it('says how compliance moved in whole tenths of a point', () => {
    expect(pointsChange(70.2, 70.1)).toBe('up 0.1 points');
    expect(pointsChange(44.4, 88.9)).toBe('down 44.5 points');
    expect(pointsChange(50, 50)).toBe('no change');
    expect(pointsChange(null, 50)).toBe('');
  });
});
