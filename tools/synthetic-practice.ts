/**
 * Synthetic patients for volume tests (issue 6): `syntheticPatients(count, today, seed)` yields
 * `count` registered patients with realistic GP records, one at a time, so a loader can stream them in
 * chunks. Pure and deterministic: the same (count, today, seed) always gives deep-equal patients, and
 * patient n depends only on (n, today, seed), not on the patients before it.
 *
 * The mix (SYNTHETIC_MIX), drawn per patient:
 * - healthy (~60%): 0-3 allergies (or an explicit "no known allergies"), a new-patient check with the
 *   usual measurements, a few minor-illness consultations (some with an acute prescription and a minor
 *   problem), an immunisation or two;
 * - long-term (~30%): the above plus one or two long-term conditions, each an active problem with
 *   repeat medication re-authorised at every annual review and issued every 28 days for years, annual
 *   reviews with BP / HbA1c / weight and a medication-review recall, annual bloods (grouped results)
 *   and a flu vaccination every autumn;
 * - multimorbid (~10%): 5-10 problems (long-term conditions plus past minor ones), 5-10 repeat
 *   medications, 40-80 consultations whose topics name the problems and whose headings reference the
 *   items recorded in them, investigation reports with grouped results, nurse BP checks, referrals,
 *   a clinic letter and diary entries.
 *
 * Every patient is registered (type R, active), NHS number status 01, consenting and not sensitive,
 * so predefined search 2 answers 200 for each. NHS numbers are valid (Modulus 11), counted up from
 * 9000000000 (invalid check digits skipped): far from the embedded practice's 969093xxxx range. Ids
 * are `syn<n>` for the patient and `syn<n>-<kind>-<k>` for its items, so they are unique per FHIR
 * resource type across the whole practice (validate-dataset.ts).
 *
 * Codes are real SNOMED CT / dm+d concepts: the shared vocabulary (tools/clinical-codes.ts and
 * tools/terminology.ts, the tables the embedded practice was written from), else the small tables below.
 */
import type { CalendarDate } from '../src/fhir/dates';
import { nhsCheckDigit } from '../src/operations/structured-record/nhs-number';
import type { PatientData } from '../src/record/dataset';
import type {
  Allergy,
  ClinicalDocument,
  CodedConcept,
  Consultation,
  ConsultationEntry,
  DiaryEntry,
  Heading,
  Immunisation,
  InvestigationReport,
  ItemRef,
  MedicationIssue,
  MedicationPlan,
  Observation,
  PatientClinicalRecord,
  Problem,
  Referral,
  RelatedProblem,
  Specimen,
  TestGroup,
  TestResult,
  Timestamp,
  Topic,
} from '../src/record/model';
import type { Patient } from '../src/record/model/people';
import {
  AGENT,
  DIARY,
  OBSERVATION,
  PATHOLOGY,
  PRODUCT,
  REACTION,
  REFERRAL,
  VACCINATION,
} from './clinical-codes';
import { mix, Rng } from './random';
import { DRUG, SCT as TERMS } from './terminology';

// ---- The mix -----------------------------------------------------------------------------------

export type SyntheticProfile = 'healthy' | 'longTerm' | 'multimorbid';

/** Share of each profile; a patient's profile is the first draw of its own PRNG. */
export const SYNTHETIC_MIX: Readonly<Record<SyntheticProfile, number>> = {
  healthy: 0.6,
  longTerm: 0.3,
  multimorbid: 0.1,
};

/** First NHS number tried (then counted up, skipping invalid check digits). */
export const SYNTHETIC_NHS_BASE = 9_000_000_000;

// ---- Actors of the embedded practice (data/practices/P99001.jsonl) --------------------------------

const SHARMA = 'prac-sharma';
const OKAFOR = 'prac-okafor';
const CLARKE = 'prac-clarke';
const HUSSAIN = 'prac-hussain';
const LOCATION = 'loc-riverside-main';
const LAB = 'org-leeds-pathology';
const HOSPITAL = 'org-leeds-teaching';
const GP_SYSTEM = 'device-gp-system';

// ---- Terminology: the shared tables (terminology.ts) and the concepts only this generator uses ---

const sct = (code: string, display: string): CodedConcept => ({ code, display });

const SCT = {
  lrti: TERMS.lrti,
  acuteBronchitis: TERMS.acuteBronchitis,
  conjunctivitis: TERMS.conjunctivitis,
  otitisExterna: TERMS.otitisExterna,
  gastroenteritis: TERMS.gastroenteritis,
  lowBackPain: TERMS.lowBackPain,
  sciatica: TERMS.sciatica,
  herpesZoster: TERMS.herpesZoster,
  carpalTunnel: TERMS.carpalTunnel,
  plantarFasciitis: TERMS.plantarFasciitis,
  frozenShoulder: TERMS.frozenShoulder,
  copdExacerbation: TERMS.copdExacerbation,
  diabeticRetinopathy: sct('4855003', 'Diabetic retinopathy'),
  bmi: TERMS.bmi,
  pulseRate: TERMS.pulseRate,
  temperature: TERMS.temperature,
  hba1c: TERMS.hba1c,
  exSmoker: TERMS.exSmoker,
  smoker: sct('77176002', 'Smoker'),
  diabeticFootExam: TERMS.diabeticFootExam,
  influenzaVaccine: TERMS.influenzaVaccine,
  influenza: TERMS.influenza,
  pneumococcalVaccination: TERMS.pneumococcalVaccination,
  pneumococcalDisease: TERMS.pneumococcalDisease,
  leftUpperArm: TERMS.leftUpperArm,
  ue: TERMS.ue,
  lft: TERMS.lft,
  lipids: TERMS.lipids,
  urine: TERMS.urine,
} as const;

const DRUG_PRODUCT = {
  ramipril5: DRUG.ramipril5,
  bendroflumethiazide: DRUG.bendroflumethiazide,
  atorvastatin20: DRUG.atorvastatin20,
  salbutamol: sct('320176004', 'Salbutamol 100micrograms/dose inhaler CFC free'),
  apixaban5: DRUG.apixaban5,
  bisoprolol5: DRUG.bisoprolol5,
  aspirin75: DRUG.aspirin75,
  furosemide40: DRUG.furosemide40,
  prednisolone5: DRUG.prednisolone5,
} as const;

interface DrugTemplate {
  readonly key: string;
  readonly product: CodedConcept;
  readonly dosage: string;
  readonly quantity: { readonly value: number; readonly unit: string };
  readonly supplyDays: number;
}

const tablets = (value: number) => ({ value, unit: 'tablet' });
const capsules = (value: number) => ({ value, unit: 'capsule' });

const DRUGS = {
  amlodipine5: {
    key: 'amlodipine5',
    product: PRODUCT.amlodipine5,
    dosage: 'One tablet once a day',
    quantity: tablets(28),
    supplyDays: 28,
  },
  ramipril5: {
    key: 'ramipril5',
    product: DRUG_PRODUCT.ramipril5,
    dosage: 'One capsule once a day',
    quantity: capsules(28),
    supplyDays: 28,
  },
  bendroflumethiazide: {
    key: 'bendroflumethiazide',
    product: DRUG_PRODUCT.bendroflumethiazide,
    dosage: 'One tablet in the morning',
    quantity: tablets(28),
    supplyDays: 28,
  },
  metformin500: {
    key: 'metformin500',
    product: PRODUCT.metformin500,
    dosage: 'One tablet twice a day with meals',
    quantity: tablets(56),
    supplyDays: 28,
  },
  atorvastatin20: {
    key: 'atorvastatin20',
    product: DRUG_PRODUCT.atorvastatin20,
    dosage: 'One tablet at night',
    quantity: tablets(28),
    supplyDays: 28,
  },
  salbutamol: {
    key: 'salbutamol',
    product: DRUG_PRODUCT.salbutamol,
    dosage: 'Two puffs up to four times a day when required',
    quantity: { value: 1, unit: 'inhaler' },
    supplyDays: 56,
  },
  apixaban5: {
    key: 'apixaban5',
    product: DRUG_PRODUCT.apixaban5,
    dosage: 'One tablet twice a day',
    quantity: tablets(56),
    supplyDays: 28,
  },
  bisoprolol5: {
    key: 'bisoprolol5',
    product: DRUG_PRODUCT.bisoprolol5,
    dosage: 'One tablet once a day',
    quantity: tablets(28),
    supplyDays: 28,
  },
  aspirin75: {
    key: 'aspirin75',
    product: DRUG_PRODUCT.aspirin75,
    dosage: 'One tablet once a day',
    quantity: tablets(28),
    supplyDays: 28,
  },
  citalopram20: {
    key: 'citalopram20',
    product: PRODUCT.citalopram20,
    dosage: 'One tablet once a day',
    quantity: tablets(28),
    supplyDays: 28,
  },
  paracetamol500: {
    key: 'paracetamol500',
    product: PRODUCT.paracetamol500,
    dosage: 'Two tablets up to four times a day when required',
    quantity: tablets(100),
    supplyDays: 56,
  },
  furosemide40: {
    key: 'furosemide40',
    product: DRUG_PRODUCT.furosemide40,
    dosage: 'One tablet in the morning',
    quantity: tablets(28),
    supplyDays: 28,
  },
} as const satisfies Record<string, DrugTemplate>;

type DrugKey = keyof typeof DRUGS;
type Measure = 'bp' | 'weight' | 'hba1c' | 'pulse' | 'footExam' | 'smoking';
type Panel = 'ue' | 'fbc' | 'lipids' | 'lft' | 'hba1c' | 'acr';

interface ReferralTemplate {
  readonly reason: CodedConcept;
  readonly recipient: Referral['recipients'];
  readonly priority: 'routine' | 'urgent';
  readonly description: string;
}

const REFER = {
  cardiology: {
    reason: REFERRAL.cardiology,
    recipient: [{ kind: 'healthcareService', id: 'hs-cardiology' }],
    priority: 'urgent',
    description: 'Please assess: symptoms despite first-line treatment.',
  },
  physiotherapy: {
    reason: REFERRAL.physiotherapy,
    recipient: [{ kind: 'healthcareService', id: 'hs-physiotherapy' }],
    priority: 'routine',
    description: 'Please assess and treat.',
  },
  counselling: {
    reason: REFERRAL.counselling,
    recipient: [{ kind: 'text', text: 'Leeds talking therapies service' }],
    priority: 'routine',
    description: 'Low mood and anxiety; would like talking therapy.',
  },
} as const satisfies Record<string, ReferralTemplate>;

interface ConditionTemplate {
  readonly key: string;
  readonly problem: CodedConcept;
  readonly significance: 'major' | 'minor';
  readonly minAge: number;
  readonly sex?: 'male' | 'female';
  /** Started at diagnosis. */
  readonly drugs: readonly DrugKey[];
  /** Added at a later review when the first line is not enough. */
  readonly addOns: readonly DrugKey[];
  readonly measures: readonly Measure[];
  readonly panels: readonly Panel[];
  readonly flu: boolean;
  readonly referral?: ReferralTemplate;
  readonly presenting: string;
  readonly review: string;
  /** Treatment stops after a year or two and the problem becomes inactive. */
  readonly resolves?: boolean;
}

const CONDITIONS: readonly ConditionTemplate[] = [
  {
    key: 'htn',
    problem: sct('59621000', 'Essential hypertension'),
    significance: 'major',
    minAge: 30,
    drugs: ['amlodipine5'],
    addOns: ['ramipril5', 'bendroflumethiazide'],
    measures: ['bp', 'weight'],
    panels: ['ue'],
    flu: false,
    presenting: 'Clinic and home readings consistently above 150/95.',
    review: 'Home readings within target. No side effects.',
  },
  {
    key: 't2dm',
    problem: sct('44054006', 'Type 2 diabetes mellitus'),
    significance: 'major',
    minAge: 30,
    drugs: ['metformin500'],
    addOns: ['atorvastatin20'],
    measures: ['bp', 'weight', 'hba1c', 'footExam'],
    panels: ['ue', 'hba1c', 'lipids'],
    flu: true,
    presenting: 'Thirst and tiredness; HbA1c 58 mmol/mol on two samples.',
    review: 'No hypoglycaemia. Diet reviewed. Retinal screening up to date.',
  },
  {
    key: 'chol',
    problem: sct('13644009', 'Hypercholesterolaemia'),
    significance: 'minor',
    minAge: 35,
    drugs: ['atorvastatin20'],
    addOns: [],
    measures: [],
    panels: ['lipids', 'lft'],
    flu: false,
    presenting: 'QRISK3 14%. Lifestyle advice given; statin agreed.',
    review: 'Tolerating statin, no muscle aches.',
  },
  {
    key: 'asthma',
    problem: sct('195967001', 'Asthma'),
    significance: 'major',
    minAge: 5,
    drugs: ['salbutamol'],
    addOns: [],
    measures: ['smoking'],
    panels: [],
    flu: true,
    presenting: 'Night cough and wheeze; peak flow variability 25%.',
    review: 'Inhaler technique checked. No night waking.',
  },
  {
    key: 'copd',
    problem: sct('13645005', 'Chronic obstructive lung disease'),
    significance: 'major',
    minAge: 45,
    drugs: ['salbutamol'],
    addOns: [],
    measures: ['smoking', 'weight'],
    panels: [],
    flu: true,
    presenting: 'Breathless on hills; spirometry FEV1/FVC 0.62.',
    review: 'MRC dyspnoea grade 2. Rescue pack discussed.',
  },
  {
    key: 'af',
    problem: sct('49436004', 'Atrial fibrillation'),
    significance: 'major',
    minAge: 55,
    drugs: ['apixaban5', 'bisoprolol5'],
    addOns: [],
    measures: ['pulse', 'bp'],
    panels: ['fbc', 'ue'],
    flu: true,
    referral: REFER.cardiology,
    presenting: 'Palpitations for two weeks. ECG: atrial fibrillation, rate 112.',
    review: 'Rate controlled. No bleeding on anticoagulation.',
  },
  {
    key: 'angina',
    problem: sct('194828000', 'Angina pectoris'),
    significance: 'major',
    minAge: 50,
    drugs: ['aspirin75'],
    addOns: ['atorvastatin20'],
    measures: ['bp', 'pulse'],
    panels: ['lipids'],
    flu: true,
    referral: REFER.cardiology,
    presenting: 'Central chest tightness walking uphill, eases with rest.',
    review: 'Angina stable, GTN rarely needed.',
  },
  {
    key: 'mood',
    problem: sct('231504006', 'Mixed anxiety and depressive disorder'),
    significance: 'minor',
    minAge: 18,
    drugs: ['citalopram20'],
    addOns: [],
    measures: [],
    panels: [],
    flu: false,
    referral: REFER.counselling,
    resolves: true,
    presenting: 'Low mood, poor sleep and worry for two months. PHQ-9 15.',
    review: 'Mood improving. PHQ-9 8.',
  },
  {
    key: 'ckd',
    problem: sct('433144002', 'Chronic kidney disease stage 3'),
    significance: 'major',
    minAge: 55,
    drugs: [],
    addOns: ['ramipril5'],
    measures: ['bp'],
    panels: ['ue', 'acr'],
    flu: true,
    presenting: 'eGFR below 60 on three occasions over six months.',
    review: 'eGFR stable. Avoiding NSAIDs.',
  },
  {
    key: 'oa',
    problem: sct('239873007', 'Osteoarthritis of knee'),
    significance: 'minor',
    minAge: 50,
    drugs: ['paracetamol500'],
    addOns: [],
    measures: ['weight'],
    panels: [],
    flu: false,
    referral: REFER.physiotherapy,
    presenting: 'Knee pain worse on stairs; crepitus, no effusion.',
    review: 'Managing with exercises and paracetamol.',
  },
  {
    key: 'hf',
    problem: sct('84114007', 'Heart failure'),
    significance: 'major',
    minAge: 60,
    drugs: ['furosemide40'],
    addOns: ['bisoprolol5', 'ramipril5'],
    measures: ['weight', 'bp', 'pulse'],
    panels: ['ue'],
    flu: true,
    referral: REFER.cardiology,
    presenting: 'Breathless lying flat, ankle oedema. Echo: reduced ejection fraction.',
    review: 'Weight stable. No orthopnoea.',
  },
  {
    key: 'gout',
    problem: sct('90560007', 'Gout'),
    significance: 'minor',
    minAge: 40,
    drugs: [],
    addOns: [],
    measures: [],
    panels: ['ue'],
    flu: false,
    presenting: 'Hot swollen first MTP joint.',
    review: 'No flares this year.',
  },
  {
    key: 'bph',
    problem: sct('266569009', 'Benign prostatic hyperplasia'),
    significance: 'minor',
    minAge: 55,
    sex: 'male',
    drugs: [],
    addOns: [],
    measures: [],
    panels: [],
    flu: false,
    presenting: 'Hesitancy, poor stream, nocturia twice.',
    review: 'Symptoms stable.',
  },
  {
    key: 'obesity',
    problem: sct('414916001', 'Obesity'),
    significance: 'minor',
    minAge: 18,
    drugs: [],
    addOns: [],
    measures: ['weight'],
    panels: [],
    flu: false,
    presenting: 'BMI 33. Weight management discussed.',
    review: 'Weight discussed, referred to local programme.',
  },
  {
    key: 'gord',
    problem: sct('235595009', 'Gastro-oesophageal reflux disease'),
    significance: 'minor',
    minAge: 25,
    drugs: [],
    addOns: [],
    measures: [],
    panels: [],
    flu: false,
    presenting: 'Heartburn after meals, no dysphagia or weight loss.',
    review: 'Symptoms controlled with lifestyle measures.',
  },
];

/** The conditions a one-or-two-condition patient draws from (the common ones). */
const COMMON_CONDITIONS = new Set([
  'htn',
  't2dm',
  'chol',
  'asthma',
  'mood',
  'oa',
  'copd',
  'gout',
  'obesity',
  'gord',
]);

interface EpisodeTemplate {
  readonly title: string;
  readonly problem?: CodedConcept;
  /** Days until the episode's problem ended. */
  readonly lasts: number;
  readonly history: string;
  readonly examination?: string;
  readonly plan?: string;
  readonly temperature?: boolean;
  readonly telephone?: boolean;
  readonly acute?: {
    readonly product: CodedConcept;
    readonly dosage: string;
    readonly quantity: { readonly value: number; readonly unit: string };
    readonly days: number;
  };
}

const AMOXICILLIN = {
  product: PRODUCT.amoxicillin500,
  dosage: 'One capsule three times a day for 5 days',
  quantity: capsules(15),
  days: 5,
};

const EPISODES: readonly EpisodeTemplate[] = [
  {
    title: 'Chest infection',
    problem: SCT.lrti,
    lasts: 14,
    history: 'Productive cough and fever for five days.',
    examination: 'Crackles at the left base.',
    temperature: true,
    acute: AMOXICILLIN,
  },
  {
    title: 'Cough',
    problem: SCT.acuteBronchitis,
    lasts: 21,
    history: 'Dry cough for a week after a cold, no fever.',
    plan: 'Viral. Advice and safety-netting.',
  },
  {
    title: 'Red eye',
    problem: SCT.conjunctivitis,
    lasts: 7,
    history: 'Sticky red eye for two days, vision normal.',
    plan: 'Self-care advice; return if vision affected.',
  },
  {
    title: 'Ear pain',
    problem: SCT.otitisExterna,
    lasts: 10,
    history: 'Itchy painful ear canal.',
    examination: 'Inflamed canal with debris, drum intact.',
  },
  {
    title: 'Diarrhoea and vomiting',
    problem: SCT.gastroenteritis,
    lasts: 5,
    history: 'Diarrhoea and vomiting for 24 hours, drinking fluids.',
    plan: 'Oral fluids; return if blood or not drinking.',
    telephone: true,
  },
  {
    title: 'Back pain',
    problem: SCT.lowBackPain,
    lasts: 42,
    history: 'Mechanical low back pain after lifting.',
    examination: 'No red flags. Straight leg raise normal.',
    acute: {
      product: PRODUCT.naproxen500,
      dosage: 'One tablet twice a day with food for 7 days',
      quantity: tablets(14),
      days: 7,
    },
  },
  {
    title: 'Leg pain',
    problem: SCT.sciatica,
    lasts: 60,
    history: 'Pain radiating down the leg to the calf.',
    examination: 'Straight leg raise limited at 50 degrees.',
    acute: {
      product: PRODUCT.ibuprofen400,
      dosage: 'One tablet three times a day with food',
      quantity: tablets(21),
      days: 7,
    },
  },
  {
    title: 'Painful rash',
    problem: SCT.herpesZoster,
    lasts: 30,
    history: 'Burning pain then a band of blisters.',
    examination: 'Dermatomal vesicular rash.',
  },
  {
    title: 'Numb fingers',
    problem: SCT.carpalTunnel,
    lasts: 120,
    history: 'Tingling of the thumb and fingers at night.',
    examination: 'Positive Phalen test.',
  },
  {
    title: 'Heel pain',
    problem: SCT.plantarFasciitis,
    lasts: 180,
    history: 'Morning heel pain on first steps for six weeks.',
  },
  {
    title: 'Painful stiff shoulder',
    problem: SCT.frozenShoulder,
    lasts: 300,
    history: 'Shoulder pain and stiffness for three months.',
    examination: 'Global restriction, external rotation most affected.',
  },
  {
    title: 'Sore throat',
    lasts: 0,
    history: 'Sore throat and runny nose for three days, eating and drinking.',
    plan: 'Viral. Paracetamol and fluids.',
    telephone: true,
  },
  {
    title: 'Headache',
    lasts: 0,
    history: 'Tension-type headache, no red flags.',
    plan: 'Reassured. Analgesia and sleep advice.',
  },
];

interface Analyte {
  readonly code: CodedConcept;
  readonly unit: string;
  readonly low?: number;
  readonly high?: number;
  readonly decimals: number;
  readonly mean: number;
  readonly spread: number;
}

const analyte = (
  code: string,
  display: string,
  unit: string,
  mean: number,
  spread: number,
  decimals: number,
  low?: number,
  high?: number,
): Analyte => ({
  code: sct(code, display),
  unit,
  mean,
  spread,
  decimals,
  ...(low !== undefined && { low }),
  ...(high !== undefined && { high }),
});

const PANELS: Readonly<
  Record<
    Exclude<Panel, 'hba1c' | 'acr'>,
    { readonly code: CodedConcept; readonly analytes: readonly Analyte[] }
  >
> = {
  ue: {
    code: SCT.ue,
    analytes: [
      analyte('1020681000000107', 'Sodium level', 'mmol/L', 139, 2, 0, 133, 146),
      analyte('1000651000000109', 'Serum potassium level', 'mmol/L', 4.5, 0.3, 1, 3.5, 5.3),
      analyte('1000731000000107', 'Serum creatinine level', 'umol/L', 95, 15, 0, 59, 104),
      analyte(
        '1011481000000105',
        'eGFR (estimated glomerular filtration rate) using creatinine Chronic Kidney Disease Epidemiology Collaboration equation per 1.73 square metres',
        'mL/min/1.73m2',
        68,
        12,
        0,
        60,
      ),
    ],
  },
  fbc: {
    code: PATHOLOGY.fbc,
    analytes: [
      { ...analyte('', '', 'g/L', 138, 8, 0, 120, 170), code: PATHOLOGY.haemoglobin },
      { ...analyte('', '', '10*9/L', 7.2, 1.2, 1, 4, 11), code: PATHOLOGY.whiteCellCount },
      { ...analyte('', '', '10*9/L', 250, 40, 0, 150, 400), code: PATHOLOGY.plateletCount },
      analyte('1022491000000106', 'Mean corpuscular volume', 'fL', 91, 3, 0, 80, 100),
    ],
  },
  lipids: {
    code: SCT.lipids,
    analytes: [
      analyte('1005671000000105', 'Serum cholesterol level', 'mmol/L', 4.6, 0.6, 1, undefined, 5),
      analyte(
        '1005681000000107',
        'Serum high density lipoprotein cholesterol level',
        'mmol/L',
        1.2,
        0.15,
        2,
        1,
      ),
      analyte(
        '1014501000000104',
        'Calculated low density lipoprotein cholesterol level',
        'mmol/L',
        2.6,
        0.5,
        1,
        undefined,
        3,
      ),
      analyte('1005691000000109', 'Serum triglycerides level', 'mmol/L', 1.6, 0.4, 1, undefined, 1.7),
    ],
  },
  lft: {
    code: SCT.lft,
    analytes: [
      analyte('999691000000104', 'Serum bilirubin level', 'umol/L', 9, 3, 0, undefined, 21),
      analyte('1018251000000107', 'Serum alanine aminotransferase level', 'U/L', 27, 8, 0, undefined, 41),
      analyte('1000621000000104', 'Serum alkaline phosphatase level', 'U/L', 84, 15, 0, 30, 130),
      analyte('1000821000000103', 'Serum albumin level', 'g/L', 41, 2, 0, 35, 50),
    ],
  },
};
const HBA1C_LAB = analyte(SCT.hba1c.code, SCT.hba1c.display, 'mmol/mol', 54, 6, 0, undefined, 48);
const URINE_ACR = analyte(
  '1023491000000104',
  'Urine albumin:creatinine ratio',
  'mg/mmol',
  2.4,
  1,
  1,
  undefined,
  3,
);

// ---- Demographics ------------------------------------------------------------------------------

/** Common family names of England; the patient-search bench builds its name stems on them. */
export const FAMILY = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Robinson',
  'Wright',
  'Thompson',
  'Evans',
  'Walker',
  'White',
  'Roberts',
  'Green',
  'Hall',
  'Wood',
  'Jackson',
  'Clarke',
  'Khan',
  'Ahmed',
  'Patel',
  'Hussain',
  'Begum',
  'Kowalski',
  'Nowak',
  'Okonkwo',
  'Murphy',
  "O'Brien",
  'Campbell',
  'Stewart',
  'Hughes',
  'Edwards',
  'Lee',
  'Shaw',
];
export const GIVEN = {
  male: [
    'Oliver',
    'George',
    'Harry',
    'Jack',
    'Jacob',
    'Noah',
    'Charlie',
    'Muhammad',
    'Thomas',
    'Oscar',
    'William',
    'James',
    'David',
    'John',
    'Peter',
    'Michael',
    'Ali',
    'Tomasz',
  ],
  female: [
    'Olivia',
    'Amelia',
    'Isla',
    'Ava',
    'Emily',
    'Sophie',
    'Grace',
    'Mia',
    'Poppy',
    'Ella',
    'Margaret',
    'Susan',
    'Patricia',
    'Fatima',
    'Aisha',
    'Anna',
    'Joan',
    'Mary',
  ],
} as const;
const STREETS = [
  'Mill Lane',
  'Church Street',
  'Victoria Road',
  'Park Avenue',
  'Station Road',
  'Kirkstall Road',
  'Otley Road',
  'Harehills Lane',
  'Roundhay Road',
  'York Road',
  'Meanwood Road',
  'Chapel Street',
];
const DISTRICTS = [
  ['LS6', 'Headingley'],
  ['LS7', 'Chapel Allerton'],
  ['LS8', 'Roundhay'],
  ['LS9', 'Burmantofts'],
  ['LS11', 'Beeston'],
  ['LS12', 'Armley'],
  ['LS13', 'Bramley'],
  ['LS17', 'Moortown'],
] as const;
const LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

// ---- Deterministic randomness ------------------------------------------------------------------

const patientSeed = (seed: number, n: number): number => mix(seed, n);

function profileFromDraw(draw: number): SyntheticProfile {
  if (draw < SYNTHETIC_MIX.healthy) return 'healthy';
  return draw < SYNTHETIC_MIX.healthy + SYNTHETIC_MIX.longTerm ? 'longTerm' : 'multimorbid';
}

/** The profile of synthetic patient n (1-based) for `seed`: what syntheticPatients draws for it. */
export function syntheticProfile(n: number, seed = 1): SyntheticProfile {
  return profileFromDraw(new Rng(patientSeed(seed, n)).next());
}

// ---- NHS numbers -------------------------------------------------------------------------------

export { nhsCheckDigit };

/**
 * Valid NHS numbers (the project's Modulus 11 check, nhsCheckDigit) counted up from `first`
 * (SYNTHETIC_NHS_BASE by default), skipping stems that have no valid check digit.
 */
export function* nhsNumbers(first = SYNTHETIC_NHS_BASE): Generator<string> {
  for (let nine = Math.floor(first / 10); ; nine++) {
    const stem = String(nine);
    const check = nhsCheckDigit(stem);
    if (check !== undefined) yield `${stem}${check}`;
  }
}

// ---- Dates -------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const HHMM = Array.from(
  { length: 24 * 60 },
  (_, m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`,
);

/** Days before `today` → dates and timestamps, without date-fns (hundreds of thousands per run). */
class Calendar {
  readonly todayMs: number;
  private readonly cache = new Map<number, CalendarDate>();

  constructor(readonly today: CalendarDate) {
    this.todayMs = Date.parse(`${today}T00:00:00Z`);
    if (Number.isNaN(this.todayMs)) throw new Error(`not a calendar date: ${today}`);
  }

  /** The date `n` days before today (negative: in the future). */
  date(n: number): CalendarDate {
    let d = this.cache.get(n);
    if (d === undefined) {
      d = new Date(this.todayMs - n * DAY_MS).toISOString().slice(0, 10) as CalendarDate;
      this.cache.set(n, d);
    }
    return d;
  }

  /** A system timestamp `n` days ago at `minute` minutes past midnight (UTC). */
  at(n: number, minute: number): Timestamp {
    const m = Math.min(Math.max(Math.round(minute), 0), 24 * 60 - 1);
    return `${this.date(n)}T${HHMM[m]}:00+00:00`;
  }

  /** Days before today of a date in `year`, month (1-12) and day. */
  daysAgo(year: number, month: number, day: number): number {
    return Math.round((this.todayMs - Date.UTC(year, month - 1, day)) / DAY_MS);
  }

  get year(): number {
    return Number(this.today.slice(0, 4));
  }
}

// ---- Drafts ------------------------------------------------------------------------------------

type HeadingKey = 'history' | 'examination' | 'plan';
type LinkRef = Exclude<ItemRef, { readonly kind: 'problem' }>;

interface TopicDraft {
  readonly title: string;
  readonly problemIds: string[];
  readonly history: ConsultationEntry[];
  readonly examination: ConsultationEntry[];
  readonly plan: ConsultationEntry[];
}

interface ConsultDraft {
  readonly id: string;
  /** Days before today. */
  readonly n: number;
  /** Minutes past midnight. */
  readonly minute: number;
  readonly type: string;
  readonly performerId: string;
  readonly telephone: boolean;
  readonly topics: TopicDraft[];
  notes: number;
}

interface ProblemDraft {
  readonly id: string;
  readonly n: number;
  readonly consult?: ConsultDraft;
  readonly code: CodedConcept;
  status: 'active' | 'inactive';
  readonly significance: 'major' | 'minor';
  endN?: number;
  readonly linkedItems: LinkRef[];
  readonly relatedProblems: RelatedProblem[];
}

interface ChronicCondition {
  readonly template: ConditionTemplate;
  readonly problem: ProblemDraft;
  /** Diagnosed this many days ago. */
  readonly n: number;
  /** Ends (resolving conditions), days ago. */
  readonly endN?: number;
}

interface Course {
  readonly drug: DrugTemplate;
  readonly problems: ProblemDraft[];
  readonly start: number;
  readonly startConsult: ConsultDraft;
  readonly startTopic: TopicDraft;
  readonly stop?: { readonly n: number; readonly reason: string };
  /** Days between issues. */
  readonly interval: number;
}

/** The kinds in item ids `syn<n>-<kind>-<k>`. */
type IdKind = 'cons' | 'prob' | 'med' | 'obs' | 'imm' | 'inv' | 'ref' | 'diary' | 'allergy' | 'doc';

const HEADINGS: readonly [HeadingKey, string][] = [
  ['history', 'History'],
  ['examination', 'Examination'],
  ['plan', 'Plan'],
];

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

// ---- One patient -------------------------------------------------------------------------------

class SyntheticPatientBuilder {
  private readonly prefix: string;
  private readonly usualGp: string;
  private readonly otherGp: string;
  private readonly consults: ConsultDraft[] = [];
  private readonly problems: ProblemDraft[] = [];
  private readonly plans: MedicationPlan[] = [];
  private readonly observations: Observation[] = [];
  private readonly immunisations: Immunisation[] = [];
  private readonly reports: InvestigationReport[] = [];
  private readonly referrals: Referral[] = [];
  private readonly diary: DiaryEntry[] = [];
  private readonly allergies: Allergy[] = [];
  private readonly documents: ClinicalDocument[] = [];
  private readonly count: Record<IdKind, number> = {
    cons: 0,
    prob: 0,
    med: 0,
    obs: 0,
    imm: 0,
    inv: 0,
    ref: 0,
    diary: 0,
    allergy: 0,
    doc: 0,
  };
  private readonly conditions: ChronicCondition[] = [];
  private readonly courses: Course[] = [];
  /** Annual reviews, oldest first. */
  private readonly reviews: ConsultDraft[] = [];
  private readonly sex: 'male' | 'female';
  private readonly ageYears: number;
  private readonly birthN: number;
  /** Registered this many days ago: the record starts here. */
  private readonly regN: number;

  constructor(
    private readonly n: number,
    private readonly nhsNumber: string,
    private readonly cal: Calendar,
    private readonly rng: Rng,
    private readonly profile: SyntheticProfile,
  ) {
    this.prefix = `syn${n}`;
    this.sex = rng.chance(0.5) ? 'male' : 'female';
    this.usualGp = rng.chance(0.5) ? SHARMA : OKAFOR;
    this.otherGp = this.usualGp === SHARMA ? OKAFOR : SHARMA;
    this.ageYears =
      profile === 'multimorbid'
        ? rng.int(58, 94)
        : profile === 'longTerm'
          ? rng.int(35, 88)
          : rng.chance(0.15)
            ? rng.int(1, 17)
            : rng.int(18, 80);
    this.birthN = this.ageYears * 365 + rng.int(0, 364);
    const years =
      profile === 'multimorbid' ? rng.int(10, 30) : profile === 'longTerm' ? rng.int(4, 25) : rng.int(1, 20);
    this.regN = Math.max(60, Math.min(this.birthN - 14, years * 365 + rng.int(0, 364)));
  }

  build(): PatientData {
    return { patient: this.patient(), record: this.record() };
  }

  // -- demographics --

  private patient(): Patient {
    const { rng } = this;
    const given = [rng.pick(GIVEN[this.sex])];
    if (rng.chance(0.3)) given.push(rng.pick(GIVEN[this.sex]));
    const prefix = this.ageYears < 16 ? [] : this.sex === 'male' ? ['Mr'] : [rng.pick(['Mrs', 'Ms', 'Miss'])];
    const [outward, district] = rng.pick(DISTRICTS);
    const postcode = `${outward} ${rng.int(1, 9)}${rng.pick([...LETTERS])}${rng.pick([...LETTERS])}`;
    return {
      id: this.prefix,
      nhsNumber: this.nhsNumber,
      nhsNumberStatus: '01',
      name: { family: rng.pick(FAMILY), given, ...(prefix.length > 0 && { prefix }) },
      gender: this.sex,
      birthDate: this.cal.date(this.birthN),
      address: { lines: [`${rng.int(1, 240)} ${rng.pick(STREETS)}`], city: 'Leeds', district, postcode },
      ...(this.ageYears >= 16 && {
        telecom: [
          {
            system: 'phone' as const,
            value: `07700 900${String(rng.int(0, 999)).padStart(3, '0')}`,
            use: 'mobile' as const,
          },
        ],
      }),
      registration: { type: 'R', status: 'active', startDate: this.cal.date(this.regN) },
      sensitive: false,
      sharingConsent: 'consented',
      usualGpId: this.usualGp,
      version: '1',
    };
  }

  // -- the record --

  private record(): PatientClinicalRecord {
    const { rng } = this;
    this.newPatientCheck();
    this.allergyHistory();
    if (this.profile !== 'healthy') this.chronicHistory();
    const episodes =
      this.profile === 'healthy' ? rng.int(1, 4) : this.profile === 'longTerm' ? rng.int(2, 8) : 0;
    for (let i = 0; i < episodes; i++) this.episode(rng.int(1, this.regN - 1), 0.4);
    this.vaccinations();
    if (this.profile === 'multimorbid') {
      // Minor illnesses and condition follow-ups until the consultation count is reached.
      const target = rng.int(40, 80);
      const chronic = this.conditions.filter((c) => c.n > 30);
      while (this.consults.length < target) {
        if (chronic.length > 0 && rng.chance(0.5)) this.followUp(rng.pick(chronic));
        else
          this.episode(
            rng.int(1, this.regN - 1),
            this.problems.length < 5 ? 1 : this.problems.length < 10 ? 0.3 : 0,
          );
      }
    }
    return this.finish();
  }

  private newPatientCheck(): void {
    const { rng } = this;
    const n = Math.max(1, this.regN - rng.int(0, Math.min(28, this.regN - 1)));
    const child = (this.birthN - n) / 365 < 16;
    const c = this.consult(n, {
      type: 'New patient check',
      performerId: CLARKE,
      title: 'New patient registration',
    });
    const t = c.topics[0];
    this.note(
      c,
      t,
      'history',
      child
        ? 'Registered with parent. Immunisations up to date per red book.'
        : 'New registration. No significant past history reported.',
    );
    if (!child) {
      this.bloodPressure(c, t, 122 + rng.noise(10), 78 + rng.noise(6));
      this.smoking(c, t);
      this.quantity(c, t, OBSERVATION.alcoholUnits, rng.int(0, 18), 'units/week', '{units}/wk', 'history');
    }
    this.weight(c, t, child ? 8 + ((this.birthN - n) / 365) * 3 : 78 + rng.noise(12));
  }

  private allergyHistory(): void {
    const { rng } = this;
    const r = rng.next();
    const count = r < 0.5 ? 0 : r < 0.8 ? 1 : r < 0.95 ? 2 : 3;
    if (count === 0) {
      if (rng.chance(0.4)) {
        this.allergies.push({
          id: this.id('allergy'),
          recorded: this.cal.at(this.regN - 1, 630),
          recorderId: CLARKE,
          code: AGENT.noKnownAllergy,
        });
      }
      return;
    }
    const agents = rng.shuffle([
      { code: AGENT.penicillin, category: 'medication', reaction: REACTION.rash },
      { code: AGENT.amoxicillin, category: 'medication', reaction: REACTION.urticaria },
      { code: AGENT.ibuprofen, category: 'medication', reaction: REACTION.dyspnoea },
      { code: AGENT.aspirin, category: 'medication', reaction: REACTION.angioedema },
      { code: AGENT.codeine, category: 'medication', reaction: REACTION.nausea },
      { code: AGENT.latex, category: 'environment', reaction: REACTION.contactDermatitis },
      { code: AGENT.grassPollen, category: 'environment', reaction: REACTION.rhinitis },
      { code: AGENT.catDander, category: 'environment', reaction: REACTION.rhinitis },
      { code: AGENT.beeVenom, category: 'environment', reaction: REACTION.anaphylaxis },
      { code: AGENT.peanut, category: 'environment', reaction: REACTION.anaphylaxis },
    ] as const);
    for (const agent of agents.slice(0, count)) {
      const n = rng.int(1, this.regN - 1);
      const inConsult = rng.chance(0.5);
      const severity: NonNullable<Allergy['reaction']>['severity'] =
        agent.reaction === REACTION.anaphylaxis
          ? 'life-threatening'
          : rng.pick(['mild', 'moderate'] as const);
      const base = {
        code: agent.code,
        category: agent.category,
        type:
          agent.category === 'medication' && rng.chance(0.3)
            ? ('intolerance' as const)
            : ('allergy' as const),
        onset: String(this.cal.year - rng.int(1, Math.max(1, Math.floor(this.ageYears / 2)))) as `${number}`,
        reaction: { manifestation: agent.reaction, severity },
        ...(rng.chance(0.1) && {
          ended: {
            date: this.cal.date(Math.max(0, n - rng.int(30, 400))),
            reason: 'Tolerated a later course without reaction',
          },
        }),
      };
      if (inConsult) {
        const c = this.consult(n, {
          type: 'Surgery consultation',
          performerId: this.usualGp,
          title: 'Allergy',
        });
        const t = c.topics[0];
        this.note(c, t, 'history', `Reaction to ${agent.code.display.toLowerCase()} reported.`);
        const id = this.id('allergy');
        this.allergies.push({ ...this.inConsult(c, id, 6), ...base });
        t.plan.push({ kind: 'allergy', id });
      } else {
        this.allergies.push({
          id: this.id('allergy'),
          recorded: this.cal.at(n, 600 + rng.int(0, 300)),
          recorderId: this.usualGp,
          ...base,
        });
      }
    }
  }

  // -- chronic conditions --

  private chronicHistory(): void {
    const { rng } = this;
    const eligible = rng.shuffle(
      CONDITIONS.filter((c) => c.minAge <= this.ageYears - 2 && (c.sex === undefined || c.sex === this.sex)),
    );
    const chosen: ConditionTemplate[] = [];
    if (this.profile === 'longTerm') {
      // The first condition is one treated with a repeat; a second may be any common one.
      const common = eligible.filter((c) => COMMON_CONDITIONS.has(c.key));
      const first = common.find((c) => c.drugs.length > 0);
      if (first) chosen.push(first);
      const second = common.find((c) => c !== first);
      if (second && rng.chance(0.4)) chosen.push(second);
    } else {
      const wanted = rng.int(3, 7);
      const drugsOf = (list: readonly ConditionTemplate[]) => new Set(list.flatMap((c) => c.drugs)).size;
      for (const c of eligible) if (chosen.length < wanted) chosen.push(c);
      // At least five repeat medications: take further conditions that bring a drug.
      for (const c of eligible) {
        if (drugsOf(chosen) >= 5 || chosen.length >= 8) break;
        if (!chosen.includes(c) && c.drugs.some((d) => !chosen.some((x) => x.drugs.includes(d))))
          chosen.push(c);
      }
    }
    // Diagnosed over the last years of the record, oldest first.
    const span = Math.min(this.regN - 200, this.profile === 'multimorbid' ? 10 * 365 : 9 * 365);
    // At least 400 days ago, so that every ongoing condition has had an annual review.
    const onsets = chosen
      .map(() => rng.int(Math.max(400, Math.floor(span / 5)), Math.max(401, span)))
      .sort((a, b) => b - a);
    chosen.forEach((template, i) => this.diagnose(template, onsets[i]));
    this.relateConditions();
    this.annualReviews();
    // Repeats: first line at diagnosis, add-ons at a later review.
    const wantedRepeats = this.profile === 'multimorbid' ? rng.int(5, 10) : 0;
    const started = new Map<DrugKey, Course>();
    for (const condition of this.conditions) {
      for (const key of condition.template.drugs)
        this.startCourse(key, condition, condition.n, condition.problem.consult as ConsultDraft, started);
    }
    for (const condition of rng.shuffle(this.conditions)) {
      for (const key of condition.template.addOns) {
        const due = this.profile === 'multimorbid' ? started.size < wantedRepeats : rng.chance(0.3);
        const review = this.reviews.find(
          (r) => r.n < condition.n - 300 && (condition.endN === undefined || r.n > condition.endN),
        );
        if (due && review) this.startCourse(key, condition, review.n, review, started);
      }
    }
    for (const course of this.courses) this.issueCourse(course);
    this.annualBloods();
    this.referralsAndLetters();
    this.recalls();
    if (this.profile === 'multimorbid') this.nurseChecks();
  }

  private diagnose(template: ConditionTemplate, n: number): void {
    const { rng } = this;
    const c = this.consult(n, {
      type: 'Surgery consultation',
      performerId: rng.chance(0.7) ? this.usualGp : this.otherGp,
      title: template.problem.display,
    });
    const t = c.topics[0];
    const endN = template.resolves ? Math.max(1, n - rng.int(300, 800)) : undefined;
    const problem = this.problem(template.problem, n, c, t, {
      significance: template.significance,
      ...(endN !== undefined && { endN }),
    });
    this.note(c, t, 'history', template.presenting);
    if (template.measures.includes('bp')) this.bloodPressure(c, t, 152 + rng.noise(8), 94 + rng.noise(5));
    if (template.measures.includes('pulse')) this.pulse(c, t, 88 + rng.noise(10));
    this.note(c, t, 'plan', 'Diagnosis discussed. Leaflet given. Review in four weeks.');
    this.conditions.push({ template, problem, n, ...(endN !== undefined && { endN }) });
  }

  /** Diabetes with kidney disease, COPD with its exacerbations: the GP system records both sides. */
  private relateConditions(): void {
    const byKey = new Map(this.conditions.map((c) => [c.template.key, c.problem]));
    const relate = (parent: ProblemDraft | undefined, child: ProblemDraft | undefined) => {
      if (!parent || !child) return;
      parent.relatedProblems.push({ type: 'child', problemId: child.id });
      child.relatedProblems.push({ type: 'parent', problemId: parent.id });
    };
    relate(byKey.get('t2dm'), byKey.get('ckd'));
    relate(byKey.get('htn'), byKey.get('ckd'));
    relate(byKey.get('af'), byKey.get('hf'));
  }

  /** Conditions active on day n (diagnosed before it and not yet ended). */
  private activeOn(n: number): ChronicCondition[] {
    return this.conditions.filter((c) => c.n > n && (c.endN === undefined || c.endN < n));
  }

  private annualReviews(): void {
    const { rng } = this;
    const first = Math.max(...this.conditions.map((c) => c.n));
    for (let n = first - 365 + rng.int(-20, 20); n > 15; n -= 365 + rng.int(-25, 25)) {
      const active = this.activeOn(n);
      if (active.length === 0) continue;
      const review = this.consult(n, {
        type: 'Chronic disease review',
        performerId: rng.chance(0.6) ? CLARKE : this.usualGp,
        title: '',
      });
      review.topics.length = 0;
      const done = new Set<Measure>();
      for (const condition of active) {
        const t = this.topic(review, condition.template.problem.display, [condition.problem]);
        this.note(review, t, 'history', condition.template.review);
        for (const m of condition.template.measures) {
          if (done.has(m)) continue;
          done.add(m);
          this.measure(review, t, m, condition);
        }
      }
      this.reviews.push(review);
    }
  }

  private measure(c: ConsultDraft, t: TopicDraft, m: Measure, condition: ChronicCondition): void {
    const { rng } = this;
    switch (m) {
      case 'bp': {
        const id = this.bloodPressure(c, t, 136 + rng.noise(10), 82 + rng.noise(6));
        if (rng.chance(0.3)) condition.problem.linkedItems.push({ kind: 'observation', id });
        return;
      }
      case 'weight':
        this.weight(c, t, 84 + rng.noise(10));
        return;
      case 'hba1c': {
        const id = this.quantity(c, t, SCT.hba1c, Math.round(54 + rng.noise(6)), 'mmol/mol', 'mmol/mol');
        condition.problem.linkedItems.push({ kind: 'observation', id });
        return;
      }
      case 'pulse':
        this.pulse(c, t, 72 + rng.noise(8));
        return;
      case 'footExam':
        this.observation(c, t, 'examination', {
          code: SCT.diabeticFootExam,
          comment: 'Foot pulses palpable, monofilament sensation intact. Low risk.',
        });
        return;
      case 'smoking':
        this.smoking(c, t);
        return;
    }
  }

  private startCourse(
    key: DrugKey,
    condition: ChronicCondition,
    n: number,
    consult: ConsultDraft,
    started: Map<DrugKey, Course>,
  ): void {
    const existing = started.get(key);
    if (existing) {
      // One course serves several conditions (bisoprolol for AF and heart failure): link it to both.
      if (!existing.problems.includes(condition.problem)) existing.problems.push(condition.problem);
      return;
    }
    const drug = DRUGS[key];
    const topic =
      consult.topics.find((t) => t.problemIds.includes(condition.problem.id)) ?? consult.topics[0];
    const stop =
      condition.endN !== undefined
        ? { n: condition.endN, reason: 'Course completed, symptoms resolved' }
        : undefined;
    const course: Course = {
      drug,
      problems: [condition.problem],
      start: n,
      startConsult: consult,
      startTopic: topic,
      interval: drug.supplyDays,
      ...(stop && { stop }),
    };
    started.set(key, course);
    this.courses.push(course);
  }

  /** A repeat course: a plan per authorisation (re-authorised at each annual review), issues every `interval` days. */
  private issueCourse(course: Course): void {
    const { rng, cal } = this;
    const stopN = course.stop?.n ?? 0;
    const boundaries: { n: number; consult: ConsultDraft; topic: TopicDraft }[] = [
      { n: course.start, consult: course.startConsult, topic: course.startTopic },
    ];
    for (const review of this.reviews) {
      if (review.n < course.start - 30 && review.n > stopN + 20) {
        const topic =
          review.topics.find((t) => course.problems.some((p) => t.problemIds.includes(p.id))) ??
          review.topics[0];
        boundaries.push({ n: review.n, consult: review, topic });
      }
    }
    const details = {
      dosage: course.drug.dosage,
      quantity: course.drug.quantity,
      supplyDays: course.drug.supplyDays,
    };
    let prior: string | undefined;
    boundaries.forEach((boundary, index) => {
      const next = boundaries[index + 1];
      const id = this.id('med');
      const floor = next ? next.n + 1 : stopN + 1;
      const issues: MedicationIssue[] = [];
      for (let n = boundary.n, i = 1; n >= Math.max(floor, 1); n -= course.interval, i++) {
        const first = n === boundary.n;
        const validUntilN = n - course.drug.supplyDays + 1;
        issues.push({
          id: `${id}-i${i}`,
          recorded: first ? cal.at(n, boundary.consult.minute + 8) : cal.at(n, 660 + rng.int(0, 240)),
          recorderId: first ? boundary.consult.performerId : rng.chance(0.7) ? this.usualGp : this.otherGp,
          ...(first && { consultationId: boundary.consult.id }),
          date: cal.date(n),
          validUntil: cal.date(validUntilN),
          status: validUntilN <= 0 ? 'active' : 'completed',
          ...details,
        });
      }
      const base = {
        id,
        recorded: cal.at(boundary.n, boundary.consult.minute + 7),
        recorderId: boundary.consult.performerId,
        consultationId: boundary.consult.id,
        product: course.drug.product,
        prescriptionType: 'repeat' as const,
        start: cal.date(boundary.n),
        ...(next ? { end: cal.date(next.n + 1) } : course.stop ? { end: cal.date(course.stop.n) } : {}),
        repeat: { allowed: Math.round(364 / course.interval), expiry: cal.date(boundary.n - 364) },
        ...(prior !== undefined && { priorPlanId: prior }),
        ...details,
        issues,
      };
      const plan: MedicationPlan = next
        ? { ...base, status: 'completed' }
        : course.stop
          ? {
              ...base,
              status: 'stopped',
              discontinued: { date: cal.date(course.stop.n), reason: course.stop.reason },
            }
          : { ...base, status: 'active' };
      this.plans.push(plan);
      boundary.topic.plan.push({ kind: 'medicationPlan', id });
      if (issues[0]) boundary.topic.plan.push({ kind: 'medicationIssue', id: issues[0].id });
      for (const p of course.problems) p.linkedItems.push({ kind: 'medicationPlan', id });
      prior = id;
    });
  }

  private annualBloods(): void {
    const { rng } = this;
    this.reviews.forEach((review, index) => {
      const active = this.activeOn(review.n);
      const panels = new Set(active.flatMap((c) => c.template.panels));
      if (panels.size === 0) return;
      if (this.profile === 'longTerm' && rng.chance(0.3)) return;
      if (panels.size < 3 && index % 2 === 1) panels.add('fbc');
      const id = this.report(review.n + rng.int(5, 12), panels, 'Annual chronic disease review bloods');
      const owner = active.find((c) => c.template.panels.length > 0);
      if (owner && index % 3 === 0) owner.problem.linkedItems.push({ kind: 'investigation', id });
    });
  }

  private referralsAndLetters(): void {
    const { rng } = this;
    const withReferral = this.conditions.filter((c) => c.template.referral !== undefined);
    const wanted = this.profile === 'multimorbid' ? rng.int(1, 3) : rng.chance(0.2) ? 1 : 0;
    for (const condition of withReferral.slice(0, wanted)) {
      const template = condition.template.referral as ReferralTemplate;
      const n = Math.max(2, condition.n - rng.int(30, 200));
      const c = this.consult(n, {
        type: 'Surgery consultation',
        performerId: this.usualGp,
        title: condition.template.problem.display,
        problems: [condition.problem],
      });
      const t = c.topics[0];
      this.note(c, t, 'history', 'Symptoms persisting despite treatment.');
      const id = this.id('ref');
      this.referrals.push({
        ...this.inConsult(c, id, 9),
        authored: this.cal.date(n),
        priority: template.priority,
        reason: template.reason,
        ...(template.recipient && { recipients: template.recipient }),
        description: `${condition.template.problem.display}. ${template.description}`,
      });
      t.plan.push({ kind: 'referral', id });
      condition.problem.linkedItems.push({ kind: 'referral', id });
      if (this.profile === 'multimorbid' && template.reason === REFERRAL.cardiology && n > 40) {
        const doc = this.id('doc');
        const filedN = n - rng.int(20, 35);
        this.documents.push({
          id: doc,
          recorded: this.cal.at(filedN, 810),
          recorderId: this.usualGp,
          type: { text: 'Outpatient letter' },
          description: `Cardiology clinic letter: ${condition.template.problem.display.toLowerCase()}, continue current treatment.`,
          created: this.cal.date(filedN + 3),
          authorId: HUSSAIN,
          authorOrganisationId: HOSPITAL,
          attachment: {
            binaryId: `${doc}-binary`,
            contentType: 'application/pdf',
            sizeBytes: 30_000 + rng.int(0, 40_000),
            title: 'Cardiology clinic letter',
          },
        });
        condition.problem.linkedItems.push({ kind: 'document', id: doc });
      }
    }
  }

  /** The medication review recalls set at each review, and the next blood test. */
  private recalls(): void {
    this.reviews.forEach((review) => {
      const id = this.id('diary');
      const due = review.n - 365;
      this.diary.push({
        ...this.inConsult(review, id, 14),
        code: DIARY.medicationReview,
        planned: this.cal.date(due),
        status: due > 0 ? 'completed' : 'active',
        reasons: [{ text: 'Annual chronic disease review' }],
      });
      review.topics[0].plan.push({ kind: 'diaryEntry', id });
    });
    if (this.profile === 'multimorbid') {
      this.diary.push({
        id: this.id('diary'),
        recorded: this.cal.at(20, 120),
        recorderId: this.usualGp,
        code: { text: 'Seasonal influenza vaccination due' },
        planned: { start: this.cal.date(-30), end: this.cal.date(-90) },
        requester: { kind: 'device', id: GP_SYSTEM },
      });
      this.diary.push({
        id: this.id('diary'),
        recorded: this.cal.at(40, 630),
        recorderId: this.usualGp,
        code: { text: 'Blood tests due: U&E, FBC' },
        planned: this.cal.date(-this.rng.int(20, 120)),
        reasons: [{ text: 'Monitoring of long-term conditions' }],
      });
    }
  }

  /** Nurse blood-pressure checks six months after each review. */
  private nurseChecks(): void {
    const { rng } = this;
    for (const review of [...this.reviews]) {
      const n = review.n - 182;
      if (n < 5) continue;
      const active = this.activeOn(n);
      const bpCondition = active.find((c) => c.template.measures.includes('bp'));
      const c = this.consult(n, {
        type: 'Nurse clinic',
        performerId: CLARKE,
        title: 'Blood pressure check',
        problems: bpCondition ? [bpCondition.problem] : [],
      });
      const t = c.topics[0];
      this.bloodPressure(c, t, 134 + rng.noise(10), 80 + rng.noise(6));
      this.weight(c, t, 84 + rng.noise(8));
      this.note(c, t, 'plan', 'Readings recorded. Continue current treatment.');
    }
  }

  private followUp(condition: ChronicCondition): void {
    const { rng } = this;
    const n = rng.int(Math.max(1, condition.endN ?? 1), condition.n - 1);
    const c = this.consult(n, {
      type: rng.chance(0.3) ? 'Telephone consultation' : 'Surgery consultation',
      performerId: rng.chance(0.7) ? this.usualGp : this.otherGp,
      title: condition.template.problem.display,
      problems: [condition.problem],
    });
    const t = c.topics[0];
    this.note(
      c,
      t,
      'history',
      rng.pick(
        [
          'Feels well in himself; no new symptoms.',
          'Some tiredness. Sleeping well.',
          'Managing well at home.',
          'Worse over the last fortnight.',
        ].map((s) => (this.sex === 'female' ? s.replace('himself', 'herself') : s)),
      ),
    );
    const m = rng.pick(
      condition.template.measures.length > 0 ? condition.template.measures : (['bp'] as const),
    );
    if (m === 'bp' || m === 'pulse' || m === 'weight') this.measure(c, t, m, condition);
    this.note(
      c,
      t,
      'plan',
      rng.pick([
        'Continue current treatment.',
        'Safety-netting advice given.',
        'Review at next annual check.',
      ]),
    );
  }

  // -- episodes and vaccinations --

  private episode(n: number, problemChance: number): void {
    const { rng } = this;
    const template = rng.pick(EPISODES);
    const c = this.consult(n, {
      type: template.telephone ? 'Telephone consultation' : 'Surgery consultation',
      performerId: rng.chance(0.65) ? this.usualGp : this.otherGp,
      title: template.title,
      telephone: template.telephone === true,
    });
    const t = c.topics[0];
    const problem =
      template.problem && rng.chance(problemChance)
        ? this.problem(template.problem, n, c, t, {
            significance: 'minor',
            endN: Math.max(0, n - template.lasts),
          })
        : undefined;
    this.note(c, t, 'history', template.history);
    if (template.temperature) {
      this.observation(c, t, 'examination', {
        code: SCT.temperature,
        value: { type: 'quantity', value: round(37.8 + rng.next(), 1), unit: 'degrees C', ucum: 'Cel' },
      });
    }
    if (template.examination) this.note(c, t, 'examination', template.examination);
    if (template.plan) this.note(c, t, 'plan', template.plan);
    if (template.acute && rng.chance(0.7)) {
      const plan = this.acute(c, t, template.acute);
      problem?.linkedItems.push({ kind: 'medicationPlan', id: plan });
    }
  }

  private acute(c: ConsultDraft, t: TopicDraft, acute: NonNullable<EpisodeTemplate['acute']>): string {
    const id = this.id('med');
    const endN = c.n - acute.days + 1;
    const end = this.cal.date(endN);
    const details = { dosage: acute.dosage, quantity: acute.quantity, supplyDays: acute.days };
    this.plans.push({
      ...this.inConsult(c, id, 7),
      product: acute.product,
      prescriptionType: 'acute',
      status: endN > 0 ? 'completed' : 'active',
      start: this.cal.date(c.n),
      end,
      ...details,
      issues: [
        {
          ...this.inConsult(c, `${id}-i1`, 7),
          date: this.cal.date(c.n),
          validUntil: end,
          status: endN > 0 ? 'completed' : 'active',
          ...details,
        },
      ],
    });
    t.plan.push({ kind: 'medicationPlan', id }, { kind: 'medicationIssue', id: `${id}-i1` });
    return id;
  }

  private vaccinations(): void {
    const { rng, cal } = this;
    const flu =
      this.profile !== 'healthy' && (this.conditions.some((c) => c.template.flu) || this.ageYears >= 65);
    // At-risk patients every autumn (up to ten); the healthy once or twice (pneumococcal counting as one).
    const at65 = this.birthN - 65 * 365 - rng.int(0, 200);
    const pneumococcal = at65 > 0 && at65 < this.regN;
    // The autumns (years back) the patient was registered in, latest first.
    const autumns = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((k) => {
      const n = cal.daysAgo(cal.year - k, 10, 28);
      return n > 0 && n < this.regN - 30;
    });
    const offsets = flu
      ? autumns.slice(0, 10)
      : rng.shuffle(autumns.slice(0, 6)).slice(0, rng.int(pneumococcal ? 0 : 1, pneumococcal ? 1 : 2));
    for (const k of offsets) {
      const year = cal.year - k;
      const n = cal.daysAgo(year, 10, rng.int(2, 28));
      const c = this.consult(n, { type: 'Flu clinic', performerId: CLARKE, title: 'Influenza vaccination' });
      const t = c.topics[0];
      const id = this.id('imm');
      this.immunisations.push({
        ...this.inConsult(c, id, 2),
        vaccine: SCT.influenzaVaccine,
        procedure: VACCINATION.seasonalFlu,
        date: cal.date(n),
        administeredById: CLARKE,
        locationId: LOCATION,
        site: rng.chance(0.5) ? SCT.leftUpperArm : VACCINATION.rightUpperArm,
        route: VACCINATION.intramuscular,
        dose: { value: 0.5, unit: 'ml', ucum: 'mL' },
        lotNumber: `FL${year}${rng.int(100, 999)}`,
        expiryDate: `${year + 1}-06`,
        protocol: {
          doseSequence: 1,
          targetDiseases: [SCT.influenza],
          description: `Seasonal influenza ${year}/${String(year + 1).slice(2)}`,
        },
      });
      t.plan.push({ kind: 'immunisation', id });
      this.note(c, t, 'plan', 'Consent given verbally. No immediate reaction.');
    }
    // Pneumococcal vaccination at 65, when the patient was registered then.
    if (pneumococcal) {
      const c = this.consult(at65, {
        type: 'Nurse clinic',
        performerId: CLARKE,
        title: 'Pneumococcal vaccination',
      });
      const t = c.topics[0];
      const id = this.id('imm');
      this.immunisations.push({
        ...this.inConsult(c, id, 2),
        procedure: SCT.pneumococcalVaccination,
        date: cal.date(at65),
        administeredById: CLARKE,
        locationId: LOCATION,
        site: SCT.leftUpperArm,
        route: VACCINATION.intramuscular,
        dose: { value: 0.5, unit: 'ml', ucum: 'mL' },
        protocol: { doseSequence: 1, targetDiseases: [SCT.pneumococcalDisease], seriesDoses: 1 },
      });
      t.plan.push({ kind: 'immunisation', id });
    }
  }

  // -- investigations --

  private result(reportId: string, suffix: string, a: Analyte, specimenId: string): TestResult {
    const value = round(Math.max(a.mean + this.rng.noise(a.spread), 0), a.decimals);
    const high = a.high !== undefined && value > a.high;
    const low = a.low !== undefined && value < a.low;
    return {
      id: `${reportId}-${suffix}`,
      code: a.code,
      value: { type: 'quantity', value, unit: a.unit, ucum: a.unit },
      ...((a.low !== undefined || a.high !== undefined) && {
        referenceRange: {
          ...(a.low !== undefined && { low: a.low }),
          ...(a.high !== undefined && { high: a.high }),
        },
      }),
      ...(high && { interpretation: { text: 'Above high reference limit' } }),
      ...(low && { interpretation: { text: 'Below low reference limit' } }),
      specimenId,
    };
  }

  /** A lab report collected `n` days ago and issued the next day: grouped panels, loose HbA1c/ACR results. */
  private report(n: number, panels: ReadonlySet<Panel>, reason: string): string {
    const { cal, rng } = this;
    const id = this.id('inv');
    const issuedN = Math.max(0, n - 1);
    const blood: Specimen = {
      id: `${id}-spec-blood`,
      type: PATHOLOGY.venousBlood,
      accessionId: `LP${String(mix(this.n, this.count.inv) % 1_000_000).padStart(6, '0')}B`,
      collected: cal.at(n, 580),
      collectorId: CLARKE,
      received: cal.at(n, 845),
    };
    const specimens: Specimen[] = [blood];
    const groups: TestGroup[] = [];
    const results: TestResult[] = [];
    let g = 0;
    for (const panel of panels) {
      if (panel === 'hba1c') results.push(this.result(id, 'hba1c', HBA1C_LAB, blood.id));
      else if (panel === 'acr') {
        const urine: Specimen = {
          id: `${id}-spec-urine`,
          type: SCT.urine,
          accessionId: `${blood.accessionId ?? ''}U`,
          collected: cal.at(n, 575),
        };
        specimens.push(urine);
        results.push(this.result(id, 'acr', URINE_ACR, urine.id));
      } else {
        g += 1;
        const def = PANELS[panel];
        groups.push({
          id: `${id}-g${g}`,
          code: def.code,
          results: def.analytes.map((a, i) => this.result(id, `g${g}-r${i + 1}`, a, blood.id)),
        });
      }
    }
    const abnormal = [...groups.flatMap((x) => x.results), ...results].some(
      (r) => r.interpretation !== undefined,
    );
    this.reports.push({
      id,
      recorded: cal.at(issuedN, 960),
      recorderId: this.usualGp,
      issued: cal.at(issuedN, 910),
      status: 'final',
      performers: [{ kind: 'organisation', id: LAB }],
      request: { id: `${id}-req`, requesterId: this.usualGp, performerId: LAB, reasons: [{ text: reason }] },
      specimens,
      ...(groups.length > 0 && { groups }),
      ...(results.length > 0 && { results }),
      filingComments: [
        {
          id: `${id}-fc`,
          filed: cal.at(issuedN, 1020 + rng.int(0, 60)),
          filedById: this.usualGp,
          comment: abnormal ? 'Discuss at review; no urgent action.' : 'Normal. No action.',
        },
      ],
    });
    return id;
  }

  // -- small builders --

  private id(kind: IdKind): string {
    this.count[kind] += 1;
    return `${this.prefix}-${kind}-${this.count[kind]}`;
  }

  private consult(
    n: number,
    options: {
      type: string;
      performerId: string;
      title: string;
      problems?: readonly ProblemDraft[];
      telephone?: boolean;
    },
  ): ConsultDraft {
    const draft: ConsultDraft = {
      id: this.id('cons'),
      n,
      minute: 8 * 60 + 30 + this.rng.int(0, 17) * 30,
      type: options.type,
      performerId: options.performerId,
      telephone: options.telephone ?? options.type === 'Telephone consultation',
      topics: [],
      notes: 0,
    };
    this.topic(draft, options.title, options.problems ?? []);
    this.consults.push(draft);
    return draft;
  }

  private topic(c: ConsultDraft, title: string, problems: readonly ProblemDraft[]): TopicDraft {
    const topic: TopicDraft = {
      title,
      problemIds: problems.map((p) => p.id),
      history: [],
      examination: [],
      plan: [],
    };
    c.topics.push(topic);
    return topic;
  }

  private note(c: ConsultDraft, t: TopicDraft, heading: HeadingKey, text: string): void {
    c.notes += 1;
    t[heading].push({ kind: 'note', id: `${c.id}-note-${c.notes}`, text });
  }

  /** Metadata of an item recorded in a consultation (the caller adds the reference to a heading). */
  private inConsult(c: ConsultDraft, id: string, minutes: number) {
    return {
      id,
      recorded: this.cal.at(c.n, c.minute + minutes),
      recorderId: c.performerId,
      consultationId: c.id,
    };
  }

  private problem(
    code: CodedConcept,
    n: number,
    c: ConsultDraft,
    t: TopicDraft,
    options: { significance: 'major' | 'minor'; endN?: number },
  ): ProblemDraft {
    const ended = options.endN !== undefined && options.endN >= 0;
    const draft: ProblemDraft = {
      id: this.id('prob'),
      n,
      consult: c,
      code,
      status: ended ? 'inactive' : 'active',
      significance: options.significance,
      ...(ended && { endN: options.endN }),
      linkedItems: [],
      relatedProblems: [],
    };
    t.problemIds.push(draft.id);
    this.problems.push(draft);
    return draft;
  }

  private observation(
    c: ConsultDraft,
    t: TopicDraft,
    heading: HeadingKey,
    fields: Omit<Extract<Observation, { kind?: 'simple' }>, 'id' | 'recorded' | 'recorderId'>,
  ): string {
    const id = this.id('obs');
    this.observations.push({ ...this.inConsult(c, id, 3), effective: this.cal.date(c.n), ...fields });
    t[heading].push({ kind: 'observation', id });
    return id;
  }

  private quantity(
    c: ConsultDraft,
    t: TopicDraft,
    code: CodedConcept,
    value: number,
    unit: string,
    ucum: string,
    heading: HeadingKey = 'examination',
  ): string {
    return this.observation(c, t, heading, { code, value: { type: 'quantity', value, unit, ucum } });
  }

  private bloodPressure(c: ConsultDraft, t: TopicDraft, systolic: number, diastolic: number): string {
    const id = this.id('obs');
    this.observations.push({
      ...this.inConsult(c, id, 3),
      kind: 'bloodPressure',
      code: OBSERVATION.bloodPressure,
      effective: this.cal.date(c.n),
      systolic: Math.round(systolic),
      diastolic: Math.round(diastolic),
    });
    t.examination.push({ kind: 'observation', id });
    return id;
  }

  private weight(c: ConsultDraft, t: TopicDraft, kg: number): void {
    const weight = round(Math.max(kg, 3), 1);
    this.quantity(c, t, OBSERVATION.bodyWeight, weight, 'kg', 'kg');
    if (weight > 30) this.quantity(c, t, SCT.bmi, round(weight / (1.72 * 1.72), 1), 'kg/m2', 'kg/m2');
  }

  private pulse(c: ConsultDraft, t: TopicDraft, rate: number): void {
    this.quantity(c, t, SCT.pulseRate, Math.round(rate), 'beats/minute', '/min');
  }

  private smoking(c: ConsultDraft, t: TopicDraft): void {
    const r = this.rng.next();
    const code = r < 0.55 ? OBSERVATION.neverSmoked : r < 0.85 ? SCT.exSmoker : SCT.smoker;
    this.observation(c, t, 'history', {
      code,
      ...(code === SCT.smoker && { comment: 'Smoking cessation advice given.' }),
    });
  }

  // -- finish --

  private finish(): PatientClinicalRecord {
    const { cal } = this;
    const byDate = <T extends { readonly recorded: Timestamp; readonly id: string }>(
      items: readonly T[],
    ): T[] =>
      [...items].sort((a, b) =>
        a.recorded === b.recorded ? (a.id < b.id ? -1 : 1) : a.recorded < b.recorded ? -1 : 1,
      );
    const consultations = this.consults.map((d): Consultation => {
      const start = cal.at(d.n, d.minute);
      const topics = d.topics
        .map((t): Topic => {
          const headings: Heading[] = [];
          for (const [key, title] of HEADINGS)
            if (t[key].length > 0) headings.push({ title, entries: t[key] });
          return {
            ...(t.title !== '' && { title: t.title }),
            ...(t.problemIds.length > 0 && { problemIds: t.problemIds }),
            headings,
          };
        })
        .filter((t) => (t.headings?.length ?? 0) > 0 || (t.problemIds?.length ?? 0) > 0);
      return {
        id: d.id,
        recorded: start,
        recorderId: d.performerId,
        type: { text: d.type },
        period: { start, end: cal.at(d.n, d.minute + (d.telephone ? 10 : 15)) },
        ...(!d.telephone && { locationId: LOCATION }),
        performerId: d.performerId,
        lastEdited: cal.at(d.n, d.minute + 20),
        topics,
      };
    });
    const problems = this.problems.map((p): Problem => ({
      id: p.id,
      recorded: p.consult ? cal.at(p.n, p.consult.minute + 12) : cal.at(p.n, 720),
      recorderId: p.consult?.performerId ?? this.usualGp,
      ...(p.consult && { consultationId: p.consult.id }),
      code: p.code,
      status: p.status,
      significance: p.significance,
      onset: cal.date(p.n),
      ...(p.endN !== undefined && { end: cal.date(p.endN) }),
      ...(p.relatedProblems.length > 0 && { relatedProblems: p.relatedProblems }),
      ...(p.linkedItems.length > 0 && { linkedItems: p.linkedItems }),
    }));
    const record: { -readonly [K in keyof PatientClinicalRecord]: PatientClinicalRecord[K] } = {};
    const put = <K extends keyof PatientClinicalRecord>(
      key: K,
      items: NonNullable<PatientClinicalRecord[K]>,
    ) => {
      if (items.length > 0) record[key] = items;
    };
    put('allergies', byDate(this.allergies));
    put('medication', byDate(this.plans));
    put('problems', byDate(problems));
    put('consultations', byDate(consultations));
    put('immunisations', byDate(this.immunisations));
    put('uncategorisedData', byDate(this.observations));
    put('investigations', byDate(this.reports));
    put('referrals', byDate(this.referrals));
    put('diaryEntries', byDate(this.diary));
    put('documents', byDate(this.documents));
    return record;
  }
}

// ---- The generator -----------------------------------------------------------------------------

/**
 * `count` synthetic registered patients, `syn1` … `syn<count>`, one at a time (stream them into a
 * store in chunks). Deterministic in (count, today, seed).
 */
export function* syntheticPatients(count: number, today: CalendarDate, seed = 1): Generator<PatientData> {
  const cal = new Calendar(today);
  const numbers = nhsNumbers();
  for (let n = 1; n <= count; n++) {
    const rng = new Rng(patientSeed(seed, n));
    const profile = profileFromDraw(rng.next());
    const nhsNumber = numbers.next().value as string;
    yield new SyntheticPatientBuilder(n, nhsNumber, cal, rng, profile).build();
  }
}

// ---- Summaries (tests and the benchmark) -------------------------------------------------------

/** Item counts of one record, per area, with the parts that become resources of their own. */
export interface RecordSize {
  allergies: number;
  problems: number;
  consultations: number;
  consultationNotes: number;
  medicationPlans: number;
  repeatPlans: number;
  /** Repeat medications: repeat plans that no later plan replaces (the latest authorisation of each course). */
  repeatCourses: number;
  medicationIssues: number;
  immunisations: number;
  observations: number;
  investigations: number;
  testResults: number;
  referrals: number;
  diaryEntries: number;
  documents: number;
}

export function recordSize(record: PatientClinicalRecord): RecordSize {
  const consultations = record.consultations ?? [];
  const investigations = record.investigations ?? [];
  const medication = record.medication ?? [];
  return {
    allergies: record.allergies?.length ?? 0,
    problems: record.problems?.length ?? 0,
    consultations: consultations.length,
    consultationNotes: consultations.reduce(
      (sum, c) =>
        sum +
        c.topics.reduce(
          (s, t) =>
            s +
            (t.headings ? t.headings.flatMap((h) => h.entries) : t.entries).filter((e) => e.kind === 'note')
              .length,
          0,
        ),
      0,
    ),
    medicationPlans: medication.length,
    repeatPlans: medication.filter((p) => p.prescriptionType === 'repeat').length,
    repeatCourses: medication.filter(
      (p) => p.prescriptionType === 'repeat' && !medication.some((q) => q.priorPlanId === p.id),
    ).length,
    medicationIssues: medication.reduce((sum, p) => sum + p.issues.length, 0),
    immunisations: record.immunisations?.length ?? 0,
    observations: record.uncategorisedData?.length ?? 0,
    investigations: investigations.length,
    testResults: investigations.reduce(
      (sum, r) => sum + (r.results?.length ?? 0) + (r.groups ?? []).reduce((s, g) => s + g.results.length, 0),
      0,
    ),
    referrals: record.referrals?.length ?? 0,
    diaryEntries: record.diaryEntries?.length ?? 0,
    documents: record.documents?.length ?? 0,
  };
}

/** Average RecordSize per profile, with the number of patients of each (profiles from `syn<n>` ids). */
export function summariseMix(
  patients: Iterable<PatientData>,
  seed = 1,
): Record<SyntheticProfile, { patients: number; average: RecordSize }> {
  const totals = new Map<SyntheticProfile, { patients: number; sum: RecordSize }>();
  for (const data of patients) {
    const n = Number(data.patient.id.slice(3));
    const profile = syntheticProfile(n, seed);
    const size = recordSize(data.record);
    const entry = totals.get(profile) ?? {
      patients: 0,
      sum: Object.fromEntries(Object.keys(size).map((k) => [k, 0])) as unknown as RecordSize,
    };
    entry.patients += 1;
    for (const key of Object.keys(size) as (keyof RecordSize)[]) entry.sum[key] += size[key];
    totals.set(profile, entry);
  }
  const out = {} as Record<SyntheticProfile, { patients: number; average: RecordSize }>;
  for (const profile of ['healthy', 'longTerm', 'multimorbid'] as const) {
    const entry = totals.get(profile);
    if (!entry) continue;
    const average = Object.fromEntries(
      Object.entries(entry.sum).map(([k, v]) => [k, round(v / entry.patients, 1)]),
    ) as unknown as RecordSize;
    out[profile] = { patients: entry.patients, average };
  }
  return out;
}
