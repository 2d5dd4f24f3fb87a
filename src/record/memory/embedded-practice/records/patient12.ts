import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { AGENT, everyDays, issuesOn, PRODUCT, QTY, REACTION, stamp } from './common';

/**
 * patient12 (9690938614), merged record with "prescribed elsewhere" medication (docs/spec-notes.md "Provider
 * test pack — test patients"): an active codeine intolerance and an ended grass pollen allergy; PAST
 * medication only (no current or repeat): an amoxicillin acute and a stopped metformin repeat prescribed
 * here, naproxen prescribed by the hospital rheumatology clinic (another organisation) and citalopram
 * prescribed by his previous practice (imported by GP2GP); no problems.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const amoxicillinDay = addDays(today, -300);
  const metforminStopped = addDays(today, -120);
  const metforminIssues = everyDays(addDays(metforminStopped, -20), 28, 6);
  const hospitalStart = addDays(today, -260);

  return {
    allergies: [
      {
        id: 'p12-allergy-codeine',
        recorded: stamp(addDays(today, -1600), '10:10:00'),
        recorderId: 'prac-sharma',
        code: AGENT.codeine,
        category: 'medication',
        type: 'intolerance',
        reaction: { manifestation: REACTION.nausea, severity: 'moderate' },
      },
      {
        id: 'p12-allergy-grass-pollen',
        recorded: stamp(addDays(today, -3300), '14:00:00'),
        recorderId: 'prac-okafor',
        code: AGENT.grassPollen,
        category: 'environment',
        type: 'allergy',
        reaction: { manifestation: REACTION.rhinitis, severity: 'mild' },
        ended: { date: addDays(today, -1000), reason: 'No symptoms for several seasons' },
      },
    ],

    medication: [
      {
        id: 'p12-plan-amoxicillin',
        recorded: stamp(amoxicillinDay, '12:20:00'),
        recorderId: 'prac-okafor',
        product: PRODUCT.amoxicillin500,
        prescriptionType: 'acute',
        status: 'completed',
        start: amoxicillinDay,
        end: addDays(amoxicillinDay, 7),
        dosage: 'One capsule three times a day for 7 days',
        quantity: QTY.capsules(21),
        supplyDays: 7,
        issues: issuesOn('p12-plan-amoxicillin', [amoxicillinDay], {
          recorderId: 'prac-okafor',
          dosage: 'One capsule three times a day for 7 days',
          quantity: QTY.capsules(21),
          supplyDays: 7,
        }),
      },
      {
        id: 'p12-plan-metformin',
        recorded: stamp(metforminIssues[0], '11:00:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.metformin500,
        prescriptionType: 'repeat',
        status: 'stopped',
        discontinued: { date: metforminStopped, reason: 'Gastrointestinal side effects' },
        start: metforminIssues[0],
        end: metforminStopped,
        dosage: 'One tablet twice a day with meals',
        quantity: QTY.tablets(56),
        supplyDays: 28,
        repeat: { expiry: addMonths(metforminIssues[0], 12) },
        issues: issuesOn('p12-plan-metformin', metforminIssues, {
          recorderId: 'prac-sharma',
          dosage: 'One tablet twice a day with meals',
          quantity: QTY.tablets(56),
          supplyDays: 28,
        }),
      },
      {
        // Prescribed and supplied by the hospital clinic: recorded here for information, never issued here.
        id: 'p12-plan-naproxen-hospital',
        recorded: stamp(addDays(hospitalStart, 4), '09:35:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.naproxen500,
        prescriptionType: 'acute',
        prescribedElsewhere: { agency: 'prescribed-by-another-organisation', detail: 'Hospital' },
        requesterId: 'prac-hussain',
        status: 'completed',
        start: hospitalStart,
        end: addDays(hospitalStart, 14),
        dosage: 'One tablet twice a day with food for 14 days',
        quantity: QTY.tablets(28),
        supplyDays: 14,
        notes: { additional: 'Started by rheumatology clinic, Leeds Teaching Hospitals' },
        issues: [],
      },
      {
        // GP2GP history from the previous practice, filed when he registered here (March 2004): its
        // dates are fixed, as they must precede the registration, and only month-precise.
        id: 'p12-plan-citalopram-previous',
        recorded: '2004-03-15T08:50:00+00:00',
        recorderId: 'prac-sharma',
        product: PRODUCT.citalopram20,
        prescriptionType: 'repeat',
        prescribedElsewhere: { agency: 'prescribed-by-previous-practice', detail: 'Hillside Surgery' },
        onBehalfOfOrganisationId: 'org-previous-practice',
        status: 'completed',
        start: '2001-05',
        end: '2003-11',
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        issues: [],
      },
    ],
  };
}
