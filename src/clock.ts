import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

import type { CalendarDate } from './fhir/dates';

/** "Now" and "today"; injected everywhere so tests can pin the date (D-1: today is Europe/London). */
export interface Clock {
  now(): Date;
  today(): CalendarDate;
}

export const UK_TIME_ZONE = 'Europe/London';

export function londonDate(instant: Date): CalendarDate {
  return format(new TZDate(instant.getTime(), UK_TIME_ZONE), 'yyyy-MM-dd') as CalendarDate;
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
