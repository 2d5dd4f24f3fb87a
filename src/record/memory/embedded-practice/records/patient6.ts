import { addDays, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, REACTION, stamp } from './common';

/**
 * patient6 (9690937383), allergies with no problem links (docs/spec-notes.md "Provider test pack — test
 * patients"): active peanut and cat dander allergies, an ended childhood amoxicillin reaction; no problems.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  return {
    allergies: [
      {
        id: 'p6-allergy-peanut',
        recorded: stamp(addDays(today, -3100), '10:20:00'),
        recorderId: 'prac-sharma',
        code: AGENT.peanut,
        category: 'environment',
        type: 'allergy',
        onset: '2004',
        reaction: { manifestation: REACTION.anaphylaxis, severity: 'life-threatening', description: 'Anaphylaxis after eating satay; adrenaline auto-injector carried' },
      },
      {
        id: 'p6-allergy-cat-dander',
        recorded: stamp(addDays(today, -900), '15:00:00'),
        recorderId: 'prac-okafor',
        code: AGENT.catDander,
        category: 'environment',
        type: 'allergy',
        reaction: { manifestation: REACTION.rhinitis, severity: 'mild' },
      },
      {
        id: 'p6-allergy-amoxicillin',
        recorded: stamp(addDays(today, -6500), '09:30:00'),
        recorderId: 'prac-sharma',
        code: AGENT.amoxicillin,
        category: 'medication',
        type: 'allergy',
        onset: '2005',
        reaction: { manifestation: REACTION.rash, severity: 'mild', description: 'Rash during a course for tonsillitis aged 4' },
        ended: { date: addDays(today, -1400), reason: 'Negative amoxicillin challenge in paediatric allergy clinic' },
      },
    ],
  };
}
