import { addDays, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, REACTION, stamp } from './common';

/**
 * patient17 (9690938126), has ended allergies (docs/spec-notes.md "Provider test pack — test patients"): an
 * active grass pollen allergy and two ended ones (amoxicillin, bee venom).
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  return {
    allergies: [
      {
        id: 'p17-allergy-grass-pollen',
        recorded: stamp(addDays(today, -1450), '15:20:00'),
        recorderId: 'prac-okafor',
        code: AGENT.grassPollen,
        category: 'environment',
        type: 'allergy',
        reaction: { manifestation: REACTION.rhinitis, severity: 'mild' },
      },
      {
        id: 'p17-allergy-amoxicillin',
        recorded: stamp(addDays(today, -3900), '09:25:00'),
        recorderId: 'prac-sharma',
        code: AGENT.amoxicillin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.rash, severity: 'mild' },
        ended: { date: addDays(today, -700), reason: 'Negative amoxicillin challenge in allergy clinic' },
      },
      {
        id: 'p17-allergy-bee-venom',
        recorded: stamp(addDays(today, -2900), '12:00:00'),
        recorderId: 'prac-okafor',
        code: AGENT.beeVenom,
        category: 'environment',
        type: 'allergy',
        reaction: { manifestation: REACTION.angioedema, severity: 'severe' },
        ended: { date: addDays(today, -1100), reason: 'Venom immunotherapy course completed' },
      },
    ],
  };
}
