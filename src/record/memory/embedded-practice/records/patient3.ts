import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type { PatientClinicalRecord } from '../../../model';
import {
  AGENT,
  DIARY,
  everyDays,
  issuesOn,
  OBSERVATION,
  PATHOLOGY,
  PRODUCT,
  QTY,
  REACTION,
  REFERRAL,
  stamp,
  VACCINATION,
} from './common';

/**
 * patient3 (9690937294), the "no problems" patient (docs/spec-notes.md "Provider test pack — test patients"):
 * data in most areas and NOTHING linked to a problem, because there are NO problems at all.
 * - allergies: two active (aspirin, grass pollen) and one ended (penicillin, de-labelled after a
 *   negative challenge);
 * - medication: PAST only — an amoxicillin acute (given after the de-labelling) and a citalopram
 *   repeat stopped six months ago; no current or repeat medication;
 * - a nurse consultation with a flu vaccination, blood pressure, weight and smoking status;
 * - an EDIFACT full blood count: test request, specimen, test group with three results, filing comment;
 * - a physiotherapy referral; two diary entries, one of them overdue;
 * - no documents.
 */
export function record(today: CalendarDate): PatientClinicalRecord {
  const delabelled = addDays(today, -520);
  const chestInfection = addDays(today, -400);
  const citalopramStopped = addDays(today, -180);
  const citalopramIssues = everyDays(addDays(citalopramStopped, -28), 28, 9);
  const citalopramStart = citalopramIssues[0];
  const nurseVisit = addDays(today, -60);
  const bloodsTaken = addDays(today, -46);
  const resultsIssued = addDays(today, -45);
  const referred = addDays(today, -90);

  return {
    allergies: [
      {
        id: 'p3-allergy-aspirin',
        recorded: stamp(addDays(today, -2300), '11:05:00'),
        recorderId: 'prac-okafor',
        code: AGENT.aspirin,
        category: 'medication',
        type: 'allergy',
        onset: '2009',
        reaction: { manifestation: REACTION.urticaria, severity: 'moderate', description: 'Widespread hives within an hour of a 300mg dose' },
      },
      {
        id: 'p3-allergy-grass-pollen',
        recorded: stamp(addDays(today, -1500), '15:40:00'),
        recorderId: 'prac-sharma',
        code: AGENT.grassPollen,
        category: 'environment',
        type: 'allergy',
        reaction: { manifestation: REACTION.rhinitis, severity: 'mild' },
        note: 'Seasonal symptoms May to July',
      },
      {
        id: 'p3-allergy-penicillin',
        recorded: stamp(addDays(today, -4000), '10:00:00'),
        recorderId: 'prac-sharma',
        code: AGENT.penicillin,
        category: 'medication',
        type: 'allergy',
        onset: '1990',
        reaction: { manifestation: REACTION.rash, severity: 'mild', description: 'Childhood rash, reported by mother' },
        ended: { date: delabelled, reason: 'Penicillin allergy de-labelled after negative oral challenge test' },
      },
    ],

    medication: [
      {
        id: 'p3-plan-amoxicillin',
        recorded: stamp(chestInfection, '11:25:00'),
        recorderId: 'prac-okafor',
        product: PRODUCT.amoxicillin500,
        prescriptionType: 'acute',
        status: 'completed',
        start: chestInfection,
        end: addDays(chestInfection, 7),
        dosage: 'One capsule three times a day for 7 days',
        quantity: QTY.capsules(21),
        supplyDays: 7,
        issues: issuesOn('p3-plan-amoxicillin', [chestInfection], {
          recorderId: 'prac-okafor',
          dosage: 'One capsule three times a day for 7 days',
          quantity: QTY.capsules(21),
          supplyDays: 7,
        }),
      },
      {
        id: 'p3-plan-citalopram',
        recorded: stamp(citalopramStart, '16:10:00'),
        recorderId: 'prac-okafor',
        product: PRODUCT.citalopram20,
        prescriptionType: 'repeat',
        status: 'stopped',
        discontinued: { date: citalopramStopped, reason: 'Course completed - mood stable, reduced and stopped' },
        start: citalopramStart,
        end: citalopramStopped,
        dosage: 'One tablet once a day',
        quantity: QTY.tablets(28),
        supplyDays: 28,
        repeat: { allowed: 12, expiry: addMonths(citalopramStart, 12) },
        issues: issuesOn('p3-plan-citalopram', citalopramIssues, {
          recorderId: 'prac-okafor',
          dosage: 'One tablet once a day',
          quantity: QTY.tablets(28),
          supplyDays: 28,
        }),
      },
    ],

    consultations: [
      {
        id: 'p3-cons-nurse',
        recorded: stamp(nurseVisit, '09:40:00'),
        recorderId: 'prac-clarke',
        type: { text: 'Surgery consultation' },
        period: { start: stamp(nurseVisit, '09:30:00'), end: stamp(nurseVisit, '09:45:00') },
        locationId: 'loc-riverside-main',
        lastEdited: stamp(nurseVisit, '09:52:00'),
        topics: [
          {
            id: 'p3-cons-nurse-topic-1',
            title: 'Flu vaccination and health check',
            headings: [
              {
                id: 'p3-cons-nurse-history',
                title: 'History',
                entries: [
                  { kind: 'note', id: 'p3-cons-nurse-note-1', text: 'Attends for seasonal flu vaccination. Feels well, no recent illness.' },
                  { kind: 'observation', id: 'p3-obs-smoking' },
                ],
              },
              {
                id: 'p3-cons-nurse-examination',
                title: 'Examination',
                entries: [
                  { kind: 'observation', id: 'p3-obs-bp' },
                  { kind: 'observation', id: 'p3-obs-weight' },
                ],
              },
              {
                id: 'p3-cons-nurse-plan',
                title: 'Plan',
                entries: [
                  { kind: 'immunisation', id: 'p3-imm-flu' },
                  { kind: 'diaryEntry', id: 'p3-diary-bp-recall' },
                  { kind: 'diaryEntry', id: 'p3-diary-flu-recall' },
                ],
              },
            ],
          },
        ],
      },
    ],

    immunisations: [
      {
        id: 'p3-imm-flu',
        recorded: stamp(nurseVisit, '09:44:00'),
        recorderId: 'prac-clarke',
        consultationId: 'p3-cons-nurse',
        procedure: VACCINATION.seasonalFlu,
        date: stamp(nurseVisit, '09:38:00'),
        locationId: 'loc-riverside-main',
        site: VACCINATION.rightUpperArm,
        route: VACCINATION.intramuscular,
        dose: { value: 0.5, unit: 'ml', ucum: 'mL' },
        lotNumber: 'FL4172',
        expiryDate: addMonths(today, 5),
      },
    ],

    uncategorisedData: [
      {
        id: 'p3-obs-smoking',
        recorded: stamp(nurseVisit, '09:41:00'),
        recorderId: 'prac-clarke',
        consultationId: 'p3-cons-nurse',
        code: OBSERVATION.neverSmoked,
        effective: nurseVisit,
      },
      {
        kind: 'bloodPressure',
        id: 'p3-obs-bp',
        recorded: stamp(nurseVisit, '09:42:00'),
        recorderId: 'prac-clarke',
        consultationId: 'p3-cons-nurse',
        code: OBSERVATION.bloodPressure,
        effective: stamp(nurseVisit, '09:35:00'),
        systolic: 134,
        diastolic: 84,
      },
      {
        id: 'p3-obs-weight',
        recorded: stamp(nurseVisit, '09:43:00'),
        recorderId: 'prac-clarke',
        consultationId: 'p3-cons-nurse',
        code: OBSERVATION.bodyWeight,
        effective: stamp(nurseVisit, '09:36:00'),
        value: { type: 'quantity', value: 81.4, unit: 'kg', ucum: 'kg' },
      },
    ],

    investigations: [
      {
        id: 'p3-inv-fbc',
        recorded: stamp(resultsIssued, '14:02:00'),
        recorderId: 'prac-okafor',
        issued: stamp(resultsIssued, '13:47:00'),
        status: 'final',
        performers: [{ kind: 'organisation', id: 'org-leeds-pathology' }],
        request: {
          id: 'p3-inv-fbc-request',
          code: PATHOLOGY.fbc,
          requesterId: 'prac-okafor',
          performerId: 'org-leeds-pathology',
          reasons: [{ text: 'Tiredness' }],
        },
        specimens: [
          {
            id: 'p3-inv-fbc-specimen',
            type: PATHOLOGY.venousBlood,
            accessionId: 'LP24-0931845',
            collected: stamp(bloodsTaken, '08:55:00'),
            collectorId: 'prac-clarke',
            received: stamp(bloodsTaken, '15:20:00'),
          },
        ],
        groups: [
          {
            id: 'p3-inv-fbc-group',
            code: PATHOLOGY.fbc,
            status: 'final',
            results: [
              {
                id: 'p3-inv-fbc-hb',
                code: PATHOLOGY.haemoglobin,
                value: { type: 'quantity', value: 148, unit: 'g/L', ucum: 'g/L' },
                referenceRange: { low: 130, high: 170 },
                specimenId: 'p3-inv-fbc-specimen',
              },
              {
                id: 'p3-inv-fbc-wcc',
                code: PATHOLOGY.whiteCellCount,
                value: { type: 'quantity', value: 6.1, unit: '10*9/L', ucum: '10*9/L' },
                referenceRange: { low: 4.0, high: 11.0 },
                specimenId: 'p3-inv-fbc-specimen',
              },
              {
                id: 'p3-inv-fbc-plt',
                code: PATHOLOGY.plateletCount,
                value: { type: 'quantity', value: 262, unit: '10*9/L', ucum: '10*9/L' },
                referenceRange: { low: 150, high: 400 },
                specimenId: 'p3-inv-fbc-specimen',
              },
            ],
          },
        ],
        filingComments: [
          {
            id: 'p3-inv-fbc-filing',
            filed: stamp(resultsIssued, '14:02:00'),
            filedById: 'prac-okafor',
            comment: 'Normal - no action required',
          },
        ],
      },
    ],

    referrals: [
      {
        id: 'p3-ref-physio',
        recorded: stamp(referred, '12:10:00'),
        recorderId: 'prac-okafor',
        authored: referred,
        priority: 'routine',
        reason: REFERRAL.physiotherapy,
        recipients: [{ kind: 'healthcareService', id: 'hs-physiotherapy' }],
        description: 'Right shoulder pain for three months, reduced range of movement. Please assess and treat.',
      },
    ],

    diaryEntries: [
      {
        id: 'p3-diary-bp-recall',
        recorded: stamp(nurseVisit, '09:50:00'),
        recorderId: 'prac-clarke',
        consultationId: 'p3-cons-nurse',
        code: { text: 'Blood pressure recheck' },
        // Overdue: planned before today and still not done.
        planned: addDays(today, -14),
        note: 'Borderline reading at flu clinic; recheck in six weeks',
      },
      {
        id: 'p3-diary-flu-recall',
        recorded: stamp(nurseVisit, '09:51:00'),
        recorderId: 'prac-clarke',
        consultationId: 'p3-cons-nurse',
        code: DIARY.immunisationDue,
        planned: { start: addMonths(today, 10), end: addMonths(today, 12) },
        note: 'Next seasonal flu vaccination',
      },
    ],
  };
}
