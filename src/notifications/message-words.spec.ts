import { retryDelayMs } from './outbox-sender';
import { clockTime, letter, sessionDetails } from './message-words';
import { nextWorkingDay } from './session-messages';

describe('the words of messages', () => {
  it('write times as people say them', () => {
    expect(['09:30', '14:00', '12:15', '00:05'].map(clockTime)).toEqual(['9:30am', '2pm', '12:15pm', '12:05am']);
  });

  it('say when and where a session is, leaving out what it lacks', () => {
    expect(sessionDetails({ startsAt: '2026-03-03T09:30', endsAt: '2026-03-03T12:30', venue: null, onlineLink: 'https://meet.example/x' })).toEqual([
      'Date: 3 March 2026',
      'Time: 9:30am to 12:30pm',
      'Join online: https://meet.example/x',
    ]);
  });

  it('greet the person by first name and sign with the organisation', () => {
    expect(letter('Ann', ['First.', ['a', 'b'], null], 'Prevent training, Warwickshire County Council')).toBe(
      'Dear Ann,\n\nFirst.\n\na\nb\n\nPrevent training, Warwickshire County Council\n',
    );
  });
});

describe('when messages are sent', () => {
  it('take the next working day after a Friday to be the Monday', () => {
    expect(nextWorkingDay('2026-12-04')).toBe('2026-12-07'); // Friday
    expect(nextWorkingDay('2026-12-05')).toBe('2026-12-07'); // Saturday
    expect(nextWorkingDay('2026-12-01')).toBe('2026-12-02'); // Tuesday
  });

  it('wait twice as long after each failed try, from a minute', () => {
    expect([1, 2, 3, 8].map((n) => retryDelayMs(n) / 60_000)).toEqual([1, 2, 4, 128]);
  });
});
