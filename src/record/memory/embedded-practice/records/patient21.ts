import type { CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, issuesOn, PRODUCT, QTY, REACTION } from './common';

/**
 * patient21 (9690938142), INACTIVE: his registration ended on 30 September 2023 (docs/spec-notes.md "Provider
 * test pack — test patients"), so he is refused with PATIENT_NOT_FOUND. The record stops at deregistration,
 * so its dates are fixed within the registration: an active aspirin allergy and a past acute.
 */
export function record(_today: CalendarDate): PatientClinicalRecord {
  const paracetamolDay = '2023-06-14' as CalendarDate;
  return {
    allergies: [
      {
        id: 'p21-allergy-aspirin',
        recorded: '2015-01-22T09:50:00+00:00',
        recorderId: 'prac-okafor',
        code: AGENT.aspirin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.urticaria, severity: 'moderate' },
      },
    ],
    medication: [
      {
        id: 'p21-plan-paracetamol',
        recorded: '2023-06-14T10:40:00+00:00',
        recorderId: 'prac-okafor',
        product: PRODUCT.paracetamol500,
        prescriptionType: 'acute',
        status: 'completed',
        start: paracetamolDay,
        end: '2023-06-22',
        dosage: 'One or two tablets up to four times a day when required',
        quantity: QTY.tablets(64),
        supplyDays: 8,
        issues: issuesOn('p21-plan-paracetamol', [paracetamolDay], {
          recorderId: 'prac-okafor',
          dosage: 'One or two tablets up to four times a day when required',
          quantity: QTY.tablets(64),
          supplyDays: 8,
        }),
      },
    ],
  };
}
