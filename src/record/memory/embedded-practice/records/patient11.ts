import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, everyDays, issuesOn, PRODUCT, QTY, REACTION, stamp } from './common';

/**
 * patient11 (9690938622), superseded NHS number on the sheet (unused by the suite; served normally):
 * an active aspirin allergy, a penicillin allergy de-labelled after testing, an amlodipine repeat.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const amlodipineIssues = everyDays(addDays(today, -25), 28, 6);
  return {
    allergies: [
      {
        id: 'p11-allergy-aspirin',
        recorded: stamp(addDays(today, -3000), '11:00:00'),
        recorderId: 'prac-sharma',
        code: AGENT.aspirin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.urticaria, severity: 'moderate' },
      },
      {
        id: 'p11-allergy-penicillin',
        recorded: stamp(addDays(today, -4200), '10:30:00'),
        recorderId: 'prac-okafor',
        code: AGENT.penicillin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.rash, severity: 'mild' },
        ended: { date: addDays(today, -600), reason: 'Penicillin allergy de-labelled after negative oral challenge test' },
      },
    ],
    medication: [
      {
        id: 'p11-plan-amlodipine',
        recorded: stamp(amlodipineIssues[0], '12:00:00'),
        recorderId: 'prac-okafor',
        product: PRODUCT.amlodipine5,
        prescriptionType: 'repeat',
        status: 'active',
        start: amlodipineIssues[0],
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        repeat: { expiry: addMonths(today, 5) },
        issues: issuesOn('p11-plan-amlodipine', amlodipineIssues, {
          recorderId: 'prac-okafor',
          dosage: 'One tablet once a day',
          quantity: QTY.tablets(28),
          supplyDays: 28,
        }),
      },
    ],
  };
}
