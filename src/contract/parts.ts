/**
 * The part parameters an area parameter may carry, as the GetStructuredRecord OperationDefinition
 * declares them ("Retrieve a patient's structured record — Request parameters"), and the typed value
 * the parser reads from each.
 */
import type { CalendarDate } from '../fhir/dates';
import type { DateWindow } from './structured-query';

export type PartType = 'boolean' | 'date' | 'Period' | 'positiveInt' | 'code';

export interface PartDefinition {
  readonly type: PartType;
  /** 1 when the part is mandatory whenever its parent is sent. */
  readonly min: 0 | 1;
  /** Allowed codes for `code` parts (case-sensitive). */
  readonly codes?: readonly string[];
  /** Date rule against today for `date` parts: not after today, or not before today. */
  readonly dateRule?: 'notAfterToday' | 'notBeforeToday';
}

export type PartValue = boolean | number | string | CalendarDate | DateWindow;

/** One occurrence of an area parameter: its recognised parts, by name. */
export type PartValues = ReadonlyMap<string, PartValue>;

export const booleanPart = (min: 0 | 1 = 0): PartDefinition => ({ type: 'boolean', min });
export const periodPart: PartDefinition = { type: 'Period', min: 0 };

/** A boolean part's value, or its default when the part was not sent. */
export const booleanOr = (parts: PartValues, name: string, fallback: boolean): boolean => {
  const value = parts.get(name);
  return typeof value === 'boolean' ? value : fallback;
};

/** `{ [key]: value }` when the part was sent, else `{}` (so an absent part stays absent). */
export function sentPart<K extends string, V>(parts: PartValues, name: string, key: K): { [P in K]?: V } {
  return (parts.has(name) ? { [key]: parts.get(name) as V } : {}) as { [P in K]?: V };
}
