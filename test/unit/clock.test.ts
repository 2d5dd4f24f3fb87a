/** src/clock.ts: "today" is the Europe/London date of the instant, also when it is remembered by the hour. */
import { fixedClock, londonDate } from '../../src/clock';

describe('londonDate: the Europe/London calendar date of an instant', () => {
  it.each([
    ['2026-07-01T22:59:59.999Z', '2026-07-01'], // BST: 23:59 in London
    ['2026-07-01T23:00:00.000Z', '2026-07-02'], // BST: midnight in London, still 1 July in UTC
    ['2026-12-31T23:59:59.999Z', '2026-12-31'], // GMT: London is UTC
    ['2027-01-01T00:00:00.000Z', '2027-01-01'],
    ['2026-03-29T00:59:59.999Z', '2026-03-29'], // the hour before the clocks go forward
    ['2026-03-29T01:00:00.000Z', '2026-03-29'],
    ['2026-10-24T23:00:00.000Z', '2026-10-25'], // BST midnight on the day the clocks go back
    ['2026-10-25T22:59:59.999Z', '2026-10-25'], // GMT again that evening
    ['2026-10-25T23:00:00.000Z', '2026-10-25'],
    ['2026-10-26T00:00:00.000Z', '2026-10-26'],
  ])('%s is %s in London', (instant, date) => {
    expect(londonDate(new Date(instant))).toBe(date);
  });

  it('answers right when asked alternately for instants on either side of London midnight', () => {
    const before = new Date('2026-07-01T22:30:00Z');
    const after = new Date('2026-07-01T23:30:00Z');
    for (let i = 0; i < 3; i++) {
      expect(londonDate(before)).toBe('2026-07-01');
      expect(londonDate(after)).toBe('2026-07-02');
    }
    // Same UTC hour asked twice: the remembered answer is that hour's.
    expect(londonDate(new Date('2026-07-01T23:59:00Z'))).toBe('2026-07-02');
    expect(fixedClock('2026-07-01T23:10:00Z').today()).toBe('2026-07-02');
  });

  it('gives the London date before 1970 too (not remembered there)', () => {
    expect(londonDate(new Date('1969-06-30T23:30:00Z'))).toBe('1969-07-01'); // British Standard Time, UTC+1
    expect(londonDate(new Date('1969-06-30T22:30:00Z'))).toBe('1969-06-30');
  });
});
