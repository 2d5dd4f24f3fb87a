import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

import type { CalendarDate } from './fhir/dates';

/** "Now" and "today"; injected everywhere so tests can pin the date (D-1: today is Europe/London). */
export interface Clock {
  now(): Date;
  today(): CalendarDate;
}

export const UK_TIME_ZONE = 'Europe/London';

const HOUR_MS = 3_600_000;

/**
 * The last answer, by UTC hour. Since 1970 every Europe/London offset is a whole number of hours and
 * every change happens on the hour, so one UTC hour lies within one London day. Asked once per
 * request, the time-zone conversion was a measurable share of its CPU (issue 15).
 */
let lastHour = Number.NaN;
let lastDate = '' as CalendarDate;

export function londonDate(instant: Date): CalendarDate {
  const ms = instant.getTime();
  const hour = Math.floor(ms / HOUR_MS);
  if (hour === lastHour) return lastDate;
  const date = format(new TZDate(ms, UK_TIME_ZONE), 'yyyy-MM-dd') as CalendarDate;
  if (ms >= 0) {
    lastHour = hour;
    lastDate = date;
  }
  return date;
}

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => londonDate(new Date()),
};

/** A clock stopped at one instant; `today` follows Europe/London, so 23:30 UTC in summer is tomorrow. */
export function fixedClock(instant: Date | string): Clock {
  const at = new Date(instant);
  return { now: () => new Date(at), today: () => londonDate(at) };
}
