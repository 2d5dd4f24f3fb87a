import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, everyDays, issuesOn, PRODUCT, QTY, REACTION, stamp } from './common';

/**
 * patient9 (9690938533), flagged SENSITIVE on the Spine (docs/spec-notes.md "Provider test pack — test
 * patients"): always refused with PATIENT_NOT_FOUND. The record is real (active and ended allergies, a
 * repeat) so that the refusal is shown to come from the flag, not from a lack of data.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const citalopramIssues = everyDays(addDays(today, -6), 28, 4);
  return {
    allergies: [
      {
        id: 'p9-allergy-penicillin',
        recorded: stamp(addDays(today, -1300), '11:20:00'),
        recorderId: 'prac-sharma',
        code: AGENT.penicillin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.urticaria, severity: 'moderate' },
      },
      {
        id: 'p9-allergy-ibuprofen',
        recorded: stamp(addDays(today, -2100), '09:45:00'),
        recorderId: 'prac-okafor',
        code: AGENT.ibuprofen,
        category: 'medication',
        type: 'intolerance',
        reaction: { manifestation: REACTION.nausea, severity: 'mild' },
        ended: { date: addDays(today, -900), reason: 'Tolerates ibuprofen with food' },
      },
    ],
    medication: [
      {
        id: 'p9-plan-citalopram',
        recorded: stamp(citalopramIssues[0], '16:30:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.citalopram20,
        prescriptionType: 'repeat',
        status: 'active',
        start: citalopramIssues[0],
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        repeat: { allowed: 6, expiry: addMonths(citalopramIssues[0], 6) },
        issues: issuesOn('p9-plan-citalopram', citalopramIssues, {
          recorderId: 'prac-sharma',
          dosage: 'One tablet once a day',
          quantity: QTY.tablets(28),
          supplyDays: 28,
        }),
      },
    ],
  };
}
