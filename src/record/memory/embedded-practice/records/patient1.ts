import { addDays, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { OBSERVATION, stamp } from './common';

/**
 * patient1 (9690937278), the suite's "empty" patient and the target of most negative tests
 * (docs/spec-notes.md "Provider test pack — test patients"): NO allergies of any kind — not even a "No known
 * allergies" entry, so both allergy lists come back empty with no warning — and NO medication, current,
 * repeat or past. Other areas may hold data; a little uncategorised data shows the record itself is not
 * empty.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const checked = addDays(today, -210);
  return {
    uncategorisedData: [
      {
        id: 'p1-obs-smoking',
        recorded: stamp(checked, '09:20:00'),
        recorderId: 'prac-clarke',
        code: OBSERVATION.neverSmoked,
        effective: checked,
      },
      {
        kind: 'bloodPressure',
        id: 'p1-obs-bp',
        recorded: stamp(checked, '09:22:00'),
        recorderId: 'prac-clarke',
        code: OBSERVATION.bloodPressure,
        effective: stamp(checked, '09:21:00'),
        systolic: 128,
        diastolic: 82,
      },
    ],
  };
}
