import { addDays, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, issuesOn, PRODUCT, QTY, REACTION, stamp } from './common';

/**
 * patientNoAppointments (9690938134): a patient with no appointments (an Access Appointment fixture,
 * unused by the structured suite) and an ordinary small record: an active latex allergy and a past
 * ibuprofen acute.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const ibuprofenDay = addDays(today, -230);
  return {
    allergies: [
      {
        id: 'pna-allergy-latex',
        recorded: stamp(addDays(today, -1000), '14:10:00'),
        recorderId: 'prac-sharma',
        code: AGENT.latex,
        category: 'environment',
        type: 'allergy',
        reaction: { manifestation: REACTION.itching, severity: 'mild' },
      },
    ],
    medication: [
      {
        id: 'pna-plan-ibuprofen',
        recorded: stamp(ibuprofenDay, '10:25:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.ibuprofen400,
        prescriptionType: 'acute',
        status: 'completed',
        start: ibuprofenDay,
        end: addDays(ibuprofenDay, 7),
        dosage: 'One tablet three times a day with food for 7 days',
        quantity: QTY.tablets(21),
        supplyDays: 7,
        issues: issuesOn('pna-plan-ibuprofen', [ibuprofenDay], {
          recorderId: 'prac-sharma',
          dosage: 'One tablet three times a day with food for 7 days',
          quantity: QTY.tablets(21),
          supplyDays: 7,
        }),
      },
    ],
  };
}
