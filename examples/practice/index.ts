/** The embedded test practice, resolved against `today` so relative dates never go stale. */
import type { CalendarDate } from '../../src/fhir/dates';
import type { PracticeDataset } from '../../src/record/dataset';
import { testPatients } from './patients';
import { LOCATIONS, ORGANISATIONS, PRACTICE, PRACTITIONERS } from './practice';

export function testPractice(today: CalendarDate): PracticeDataset {
  return {
    practice: PRACTICE,
    practitioners: PRACTITIONERS,
    organisations: ORGANISATIONS,
    locations: LOCATIONS,
    patients: testPatients(today).map((patient) => ({ patient, record: {} })),
  };
}
