/**
 * Calendar dates, done once. A CalendarDate is an ISO `YYYY-MM-DD` string that is a real date; ISO
 * strings of four-digit years sort chronologically, so comparisons are plain string comparisons.
 * FHIR partial dates (`YYYY`, `YYYY-MM`) become inclusive intervals (docs/decisions.md "Partial dates").
 */
import { addDays as dfAddDays, differenceInCalendarDays, format, lastDayOfMonth, parseISO } from 'date-fns';

export type CalendarDate = string & { readonly __calendarDate: unique symbol };

const WHOLE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const YEAR = /^(\d{4})$/;

/** `YYYY-MM-DD` that is a real calendar date (2023-02-29 is not), else undefined. */
export function parseWholeDate(value: string): CalendarDate | undefined {
  const m = WHOLE_DATE.exec(value);
  // FHIR's date type has no year 0000 (nor has PostgreSQL's): the earliest is 0001-01-01.
  if (!m || m[1] === '0000') return undefined;
  // Arithmetic, not a Date round trip: every date of every imported line passes here, and
  // parse-then-format was the largest cost of `gpc-admin import` (docs/decisions.md D-IMPORT-COPY).
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days ? (value as CalendarDate) : undefined;
}

export function calendarDate(value: string): CalendarDate {
  const d = parseWholeDate(value);
  if (!d) throw new Error(`not a calendar date: ${value}`);
  return d;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return format(dfAddDays(parseISO(date), days), 'yyyy-MM-dd') as CalendarDate;
}

export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const d = parseISO(date);
  const target = new Date(d.getFullYear(), d.getMonth() + months, 1);
  const day = Math.min(d.getDate(), lastDayOfMonth(target).getDate());
  return format(new Date(target.getFullYear(), target.getMonth(), day), 'yyyy-MM-dd') as CalendarDate;
}

/** Whole days from `earlier` to `later` (positive when `later` is after `earlier`). */
export function daysBetween(earlier: CalendarDate, later: CalendarDate): number {
  return differenceInCalendarDays(parseISO(later), parseISO(earlier));
}

/** An inclusive interval of calendar days. */
export interface DateInterval {
  readonly start: CalendarDate;
  readonly end: CalendarDate;
}

/**
 * The days a FHIR date or dateTime may stand for: a year spans 1 Jan to 31 Dec, a year-month the
 * whole month, a full date or dateTime its own calendar day. Undefined for anything unparseable.
 */
export function partialDateInterval(value: string): DateInterval | undefined {
  const day = parseWholeDate(value.slice(0, 10));
  if (day && (value.length === 10 || value[10] === 'T')) return { start: day, end: day };
  let m = YEAR_MONTH.exec(value);
  if (m) {
    const first = parseWholeDate(`${m[1]}-${m[2]}-01`);
    if (!first) return undefined;
    return { start: first, end: format(lastDayOfMonth(parseISO(first)), 'yyyy-MM-dd') as CalendarDate };
  }
  m = YEAR.exec(value);
  if (m) return { start: `${m[1]}-01-01` as CalendarDate, end: `${m[1]}-12-31` as CalendarDate };
  return undefined;
}

/** The spec's display form `dd-Mmm-yyyy`, used in List warning notes. */
export function displayDate(date: CalendarDate): string {
  return format(parseISO(date), 'dd-MMM-yyyy');
}
