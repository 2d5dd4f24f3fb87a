import { addDays, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, issuesOn, PRODUCT, QTY, REACTION, stamp } from './common';

/**
 * patient10 (9690938541), flagged SENSITIVE (sheet; unused by the suite): refused with
 * PATIENT_NOT_FOUND although the record holds active and ended allergies and a past acute.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const paracetamolDay = addDays(today, -45);
  return {
    allergies: [
      {
        id: 'p10-allergy-latex',
        recorded: stamp(addDays(today, -1700), '13:10:00'),
        recorderId: 'prac-okafor',
        code: AGENT.latex,
        category: 'environment',
        type: 'allergy',
        reaction: { manifestation: REACTION.contactDermatitis, severity: 'mild' },
      },
      {
        id: 'p10-allergy-codeine',
        recorded: stamp(addDays(today, -2400), '10:00:00'),
        recorderId: 'prac-sharma',
        code: AGENT.codeine,
        category: 'medication',
        type: 'intolerance',
        reaction: { manifestation: REACTION.vomiting, severity: 'moderate' },
        ended: { date: addDays(today, -1000), reason: 'Tolerated codeine after surgery without reaction' },
      },
    ],
    medication: [
      {
        id: 'p10-plan-paracetamol',
        recorded: stamp(paracetamolDay, '09:40:00'),
        recorderId: 'prac-okafor',
        product: PRODUCT.paracetamol500,
        prescriptionType: 'acute',
        status: 'completed',
        start: paracetamolDay,
        end: addDays(paracetamolDay, 8),
        dosage: 'One or two tablets up to four times a day when required',
        quantity: QTY.tablets(64),
        supplyDays: 8,
        issues: issuesOn('p10-plan-paracetamol', [paracetamolDay], {
          recorderId: 'prac-okafor',
          dosage: 'One or two tablets up to four times a day when required',
          quantity: QTY.tablets(64),
          supplyDays: 8,
        }),
      },
    ],
  };
}
