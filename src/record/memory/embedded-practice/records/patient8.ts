import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, everyDays, issuesOn, PRODUCT, QTY, REACTION, stamp } from './common';

/**
 * patient8 (9690937405), allergies with no problem links (docs/spec-notes.md "Provider test pack — test
 * patients"): an active NSAID allergy, an outgrown cow's milk allergy, one repeat medication; no problems.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const citalopramIssues = everyDays(addDays(today, -9), 28, 5);
  const citalopramStart = citalopramIssues[0];
  return {
    allergies: [
      {
        id: 'p8-allergy-nsaid',
        recorded: stamp(addDays(today, -1100), '12:05:00'),
        recorderId: 'prac-sharma',
        code: AGENT.nsaid,
        category: 'medication',
        type: 'allergy',
        reaction: { manifestation: REACTION.dyspnoea, severity: 'severe', description: 'Wheeze and breathlessness after naproxen' },
      },
      {
        id: 'p8-allergy-cows-milk',
        recorded: stamp(addDays(today, -5000), '09:00:00'),
        recorderId: 'prac-sharma',
        code: AGENT.cowsMilk,
        category: 'environment',
        type: 'allergy',
        onset: '1980',
        reaction: { manifestation: REACTION.vomiting, severity: 'moderate' },
        ended: { date: '1984', reason: 'Outgrown in early childhood' },
      },
    ],

    medication: [
      {
        id: 'p8-plan-citalopram',
        recorded: stamp(citalopramStart, '17:00:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.citalopram20,
        prescriptionType: 'repeat',
        status: 'active',
        start: citalopramStart,
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        repeat: { allowed: 6, expiry: addMonths(today, 2) },
        issues: issuesOn('p8-plan-citalopram', citalopramIssues, {
          recorderId: 'prac-sharma',
          dosage: 'One tablet once a day',
          quantity: QTY.tablets(28),
          supplyDays: 28,
        }),
      },
    ],
  };
}
