/** src/fhir/dates.ts: whole calendar dates (V11) and FHIR partial dates as inclusive intervals. */
import { differenceInCalendarDays, parseISO } from 'date-fns';

import {
  addDays,
  calendarDate,
  daysBetween,
  displayDate,
  parseWholeDate,
  partialDateInterval,
} from '../../src/fhir/dates';

describe('parseWholeDate: YYYY-MM-DD that is a real calendar date', () => {
  it.each([
    '2024-02-29', // leap year
    '2000-02-29', // divisible by 400: leap
    '2023-12-31',
    '2023-01-01',
    '1900-02-28',
    '2026-11-21',
    '0001-01-01',
  ])('%s → accepted', (value) => {
    expect(parseWholeDate(value)).toBe(value);
  });

  it.each([
    ['2023-02-29', 'not a leap year'],
    ['1900-02-29', 'divisible by 100, not by 400'],
    ['2024-02-30', 'February has no 30th'],
    ['2024-04-31', 'April has 30 days'],
    ['2024-06-31', 'June has 30 days'],
    ['2024-13-01', 'month 13'],
    ['2024-00-10', 'month 0'],
    ['2024-01-00', 'day 0'],
    ['2024-01-32', 'day 32'],
    ['2024-1-01', 'one-digit month'],
    ['2024-01-1', 'one-digit day'],
    ['24-01-01', 'two-digit year'],
    ['2024', 'year only'],
    ['2024-02', 'year-month only'],
    ['2015-10-23T11:08:32+00:00', 'a dateTime'],
    ['2024-01-01T00:00:00', 'a dateTime without offset'],
    ['2024-01-01Z', 'an offset'],
    [' 2024-01-01', 'a leading space'],
    ['2024-01-01 ', 'a trailing space'],
    ['2024/01/01', 'slashes'],
    ['20240101', 'no separators'],
    ['today()-365 days', 'the spec placeholder'],
    ['', 'empty'],
    ['２０２４-01-01', 'full-width digits'],
  ])('%s (%s) → rejected', (value) => {
    expect(parseWholeDate(value)).toBeUndefined();
  });

  it('agrees with the calendar for months 00-13, days 00-32 of years 1800-2200 and the extremes', () => {
    // The check is arithmetic (fast for import); a Date in UTC is the reference calendar.
    const isReal = (y: number, m: number, d: number) => {
      const date = new Date(Date.UTC(2000, 0, 1));
      date.setUTCFullYear(y, m - 1, d);
      return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    };
    const years = [1, 2, 3, 4, 100, 400, 9996, 9999];
    for (let y = 1800; y <= 2200; y++) years.push(y);
    const disagreements: string[] = [];
    for (const y of years)
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 32; d++) {
          const pad = (n: number, width: number) => String(n).padStart(width, '0');
          const text = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
          if ((parseWholeDate(text) === text) !== isReal(y, m, d)) disagreements.push(text);
        }
    expect(disagreements).toEqual([]);
  });

  it('calendarDate throws on an invalid date and returns a valid one', () => {
    expect(calendarDate('2024-02-29')).toBe('2024-02-29');
    expect(() => calendarDate('2023-02-29')).toThrow('2023-02-29');
  });
});

describe('partialDateInterval: the days a FHIR date or dateTime may stand for', () => {
  it.each([
    ['2019', '2019-01-01', '2019-12-31'],
    ['2024', '2024-01-01', '2024-12-31'],
    ['2019-01', '2019-01-01', '2019-01-31'],
    ['2019-04', '2019-04-01', '2019-04-30'],
    ['2019-12', '2019-12-01', '2019-12-31'],
    ['2024-02', '2024-02-01', '2024-02-29'], // leap February
    ['2023-02', '2023-02-01', '2023-02-28'],
    ['2000-02', '2000-02-01', '2000-02-29'],
    ['1900-02', '1900-02-01', '1900-02-28'],
    ['2019-06-05', '2019-06-05', '2019-06-05'],
    ['2024-02-29', '2024-02-29', '2024-02-29'],
    ['2019-06-05T10:00:00Z', '2019-06-05', '2019-06-05'],
    ['2019-06-05T23:30:00+01:00', '2019-06-05', '2019-06-05'],
    ['2019-06-05T00:15:00-05:00', '2019-06-05', '2019-06-05'],
  ])('%s → %s to %s', (value, start, end) => {
    expect(partialDateInterval(value)).toEqual({ start, end });
  });

  it.each([
    ['2019-13', 'month 13'],
    ['2019-00', 'month 0'],
    ['2023-02-29', 'not a calendar date'],
    ['2023-02-29T10:00:00Z', 'a dateTime on no calendar day'],
    ['19', 'two-digit year'],
    ['2019-6', 'one-digit month'],
    ['2019-06-05X', 'trailing junk after a date'],
    ['abc', 'not a date'],
    ['', 'empty'],
  ])('%s (%s) → undefined', (value) => {
    expect(partialDateInterval(value)).toBeUndefined();
  });
});

describe('date arithmetic on calendar dates', () => {
  it('addDays crosses month, year and leap-day boundaries', () => {
    expect(addDays(calendarDate('2024-02-28'), 1)).toBe('2024-02-29');
    expect(addDays(calendarDate('2023-02-28'), 1)).toBe('2023-03-01');
    expect(addDays(calendarDate('2026-12-31'), 1)).toBe('2027-01-01');
    expect(addDays(calendarDate('2026-11-21'), -365)).toBe('2025-11-21');
  });

  it('addDays is not moved by the clocks changing (Europe/London, last Sundays of March and October)', () => {
    expect(addDays(calendarDate('2026-03-28'), 1)).toBe('2026-03-29');
    expect(addDays(calendarDate('2026-03-29'), 1)).toBe('2026-03-30');
    expect(addDays(calendarDate('2026-10-24'), 2)).toBe('2026-10-26');
  });

  it('addDays follows the Gregorian century rules and years below 100 (not read as 19xx)', () => {
    expect(addDays(calendarDate('1900-02-28'), 1)).toBe('1900-03-01');
    expect(addDays(calendarDate('2000-02-28'), 1)).toBe('2000-02-29');
    expect(addDays(calendarDate('0099-12-31'), 1)).toBe('0100-01-01');
    expect(addDays(calendarDate('0001-03-01'), -1)).toBe('0001-02-28');
    expect(addDays(calendarDate('2024-03-01'), -36525)).toBe('1924-03-01');
  });

  it('displayDate writes dd-Mmm-yyyy with English month abbreviations', () => {
    expect(displayDate(calendarDate('2024-02-29'))).toBe('29-Feb-2024');
    expect(displayDate(calendarDate('0999-09-05'))).toBe('05-Sep-0999');
    expect(displayDate(calendarDate('2026-12-01'))).toBe('01-Dec-2026');
  });

  it('daysBetween counts calendar days, leap days included', () => {
    expect(daysBetween(calendarDate('2024-02-28'), calendarDate('2024-03-01'))).toBe(2);
    expect(daysBetween(calendarDate('2023-02-28'), calendarDate('2023-03-01'))).toBe(1);
    expect(daysBetween(calendarDate('2025-11-21'), calendarDate('2026-11-21'))).toBe(365);
    expect(daysBetween(calendarDate('2023-11-21'), calendarDate('2024-11-21'))).toBe(366);
    expect(daysBetween(calendarDate('2026-03-29'), calendarDate('2026-03-28'))).toBe(-1);
  });

  it("daysBetween agrees with date-fns's calendar-day difference across centuries and leap rules", () => {
    const dates = ['0001-01-01', '0099-12-31', '0100-03-01', '1582-10-15', '1899-12-31', '1900-02-28']
      .concat(['1900-03-01', '1970-01-01', '2000-02-29', '2024-12-31', '2026-03-29', '2026-10-25'])
      .concat(['2100-02-28', '2100-03-01', '2400-02-29', '9999-12-31'])
      .map(calendarDate);
    for (const a of dates) {
      for (const b of dates) {
        expect([a, b, daysBetween(a, b)]).toEqual([a, b, differenceInCalendarDays(parseISO(b), parseISO(a))]);
      }
    }
    // Every day of a leap year and its neighbours, against addDays.
    const start = calendarDate('2023-12-25');
    for (let n = -400; n <= 400; n++) expect(daysBetween(start, addDays(start, n))).toBe(n);
  });
});
