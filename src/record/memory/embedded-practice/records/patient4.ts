import { addDays, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, REACTION, stamp } from './common';

/**
 * patient4 (9690937308), "no clinical data except allergies" (docs/spec-notes.md "Provider test pack — test
 * patients"): active allergies (latex, codeine) and one ended allergy (ibuprofen), and NOTHING in any other
 * area, so every other area's list comes back empty with "Information not available".
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  return {
    allergies: [
      {
        id: 'p4-allergy-latex',
        recorded: stamp(addDays(today, -1900), '14:20:00'),
        recorderId: 'prac-sharma',
        code: AGENT.latex,
        category: 'environment',
        type: 'allergy',
        onset: '2015-03',
        reaction: { manifestation: REACTION.contactDermatitis, severity: 'moderate', description: 'Hand dermatitis from latex gloves at work' },
      },
      {
        id: 'p4-allergy-codeine',
        recorded: stamp(addDays(today, -700), '10:45:00'),
        recorderId: 'prac-okafor',
        code: AGENT.codeine,
        category: 'medication',
        type: 'intolerance',
        reaction: { manifestation: REACTION.vomiting, severity: 'moderate' },
      },
      {
        id: 'p4-allergy-ibuprofen',
        recorded: stamp(addDays(today, -2600), '09:10:00'),
        recorderId: 'prac-sharma',
        code: AGENT.ibuprofen,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.rash, severity: 'mild' },
        ended: { date: addDays(today, -800), reason: 'Has taken ibuprofen since without reaction; rash attributed to viral illness' },
      },
    ],
  };
}
