import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, everyDays, issuesOn, PRODUCT, QTY, REACTION, REFERRAL, stamp } from './common';

/**
 * patient16 (9690938118), confidential items and legacy ended allergies (docs/spec-notes.md "Provider test
 * pack — test patients"):
 * - active allergies: penicillin, plus a codeine allergy held back at the patient's request
 *   (confidential: withheld, and the allergy list carries `confidential-items`);
 * - ended allergies migrated from a legacy system with NO end reason (the bundle writes "No information
 *   available");
 * - referrals: cardiology, plus a confidential counselling referral (withheld, `confidential-items`);
 * - medication with no problem links (an amlodipine repeat, a past paracetamol acute); no problems.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const amlodipineIssues = everyDays(addDays(today, -15), 28, 4);
  const paracetamolDay = addDays(today, -150);
  const cardiologyReferral = addDays(today, -75);
  const counsellingReferral = addDays(today, -40);
  return {
    allergies: [
      {
        id: 'p16-allergy-penicillin',
        recorded: stamp(addDays(today, -2500), '10:40:00'),
        recorderId: 'prac-okafor',
        code: AGENT.penicillin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.rash, severity: 'moderate' },
      },
      {
        id: 'p16-allergy-codeine',
        recorded: stamp(addDays(today, -600), '16:15:00'),
        recorderId: 'prac-sharma',
        code: AGENT.codeine,
        category: 'medication',
        type: 'intolerance',
        reaction: { manifestation: REACTION.nausea, severity: 'mild' },
        note: 'Patient asked that this is not shared outside the practice',
        confidential: true,
      },
      {
        // Legacy migration: ended, but the old system held no end reason.
        id: 'p16-allergy-ibuprofen',
        recorded: '2006-09-12T09:00:00+00:00',
        recorderId: 'prac-sharma',
        code: AGENT.ibuprofen,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.itching, severity: 'mild' },
        ended: { date: '2011-06' },
      },
      {
        id: 'p16-allergy-latex',
        recorded: '2008-02-20T14:30:00+00:00',
        recorderId: 'prac-okafor',
        code: AGENT.latex,
        category: 'environment',
        type: 'allergy',
        ended: { date: '2013' },
      },
    ],

    medication: [
      {
        id: 'p16-plan-amlodipine',
        recorded: stamp(amlodipineIssues[0], '11:50:00'),
        recorderId: 'prac-okafor',
        product: PRODUCT.amlodipine5,
        prescriptionType: 'repeat',
        status: 'active',
        start: amlodipineIssues[0],
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        repeat: { allowed: 6, expiry: addMonths(amlodipineIssues[0], 6) },
        issues: issuesOn('p16-plan-amlodipine', amlodipineIssues, {
          recorderId: 'prac-okafor',
          dosage: 'One tablet once a day',
          quantity: QTY.tablets(28),
          supplyDays: 28,
        }),
      },
      {
        id: 'p16-plan-paracetamol',
        recorded: stamp(paracetamolDay, '10:00:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.paracetamol500,
        prescriptionType: 'acute',
        status: 'completed',
        start: paracetamolDay,
        end: addDays(paracetamolDay, 8),
        dosage: 'One or two tablets up to four times a day when required',
        quantity: QTY.tablets(64),
        supplyDays: 8,
        issues: issuesOn('p16-plan-paracetamol', [paracetamolDay], {
          recorderId: 'prac-sharma',
          dosage: 'One or two tablets up to four times a day when required',
          quantity: QTY.tablets(64),
          supplyDays: 8,
        }),
      },
    ],

    referrals: [
      {
        id: 'p16-ref-cardiology',
        recorded: stamp(cardiologyReferral, '12:40:00'),
        recorderId: 'prac-okafor',
        authored: cardiologyReferral,
        priority: 'urgent',
        reason: REFERRAL.cardiology,
        recipients: [{ kind: 'healthcareService', id: 'hs-cardiology' }],
        description: 'Exertional chest tightness, abnormal ECG. Please assess.',
      },
      {
        id: 'p16-ref-counselling',
        recorded: stamp(counsellingReferral, '17:05:00'),
        recorderId: 'prac-sharma',
        authored: counsellingReferral,
        priority: 'routine',
        reason: REFERRAL.counselling,
        recipients: [{ kind: 'text', text: 'Leeds Community Counselling Service' }],
        confidential: true,
      },
    ],
  };
}
