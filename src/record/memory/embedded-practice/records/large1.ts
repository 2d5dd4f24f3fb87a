import type { CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { generateLarge1 } from './large1-generator';

/**
 * large1 (Mr William Pearson, NHS 9690939017, usual GP Dr Okafor): a large multimorbid record of 21
 * years for size tests, generated deterministically (see large1-generator.ts): the same `today` always
 * gives the identical record.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  return generateLarge1(today);
}
