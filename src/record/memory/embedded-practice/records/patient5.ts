import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, everyDays, issuesOn, PRODUCT, QTY, stamp } from './common';

/**
 * patient5 (9690937375), explicit "No known allergies" (docs/spec-notes.md "Provider test pack — test
 * patients"): the allergy record is a single NKA entry (SNOMED 716186003) held as an allergy item, with no
 * real allergies and no ended ones; CURRENT medication (an amoxicillin acute issued three days ago) and
 * REPEAT medication (metformin, amlodipine); no past medication; no problems.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const acuteDay = addDays(today, -3);
  const metforminIssues = everyDays(addDays(today, -12), 28, 6);
  const amlodipineIssues = everyDays(addDays(today, -12), 28, 9);
  const metforminStart = metforminIssues[0];
  const amlodipineStart = amlodipineIssues[0];
  return {
    allergies: [
      {
        id: 'p5-allergy-nka',
        recorded: stamp(addDays(today, -1200), '10:30:00'),
        recorderId: 'prac-sharma',
        code: AGENT.noKnownAllergy,
      },
    ],

    medication: [
      {
        id: 'p5-plan-amoxicillin',
        recorded: stamp(acuteDay, '16:05:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.amoxicillin500,
        prescriptionType: 'acute',
        status: 'active',
        start: acuteDay,
        dosage: 'One capsule three times a day for 5 days',
        quantity: QTY.capsules(15),
        supplyDays: 5,
        issues: issuesOn('p5-plan-amoxicillin', [acuteDay], {
          recorderId: 'prac-sharma',
          dosage: 'One capsule three times a day for 5 days',
          quantity: QTY.capsules(15),
          supplyDays: 5,
        }),
      },
      {
        id: 'p5-plan-metformin',
        recorded: stamp(metforminStart, '11:00:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.metformin500,
        prescriptionType: 'repeat',
        status: 'active',
        start: metforminStart,
        dosage: 'One tablet twice a day with meals',
        quantity: QTY.tablets(56),
        supplyDays: 28,
        repeat: { allowed: 13, expiry: addMonths(today, 4) },
        issues: issuesOn('p5-plan-metformin', metforminIssues, {
          recorderId: 'prac-sharma',
          dosage: 'One tablet twice a day with meals',
          quantity: QTY.tablets(56),
          supplyDays: 28,
        }),
      },
      {
        id: 'p5-plan-amlodipine',
        recorded: stamp(amlodipineStart, '11:40:00'),
        recorderId: 'prac-okafor',
        product: PRODUCT.amlodipine5,
        prescriptionType: 'repeat',
        status: 'active',
        start: amlodipineStart,
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        repeat: { allowed: 12, expiry: addMonths(amlodipineStart, 12) },
        issues: issuesOn('p5-plan-amlodipine', amlodipineIssues, {
          recorderId: 'prac-okafor',
          dosage: 'One tablet once a day',
          quantity: QTY.tablets(28),
          supplyDays: 28,
        }),
      },
    ],
  };
}
