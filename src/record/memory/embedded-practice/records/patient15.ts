import { addDays, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, issuesOn, PRODUCT, QTY, REACTION, stamp } from './common';

/**
 * patient15 (9690938576), dissented from record sharing: refused with NO_PATIENT_CONSENT although the
 * record holds active and ended allergies and a past acute.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const ibuprofenDay = addDays(today, -95);
  return {
    allergies: [
      {
        id: 'p15-allergy-cat-dander',
        recorded: stamp(addDays(today, -1250), '16:00:00'),
        recorderId: 'prac-sharma',
        code: AGENT.catDander,
        category: 'environment',
        type: 'allergy',
        reaction: { manifestation: REACTION.itching, severity: 'mild' },
      },
      {
        id: 'p15-allergy-amoxicillin',
        recorded: stamp(addDays(today, -5200), '10:15:00'),
        recorderId: 'prac-okafor',
        code: AGENT.amoxicillin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.rash, severity: 'mild' },
        ended: { date: addDays(today, -2000), reason: 'Negative amoxicillin challenge' },
      },
    ],
    medication: [
      {
        id: 'p15-plan-ibuprofen',
        recorded: stamp(ibuprofenDay, '11:35:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.ibuprofen400,
        prescriptionType: 'acute',
        status: 'completed',
        start: ibuprofenDay,
        end: addDays(ibuprofenDay, 7),
        dosage: 'One tablet three times a day with food for 7 days',
        quantity: QTY.tablets(21),
        supplyDays: 7,
        issues: issuesOn('p15-plan-ibuprofen', [ibuprofenDay], {
          recorderId: 'prac-sharma',
          dosage: 'One tablet three times a day with food for 7 days',
          quantity: QTY.tablets(21),
          supplyDays: 7,
        }),
      },
    ],
  };
}
