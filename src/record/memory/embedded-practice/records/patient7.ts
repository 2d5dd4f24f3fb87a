import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, everyDays, issuesOn, PRODUCT, QTY, REACTION, stamp } from './common';

/**
 * patient7 (9690937391), allergies with no problem links (docs/spec-notes.md "Provider test pack — test
 * patients"): an active aspirin allergy, an ended bee venom allergy (immunotherapy completed), one repeat
 * medication; no problems.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const amlodipineIssues = everyDays(addDays(today, -20), 28, 7);
  const amlodipineStart = amlodipineIssues[0];
  return {
    allergies: [
      {
        id: 'p7-allergy-aspirin',
        recorded: stamp(addDays(today, -2000), '11:15:00'),
        recorderId: 'prac-okafor',
        code: AGENT.aspirin,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.angioedema, severity: 'severe' },
      },
      {
        id: 'p7-allergy-bee-venom',
        recorded: stamp(addDays(today, -3600), '16:30:00'),
        recorderId: 'prac-sharma',
        code: AGENT.beeVenom,
        category: 'environment',
        type: 'allergy',
        reaction: { manifestation: REACTION.anaphylaxis, severity: 'life-threatening' },
        ended: { date: addDays(today, -1800), reason: 'Venom immunotherapy course completed' },
      },
    ],

    medication: [
      {
        id: 'p7-plan-amlodipine',
        recorded: stamp(amlodipineStart, '10:40:00'),
        recorderId: 'prac-okafor',
        product: PRODUCT.amlodipine10,
        prescriptionType: 'repeat',
        status: 'active',
        start: amlodipineStart,
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        repeat: { expiry: addMonths(today, 6) },
        issues: issuesOn('p7-plan-amlodipine', amlodipineIssues, {
          recorderId: 'prac-okafor',
          dosage: 'One tablet once a day',
          quantity: QTY.tablets(28),
          supplyDays: 28,
        }),
      },
    ],
  };
}
