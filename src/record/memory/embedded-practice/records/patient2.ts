/**
 * patient2 (9690937286), Mrs Margaret Anne Hughes, born 1948: the "everything, linked to problems"
 * patient of the acceptance suite (docs/spec-notes.md "Provider test pack — test patients").
 *
 * A woman in her late seventies with hypertension (about 10½ years), type 2 diabetes (9 years) with
 * background retinopathy, atrial fibrillation on apixaban (7 years), lifelong asthma, osteoarthritis
 * of the right knee, a pneumonia 6 years ago during which amoxicillin caused a rash (penicillin
 * allergy), and low mood treated with citalopram (recorded as confidential at her request).
 *
 * Every date is an offset from `today`, so the record never goes stale. What the suite needs from it:
 * - allergies: two active (penicillin, latex; penicillin linked from the pneumonia problem), two ended
 *   (grass pollen with a reason; a GP2GP-degraded drug allergy with none);
 * - medication: current, repeat and past plans, acutes with one issue each, repeats with repeat
 *   information and many issues, re-authorisations (priorPlanId), a legacy plan with no prescription
 *   type, plans from within the last 3 years and plans that ended before then, and a CONFIDENTIAL
 *   current repeat (citalopram) that is also linked from a problem;
 * - problems: a parent/child pair (diabetes / retinopathy), active+major, active+minor and inactive
 *   problems, links to every kind of item, problems recorded in consultations. No item is linked from
 *   two problems and the related pair shares status and significance, so every problem filter of the
 * suite returns exactly the Conditions of its primary list ("Condition count == entries", docs/spec-notes.md
 * "Provider test pack — test patients");
 * - consultations: sixteen, seven of them within [today-3y, today-1d], with History / Examination /
 *   Plan headings, topics linked to problems, a flat topic, free-text notes, a draft;
 * - immunisations (given, given elsewhere, not given), consent/dissent records, uncategorised data
 *   (blood pressure triples, weight, manual HbA1c, an undated item, a confidential item), two lab
 *   reports, two referrals (one with a UBRN), diary entries (one overdue, one ~10 years ahead, one
 *   completed) and three documents.
 *
 * Ids are prefixed `p2-` plus the kind, so they are unique across the practice and across the kinds
 * that share a FHIR type (Observation: `p2-obs-`, `p2-note-`, `p2-inv-…`; ProcedureRequest:
 * `p2-diary-`, `p2-inv-…-request`; MedicationRequest: `p2-plan-`, `p2-issue-`).
 */
import { addDays, addMonths, type CalendarDate } from '../../../../fhir/dates';
import type {
  Allergy,
  ClinicalDocument,
  CodedConcept,
  Consultation,
  ConsultationEntry,
  ConsultationNote,
  DiaryEntry,
  Heading,
  Immunisation,
  ImmunisationStatusRecord,
  InvestigationReport,
  MedicationIssue,
  MedicationPlan,
  MedicationQuantity,
  Observation,
  PartialDate,
  PatientClinicalRecord,
  Problem,
  Referral,
  Timestamp,
} from '../../../model';

// ---------------------------------------------------------------------------------------------------
// Codes. SNOMED CT concepts (UK edition preferred terms) and dm+d VMPs.
// ---------------------------------------------------------------------------------------------------

const SCT = {
  // Problems
  type2Diabetes: { code: '44054006', display: 'Type 2 diabetes mellitus' },
  diabeticRetinopathy: { code: '4855003', display: 'Diabetic retinopathy' },
  essentialHypertension: { code: '59621000', display: 'Essential hypertension' },
  atrialFibrillation: { code: '49436004', display: 'Atrial fibrillation' },
  asthma: { code: '195967001', display: 'Asthma' },
  osteoarthritisKnee: { code: '239873007', display: 'Osteoarthritis of knee' },
  pneumonia: { code: '233604007', display: 'Pneumonia' },
  anxietyDepression: { code: '231504006', display: 'Mixed anxiety and depressive disorder' },
  // Allergies and reactions
  penicillinAllergy: { code: '91936005', display: 'Allergy to penicillin' },
  latexAllergy: { code: '300916003', display: 'Latex allergy' },
  grassPollenAllergy: { code: '418689008', display: 'Allergy to grass pollen' },
  degradedDrugAllergy: { code: '196461000000101', display: 'Transfer-degraded drug allergy' },
  skinEruption: { code: '271807003', display: 'Eruption of skin' },
  // Observations
  bloodPressure: { code: '163020007', display: 'O/E - blood pressure reading' },
  bodyWeight: { code: '27113001', display: 'Body weight' },
  bodyHeight: { code: '50373000', display: 'Body height' },
  bmi: { code: '60621009', display: 'Body mass index' },
  pulseRate: { code: '78564009', display: 'Pulse rate' },
  pulseIrregular: { code: '271637005', display: 'Pulse irregularly irregular' },
  temperature: { code: '703421000', display: 'Temperature' },
  neverSmoked: { code: '266919005', display: 'Never smoked tobacco' },
  alcoholUnits: { code: '1082641000000106', display: 'Alcohol units consumed per week' },
  hba1c: {
    code: '999791000000106',
    display: 'Haemoglobin A1c level - International Federation of Clinical Chemistry and Laboratory Medicine standardised',
  },
  serumCreatinine: { code: '1000731000000107', display: 'Serum creatinine level' },
  egfr: {
    code: '1011481000000105',
    display:
      'eGFR (estimated glomerular filtration rate) using creatinine Chronic Kidney Disease Epidemiology Collaboration equation per 1.73 square metres',
  },
  // Pathology (UK pathology bounded code list)
  fbc: { code: '26604007', display: 'FBC - Full blood count' },
  haemoglobin: { code: '1022431000000105', display: 'Haemoglobin estimation' },
  whiteCellCount: { code: '1022541000000102', display: 'Total white cell count' },
  plateletCount: { code: '1022651000000100', display: 'Platelet count' },
  mcv: { code: '1022491000000106', display: 'Mean corpuscular volume' },
  neutrophilCount: { code: '1022551000000104', display: 'Neutrophil count' },
  bloodSpecimen: { code: '119297000', display: 'Blood specimen' },
  venousBloodSpecimen: { code: '122555007', display: 'Venous blood specimen' },
  // Immunisations
  influenzaVaccination: { code: '86198006', display: 'Influenza vaccination' },
  pneumococcalVaccination: { code: '12866006', display: 'Pneumococcal vaccination' },
  hepatitisANotDone: { code: '6041000175108', display: 'Hepatitis A vaccination not done' },
  influenza: { code: '6142004', display: 'Influenza' },
  pneumococcalDisease: { code: '16814004', display: 'Pneumococcal infectious disease' },
  leftUpperArm: { code: '368208006', display: 'Left upper arm structure' },
  intramuscular: { code: '78421000', display: 'Intramuscular route' },
  noConsentImmunisation: { code: '268559007', display: 'No consent for any immunization' },
  // Referrals, diary, documents
  referralCardiology: { code: '183519002', display: 'Referral to cardiology service' },
  referralPhysiotherapist: { code: '308447003', display: 'Referral to physiotherapist' },
  medicationReviewDue: { code: '314529007', display: 'Medication review due' },
  immunisationDue: { code: '171279008', display: 'Immunisation due' },
  clinicalEncounterReport: { code: '371531000', display: 'Report of clinical encounter' },
} as const satisfies Record<string, CodedConcept>;

/** dm+d virtual medicinal products. */
const DMD = {
  aspirin75: { code: '319773006', display: 'Aspirin 75mg dispersible tablets' },
  metformin500: { code: '325278007', display: 'Metformin 500mg tablets' },
  amlodipine5: { code: '319283006', display: 'Amlodipine 5mg tablets' },
  amlodipine10: { code: '319284000', display: 'Amlodipine 10mg tablets' },
  apixaban5: { code: '42206511000001102', display: 'Apixaban 5mg tablets' },
  amoxicillin500: { code: '323510009', display: 'Amoxicillin 500mg capsules' },
  paracetamol500: { code: '322236009', display: 'Paracetamol 500mg tablets' },
  salbutamolInhaler: { code: '320176004', display: 'Salbutamol 100micrograms/dose inhaler CFC free' },
  citalopram20: { code: '321987003', display: 'Citalopram 20mg tablets' },
  atorvastatin20: { code: '39733011000001106', display: 'Atorvastatin 20mg tablets' },
} as const satisfies Record<string, CodedConcept>;

// Dataset actors (practice.ts).
const SHARMA = 'prac-sharma';
const OKAFOR = 'prac-okafor';
const CLARKE = 'prac-clarke'; // practice nurse
const HUSSAIN = 'prac-hussain'; // consultant cardiologist, Leeds Teaching Hospitals
const MAIN_SITE = 'loc-riverside-main';
const LEEDS_TEACHING = 'org-leeds-teaching';
const LEEDS_PATHOLOGY = 'org-leeds-pathology';

// ---------------------------------------------------------------------------------------------------
// Item ids, so links and consultation structures name each item once.
// ---------------------------------------------------------------------------------------------------

const ID = {
  // problems
  t2dm: 'p2-prob-type2-diabetes',
  retinopathy: 'p2-prob-diabetic-retinopathy',
  hypertension: 'p2-prob-hypertension',
  af: 'p2-prob-atrial-fibrillation',
  asthma: 'p2-prob-asthma',
  oaKnee: 'p2-prob-oa-knee',
  pneumonia: 'p2-prob-pneumonia',
  lowMood: 'p2-prob-anxiety-depression',
  // consultations
  consHtnDx: 'p2-cons-htn-diagnosis',
  consDmDx: 'p2-cons-diabetes-diagnosis',
  consPneumoVacc: 'p2-cons-pneumococcal-vaccination',
  consAfDx: 'p2-cons-af-diagnosis',
  consPneumonia: 'p2-cons-chest-infection',
  consRash: 'p2-cons-drug-rash',
  consKneeDx: 'p2-cons-knee-pain',
  consDmReview: 'p2-cons-diabetes-review',
  consHtnReview: 'p2-cons-htn-review',
  consStatin: 'p2-cons-cv-risk',
  consLowMood: 'p2-cons-low-mood',
  consAsthmaReview: 'p2-cons-asthma-review',
  consFlu: 'p2-cons-flu-clinic',
  consKneeFlare: 'p2-cons-knee-flare',
  consAnnualReview: 'p2-cons-annual-review',
  consKneeCall: 'p2-cons-knee-telephone',
  // medication plans
  planAspirin: 'p2-plan-aspirin',
  planMetformin1: 'p2-plan-metformin-1',
  planMetformin2: 'p2-plan-metformin-2',
  planAmlodipine5: 'p2-plan-amlodipine-5mg',
  planAmlodipine10: 'p2-plan-amlodipine-10mg',
  planApixaban1: 'p2-plan-apixaban-1',
  planApixaban2: 'p2-plan-apixaban-2',
  planAmoxicillin: 'p2-plan-amoxicillin',
  planParacetamol: 'p2-plan-paracetamol',
  planSalbutamol1: 'p2-plan-salbutamol-1',
  planSalbutamol2: 'p2-plan-salbutamol-2',
  planCitalopram: 'p2-plan-citalopram',
  planAtorvastatin: 'p2-plan-atorvastatin',
  // medication issues named in links or consultations
  issueAmoxicillin: 'p2-issue-amoxicillin-1',
  issueParacetamol: 'p2-issue-paracetamol-1',
  issueMetforminReview: 'p2-issue-metformin-2-annual-review',
  issueApixaban2First: 'p2-issue-apixaban-2-1',
  // allergies
  allergyPenicillin: 'p2-allergy-penicillin',
  allergyLatex: 'p2-allergy-latex',
  allergyGrass: 'p2-allergy-grass-pollen',
  allergyDegraded: 'p2-allergy-degraded-codeine',
  // uncategorised observations
  obsBp1: 'p2-obs-bp-1',
  obsBp2: 'p2-obs-bp-2',
  obsBp3: 'p2-obs-bp-3',
  obsHba1c1: 'p2-obs-hba1c-1',
  obsHba1c2: 'p2-obs-hba1c-2',
  obsPulseIrregular: 'p2-obs-pulse-irregular',
  obsPulseRate1: 'p2-obs-pulse-rate-1',
  obsPulseRate2: 'p2-obs-pulse-rate-2',
  obsTemperature: 'p2-obs-temperature',
  obsAlcohol: 'p2-obs-alcohol',
  obsWeight: 'p2-obs-weight',
  obsBmi: 'p2-obs-bmi',
  obsHeight: 'p2-obs-height',
  obsSmoking: 'p2-obs-smoking',
  // immunisations and status records
  immPneumo: 'p2-imm-pneumococcal',
  immFlu1: 'p2-imm-influenza-1',
  immFlu2: 'p2-imm-influenza-2',
  immHepA: 'p2-imm-hepatitis-a-not-given',
  immStatusDissent: 'p2-imm-status-dissent',
  immStatusError: 'p2-imm-status-dissent-in-error',
  // investigations, referrals, diary, documents
  invAfBloods: 'p2-inv-af-bloods',
  invDmBloods: 'p2-inv-diabetes-bloods',
  refCardiology: 'p2-ref-cardiology',
  refPhysio: 'p2-ref-physiotherapy',
  diaryMedReview: 'p2-diary-medication-review',
  diaryDmReview: 'p2-diary-diabetes-review',
  diaryFlu: 'p2-diary-flu-vaccination',
  diaryScr: 'p2-diary-scr-consent-review',
  diaryBloodsDone: 'p2-diary-bloods-completed',
  docReferralLetter: 'p2-doc-cardiology-referral-letter',
  docClinicLetter: 'p2-doc-cardiology-clinic-letter',
  docEyeScreening: 'p2-doc-eye-screening-letter',
} as const;

const ref = {
  problem: (id: string) => ({ kind: 'problem', id }) as const,
  consultation: (id: string) => ({ kind: 'consultation', id }) as const,
  plan: (id: string) => ({ kind: 'medicationPlan', id }) as const,
  issue: (id: string) => ({ kind: 'medicationIssue', id }) as const,
  allergy: (id: string) => ({ kind: 'allergy', id }) as const,
  observation: (id: string) => ({ kind: 'observation', id }) as const,
  immunisation: (id: string) => ({ kind: 'immunisation', id }) as const,
  investigation: (id: string) => ({ kind: 'investigation', id }) as const,
  referral: (id: string) => ({ kind: 'referral', id }) as const,
  diary: (id: string) => ({ kind: 'diaryEntry', id }) as const,
  document: (id: string) => ({ kind: 'document', id }) as const,
};

const note = (id: string, text: string, confidential?: boolean): ConsultationNote =>
  confidential ? { kind: 'note', id, text, confidential } : { kind: 'note', id, text };

const heading = (title: string, entries: readonly ConsultationEntry[]): Heading => ({ title, entries });

/** Dates of a repeat's issues, every `every` days, ending exactly on `last` and not before `first`. */
function issueDates(first: CalendarDate, last: CalendarDate, every: number): CalendarDate[] {
  const dates: CalendarDate[] = [];
  for (let date = last; date >= first; date = addDays(date, -every)) dates.unshift(date);
  return dates;
}

interface Prescription {
  readonly dosage: string;
  readonly quantity: MedicationQuantity;
  readonly supplyDays: number;
  readonly prescriberId: string;
}

/** Routine repeat issues (signed by the prescriber outside any consultation), numbered in date order. */
function repeatIssues(
  planKey: string,
  dates: readonly CalendarDate[],
  rx: Prescription,
  extra: Partial<Pick<MedicationIssue, 'confidential'>> = {},
): MedicationIssue[] {
  return dates.map((date, index) => ({
    id: `p2-issue-${planKey}-${index + 1}`,
    recorded: `${date}T08:15:00+00:00`,
    recorderId: rx.prescriberId,
    date,
    validUntil: addDays(date, rx.supplyDays),
    dosage: rx.dosage,
    quantity: rx.quantity,
    supplyDays: rx.supplyDays,
    ...extra,
  }));
}

export function record(today: CalendarDate): PatientClinicalRecord {
  const daysAgo = (days: number): CalendarDate => addDays(today, -days);
  const monthsAgo = (months: number): CalendarDate => addMonths(today, -months);
  const at = (date: CalendarDate, time = '09:30'): Timestamp => `${date}T${time}:00+00:00`;
  const yearOf = (date: CalendarDate): PartialDate => date.slice(0, 4) as PartialDate;
  const yearMonthOf = (date: CalendarDate): PartialDate => date.slice(0, 7) as PartialDate;
  const visit = (date: CalendarDate, from: string, to: string) => ({ start: at(date, from), end: at(date, to) });

  // Timeline, oldest first.
  const dHtnDx = monthsAgo(126);
  const dDmDx = monthsAgo(108);
  const dPneumoVacc = monthsAgo(96);
  const dAfDx = monthsAgo(84);
  const dAfBloodsIssued = addDays(dAfDx, 2);
  const dClinicLetter = monthsAgo(81);
  const dPneumonia = monthsAgo(72);
  const dRash = addDays(dPneumonia, 3);
  const dKneeDx = monthsAgo(60);
  const dDmReview = addDays(monthsAgo(60), 7);
  const dHtnReview = monthsAgo(50);
  const dEyeScreening = monthsAgo(40);
  const dStatin = monthsAgo(30);
  const dHepA = monthsAgo(26);
  const dLowMood = monthsAgo(20);
  const dFlu1 = monthsAgo(19);
  const dAsthmaReview = monthsAgo(10);
  const dFlu2 = monthsAgo(7);
  const dKneeFlare = daysAgo(90);
  const dBloodsTaken = daysAgo(62);
  const dBloodsIssued = daysAgo(60);
  const dBloodsFiled = daysAgo(58);
  const dAnnualReview = daysAgo(35);
  const dKneeCall = daysAgo(1);

  // -------------------------------------------------------------------------------------------------
  // Allergies
  // -------------------------------------------------------------------------------------------------
  const allergies: Allergy[] = [
    {
      id: ID.allergyPenicillin,
      recorded: at(dRash, '10:05'),
      recorderId: OKAFOR,
      consultationId: ID.consRash,
      code: SCT.penicillinAllergy,
      category: 'medication',
      type: 'allergy',
      onset: dRash,
      reaction: { manifestation: SCT.skinEruption, description: 'Widespread itchy maculopapular rash on day 3 of amoxicillin', severity: 'moderate' },
      qualifiers: [{ name: 'Certainty', value: 'Probable' }],
      note: 'Avoid all penicillins. Cephalosporins used with caution.',
    },
    {
      id: ID.allergyLatex,
      recorded: at(monthsAgo(124), '14:20'),
      recorderId: CLARKE,
      code: SCT.latexAllergy,
      category: 'environment',
      type: 'allergy',
      onset: yearOf(monthsAgo(180)),
      asserterId: SHARMA,
      reaction: { description: 'Contact dermatitis of hands with latex gloves', severity: 'mild' },
      note: 'Use nitrile gloves for examinations and procedures.',
    },
    {
      id: ID.allergyGrass,
      recorded: at(monthsAgo(123), '11:00'),
      recorderId: SHARMA,
      code: SCT.grassPollenAllergy,
      category: 'environment',
      type: 'allergy',
      onset: yearOf(monthsAgo(400)),
      reaction: { description: 'Seasonal rhinitis and itchy eyes', severity: 'mild' },
      ended: { date: monthsAgo(30), reason: 'No seasonal symptoms for five years without treatment; patient reports resolved' },
    },
    {
      // Degraded when the practice migrated clinical systems; ended long ago with no reason recorded (legacy).
      id: ID.allergyDegraded,
      recorded: at(monthsAgo(125), '15:45'),
      recorderId: SHARMA,
      code: { ...SCT.degradedDrugAllergy, text: 'Codeine phosphate - vomiting' },
      category: 'medication',
      onset: yearOf(monthsAgo(240)),
      ended: { date: yearOf(monthsAgo(150)) },
    },
  ];

  // -------------------------------------------------------------------------------------------------
  // Medication
  // -------------------------------------------------------------------------------------------------
  const aspirinRx: Prescription = { dosage: 'One tablet once a day', quantity: { value: 56, unit: 'tablet' }, supplyDays: 56, prescriberId: SHARMA };
  const metformin1Rx: Prescription = {
    dosage: 'One tablet twice a day with meals',
    quantity: { value: 112, unit: 'tablet' },
    supplyDays: 56,
    prescriberId: SHARMA,
  };
  const metformin2Rx: Prescription = {
    dosage: 'One tablet three times a day with meals',
    quantity: { value: 168, unit: 'tablet' },
    supplyDays: 56,
    prescriberId: SHARMA,
  };
  const amlodipineRx = (prescriberId: string): Prescription => ({
    dosage: 'One tablet once a day',
    quantity: { value: 56, unit: 'tablet' },
    supplyDays: 56,
    prescriberId,
  });
  const apixabanRx: Prescription = { dosage: 'One tablet twice a day', quantity: { value: 112, unit: 'tablet' }, supplyDays: 56, prescriberId: SHARMA };
  const salbutamolRx = (prescriberId: string): Prescription => ({
    dosage: 'Two puffs up to four times a day when required',
    quantity: { text: '1 x 200 dose inhaler' },
    supplyDays: 90,
    prescriberId,
  });
  const citalopramRx: Prescription = { dosage: 'One tablet once a day', quantity: { value: 28, unit: 'tablet' }, supplyDays: 28, prescriberId: SHARMA };
  const atorvastatinRx: Prescription = { dosage: 'One tablet at night', quantity: { value: 28, unit: 'tablet' }, supplyDays: 28, prescriberId: SHARMA };

  const apixaban2Start = dAnnualReview;

  const medication: MedicationPlan[] = [
    // Aspirin for primary prevention from the diabetes diagnosis (practice at the time), stopped when
    // apixaban started for atrial fibrillation. Past repeat, ended more than 3 years ago.
    {
      id: ID.planAspirin,
      recorded: at(dDmDx, '10:20'),
      recorderId: SHARMA,
      consultationId: ID.consDmDx,
      product: DMD.aspirin75,
      prescriptionType: 'repeat',
      start: dDmDx,
      end: dAfDx,
      status: 'stopped',
      discontinued: { date: dAfDx, reason: 'Anticoagulated with apixaban for atrial fibrillation' },
      dosage: aspirinRx.dosage,
      quantity: aspirinRx.quantity,
      supplyDays: aspirinRx.supplyDays,
      repeat: { expiry: addMonths(dDmDx, 12) },
      issues: repeatIssues('aspirin', issueDates(dDmDx, addDays(dAfDx, -14), 56), aspirinRx),
    },
    // Metformin 500mg twice daily from diagnosis, then three times daily after the 5-year review.
    {
      id: ID.planMetformin1,
      recorded: at(dDmDx, '10:18'),
      recorderId: SHARMA,
      consultationId: ID.consDmDx,
      product: DMD.metformin500,
      prescriptionType: 'repeat',
      start: dDmDx,
      end: dDmReview,
      status: 'completed',
      dosage: metformin1Rx.dosage,
      patientInstruction: 'Take with or just after food',
      quantity: metformin1Rx.quantity,
      supplyDays: metformin1Rx.supplyDays,
      repeat: { expiry: dDmReview },
      issues: repeatIssues('metformin-1', issueDates(dDmDx, addDays(dDmReview, -10), 56), metformin1Rx),
    },
    {
      id: ID.planMetformin2,
      recorded: at(dDmReview, '11:12'),
      recorderId: SHARMA,
      consultationId: ID.consDmReview,
      product: DMD.metformin500,
      prescriptionType: 'repeat',
      start: dDmReview,
      status: 'active',
      dosage: metformin2Rx.dosage,
      patientInstruction: 'Take with or just after food',
      quantity: metformin2Rx.quantity,
      supplyDays: metformin2Rx.supplyDays,
      priorPlanId: ID.planMetformin1,
      repeat: { expiry: addMonths(today, 11) },
      notes: { prescriber: 'Review dose if eGFR falls below 45' },
      issues: [
        ...repeatIssues('metformin-2', issueDates(dDmReview, addDays(dAnnualReview, -56), 56), metformin2Rx),
        {
          id: ID.issueMetforminReview,
          recorded: at(dAnnualReview, '10:16'),
          recorderId: SHARMA,
          consultationId: ID.consAnnualReview,
          date: dAnnualReview,
          validUntil: addDays(dAnnualReview, 56),
          status: 'active',
          dosage: metformin2Rx.dosage,
          quantity: metformin2Rx.quantity,
          supplyDays: metformin2Rx.supplyDays,
          eps: { prescriptionId: 'A7F2C1-P99001-00035K', lineItemId: '3c9e5f1a-7b2d-4e8a-9c61-0d4f2b8a7e15' },
        },
      ],
    },
    // Amlodipine 5mg from the hypertension diagnosis; dose increased to 10mg a little over 4 years ago.
    {
      id: ID.planAmlodipine5,
      recorded: at(dHtnDx, '09:52'),
      recorderId: SHARMA,
      consultationId: ID.consHtnDx,
      product: DMD.amlodipine5,
      prescriptionType: 'repeat',
      start: dHtnDx,
      end: dHtnReview,
      status: 'stopped',
      discontinued: { date: dHtnReview, reason: 'Dose increased to 10mg - blood pressure above target' },
      dosage: 'One tablet once a day',
      quantity: { value: 56, unit: 'tablet' },
      supplyDays: 56,
      repeat: { expiry: dHtnReview },
      issues: repeatIssues('amlodipine-5mg', issueDates(dHtnDx, addDays(dHtnReview, -21), 56), amlodipineRx(SHARMA)),
    },
    {
      id: ID.planAmlodipine10,
      recorded: at(dHtnReview, '10:41'),
      recorderId: SHARMA,
      consultationId: ID.consHtnReview,
      product: DMD.amlodipine10,
      prescriptionType: 'repeat',
      start: dHtnReview,
      status: 'active',
      dosage: 'One tablet once a day',
      quantity: { value: 56, unit: 'tablet' },
      supplyDays: 56,
      priorPlanId: ID.planAmlodipine5,
      repeat: { expiry: addMonths(today, 6) },
      notes: { patient: 'May cause ankle swelling - report if troublesome' },
      issues: repeatIssues('amlodipine-10mg', issueDates(dHtnReview, daysAgo(20), 56), amlodipineRx(SHARMA)),
    },
    // Apixaban since the AF diagnosis; re-authorised at this year's annual review.
    {
      id: ID.planApixaban1,
      recorded: at(dAfDx, '11:34'),
      recorderId: SHARMA,
      consultationId: ID.consAfDx,
      product: DMD.apixaban5,
      prescriptionType: 'repeat',
      start: dAfDx,
      end: addDays(apixaban2Start, -1),
      status: 'completed',
      dosage: apixabanRx.dosage,
      quantity: apixabanRx.quantity,
      supplyDays: apixabanRx.supplyDays,
      repeat: { expiry: apixaban2Start },
      notes: { prescriber: 'CHA2DS2-VASc 4, ORBIT 1. Anticoagulation alert card given.' },
      issues: repeatIssues('apixaban-1', issueDates(dAfDx, addDays(apixaban2Start, -42), 56), apixabanRx),
    },
    {
      id: ID.planApixaban2,
      recorded: at(dAnnualReview, '10:19'),
      recorderId: SHARMA,
      consultationId: ID.consAnnualReview,
      product: DMD.apixaban5,
      prescriptionType: 'repeat',
      start: apixaban2Start,
      status: 'active',
      dosage: apixabanRx.dosage,
      quantity: apixabanRx.quantity,
      supplyDays: apixabanRx.supplyDays,
      priorPlanId: ID.planApixaban1,
      repeat: { expiry: addMonths(today, 11) },
      notes: {
        prescriber: 'Re-authorised at annual review. Weight over 60kg and creatinine under 133 - 5mg twice daily remains appropriate.',
      },
      issues: [
        {
          id: ID.issueApixaban2First,
          recorded: at(dAnnualReview, '10:19'),
          recorderId: SHARMA,
          consultationId: ID.consAnnualReview,
          date: dAnnualReview,
          validUntil: addDays(dAnnualReview, 56),
          status: 'active',
          dosage: apixabanRx.dosage,
          quantity: apixabanRx.quantity,
          supplyDays: apixabanRx.supplyDays,
        },
      ],
    },
    // Amoxicillin for the pneumonia; stopped on day 3 because of the rash. Past acute, one issue.
    {
      id: ID.planAmoxicillin,
      recorded: at(dPneumonia, '15:22'),
      recorderId: OKAFOR,
      consultationId: ID.consPneumonia,
      product: DMD.amoxicillin500,
      prescriptionType: 'acute',
      start: dPneumonia,
      end: dRash,
      status: 'stopped',
      discontinued: { date: dRash, reason: 'Rash - probable penicillin allergy' },
      dosage: 'One capsule three times a day for 5 days',
      quantity: { value: 15, unit: 'capsule' },
      supplyDays: 5,
      issues: [
        {
          id: ID.issueAmoxicillin,
          recorded: at(dPneumonia, '15:22'),
          recorderId: OKAFOR,
          consultationId: ID.consPneumonia,
          date: dPneumonia,
          validUntil: addDays(dPneumonia, 5),
          dosage: 'One capsule three times a day for 5 days',
          quantity: { value: 15, unit: 'capsule' },
          supplyDays: 5,
        },
      ],
    },
    // Paracetamol for the knee flare three months ago: acute, one issue, no recorded end.
    {
      id: ID.planParacetamol,
      recorded: at(dKneeFlare, '11:48'),
      recorderId: OKAFOR,
      consultationId: ID.consKneeFlare,
      product: DMD.paracetamol500,
      prescriptionType: 'acute',
      start: dKneeFlare,
      status: 'completed',
      dosage: 'Two tablets up to four times a day when required for knee pain',
      patientInstruction: 'Do not take more than 8 tablets in 24 hours',
      quantity: { value: 100, unit: 'tablet' },
      supplyDays: 25,
      issues: [
        {
          id: ID.issueParacetamol,
          recorded: at(dKneeFlare, '11:48'),
          recorderId: OKAFOR,
          consultationId: ID.consKneeFlare,
          date: dKneeFlare,
          validUntil: addDays(dKneeFlare, 25),
          dosage: 'Two tablets up to four times a day when required for knee pain',
          quantity: { value: 100, unit: 'tablet' },
          supplyDays: 25,
        },
      ],
    },
    // Salbutamol: a legacy authorisation with no prescription type, replaced at the asthma review.
    {
      id: ID.planSalbutamol1,
      recorded: at(monthsAgo(118), '12:00'),
      recorderId: SHARMA,
      product: DMD.salbutamolInhaler,
      start: monthsAgo(118),
      end: dAsthmaReview,
      status: 'completed',
      dosage: salbutamolRx(SHARMA).dosage,
      quantity: salbutamolRx(SHARMA).quantity,
      issues: repeatIssues('salbutamol-1', issueDates(monthsAgo(118), addDays(dAsthmaReview, -30), 120), salbutamolRx(SHARMA)),
    },
    {
      id: ID.planSalbutamol2,
      recorded: at(dAsthmaReview, '14:35'),
      recorderId: CLARKE,
      requesterId: SHARMA,
      consultationId: ID.consAsthmaReview,
      product: DMD.salbutamolInhaler,
      prescriptionType: 'repeat',
      start: dAsthmaReview,
      status: 'active',
      dosage: salbutamolRx(SHARMA).dosage,
      patientInstruction: 'Use with the spacer device',
      quantity: salbutamolRx(SHARMA).quantity,
      supplyDays: 90,
      priorPlanId: ID.planSalbutamol1,
      repeat: { allowed: 6, expiry: addMonths(today, 2) },
      notes: { additional: 'Inhaler technique checked at asthma review' },
      issues: repeatIssues(
        'salbutamol-2',
        [dAsthmaReview, addDays(dAsthmaReview, 120), addDays(dAsthmaReview, 240)],
        salbutamolRx(SHARMA),
      ),
    },
    // Citalopram: current repeat, CONFIDENTIAL at the patient's request (never exported, docs/spec-notes.md
    // "Confidentiality").
    {
      id: ID.planCitalopram,
      recorded: at(dLowMood, '16:02'),
      recorderId: SHARMA,
      consultationId: ID.consLowMood,
      confidential: true,
      product: DMD.citalopram20,
      prescriptionType: 'repeat',
      start: dLowMood,
      status: 'active',
      dosage: citalopramRx.dosage,
      quantity: citalopramRx.quantity,
      supplyDays: citalopramRx.supplyDays,
      repeat: { expiry: addMonths(today, 4) },
      notes: { prescriber: 'Bleeding risk with apixaban discussed. Maximum 20mg daily over 65.' },
      issues: repeatIssues('citalopram', issueDates(dLowMood, daysAgo(14), 28), citalopramRx, { confidential: true }),
    },
    // Atorvastatin for cardiovascular risk, started 2½ years ago.
    {
      id: ID.planAtorvastatin,
      recorded: at(dStatin, '09:48'),
      recorderId: SHARMA,
      consultationId: ID.consStatin,
      product: DMD.atorvastatin20,
      prescriptionType: 'repeat',
      start: dStatin,
      status: 'active',
      dosage: atorvastatinRx.dosage,
      quantity: atorvastatinRx.quantity,
      supplyDays: atorvastatinRx.supplyDays,
      repeat: { expiry: addMonths(today, 6) },
      issues: repeatIssues('atorvastatin', issueDates(dStatin, daysAgo(10), 28), atorvastatinRx),
    },
  ];

  // -------------------------------------------------------------------------------------------------
  // Uncategorised data
  // -------------------------------------------------------------------------------------------------
  const uncategorisedData: Observation[] = [
    {
      id: ID.obsBp1,
      kind: 'bloodPressure',
      recorded: at(dHtnDx, '09:41'),
      recorderId: SHARMA,
      consultationId: ID.consHtnDx,
      code: SCT.bloodPressure,
      effective: at(dHtnDx, '09:38'),
      systolic: 168,
      diastolic: 96,
      interpretation: { text: 'Above target' },
      qualifiers: [{ name: 'Position', value: 'Sitting' }],
    },
    {
      id: ID.obsHba1c1,
      recorded: at(dDmDx, '10:08'),
      recorderId: SHARMA,
      consultationId: ID.consDmDx,
      code: SCT.hba1c,
      effective: addDays(dDmDx, -6),
      value: { type: 'quantity', value: 58, unit: 'mmol/mol', ucum: 'mmol/mol' },
      referenceRange: { low: 20, high: 41 },
      interpretation: { text: 'High' },
      comment: 'Result from hospital pre-operative assessment, entered manually',
    },
    {
      id: ID.obsPulseIrregular,
      recorded: at(dAfDx, '11:12'),
      recorderId: SHARMA,
      consultationId: ID.consAfDx,
      code: SCT.pulseIrregular,
      effective: at(dAfDx, '11:10'),
    },
    {
      id: ID.obsPulseRate1,
      recorded: at(dAfDx, '11:13'),
      recorderId: SHARMA,
      consultationId: ID.consAfDx,
      code: SCT.pulseRate,
      effective: at(dAfDx, '11:10'),
      value: { type: 'quantity', value: 96, unit: 'beats/min', ucum: '/min' },
    },
    {
      id: ID.obsTemperature,
      recorded: at(dPneumonia, '15:10'),
      recorderId: OKAFOR,
      consultationId: ID.consPneumonia,
      code: SCT.temperature,
      effective: at(dPneumonia, '15:06'),
      value: { type: 'quantity', value: 38.4, unit: 'degrees C', ucum: 'Cel' },
    },
    {
      id: ID.obsHba1c2,
      recorded: at(dDmReview, '11:05'),
      recorderId: SHARMA,
      consultationId: ID.consDmReview,
      code: SCT.hba1c,
      effective: addDays(dDmReview, -9),
      value: { type: 'quantity', value: 64, unit: 'mmol/mol', ucum: 'mmol/mol' },
      referenceRange: { low: 20, high: 41 },
      interpretation: { text: 'High' },
      comment: 'Point-of-care test',
    },
    {
      id: ID.obsBp2,
      kind: 'bloodPressure',
      recorded: at(dHtnReview, '10:33'),
      recorderId: SHARMA,
      consultationId: ID.consHtnReview,
      code: SCT.bloodPressure,
      effective: at(dHtnReview, '10:30'),
      systolic: 158,
      diastolic: 92,
      interpretation: { text: 'Above target' },
    },
    {
      // Recorded in the low-mood consultation; confidential at the patient's request (docs/spec-notes.md
      // "Confidentiality").
      id: ID.obsAlcohol,
      recorded: at(dLowMood, '15:58'),
      recorderId: SHARMA,
      consultationId: ID.consLowMood,
      confidential: true,
      code: SCT.alcoholUnits,
      effective: dLowMood,
      value: { type: 'quantity', value: 18, unit: 'units/week' },
    },
    {
      id: ID.obsBp3,
      kind: 'bloodPressure',
      recorded: at(dAnnualReview, '10:08'),
      recorderId: SHARMA,
      consultationId: ID.consAnnualReview,
      code: SCT.bloodPressure,
      effective: at(dAnnualReview, '10:06'),
      performers: [{ kind: 'practitioner', id: SHARMA }],
      systolic: 138,
      diastolic: 78,
    },
    {
      id: ID.obsWeight,
      recorded: at(dAnnualReview, '10:09'),
      recorderId: SHARMA,
      consultationId: ID.consAnnualReview,
      code: SCT.bodyWeight,
      effective: dAnnualReview,
      value: { type: 'quantity', value: 71.4, unit: 'kg', ucum: 'kg' },
    },
    {
      id: ID.obsBmi,
      recorded: at(dAnnualReview, '10:09'),
      recorderId: SHARMA,
      consultationId: ID.consAnnualReview,
      code: SCT.bmi,
      effective: dAnnualReview,
      value: { type: 'quantity', value: 27.2, unit: 'kg/m2', ucum: 'kg/m2' },
    },
    {
      id: ID.obsPulseRate2,
      recorded: at(dAnnualReview, '10:11'),
      recorderId: SHARMA,
      consultationId: ID.consAnnualReview,
      code: SCT.pulseRate,
      effective: at(dAnnualReview, '10:10'),
      value: { type: 'quantity', value: 78, unit: 'beats/min', ucum: '/min' },
      comment: 'Irregularly irregular, rate controlled',
    },
    {
      // Summarised from old notes: only the month is known.
      id: ID.obsHeight,
      recorded: at(monthsAgo(124), '14:30'),
      recorderId: CLARKE,
      code: SCT.bodyHeight,
      effective: yearMonthOf(monthsAgo(100)),
      value: { type: 'quantity', value: 162, unit: 'cm', ucum: 'cm' },
    },
    {
      // Summarised from the paper notes with no date: always returned by period searches (docs/decisions.md
      // "Partial dates").
      id: ID.obsSmoking,
      recorded: at(monthsAgo(124), '14:32'),
      recorderId: CLARKE,
      code: SCT.neverSmoked,
    },
  ];

  // -------------------------------------------------------------------------------------------------
  // Immunisations and status records
  // -------------------------------------------------------------------------------------------------
  const immunisations: Immunisation[] = [
    {
      id: ID.immPneumo,
      recorded: at(dPneumoVacc, '11:20'),
      recorderId: CLARKE,
      consultationId: ID.consPneumoVacc,
      procedure: SCT.pneumococcalVaccination,
      date: at(dPneumoVacc, '11:15'),
      locationId: MAIN_SITE,
      site: SCT.leftUpperArm,
      route: SCT.intramuscular,
      dose: { value: 0.5, unit: 'ml', ucum: 'ml' },
      lotNumber: 'PPV23-R4471',
      expiryDate: addMonths(dPneumoVacc, 14),
      protocol: { doseSequence: 1, seriesDoses: 1, targetDiseases: [SCT.pneumococcalDisease], description: 'Pneumococcal polysaccharide vaccine, over 65' },
      reason: { text: 'Aged 65 or over; diabetes' },
    },
    {
      // Given at a community pharmacy and notified to the practice.
      id: ID.immFlu1,
      recorded: at(addDays(dFlu1, 4), '09:05'),
      recorderId: CLARKE,
      procedure: SCT.influenzaVaccination,
      date: dFlu1,
      reportOrigin: { text: 'Community pharmacy notification' },
      route: SCT.intramuscular,
      protocol: { doseSequence: 1, targetDiseases: [SCT.influenza], description: 'Seasonal influenza' },
    },
    {
      id: ID.immFlu2,
      recorded: at(dFlu2, '10:42'),
      recorderId: CLARKE,
      consultationId: ID.consFlu,
      procedure: SCT.influenzaVaccination,
      date: at(dFlu2, '10:40'),
      locationId: MAIN_SITE,
      site: SCT.leftUpperArm,
      route: SCT.intramuscular,
      dose: { value: 0.5, unit: 'ml', ucum: 'ml' },
      lotNumber: 'FLU-TX2291',
      expiryDate: addMonths(dFlu2, 6),
      protocol: { doseSequence: 1, targetDiseases: [SCT.influenza], description: 'Seasonal influenza' },
      reason: { text: 'Chronic respiratory disease (asthma); diabetes; aged 65 or over' },
      note: 'No immediate reaction. Advised to report any delayed reaction.',
    },
    {
      id: ID.immHepA,
      recorded: at(dHepA, '12:10'),
      recorderId: CLARKE,
      notGiven: true,
      procedure: SCT.hepatitisANotDone,
      date: dHepA,
      reasonNotGiven: { text: 'Patient declined - travel plans cancelled' },
    },
  ];

  const immunisationStatuses: ImmunisationStatusRecord[] = [
    {
      // Summarised from the paper notes: an old dissent, withdrawn after discussion with the nurse.
      id: ID.immStatusDissent,
      recorded: at(monthsAgo(124), '14:40'),
      recorderId: CLARKE,
      code: SCT.noConsentImmunisation,
      effective: { start: monthsAgo(140), end: monthsAgo(112) },
      comment: 'Patient withdrew dissent after discussion with the practice nurse',
    },
    {
      id: ID.immStatusError,
      recorded: at(monthsAgo(40), '09:00'),
      recorderId: CLARKE,
      enteredInError: true,
      code: SCT.noConsentImmunisation,
      effective: monthsAgo(40),
      comment: 'Recorded against the wrong patient',
    },
  ];

  // -------------------------------------------------------------------------------------------------
  // Investigations (EDIFACT lab reports from Leeds Pathology)
  // -------------------------------------------------------------------------------------------------
  const investigations: InvestigationReport[] = [
    {
      // Baseline bloods before starting apixaban.
      id: ID.invAfBloods,
      recorded: at(dAfBloodsIssued, '16:05'),
      recorderId: SHARMA,
      issued: at(dAfBloodsIssued, '14:10'),
      status: 'final',
      performers: [{ kind: 'organisation', id: LEEDS_PATHOLOGY }],
      request: {
        id: 'p2-inv-af-bloods-request',
        code: SCT.fbc,
        requesterId: SHARMA,
        performerId: LEEDS_PATHOLOGY,
        reasons: [{ text: 'Baseline before anticoagulation' }],
      },
      specimens: [
        {
          id: 'p2-inv-af-bloods-specimen',
          type: SCT.venousBloodSpecimen,
          accessionId: 'LP-AF-004417',
          collected: at(dAfDx, '11:40'),
          collectorId: CLARKE,
          received: at(addDays(dAfDx, 1), '08:05'),
        },
      ],
      groups: [
        {
          id: 'p2-inv-af-bloods-fbc',
          code: SCT.fbc,
          status: 'final',
          results: [
            {
              id: 'p2-inv-af-bloods-hb',
              code: SCT.haemoglobin,
              value: { type: 'quantity', value: 134, unit: 'g/L', ucum: 'g/L' },
              referenceRange: { low: 115, high: 165 },
              interpretation: { text: 'Normal' },
              specimenId: 'p2-inv-af-bloods-specimen',
            },
            {
              id: 'p2-inv-af-bloods-wcc',
              code: SCT.whiteCellCount,
              value: { type: 'quantity', value: 7.2, unit: '10*9/L', ucum: '10*9/L' },
              referenceRange: { low: 4, high: 11 },
              interpretation: { text: 'Normal' },
              specimenId: 'p2-inv-af-bloods-specimen',
            },
            {
              id: 'p2-inv-af-bloods-plt',
              code: SCT.plateletCount,
              value: { type: 'quantity', value: 231, unit: '10*9/L', ucum: '10*9/L' },
              referenceRange: { low: 150, high: 400 },
              interpretation: { text: 'Normal' },
              specimenId: 'p2-inv-af-bloods-specimen',
            },
          ],
        },
      ],
      results: [
        {
          id: 'p2-inv-af-bloods-creatinine',
          code: SCT.serumCreatinine,
          value: { type: 'quantity', value: 78, unit: 'umol/L', ucum: 'umol/L' },
          referenceRange: { low: 45, high: 84 },
          interpretation: { text: 'Normal' },
          specimenId: 'p2-inv-af-bloods-specimen',
        },
      ],
      filingComments: [
        {
          id: 'p2-inv-af-bloods-filing',
          filed: at(dAfBloodsIssued, '16:05'),
          filedById: SHARMA,
          comment: 'Normal. Fine to continue apixaban.',
        },
      ],
    },
    {
      // Diabetes annual review bloods.
      id: ID.invDmBloods,
      recorded: at(dBloodsIssued, '15:50'),
      recorderId: SHARMA,
      issued: at(dBloodsIssued, '15:42'),
      status: 'final',
      performers: [{ kind: 'organisation', id: LEEDS_PATHOLOGY }],
      pmipReportId: 'LP-PMIP-5530912',
      request: {
        // The request summary came through without a code (→ "No code available").
        id: 'p2-inv-diabetes-bloods-request',
        requesterId: SHARMA,
        performerId: LEEDS_PATHOLOGY,
        reasons: [SCT.type2Diabetes],
        note: 'Diabetes annual review: HbA1c, renal function, full blood count',
      },
      specimens: [
        {
          id: 'p2-inv-diabetes-bloods-specimen',
          type: SCT.bloodSpecimen,
          accessionId: 'LP-DM-118203',
          collected: at(dBloodsTaken, '08:50'),
          collectorId: CLARKE,
          received: at(addDays(dBloodsTaken, 1), '07:55'),
          fastingStatus: 'NF',
        },
      ],
      groups: [
        {
          id: 'p2-inv-diabetes-bloods-fbc',
          code: SCT.fbc,
          status: 'final',
          results: [
            {
              id: 'p2-inv-diabetes-bloods-hb',
              code: SCT.haemoglobin,
              value: { type: 'quantity', value: 128, unit: 'g/L', ucum: 'g/L' },
              referenceRange: { low: 115, high: 165 },
              interpretation: { text: 'Normal' },
              specimenId: 'p2-inv-diabetes-bloods-specimen',
            },
            {
              id: 'p2-inv-diabetes-bloods-wcc',
              code: SCT.whiteCellCount,
              value: { type: 'quantity', value: 6.8, unit: '10*9/L', ucum: '10*9/L' },
              referenceRange: { low: 4, high: 11 },
              interpretation: { text: 'Normal' },
              specimenId: 'p2-inv-diabetes-bloods-specimen',
            },
            {
              id: 'p2-inv-diabetes-bloods-neut',
              code: SCT.neutrophilCount,
              value: { type: 'quantity', value: 4.1, unit: '10*9/L', ucum: '10*9/L' },
              referenceRange: { low: 2, high: 7.5 },
              interpretation: { text: 'Normal' },
              specimenId: 'p2-inv-diabetes-bloods-specimen',
            },
            {
              id: 'p2-inv-diabetes-bloods-plt',
              code: SCT.plateletCount,
              value: { type: 'quantity', value: 262, unit: '10*9/L', ucum: '10*9/L' },
              referenceRange: { low: 150, high: 400 },
              interpretation: { text: 'Normal' },
              specimenId: 'p2-inv-diabetes-bloods-specimen',
            },
            {
              id: 'p2-inv-diabetes-bloods-mcv',
              code: SCT.mcv,
              value: { type: 'quantity', value: 88, unit: 'fL', ucum: 'fL' },
              referenceRange: { low: 80, high: 100 },
              interpretation: { text: 'Normal' },
              specimenId: 'p2-inv-diabetes-bloods-specimen',
            },
          ],
        },
      ],
      results: [
        {
          id: 'p2-inv-diabetes-bloods-hba1c',
          code: SCT.hba1c,
          value: { type: 'quantity', value: 53, unit: 'mmol/mol', ucum: 'mmol/mol' },
          referenceRange: { low: 20, high: 41 },
          interpretation: { text: 'High' },
          comment: 'Diabetes treatment target is usually 48 to 58 mmol/mol; agree individual target with patient.',
          specimenId: 'p2-inv-diabetes-bloods-specimen',
        },
        {
          id: 'p2-inv-diabetes-bloods-creatinine',
          code: SCT.serumCreatinine,
          value: { type: 'quantity', value: 96, unit: 'umol/L', ucum: 'umol/L' },
          referenceRange: { low: 45, high: 84 },
          interpretation: { text: 'High' },
          specimenId: 'p2-inv-diabetes-bloods-specimen',
        },
        {
          id: 'p2-inv-diabetes-bloods-egfr',
          code: SCT.egfr,
          value: { type: 'quantity', value: 52, unit: 'mL/min/1.73m2', ucum: 'mL/min/{1.73_m2}' },
          referenceRange: { text: '>90' },
          interpretation: { text: 'Low' },
          specimenId: 'p2-inv-diabetes-bloods-specimen',
          filingComments: [
            {
              id: 'p2-inv-diabetes-bloods-egfr-filing',
              filed: at(dBloodsFiled, '12:20'),
              filedById: SHARMA,
              comment: 'eGFR stable around 50 for two years. Metformin dose unchanged; recheck in 6 months.',
            },
          ],
        },
      ],
      filingComments: [
        {
          id: 'p2-inv-diabetes-bloods-filing',
          filed: at(dBloodsFiled, '12:18'),
          filedById: SHARMA,
          comment: 'Reviewed. HbA1c improved from 58. FBC normal. Discuss at annual review.',
        },
      ],
    },
  ];

  // -------------------------------------------------------------------------------------------------
  // Referrals and documents
  // -------------------------------------------------------------------------------------------------
  const referrals: Referral[] = [
    {
      id: ID.refCardiology,
      recorded: at(dAfDx, '11:45'),
      recorderId: SHARMA,
      consultationId: ID.consAfDx,
      authored: dAfDx,
      priority: 'urgent',
      reason: SCT.referralCardiology,
      recipients: [{ kind: 'healthcareService', id: 'hs-cardiology' }],
      ubrn: '451903827615',
      description: 'New atrial fibrillation, ventricular rate 96. CHA2DS2-VASc 4; apixaban started today. Please assess rhythm versus rate control and echocardiography.',
      supportingInfo: [ref.document(ID.docReferralLetter), ref.observation(ID.obsPulseIrregular)],
      note: 'Outcome: seen in cardiology clinic; rate control not required at present. Continue anticoagulation.',
    },
    {
      id: ID.refPhysio,
      recorded: at(dKneeFlare, '11:52'),
      recorderId: OKAFOR,
      consultationId: ID.consKneeFlare,
      authored: dKneeFlare,
      priority: 'routine',
      reason: SCT.referralPhysiotherapist,
      recipients: [{ kind: 'healthcareService', id: 'hs-physiotherapy' }],
      description: 'Osteoarthritis right knee, flare. Please advise on strengthening exercises and walking aid.',
    },
  ];

  const documents: ClinicalDocument[] = [
    {
      id: ID.docReferralLetter,
      recorded: at(dAfDx, '11:50'),
      recorderId: SHARMA,
      consultationId: ID.consAfDx,
      type: { text: 'Referral letter' },
      description: 'Referral letter to cardiology outpatients',
      created: dAfDx,
      authorId: SHARMA,
      attachment: { binaryId: 'p2-binary-cardiology-referral-letter', contentType: 'application/pdf', sizeBytes: 48_213, title: 'Cardiology referral letter' },
    },
    {
      id: ID.docClinicLetter,
      recorded: at(addDays(dClinicLetter, 5), '13:15'),
      recorderId: SHARMA,
      type: SCT.clinicalEncounterReport,
      description: 'Cardiology outpatient clinic letter: atrial fibrillation',
      created: dClinicLetter,
      authorId: HUSSAIN,
      authorOrganisationId: LEEDS_TEACHING,
      attachment: { binaryId: 'p2-binary-cardiology-clinic-letter', contentType: 'application/pdf', sizeBytes: 112_640, title: 'Cardiology clinic letter' },
    },
    {
      id: ID.docEyeScreening,
      recorded: at(addDays(dEyeScreening, 9), '10:30'),
      recorderId: SHARMA,
      type: { text: 'Diabetic eye screening result letter' },
      description: 'Diabetic eye screening: background retinopathy both eyes (R1), no maculopathy. Annual recall.',
      created: dEyeScreening,
      authorOrganisationId: LEEDS_TEACHING,
      attachment: { binaryId: 'p2-binary-eye-screening-letter', contentType: 'application/pdf', sizeBytes: 35_902, title: 'Diabetic eye screening result' },
    },
  ];

  // -------------------------------------------------------------------------------------------------
  // Diary
  // -------------------------------------------------------------------------------------------------
  const diaryEntries: DiaryEntry[] = [
    {
      // OVERDUE: due last week and still active, so a search dated today returns it.
      id: ID.diaryMedReview,
      recorded: at(addMonths(today, -12), '10:30'),
      recorderId: SHARMA,
      code: SCT.medicationReviewDue,
      planned: daysAgo(7),
      reasons: [{ text: 'Annual structured medication review' }],
    },
    {
      id: ID.diaryDmReview,
      recorded: at(dAnnualReview, '10:24'),
      recorderId: SHARMA,
      consultationId: ID.consAnnualReview,
      code: { text: 'Diabetes annual review' },
      planned: addMonths(dAnnualReview, 12),
      note: 'Bloods (HbA1c, renal function, FBC) two weeks before',
    },
    {
      // System-generated seasonal recall.
      id: ID.diaryFlu,
      recorded: at(daysAgo(20), '02:00'),
      recorderId: SHARMA,
      requester: { kind: 'device', id: 'device-gp-system' },
      code: SCT.immunisationDue,
      planned: { start: addMonths(today, 5), end: addMonths(today, 7) },
      reasons: [{ text: 'Seasonal influenza vaccination' }],
    },
    {
      // The far-future entry (sheet: "occurrence up to 10 years in the future").
      id: ID.diaryScr,
      recorded: at(daysAgo(400), '11:00'),
      recorderId: OKAFOR,
      code: { text: 'Review consent for Summary Care Record additional information' },
      planned: addDays(addMonths(today, 120), -1),
    },
    {
      // Completed: never returned by the diary search (Diary entries guidance).
      id: ID.diaryBloodsDone,
      recorded: at(addMonths(today, -12), '10:31'),
      recorderId: SHARMA,
      status: 'completed',
      code: { text: 'Blood tests due - HbA1c, renal function, FBC' },
      planned: addDays(dBloodsTaken, -3),
    },
  ];

  // -------------------------------------------------------------------------------------------------
  // Problems
  // -------------------------------------------------------------------------------------------------
  const problems: Problem[] = [
    {
      id: ID.t2dm,
      recorded: at(dDmDx, '10:15'),
      recorderId: SHARMA,
      consultationId: ID.consDmDx,
      code: SCT.type2Diabetes,
      status: 'active',
      significance: 'major',
      onset: dDmDx,
      note: 'Diet and metformin. Individual HbA1c target 53 mmol/mol.',
      relatedProblems: [{ type: 'child', problemId: ID.retinopathy }],
      linkedItems: [
        ref.plan(ID.planMetformin2),
        ref.issue(ID.issueMetforminReview),
        ref.observation(ID.obsHba1c1),
        ref.investigation(ID.invDmBloods),
        ref.diary(ID.diaryDmReview),
        ref.diary(ID.diaryMedReview),
        ref.consultation(ID.consAnnualReview),
      ],
    },
    {
      id: ID.retinopathy,
      recorded: at(addDays(dEyeScreening, 9), '10:32'),
      recorderId: SHARMA,
      code: SCT.diabeticRetinopathy,
      status: 'active',
      significance: 'major',
      onset: dEyeScreening,
      note: 'Background retinopathy (R1M0) on screening. Annual screening.',
      relatedProblems: [{ type: 'parent', problemId: ID.t2dm }],
      linkedItems: [ref.document(ID.docEyeScreening)],
    },
    {
      id: ID.hypertension,
      recorded: at(dHtnDx, '09:50'),
      recorderId: SHARMA,
      consultationId: ID.consHtnDx,
      code: SCT.essentialHypertension,
      status: 'active',
      significance: 'major',
      onset: dHtnDx,
      linkedItems: [ref.plan(ID.planAmlodipine10), ref.observation(ID.obsBp1), ref.observation(ID.obsBp3)],
    },
    {
      // Recorded in the AF consultation (→ Condition.context).
      id: ID.af,
      recorded: at(dAfDx, '11:30'),
      recorderId: SHARMA,
      consultationId: ID.consAfDx,
      code: SCT.atrialFibrillation,
      status: 'active',
      significance: 'major',
      onset: dAfDx,
      note: 'Paroxysmal at first, now permanent. Rate controlled without medication.',
      linkedItems: [
        ref.plan(ID.planApixaban2),
        ref.issue(ID.issueApixaban2First),
        ref.observation(ID.obsPulseIrregular),
        ref.referral(ID.refCardiology),
        ref.investigation(ID.invAfBloods),
        ref.document(ID.docClinicLetter),
      ],
    },
    {
      id: ID.asthma,
      recorded: at(monthsAgo(124), '14:35'),
      recorderId: CLARKE,
      asserterId: SHARMA,
      code: SCT.asthma,
      status: 'active',
      significance: 'minor',
      onset: yearOf(monthsAgo(480)),
      linkedItems: [ref.plan(ID.planSalbutamol2), ref.immunisation(ID.immFlu2), ref.immunisation(ID.immFlu1)],
    },
    {
      id: ID.oaKnee,
      recorded: at(dKneeDx, '14:25'),
      recorderId: OKAFOR,
      consultationId: ID.consKneeDx,
      code: { ...SCT.osteoarthritisKnee, text: 'Osteoarthritis of right knee' },
      status: 'active',
      significance: 'minor',
      onset: yearMonthOf(monthsAgo(62)),
      linkedItems: [ref.plan(ID.planParacetamol), ref.issue(ID.issueParacetamol), ref.referral(ID.refPhysio)],
    },
    {
      id: ID.pneumonia,
      recorded: at(dPneumonia, '15:15'),
      recorderId: OKAFOR,
      consultationId: ID.consPneumonia,
      code: SCT.pneumonia,
      status: 'inactive',
      significance: 'major',
      onset: dPneumonia,
      end: addDays(dPneumonia, 28),
      note: 'Community-acquired, right lower lobe. Treated at home. Resolved on follow-up.',
      linkedItems: [ref.plan(ID.planAmoxicillin), ref.allergy(ID.allergyPenicillin), ref.observation(ID.obsTemperature)],
    },
    {
      // The problem itself is shareable; its medication and alcohol record are confidential.
      id: ID.lowMood,
      recorded: at(dLowMood, '15:55'),
      recorderId: SHARMA,
      consultationId: ID.consLowMood,
      code: SCT.anxietyDepression,
      status: 'active',
      significance: 'minor',
      onset: dLowMood,
      linkedItems: [ref.plan(ID.planCitalopram), ref.observation(ID.obsAlcohol)],
    },
  ];

  // -------------------------------------------------------------------------------------------------
  // Consultations, oldest first. Every item recorded in a consultation appears in its topics, and every
  // item a topic names was recorded in that consultation.
  // -------------------------------------------------------------------------------------------------
  const surgery = { text: 'Surgery consultation' } as const;
  const consultations: Consultation[] = [
    {
      id: ID.consHtnDx,
      recorded: at(dHtnDx, '09:30'),
      recorderId: SHARMA,
      type: surgery,
      period: visit(dHtnDx, '09:30', '09:48'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Raised blood pressure',
          problemIds: [ID.hypertension],
          headings: [
            heading('History', [note('p2-note-htn-dx-history', 'Occasional morning headaches. Home readings averaging 165/95 over two weeks.')]),
            heading('Examination', [ref.observation(ID.obsBp1)]),
            heading('Plan', [ref.problem(ID.hypertension), ref.plan(ID.planAmlodipine5)]),
          ],
        },
      ],
    },
    {
      id: ID.consDmDx,
      recorded: at(dDmDx, '10:00'),
      recorderId: SHARMA,
      type: surgery,
      period: visit(dDmDx, '10:00', '10:22'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Diabetes',
          problemIds: [ID.t2dm],
          headings: [
            heading('History', [
              note('p2-note-dm-dx-history', 'Thirst and nocturia for two months. HbA1c 58 at hospital pre-operative assessment.'),
              ref.observation(ID.obsHba1c1),
            ]),
            heading('Plan', [
              ref.problem(ID.t2dm),
              ref.plan(ID.planMetformin1),
              ref.plan(ID.planAspirin),
              note('p2-note-dm-dx-plan', 'Structured education (DESMOND) and retinal screening referral.'),
            ]),
          ],
        },
      ],
    },
    {
      id: ID.consPneumoVacc,
      recorded: at(dPneumoVacc, '11:10'),
      recorderId: CLARKE,
      type: { text: 'Nurse clinic' },
      period: visit(dPneumoVacc, '11:10', '11:20'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Pneumococcal vaccination',
          entries: [ref.immunisation(ID.immPneumo), note('p2-note-pneumo-consent', 'Verbal consent. Information leaflet given.')],
        },
      ],
    },
    {
      id: ID.consAfDx,
      recorded: at(dAfDx, '11:00'),
      recorderId: SHARMA,
      type: surgery,
      period: visit(dAfDx, '11:00', '11:52'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Palpitations',
          problemIds: [ID.af],
          headings: [
            heading('History', [note('p2-note-af-history', 'Two weeks of intermittent palpitations and breathlessness on hills. No chest pain or syncope.')]),
            heading('Examination', [ref.observation(ID.obsPulseIrregular), ref.observation(ID.obsPulseRate1)]),
            heading('Plan', [
              ref.problem(ID.af),
              note('p2-note-af-plan', 'ECG confirms AF. CHA2DS2-VASc 4, ORBIT 1: anticoagulate. Stop aspirin.'),
              ref.plan(ID.planApixaban1),
              ref.referral(ID.refCardiology),
              ref.document(ID.docReferralLetter),
            ]),
          ],
        },
      ],
    },
    {
      id: ID.consPneumonia,
      recorded: at(dPneumonia, '15:00'),
      recorderId: OKAFOR,
      type: { text: 'Home visit' },
      period: visit(dPneumonia, '15:00', '15:25'),
      topics: [
        {
          title: 'Chest infection',
          problemIds: [ID.pneumonia],
          headings: [
            heading('History', [note('p2-note-chest-history', 'Three days of productive cough, fever and right-sided pleuritic pain.')]),
            heading('Examination', [
              ref.observation(ID.obsTemperature),
              note('p2-note-chest-exam', 'Bronchial breathing right base. Sats 94% on air. CRB-65 score 1.'),
            ]),
            heading('Plan', [ref.problem(ID.pneumonia), ref.plan(ID.planAmoxicillin), ref.issue(ID.issueAmoxicillin)]),
          ],
        },
      ],
    },
    {
      id: ID.consRash,
      recorded: at(dRash, '09:50'),
      recorderId: OKAFOR,
      type: { text: 'Telephone consultation' },
      period: visit(dRash, '09:50', '10:06'),
      topics: [
        {
          title: 'Rash on antibiotics',
          problemIds: [ID.pneumonia],
          headings: [
            heading('History', [note('p2-note-rash-history', 'Widespread itchy rash since this morning, day 3 of amoxicillin. No lip or tongue swelling, no wheeze.')]),
            heading('Plan', [
              ref.allergy(ID.allergyPenicillin),
              note('p2-note-rash-plan', 'Amoxicillin stopped. Clarithromycin 500mg twice daily for 5 days supplied by the out-of-hours service. Chlorphenamine for itch.'),
            ]),
          ],
        },
      ],
    },
    {
      id: ID.consKneeDx,
      recorded: at(dKneeDx, '14:10'),
      recorderId: OKAFOR,
      type: surgery,
      period: visit(dKneeDx, '14:10', '14:26'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Knee pain',
          problemIds: [ID.oaKnee],
          headings: [
            heading('History', [note('p2-note-knee-history', 'Right knee pain for two months, worse on stairs, morning stiffness under 30 minutes.')]),
            heading('Examination', [note('p2-note-knee-exam', 'Crepitus right knee, small effusion, medial joint line tenderness, full extension.')]),
            heading('Plan', [ref.problem(ID.oaKnee), note('p2-note-knee-plan', 'Clinical diagnosis of osteoarthritis. Exercise leaflet, weight advice, simple analgesia.')]),
          ],
        },
      ],
    },
    {
      id: ID.consDmReview,
      recorded: at(dDmReview, '11:00'),
      recorderId: SHARMA,
      type: surgery,
      period: visit(dDmReview, '11:00', '11:15'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Diabetes review',
          problemIds: [ID.t2dm],
          headings: [
            heading('Examination', [ref.observation(ID.obsHba1c2)]),
            heading('Plan', [ref.plan(ID.planMetformin2)]),
          ],
        },
      ],
    },
    {
      id: ID.consHtnReview,
      recorded: at(dHtnReview, '10:25'),
      recorderId: SHARMA,
      type: surgery,
      period: visit(dHtnReview, '10:25', '10:43'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Hypertension review',
          problemIds: [ID.hypertension],
          headings: [
            heading('Examination', [ref.observation(ID.obsBp2)]),
            heading('Plan', [ref.plan(ID.planAmlodipine10), note('p2-note-htn-review-plan', 'Increase amlodipine. Recheck blood pressure in 4 weeks.')]),
          ],
        },
      ],
    },
    // ---- within the last 3 years ----
    {
      id: ID.consStatin,
      recorded: at(dStatin, '09:30'),
      recorderId: SHARMA,
      type: surgery,
      period: visit(dStatin, '09:30', '09:50'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Cardiovascular risk',
          problemIds: [ID.t2dm],
          headings: [
            heading('History', [note('p2-note-cv-history', 'QRISK3 28%. Discussed statin benefits and side effects; keen to start.')]),
            heading('Plan', [ref.plan(ID.planAtorvastatin)]),
          ],
        },
      ],
    },
    {
      id: ID.consLowMood,
      recorded: at(dLowMood, '15:40'),
      recorderId: SHARMA,
      type: surgery,
      period: visit(dLowMood, '15:40', '16:05'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Low mood',
          problemIds: [ID.lowMood],
          headings: [
            heading('History', [
              note('p2-note-mood-history', 'Low mood and worry for three months since bereavement. Sleeping poorly. No thoughts of self-harm.'),
              note('p2-note-mood-history-private', 'Details of family circumstances recorded at the patient\u2019s request as private.', true),
              ref.observation(ID.obsAlcohol),
            ]),
            heading('Plan', [ref.problem(ID.lowMood), ref.plan(ID.planCitalopram), note('p2-note-mood-plan', 'Talking therapies self-referral details given. Review in 4 weeks.')]),
          ],
        },
      ],
    },
    {
      id: ID.consAsthmaReview,
      recorded: at(dAsthmaReview, '14:20'),
      recorderId: CLARKE,
      type: { text: 'Nurse clinic' },
      period: visit(dAsthmaReview, '14:20', '14:40'),
      locationId: MAIN_SITE,
      performerId: CLARKE,
      participantIds: [SHARMA],
      topics: [
        {
          title: 'Asthma review',
          problemIds: [ID.asthma],
          headings: [
            heading('History', [note('p2-note-asthma-history', 'Reliever use once or twice a week, no night waking. No exacerbations this year.')]),
            heading('Plan', [ref.plan(ID.planSalbutamol2), note('p2-note-asthma-plan', 'Technique good with spacer. Personal asthma action plan updated.')]),
          ],
        },
      ],
    },
    {
      // A flat topic: items directly under the topic, no headings.
      id: ID.consFlu,
      recorded: at(dFlu2, '10:35'),
      recorderId: CLARKE,
      type: { text: 'Nurse clinic' },
      period: visit(dFlu2, '10:35', '10:45'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Seasonal influenza vaccination',
          entries: [ref.immunisation(ID.immFlu2), note('p2-note-flu-consent', 'Verbal consent after discussion of benefits and side effects.')],
        },
      ],
    },
    {
      id: ID.consKneeFlare,
      recorded: at(dKneeFlare, '11:30'),
      recorderId: OKAFOR,
      type: surgery,
      period: visit(dKneeFlare, '11:30', '11:55'),
      locationId: MAIN_SITE,
      topics: [
        {
          title: 'Right knee pain',
          problemIds: [ID.oaKnee],
          headings: [
            heading('History', [note('p2-note-knee-flare-history', 'Flare of right knee pain for three weeks, limiting walking to 10 minutes. No trauma.')]),
            heading('Examination', [note('p2-note-knee-flare-exam', 'Small effusion, no warmth, range 5-110 degrees.')]),
            heading('Plan', [
              note('p2-note-knee-flare-plan', 'Avoid NSAIDs (apixaban, eGFR). Regular paracetamol, physiotherapy referral.'),
              ref.plan(ID.planParacetamol),
              ref.issue(ID.issueParacetamol),
              ref.referral(ID.refPhysio),
            ]),
          ],
        },
      ],
    },
    {
      // The annual review: a topic linked to a problem whose headings name Observations, a medication
      // plan and issues; a second topic for the anticoagulation re-authorisation.
      id: ID.consAnnualReview,
      recorded: at(dAnnualReview, '10:00'),
      recorderId: SHARMA,
      type: { text: 'Chronic disease annual review' },
      period: visit(dAnnualReview, '10:00', '10:25'),
      locationId: MAIN_SITE,
      performerId: SHARMA,
      lastEdited: at(dAnnualReview, '10:31'),
      topics: [
        {
          title: 'Type 2 diabetes annual review',
          problemIds: [ID.t2dm],
          headings: [
            heading('History', [note('p2-note-review-history', 'Feels well. No hypoglycaemia. Foot check normal. Eye screening up to date.')]),
            heading('Examination', [ref.observation(ID.obsBp3), ref.observation(ID.obsWeight), ref.observation(ID.obsBmi)]),
            heading('Plan', [
              note('p2-note-review-plan', 'HbA1c 53, at target. Continue metformin. Annual review booked.'),
              ref.issue(ID.issueMetforminReview),
              ref.diary(ID.diaryDmReview),
            ]),
          ],
        },
        {
          title: 'Atrial fibrillation',
          problemIds: [ID.af],
          headings: [
            heading('Examination', [ref.observation(ID.obsPulseRate2)]),
            heading('Plan', [ref.plan(ID.planApixaban2), ref.issue(ID.issueApixaban2First)]),
          ],
        },
      ],
    },
    {
      // Yesterday's telephone follow-up, still a draft.
      id: ID.consKneeCall,
      recorded: at(dKneeCall, '16:40'),
      recorderId: OKAFOR,
      type: { text: 'Telephone consultation' },
      period: visit(dKneeCall, '16:40', '16:48'),
      draft: true,
      topics: [
        {
          title: 'Knee pain follow-up',
          problemIds: [ID.oaKnee],
          headings: [
            heading('History', [note('p2-note-knee-call-history', 'First physiotherapy session done; pain easing, walking further.')]),
            heading('Plan', [note('p2-note-knee-call-plan', 'Continue exercises and paracetamol as required. Review if not improving in 6 weeks.')]),
          ],
        },
      ],
    },
  ];

  return {
    allergies,
    medication,
    problems,
    consultations,
    immunisations,
    immunisationStatuses,
    uncategorisedData,
    investigations,
    referrals,
    diaryEntries,
    documents,
  };
}
