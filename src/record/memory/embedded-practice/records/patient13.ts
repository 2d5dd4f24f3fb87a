import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, issuesOn, PRODUCT, QTY, REACTION, REFERRAL, stamp } from './common';

/**
 * patient13 (9690938096), record in transit (docs/spec-notes.md "Provider test pack — test patients"): she
 * registered 20 days ago and the GP2GP transfer of her old record is incomplete (a patient-level flag in
 * patients.ts, so every list carries `data-in-transit`). What the new practice has recorded since: an active
 * penicillin allergy and an outgrown cow's milk allergy taken at the new-patient check, her citalopram
 * continued as a repeat, and a physiotherapy referral; no problems.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const newPatientCheck = addDays(today, -18);
  const referred = addDays(today, -10);
  return {
    allergies: [
      {
        id: 'p13-allergy-penicillin',
        recorded: stamp(newPatientCheck, '10:05:00'),
        recorderId: 'prac-clarke',
        code: AGENT.penicillin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.urticaria, severity: 'moderate', description: 'Patient reported, confirmed by previous practice summary letter' },
      },
      {
        id: 'p13-allergy-cows-milk',
        recorded: stamp(newPatientCheck, '10:07:00'),
        recorderId: 'prac-clarke',
        code: AGENT.cowsMilk,
        category: 'environment',
        type: 'allergy',
        onset: '1995',
        reaction: { manifestation: REACTION.vomiting, severity: 'mild' },
        ended: { date: '1998', reason: 'Outgrown in childhood' },
      },
    ],

    medication: [
      {
        id: 'p13-plan-citalopram',
        recorded: stamp(newPatientCheck, '10:20:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.citalopram20,
        prescriptionType: 'repeat',
        status: 'active',
        start: newPatientCheck,
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        repeat: { allowed: 3, expiry: addMonths(newPatientCheck, 3) },
        notes: { prescriber: 'Continued from previous practice pending review' },
        issues: issuesOn('p13-plan-citalopram', [newPatientCheck], {
          recorderId: 'prac-sharma',
          dosage: 'One tablet once a day',
          quantity: QTY.tablets(28),
          supplyDays: 28,
        }),
      },
    ],

    referrals: [
      {
        id: 'p13-ref-physio',
        recorded: stamp(referred, '15:30:00'),
        recorderId: 'prac-okafor',
        authored: referred,
        priority: 'routine',
        reason: REFERRAL.physiotherapy,
        recipients: [{ kind: 'healthcareService', id: 'hs-physiotherapy' }],
        description: 'Low back pain for six weeks without red flags. Please assess.',
      },
    ],
  };
}
