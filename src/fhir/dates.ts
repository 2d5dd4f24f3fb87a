/**
 * Calendar dates, done once. A CalendarDate is an ISO `YYYY-MM-DD` string that is a real date; ISO
 * strings of four-digit years sort chronologically, so comparisons are plain string comparisons.
 * FHIR partial dates (`YYYY`, `YYYY-MM`) become inclusive intervals (docs/decisions.md "Partial dates").
 */
import { format, lastDayOfMonth, parseISO } from 'date-fns';

export type CalendarDate = string & { readonly __calendarDate: unique symbol };

const WHOLE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const YEAR = /^(\d{4})$/;

// Plain calendar arithmetic rather than date-fns in the functions below: they run for every dated item
// of every request (filters, effective periods), and building Date objects and formatting them back was
// a measurable share of a request's CPU (issue 15). The proleptic Gregorian rules are those date-fns
// applies, so the results are the same.

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Days in a month (1-12) of a year. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `yyyy-MM-dd` of a year, month (1-12) and day; a year before 1 as date-fns' `yyyy` writes it (1 - year). */
function isoDate(year: number, month: number, day: number): CalendarDate {
  const y = year > 0 ? year : 1 - year;
  return `${String(y).padStart(4, '0')}-${pad2(month)}-${pad2(day)}` as CalendarDate;
}

/** `YYYY-MM-DD` that is a real calendar date (2023-02-29 is not), else undefined. */
export function parseWholeDate(value: string): CalendarDate | undefined {
  const m = WHOLE_DATE.exec(value);
  // FHIR's date type has no year 0000 (nor has PostgreSQL's): the earliest is 0001-01-01.
  if (!m || m[1] === '0000') return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return value as CalendarDate;
}

export function calendarDate(value: string): CalendarDate {
  const d = parseWholeDate(value);
  if (!d) throw new Error(`not a calendar date: ${value}`);
  return d;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  // A UTC day is always 24 hours, so the calendar day moves exactly `days` (setUTCFullYear, unlike
  // Date.UTC, does not read years 0-99 as 19xx).
  const d = new Date(0);
  d.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + days);
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const d = parseISO(date);
  const target = new Date(d.getFullYear(), d.getMonth() + months, 1);
  const day = Math.min(d.getDate(), lastDayOfMonth(target).getDate());
  return format(new Date(target.getFullYear(), target.getMonth(), day), 'yyyy-MM-dd') as CalendarDate;
}

/**
 * Days from 0000-03-01 (proleptic Gregorian) to a date: whole 400-year eras, then years counted from
 * March so that the leap day falls at the end of a year (the civil-days algorithm).
 */
function dayNumber(date: CalendarDate): number {
  const month = Number(date.slice(5, 7));
  const year = Number(date.slice(0, 4)) - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear =
    Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + Number(date.slice(8, 10)) - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
}

/**
 * Whole days from `earlier` to `later` (positive when `later` is after `earlier`). Arithmetic rather than
 * date-fns: every predefined-search request asks it (medicationSearchFromDate against today).
 */
export function daysBetween(earlier: CalendarDate, later: CalendarDate): number {
  return dayNumber(later) - dayNumber(earlier);
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
    const year = Number(m[1]);
    const month = Number(m[2]);
    return { start: first, end: isoDate(year, month, daysInMonth(year, month)) };
  }
  m = YEAR.exec(value);
  if (m) return { start: `${m[1]}-01-01` as CalendarDate, end: `${m[1]}-12-31` as CalendarDate };
  return undefined;
}

/** The spec's display form `dd-Mmm-yyyy`, used in List warning notes. */
export function displayDate(date: CalendarDate): string {
  return `${date.slice(8, 10)}-${MONTH_ABBREVIATIONS[Number(date.slice(5, 7)) - 1]}-${date.slice(0, 4)}`;
}

const MONTH_ABBREVIATIONS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

const digits = (s: string, at: number, n: number): number => {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return v;
};

/**
 * Date.parse of the dateTime form records use, `YYYY-MM-DDThh:mm:ss` then `Z` or `±hh:mm`, without
 * Date.parse's general parser (the costliest step of mapping an Encounter's length: issue 15). Only
 * where the result is certainly Date.parse's (years from 1000, days up to 28, hours below 24);
 * anything else is handed to Date.parse.
 */
export function instantMs(s: string): number {
  const zone = s.length === 20 || s.length === 25 ? s[19] : '';
  const shaped =
    s[4] === '-' &&
    s[7] === '-' &&
    s[10] === 'T' &&
    s[13] === ':' &&
    s[16] === ':' &&
    (zone === 'Z' ? s.length === 20 : (zone === '+' || zone === '-') && s[22] === ':');
  if (!shaped) return Date.parse(s);
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const oh = zone === 'Z' ? 0 : digits(s, 20, 2);
  const om = zone === 'Z' ? 0 : digits(s, 23, 2);
  // Comparisons with NaN (a non-digit) are false, so such a string goes to Date.parse too.
  const plain =
    y >= 1000 &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= 28 &&
    h <= 23 &&
    mi <= 59 &&
    sec <= 59 &&
    oh <= 23 &&
    om <= 59;
  if (!plain) return Date.parse(s);
  return Date.UTC(y, mo - 1, d, h, mi, sec) - (zone === '-' ? -1 : 1) * (oh * 60 + om) * 60000;
}
