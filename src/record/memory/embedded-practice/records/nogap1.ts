import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import { everyDays, issuesOn, PRODUCT, QTY, stamp } from './common';

/**
 * nogap1 (9690939033): the control for the clinical-risk warning. Every medication a problem or a
 * consultation links is also active within the last year, so predefined search 1 returns it in the
 * primary medication list as well: there is no gap for a consumer to be warned about.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const issues = everyDays(addDays(today, -10), 28, 8);
  const start = issues[0];
  const review = addDays(today, -38);
  const reviewIssue = issues.find((d) => d === review) ?? issues[issues.length - 2];
  const planIssues = issuesOn('ng1-plan-amlodipine', issues, {
    recorderId: 'prac-sharma',
    dosage: 'One tablet once a day',
    quantity: QTY.tablets(28),
    supplyDays: 28,
  });
  const reviewIssueId = planIssues[issues.indexOf(reviewIssue)].id;
  return {
    problems: [
      {
        id: 'ng1-problem-hypertension',
        recorded: stamp(start, '09:40:00'),
        recorderId: 'prac-sharma',
        code: { code: '59621000', display: 'Essential hypertension' },
        status: 'active',
        significance: 'major',
        onset: start,
        linkedItems: [{ kind: 'medicationPlan', id: 'ng1-plan-amlodipine' }, { kind: 'consultation', id: 'ng1-cons-review' }],
      },
    ],
    medication: [
      {
        id: 'ng1-plan-amlodipine',
        recorded: stamp(start, '09:45:00'),
        recorderId: 'prac-sharma',
        product: PRODUCT.amlodipine5,
        prescriptionType: 'repeat',
        status: 'active',
        start,
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        repeat: { allowed: 12, expiry: addMonths(start, 12) },
        issues: planIssues.map((issue) => (issue.id === reviewIssueId ? { ...issue, consultationId: 'ng1-cons-review' } : issue)),
      },
    ],
    consultations: [
      {
        id: 'ng1-cons-review',
        recorded: stamp(reviewIssue, '09:30:00'),
        recorderId: 'prac-sharma',
        type: { text: 'Surgery consultation' },
        period: { start: `${reviewIssue}T09:10:00+00:00`, end: `${reviewIssue}T09:25:00+00:00` },
        locationId: 'loc-riverside-main',
        topics: [
          {
            title: 'Blood pressure review',
            problemIds: ['ng1-problem-hypertension'],
            headings: [{ title: 'Plan', entries: [{ kind: 'medicationIssue', id: reviewIssueId }] }],
          },
        ],
      },
    ],
  };
}
