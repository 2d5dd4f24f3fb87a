import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, everyDays, issuesOn, PRODUCT, QTY, REACTION, stamp } from './common';

/**
 * patient14 (9476718943), not on Spine/PDS: his NHS number is unverified (status 04), so he is refused
 * with PATIENT_NOT_FOUND although the record holds an active allergy and a repeat.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const citalopramIssues = everyDays(addDays(today, -11), 28, 3);
  return {
    allergies: [
      {
        id: 'p14-allergy-penicillin',
        recorded: stamp(addDays(today, -800), '14:45:00'),
        recorderId: 'prac-okafor',
        code: AGENT.penicillin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.rash, severity: 'mild' },
      },
    ],
    medication: [
      {
        id: 'p14-plan-citalopram',
        recorded: stamp(citalopramIssues[0], '15:10:00'),
        recorderId: 'prac-okafor',
        product: PRODUCT.citalopram20,
        prescriptionType: 'repeat',
        status: 'active',
        start: citalopramIssues[0],
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        repeat: { allowed: 6, expiry: addMonths(citalopramIssues[0], 6) },
        issues: issuesOn('p14-plan-citalopram', citalopramIssues, {
          recorderId: 'prac-okafor',
          dosage: 'One tablet once a day',
          quantity: QTY.tablets(28),
          supplyDays: 28,
        }),
      },
    ],
  };
}
