import type { CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, issuesOn, PRODUCT, QTY, REACTION } from './common';

/**
 * patient18 (9690938681), DECEASED on 17 February 2024 (docs/spec-notes.md "Provider test pack — test
 * patients"): refused with PATIENT_NOT_FOUND. His record is closed, so its dates are fixed and precede the
 * death date (relative dates would drift past it): an active penicillin allergy and an amlodipine repeat
 * stopped on his death.
 */
export function record(_today: CalendarDate): PatientClinicalRecord {
  const d = (iso: string) => iso as CalendarDate;
  const issueDates = [d('2023-11-02'), d('2023-11-30'), d('2023-12-28'), d('2024-01-25')];
  return {
    allergies: [
      {
        id: 'p18-allergy-penicillin',
        recorded: '2012-04-18T10:30:00+00:00',
        recorderId: 'prac-sharma',
        code: AGENT.penicillin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.rash, severity: 'moderate' },
      },
    ],
    medication: [
      {
        id: 'p18-plan-amlodipine',
        recorded: '2023-11-02T11:10:00+00:00',
        recorderId: 'prac-sharma',
        product: PRODUCT.amlodipine10,
        prescriptionType: 'repeat',
        status: 'stopped',
        discontinued: { date: '2024-02-17', reason: 'Patient deceased' },
        start: '2023-11-02',
        end: '2024-02-17',
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        issues: issuesOn('p18-plan-amlodipine', issueDates, {
          recorderId: 'prac-sharma',
          dosage: 'One tablet once a day',
          quantity: QTY.tablets(28),
          supplyDays: 28,
        }),
      },
    ],
  };
}
