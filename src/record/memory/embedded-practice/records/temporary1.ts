import { addDays, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, issuesOn, PRODUCT, QTY, REACTION, stamp } from './common';

/**
 * temporary1 (9690939025): a temporary resident registered 10 days ago. Only Regular/GMS patients are
 * served, so he is refused with PATIENT_NOT_FOUND although the record holds the penicillin allergy
 * taken at registration and an ibuprofen acute issued since.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const registered = addDays(today, -10);
  const ibuprofenDay = addDays(today, -6);
  return {
    allergies: [
      {
        id: 'tmp1-allergy-penicillin',
        recorded: stamp(registered, '09:15:00'),
        recorderId: 'prac-clarke',
        code: AGENT.penicillin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.urticaria, severity: 'moderate', description: 'Patient reported' },
      },
    ],
    medication: [
      {
        id: 'tmp1-plan-ibuprofen',
        recorded: stamp(ibuprofenDay, '17:20:00'),
        recorderId: 'prac-okafor',
        product: PRODUCT.ibuprofen400,
        prescriptionType: 'acute',
        status: 'completed',
        start: ibuprofenDay,
        end: addDays(ibuprofenDay, 5),
        dosage: 'One tablet three times a day with food for 5 days',
        quantity: QTY.tablets(15),
        supplyDays: 5,
        issues: issuesOn('tmp1-plan-ibuprofen', [ibuprofenDay], {
          recorderId: 'prac-okafor',
          dosage: 'One tablet three times a day with food for 5 days',
          quantity: QTY.tablets(15),
          supplyDays: 5,
        }),
      },
    ],
  };
}
