/**
 * Shared vocabulary and small builders for the acceptance-suite patients' records (docs/spec-notes.md
 * "Provider test pack — test patients").
 *
 * Every code below is a real SNOMED CT concept (dm+d products are SNOMED concepts too) with the term a
 * UK GP system displays for it. Ids are unique across the whole practice: `<patient prefix>-<kind>-<name>`.
 */
import { addDays, type CalendarDate } from '../src/fhir/dates';
import type { CodedConcept, MedicationIssue, MedicationQuantity, Timestamp } from '../src/record/model';

/** A system timestamp on `date` (the GP system's audit time; the practice is in the UK, times in UTC). */
export function stamp(date: CalendarDate, time = '10:15:00'): Timestamp {
  return `${date}T${time}+00:00`;
}

/** A system timestamp `days` days from `today` (negative: in the past). */
export function daysFrom(today: CalendarDate, days: number, time = '10:15:00'): Timestamp {
  return stamp(addDays(today, days), time);
}

const sct = (code: string, display: string): CodedConcept => ({ code, display });

/** Causative agents of allergies and adverse reactions (substances), and the NKA situation. */
export const AGENT = {
  penicillin: sct('373270004', 'Penicillin -class of antibiotic-'),
  amoxicillin: sct('372687004', 'Amoxicillin'),
  ibuprofen: sct('387207008', 'Ibuprofen'),
  aspirin: sct('387458008', 'Aspirin'),
  nsaid: sct('372665008', 'Non-steroidal anti-inflammatory agent'),
  codeine: sct('387494007', 'Codeine'),
  latex: sct('111088007', 'Latex'),
  grassPollen: sct('256277009', 'Grass pollen'),
  catDander: sct('260152009', 'Cat dander'),
  beeVenom: sct('288328004', 'Bee venom'),
  peanut: sct('762952008', 'Peanut'),
  cowsMilk: sct('3718001', "Cow's milk"),
  /** An explicit "No known allergies" assertion (test patient5), recorded as an allergy item. */
  noKnownAllergy: sct('716186003', 'No known allergy'),
} as const;

/** Reaction manifestations. */
export const REACTION = {
  rash: sct('271807003', 'Eruption of skin'),
  urticaria: sct('126485001', 'Urticaria'),
  anaphylaxis: sct('39579001', 'Anaphylaxis'),
  angioedema: sct('41291007', 'Angioedema'),
  dyspnoea: sct('267036007', 'Dyspnoea'),
  nausea: sct('422587007', 'Nausea'),
  vomiting: sct('422400008', 'Vomiting'),
  itching: sct('418290006', 'Itching'),
  rhinitis: sct('70076002', 'Rhinitis'),
  contactDermatitis: sct('40275004', 'Contact dermatitis'),
} as const;

/** dm+d virtual medicinal products (VMPs). */
export const PRODUCT = {
  amoxicillin500: sct('39732411000001106', 'Amoxicillin 500mg capsules'),
  amlodipine5: sct('319283006', 'Amlodipine 5mg tablets'),
  amlodipine10: sct('319284000', 'Amlodipine 10mg tablets'),
  citalopram20: sct('321987003', 'Citalopram 20mg tablets'),
  paracetamol500: sct('322236009', 'Paracetamol 500mg tablets'),
  metformin500: sct('325278007', 'Metformin 500mg tablets'),
  ibuprofen400: sct('329653008', 'Ibuprofen 400mg tablets'),
  naproxen500: sct('329807003', 'Naproxen 500mg tablets'),
} as const;

/** Immunisation procedures and their details. */
export const VACCINATION = {
  seasonalFlu: sct('822851000000102', 'Seasonal influenza vaccination'),
  intramuscular: sct('78421000', 'Intramuscular route'),
  rightUpperArm: sct('368209003', 'Right upper arm structure'),
} as const;

/** Uncategorised observations. */
export const OBSERVATION = {
  bloodPressure: sct('163020007', 'O/E - blood pressure reading'),
  neverSmoked: sct('266919005', 'Never smoked tobacco'),
  bodyWeight: sct('27113001', 'Body weight'),
  alcoholUnits: sct('1082641000000106', 'Alcohol units consumed per week'),
} as const;

/** Pathology (EDIFACT full blood count, as in the GP Connect pathology example). */
export const PATHOLOGY = {
  fbc: sct('26604007', 'FBC - Full blood count'),
  venousBlood: sct('122555007', 'Venous blood specimen'),
  haemoglobin: sct('1022431000000105', 'Haemoglobin estimation'),
  whiteCellCount: sct('1022541000000102', 'Total white cell count'),
  plateletCount: sct('1022651000000100', 'Platelet count'),
} as const;

/** Outbound referral reasons. */
export const REFERRAL = {
  physiotherapy: sct('308447003', 'Referral to physiotherapist'),
  cardiology: sct('183519002', 'Referral to cardiology service'),
  counselling: sct('308448008', 'Referral to counsellor'),
} as const;

/** Diary (recall) entries. */
export const DIARY = {
  medicationReview: sct('314529007', 'Medication review due'),
  immunisationDue: sct('171279008', 'Immunisation due'),
} as const;

export const QTY = {
  capsules: (n: number): MedicationQuantity => ({ value: n, unit: 'capsule' }),
  tablets: (n: number): MedicationQuantity => ({ value: n, unit: 'tablet' }),
};

/** What every issue of one plan shares. */
export interface IssueTemplate {
  readonly recorderId: string;
  readonly dosage: string;
  readonly quantity: MedicationQuantity;
  readonly supplyDays: number;
}

/**
 * The issues of a plan, one per date, numbered `<planId>-issue-1..n` (plan and issue ids both become
 * MedicationRequest ids, so they must differ). Each issue is valid for its supply duration.
 */
export function issuesOn(
  planId: string,
  dates: readonly CalendarDate[],
  template: IssueTemplate,
): MedicationIssue[] {
  return dates.map((date, i) => ({
    id: `${planId.replace('-plan-', '-issue-')}-${i + 1}`,
    recorded: stamp(date, '11:30:00'),
    recorderId: template.recorderId,
    date,
    validUntil: addDays(date, template.supplyDays),
    status: 'completed',
    dosage: template.dosage,
    quantity: template.quantity,
    supplyDays: template.supplyDays,
  }));
}

/** `count` dates `every` days apart, the last one on `last`. */
export function everyDays(last: CalendarDate, every: number, count: number): CalendarDate[] {
  return Array.from({ length: count }, (_, i) => addDays(last, -every * (count - 1 - i)));
}
