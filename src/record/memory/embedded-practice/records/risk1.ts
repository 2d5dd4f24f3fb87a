/**
 * risk1 (Mrs Dorothy Fletcher, NHS 9690939009): the clinical risk of the predefined multi-area searches
 * (docs/spec-notes.md "Multi area searches — clinical risk", Multi area searches).
 *
 * Predefined search 1 asks for the 3 most recent consultations, all problems, allergies (with resolved)
 * and medication from today−365. With this record it returns:
 * - in the primary medication list, the three acutes of the last quarter (amoxicillin 1 month ago,
 *   prednisolone 2 months ago, salbutamol 3 months ago), each issued in one of the 3 most recent
 *   consultations;
 * - paracetamol, an acute of 18 months ago, ONLY because the active problem "Osteoarthritis of knee"
 *   links its plan: it sits in the problems' secondary lists, not the primary medication list;
 * - warfarin NOT AT ALL: a repeat started 14 months ago and stopped 13 months ago, linked to no problem
 *   and recorded in no consultation, so neither the date-limited medication search nor any link
 *   reaches it. A consumer reading the predefined search cannot tell the patient was anticoagulated
 *   a year ago.
 * Every date is relative to `today`, so the gap reproduces whatever the date.
 */
import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type {
  Allergy,
  BloodPressure,
  CodedConcept,
  Consultation,
  DiaryEntry,
  MedicationPlan,
  Observation,
  PatientClinicalRecord,
  Problem,
  Timestamp,
} from '../../../model';

const SHARMA = 'prac-sharma';
const OKAFOR = 'prac-okafor';
const CLARKE = 'prac-clarke';
const LOCATION = 'loc-riverside-main';

/** dm+d VMPs (the long-standing SNOMED CT ids GP systems hold on these items). */
const DRUG = {
  amoxicillin: { code: '323510009', display: 'Amoxicillin 500mg capsules' },
  prednisolone: { code: '325427002', display: 'Prednisolone 5mg tablets' },
  salbutamol: { code: '320176004', display: 'Salbutamol 100micrograms/dose inhaler' },
  warfarin: { code: '319733000', display: 'Warfarin 1mg tablets' },
  paracetamol: { code: '322236009', display: 'Paracetamol 500mg tablets' },
} as const satisfies Record<string, CodedConcept>;

const SCT = {
  osteoarthritisKnee: { code: '239873007', display: 'Osteoarthritis of knee' },
  essentialHypertension: { code: '59621000', display: 'Essential hypertension' },
  lrti: { code: '50417007', display: 'Lower respiratory tract infection' },
  gout: { code: '90560007', display: 'Gout' },
  acuteBronchitis: { code: '10509002', display: 'Acute bronchitis' },
  bpReading: { code: '163020007', display: 'O/E - blood pressure reading' },
  bodyWeight: { code: '27113001', display: 'Body weight' },
  temperature: { code: '703421000', display: 'Temperature' },
  respiratoryRate: { code: '86290005', display: 'Respiratory rate' },
  allergyToAspirin: { code: '293586001', display: 'Allergy to aspirin' },
  allergyToPenicillin: { code: '91936005', display: 'Allergy to penicillin' },
  wheeze: { code: '56018004', display: 'Wheezing' },
  medicationReviewDue: { code: '314529007', display: 'Medication review due' },
} as const satisfies Record<string, CodedConcept>;

export function record(today: CalendarDate): PatientClinicalRecord {
  const at = (date: CalendarDate, time = '09:00'): Timestamp => `${date}T${time}:00+00:00`;

  const month1 = addMonths(today, -1);
  const month2 = addMonths(today, -2);
  const month3 = addMonths(today, -3);
  const month6 = addMonths(today, -6);
  const month13 = addMonths(today, -13);
  const month14 = addMonths(today, -14);
  const month18 = addMonths(today, -18);

  // ---- Medication -------------------------------------------------------------------------------
  /** An acute: one plan, one issue, both recorded in the consultation that prescribed it. */
  const acute = (
    key: string,
    product: CodedConcept,
    date: CalendarDate,
    consultationId: string,
    recorderId: string,
    details: { dosage: string; quantity: { value: number; unit: string }; supplyDays: number },
    end: CalendarDate,
  ): MedicationPlan => ({
    id: `r1-med-${key}`,
    recorded: at(date, '09:20'),
    recorderId,
    consultationId,
    product,
    prescriptionType: 'acute',
    status: 'completed',
    start: date,
    end,
    ...details,
    issues: [
      {
        id: `r1-med-${key}-issue-1`,
        recorded: at(date, '09:20'),
        recorderId,
        consultationId,
        date,
        validUntil: end,
        ...details,
      },
    ],
  });

  const amoxicillin = acute('amoxicillin', DRUG.amoxicillin, month1, 'r1-cons-1', SHARMA, {
    dosage: 'One capsule three times a day for 5 days',
    quantity: { value: 15, unit: 'capsule' },
    supplyDays: 5,
  }, addDays(month1, 4));
  const prednisolone = acute('prednisolone', DRUG.prednisolone, month2, 'r1-cons-2', OKAFOR, {
    dosage: 'Six tablets (30mg) once a day in the morning for 5 days',
    quantity: { value: 30, unit: 'tablet' },
    supplyDays: 5,
  }, addDays(month2, 4));
  const salbutamol = acute('salbutamol', DRUG.salbutamol, month3, 'r1-cons-3', SHARMA, {
    dosage: 'Two puffs up to four times a day when required for wheeze',
    quantity: { value: 1, unit: 'inhaler' },
    supplyDays: 30,
  }, addDays(month3, 29));
  // Paracetamol: one acute issue 18 months ago, start and end that day. Linked to the active
  // osteoarthritis problem (below), so problem linkage brings it in whatever the search date.
  const paracetamol = acute('paracetamol', DRUG.paracetamol, month18, 'r1-cons-5', OKAFOR, {
    dosage: 'Two tablets up to four times a day when required for knee pain',
    quantity: { value: 100, unit: 'tablet' },
    supplyDays: 12,
  }, month18);

  // Warfarin: a repeat from 14 to 13 months ago with weekly issues during initiation. Deliberately
  // recorded outside any consultation and linked to no problem.
  const warfarinIssueDays = [0, 7, 14, 21];
  const warfarinDetails = {
    dosage: 'As directed by the anticoagulant clinic (dose in yellow book)',
    quantity: { value: 28, unit: 'tablet' },
    supplyDays: 7,
  };
  const warfarin: MedicationPlan = {
    id: 'r1-med-warfarin',
    recorded: at(month14, '14:10'),
    recorderId: OKAFOR,
    product: DRUG.warfarin,
    prescriptionType: 'repeat',
    status: 'stopped',
    discontinued: { date: month13, reason: 'Stopped on anticoagulant clinic advice' },
    start: month14,
    end: month13,
    repeat: { allowed: 6 },
    ...warfarinDetails,
    issues: warfarinIssueDays.map((offset, i) => ({
      id: `r1-med-warfarin-issue-${i + 1}`,
      recorded: at(addDays(month14, offset), '14:10'),
      recorderId: OKAFOR,
      date: addDays(month14, offset),
      ...warfarinDetails,
    })),
  };

  // ---- Uncategorised data -----------------------------------------------------------------------
  const bp: BloodPressure = {
    id: 'r1-obs-bp-1',
    kind: 'bloodPressure',
    recorded: at(month6, '11:05'),
    recorderId: CLARKE,
    consultationId: 'r1-cons-4',
    code: SCT.bpReading,
    effective: month6,
    systolic: 146,
    diastolic: 84,
  };
  const weight: Observation = {
    id: 'r1-obs-weight-1',
    recorded: at(month6, '11:06'),
    recorderId: CLARKE,
    consultationId: 'r1-cons-4',
    code: SCT.bodyWeight,
    effective: month6,
    value: { type: 'quantity', value: 68.4, unit: 'kg', ucum: 'kg' },
  };
  const temperature: Observation = {
    id: 'r1-obs-temperature-1',
    recorded: at(month1, '09:12'),
    recorderId: SHARMA,
    consultationId: 'r1-cons-1',
    code: SCT.temperature,
    effective: month1,
    value: { type: 'quantity', value: 37.9, unit: 'degrees C', ucum: 'Cel' },
  };
  const respiratoryRate: Observation = {
    id: 'r1-obs-resprate-1',
    recorded: at(month3, '10:32'),
    recorderId: SHARMA,
    consultationId: 'r1-cons-3',
    code: SCT.respiratoryRate,
    effective: month3,
    value: { type: 'quantity', value: 20, unit: 'breaths/minute', ucum: '/min' },
  };

  // ---- Problems ---------------------------------------------------------------------------------
  const problems: Problem[] = [
    {
      id: 'r1-prob-oa-knee',
      recorded: at(month18, '09:25'),
      recorderId: OKAFOR,
      consultationId: 'r1-cons-5',
      code: SCT.osteoarthritisKnee,
      status: 'active',
      significance: 'major',
      onset: month18,
      note: 'Right knee. X-ray: medial compartment narrowing.',
      linkedItems: [{ kind: 'medicationPlan', id: paracetamol.id }],
    },
    {
      id: 'r1-prob-hypertension',
      recorded: '2014-03-12T10:40:00+00:00',
      recorderId: SHARMA,
      code: SCT.essentialHypertension,
      status: 'active',
      significance: 'major',
      onset: '2014-03',
      linkedItems: [{ kind: 'observation', id: bp.id }],
    },
    {
      id: 'r1-prob-lrti',
      recorded: at(month1, '09:18'),
      recorderId: SHARMA,
      consultationId: 'r1-cons-1',
      code: SCT.lrti,
      status: 'inactive',
      significance: 'minor',
      onset: month1,
      end: addDays(month1, 14),
      linkedItems: [{ kind: 'medicationPlan', id: amoxicillin.id }],
    },
    {
      id: 'r1-prob-gout',
      recorded: at(month2, '16:05'),
      recorderId: OKAFOR,
      consultationId: 'r1-cons-2',
      code: SCT.gout,
      status: 'inactive',
      significance: 'minor',
      onset: month2,
      end: addDays(month2, 10),
      note: 'Acute gout, right first metatarsophalangeal joint.',
      linkedItems: [{ kind: 'medicationPlan', id: prednisolone.id }],
    },
    {
      id: 'r1-prob-bronchitis',
      recorded: at(month3, '10:35'),
      recorderId: SHARMA,
      consultationId: 'r1-cons-3',
      code: SCT.acuteBronchitis,
      status: 'inactive',
      significance: 'minor',
      onset: month3,
      end: addDays(month3, 21),
      linkedItems: [{ kind: 'medicationPlan', id: salbutamol.id }],
    },
  ];

  // ---- Consultations (none references warfarin or paracetamol except cons-5, 18 months ago) ----
  const consultations: Consultation[] = [
    {
      id: 'r1-cons-1',
      recorded: at(month1, '09:00'),
      recorderId: SHARMA,
      type: { text: 'Surgery consultation' },
      period: { start: at(month1, '09:00'), end: at(month1, '09:15') },
      locationId: LOCATION,
      lastEdited: at(month1, '09:25'),
      topics: [
        {
          title: 'Chest infection',
          problemIds: ['r1-prob-lrti'],
          headings: [
            { title: 'History', entries: [{ kind: 'note', id: 'r1-note-1-1', text: 'Productive cough with green sputum for 10 days. No haemoptysis. Not short of breath at rest.' }] },
            { title: 'Examination', entries: [{ kind: 'observation', id: temperature.id }, { kind: 'note', id: 'r1-note-1-2', text: 'Coarse crackles right base. Sats 96% on air.' }] },
            { title: 'Plan', entries: [{ kind: 'medicationPlan', id: amoxicillin.id }, { kind: 'medicationIssue', id: 'r1-med-amoxicillin-issue-1' }, { kind: 'note', id: 'r1-note-1-3', text: 'Penicillin allergy was de-labelled after challenge testing. Safety-netting advice given.' }] },
          ],
        },
      ],
    },
    {
      id: 'r1-cons-2',
      recorded: at(month2, '16:00'),
      recorderId: OKAFOR,
      type: { text: 'Telephone consultation' },
      period: { start: at(month2, '16:00'), end: at(month2, '16:10') },
      lastEdited: at(month2, '16:06'),
      topics: [
        {
          title: 'Painful swollen big toe',
          problemIds: ['r1-prob-gout'],
          headings: [
            { title: 'History', entries: [{ kind: 'note', id: 'r1-note-2-1', text: 'Two days of a hot, red, very painful right big toe. Similar episode years ago. NSAIDs avoided (aspirin allergy).' }] },
            { title: 'Plan', entries: [{ kind: 'medicationPlan', id: prednisolone.id }, { kind: 'medicationIssue', id: 'r1-med-prednisolone-issue-1' }, { kind: 'note', id: 'r1-note-2-2', text: 'Short course of oral prednisolone. Check urate when settled.' }] },
          ],
        },
      ],
    },
    {
      id: 'r1-cons-3',
      recorded: at(month3, '10:20'),
      recorderId: SHARMA,
      type: { text: 'Surgery consultation' },
      period: { start: at(month3, '10:20'), end: at(month3, '10:35') },
      locationId: LOCATION,
      lastEdited: at(month3, '10:40'),
      topics: [
        {
          title: 'Cough and wheeze',
          problemIds: ['r1-prob-bronchitis'],
          headings: [
            { title: 'History', entries: [{ kind: 'note', id: 'r1-note-3-1', text: 'Dry cough and wheeze after a cold. No fever.' }] },
            { title: 'Examination', entries: [{ kind: 'observation', id: respiratoryRate.id }, { kind: 'note', id: 'r1-note-3-2', text: 'Scattered expiratory wheeze, no focal signs.' }] },
            { title: 'Plan', entries: [{ kind: 'medicationPlan', id: salbutamol.id }, { kind: 'medicationIssue', id: 'r1-med-salbutamol-issue-1' }] },
          ],
        },
      ],
    },
    {
      id: 'r1-cons-4',
      recorded: at(month6, '11:00'),
      recorderId: CLARKE,
      type: { text: 'Nurse clinic' },
      period: { start: at(month6, '11:00'), end: at(month6, '11:15') },
      locationId: LOCATION,
      lastEdited: at(month6, '11:12'),
      topics: [
        {
          title: 'Hypertension review',
          problemIds: ['r1-prob-hypertension'],
          headings: [
            { title: 'Examination', entries: [{ kind: 'observation', id: bp.id }, { kind: 'observation', id: weight.id }] },
            { title: 'Plan', entries: [{ kind: 'note', id: 'r1-note-4-1', text: 'BP acceptable for age. Lifestyle advice. Review in 12 months.' }] },
          ],
        },
      ],
    },
    {
      id: 'r1-cons-5',
      recorded: at(month18, '09:10'),
      recorderId: OKAFOR,
      type: { text: 'Surgery consultation' },
      period: { start: at(month18, '09:10'), end: at(month18, '09:25') },
      locationId: LOCATION,
      lastEdited: at(month18, '09:30'),
      topics: [
        {
          title: 'Right knee pain',
          problemIds: ['r1-prob-oa-knee'],
          headings: [
            { title: 'History', entries: [{ kind: 'note', id: 'r1-note-5-1', text: 'Six months of right knee pain, worse on stairs, morning stiffness under 30 minutes.' }] },
            { title: 'Examination', entries: [{ kind: 'note', id: 'r1-note-5-2', text: 'Crepitus, small effusion, no warmth. Full extension.' }] },
            { title: 'Plan', entries: [{ kind: 'medicationPlan', id: paracetamol.id }, { kind: 'medicationIssue', id: 'r1-med-paracetamol-issue-1' }, { kind: 'note', id: 'r1-note-5-3', text: 'Regular paracetamol, quadriceps exercises, weight advice.' }] },
          ],
        },
      ],
    },
  ];

  // ---- Allergies --------------------------------------------------------------------------------
  const allergies: Allergy[] = [
    {
      id: 'r1-allergy-aspirin',
      recorded: '2009-06-02T10:15:00+00:00',
      recorderId: SHARMA,
      code: SCT.allergyToAspirin,
      category: 'medication',
      type: 'allergy',
      onset: '2009',
      reaction: { manifestation: SCT.wheeze, severity: 'moderate', description: 'Wheeze within an hour of taking aspirin' },
    },
    {
      id: 'r1-allergy-penicillin',
      recorded: '2004-03-01T10:00:00+00:00',
      recorderId: SHARMA,
      code: SCT.allergyToPenicillin,
      category: 'medication',
      type: 'allergy',
      onset: '1952',
      reaction: { description: 'Rash in childhood', severity: 'mild' },
      note: 'Reported by patient at registration.',
      ended: { date: addMonths(today, -26), reason: 'De-labelled: negative oral amoxicillin challenge at the allergy clinic' },
    },
  ];

  // ---- Diary ------------------------------------------------------------------------------------
  const diaryEntries: DiaryEntry[] = [
    {
      id: 'r1-diary-medreview',
      recorded: at(month6, '11:14'),
      recorderId: CLARKE,
      code: SCT.medicationReviewDue,
      planned: addMonths(today, 6),
    },
  ];

  return {
    allergies,
    medication: [amoxicillin, prednisolone, salbutamol, warfarin, paracetamol],
    problems,
    consultations,
    uncategorisedData: [bp, weight, temperature, respiratoryRate],
    diaryEntries,
  };
}
