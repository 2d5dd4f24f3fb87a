/**
 * Builders for small, purpose-made practice datasets: each contract test writes only the fields its
 * rule reads, and every store is loaded from the same PracticeDataset.
 */
import type { ClinicalArea, StructuredQuery } from '../../src/contract/structured-query';
import type { CalendarDate } from '../../src/fhir/dates';
import type { PracticeDataset } from '../../src/record/dataset';
import type {
  Allergy,
  ClinicalDocument,
  Consultation,
  ConsultationEntry,
  DiaryEntry,
  GivenImmunisation,
  ImmunisationStatusRecord,
  InvestigationReport,
  ItemKind,
  ItemRef,
  MedicationIssue,
  MedicationPlan,
  NotGivenImmunisation,
  PatientClinicalRecord,
  Problem,
  Referral,
  SimpleObservation,
  Timestamp,
  Topic,
} from '../../src/record/model';
import type { Patient, Practice, Practitioner } from '../../src/record/model/people';

export const TODAY = '2026-11-21' as CalendarDate;
export const NOW = '2026-11-21T12:00:00Z';
export const d = (value: string) => value as CalendarDate;

const RECORDED: Timestamp = '2020-01-01T09:00:00+00:00';
export const RECORDER = 'prac-recorder';
export const USUAL_GP = 'prac-usual';
const snomed = (code: string, display: string) => ({ code, display });

export const PRACTICE: Practice = {
  id: 'org-practice',
  odsCode: 'A00001',
  name: 'Test Practice',
  version: '1',
};

const practitioner = (id: string, organisationId = PRACTICE.id): Practitioner => ({
  id,
  name: { family: id, given: ['Test'] },
  roles: [
    { id: `role-${id}`, organisationId, jobRole: { code: 'R0260', display: 'General Medical Practitioner' } },
  ],
  version: '1',
});

/** Every patient in a dataset gets a fresh NHS number; tests ask for them by patient id. */
export function nhsOf(patientId: string): string {
  let hash = 0;
  for (const ch of patientId) hash = (hash * 31 + ch.charCodeAt(0)) % 1_000_000;
  return `9${String(hash).padStart(9, '0')}`;
}

export function patient(id: string, extra: Partial<Patient> = {}): Patient {
  return {
    id,
    nhsNumber: nhsOf(id),
    nhsNumberStatus: '01',
    name: { family: id, given: ['Pat'] },
    gender: 'female',
    birthDate: d('1970-01-01'),
    registration: { type: 'R', status: 'active', startDate: d('2000-01-01') },
    sensitive: false,
    sharingConsent: 'consented',
    usualGpId: USUAL_GP,
    version: '1',
    ...extra,
  };
}

/** A practice with one patient per record (patient id → record), and the actors the builders name. */
export function practiceWith(records: Record<string, PatientClinicalRecord>): PracticeDataset {
  return {
    practice: PRACTICE,
    practitioners: [
      practitioner(RECORDER),
      practitioner(USUAL_GP),
      practitioner('prac-hospital', 'org-hospital'),
      practitioner('prac-unused'),
    ],
    organisations: [
      { id: 'org-hospital', odsCode: 'RR8', name: 'Hospital', version: '1' },
      { id: 'org-lab', odsCode: 'RR8PA', name: 'Lab', version: '1' },
      { id: 'org-unused', odsCode: 'X1', name: 'Unused', version: '1' },
    ],
    locations: [{ id: 'loc-main', name: 'Main surgery', managingOrganisationId: PRACTICE.id, version: '1' }],
    healthcareServices: [
      { id: 'hs-cardio', name: 'Cardiology', providedByOrganisationId: 'org-hospital', version: '1' },
    ],
    devices: [{ id: 'device-gp', name: 'GP system', version: '1' }],
    patients: Object.entries(records).map(([id, record]) => ({ patient: patient(id), record })),
  };
}

/** The area parts of a query (what a request asks for, without the patient, the day and the switches). */
export type AreaQuery = Omit<StructuredQuery, 'nhsNumber' | 'today' | 'warnings' | 'disabledAreas'>;

/** Every area, with no filter: the whole record. */
export const EVERY_AREA: AreaQuery = {
  allergies: { includeResolved: true },
  medication: { includePrescriptionIssues: true },
  consultations: {},
  problems: { filters: [] },
  immunisations: { includeNotGiven: true, includeStatus: true },
  uncategorisedData: {},
  investigations: {},
  referrals: {},
  diaryEntries: {},
};

/** A query asking for nothing but what `parts` asks for; `disabled` lists switched-off areas. */
export function query(
  parts: Partial<Omit<StructuredQuery, 'disabledAreas'>> & {
    readonly disabled?: readonly ClinicalArea[];
  } = {},
): StructuredQuery {
  const { disabled, ...rest } = parts;
  return { nhsNumber: '', today: TODAY, warnings: [], ...rest, disabledAreas: new Set(disabled ?? []) };
}

const base = (id: string) => ({ id, recorded: RECORDED, recorderId: RECORDER });

export const allergy = (id: string, extra: Partial<Allergy> = {}): Allergy => ({
  ...base(id),
  code: snomed('91936005', 'Penicillin allergy'),
  ...extra,
});

export function plan(id: string, start: string, extra: Partial<MedicationPlan> = {}): MedicationPlan {
  return {
    ...base(id),
    product: snomed('322236009', 'Paracetamol 500mg tablets'),
    prescriptionType: 'repeat',
    start: start as CalendarDate,
    status: 'active',
    issues: [],
    ...extra,
  } as MedicationPlan;
}

export const issue = (id: string, date: string, extra: Partial<MedicationIssue> = {}): MedicationIssue => ({
  ...base(id),
  date: date as CalendarDate,
  ...extra,
});

export const problem = (id: string, extra: Partial<Problem> = {}): Problem => ({
  ...base(id),
  code: snomed('38341003', 'Hypertension'),
  status: 'active',
  significance: 'major',
  ...extra,
});

/** A consultation with one flat topic holding `entries` (or the topics given). */
export function consultation(
  id: string,
  start: string | undefined,
  entries: readonly ConsultationEntry[],
  extra: Partial<Consultation> = {},
): Consultation {
  return {
    ...base(id),
    type: { text: 'Surgery consultation' },
    ...(start !== undefined && { period: { start: start as CalendarDate } }),
    topics: [{ entries }],
    ...extra,
  };
}

export const flatTopic = (entries: readonly ConsultationEntry[], problemIds?: readonly string[]): Topic => ({
  entries,
  ...(problemIds && { problemIds }),
});
export const headedTopic = (
  headings: readonly (readonly ConsultationEntry[])[],
  problemIds?: readonly string[],
): Topic => ({
  headings: headings.map((entries, i) => ({ title: `Heading ${i + 1}`, entries })),
  ...(problemIds && { problemIds }),
});
export const note = (id: string, extra: { confidential?: boolean } = {}): ConsultationEntry => ({
  kind: 'note',
  id,
  text: `note ${id}`,
  ...extra,
});

export const given = (id: string, extra: Partial<GivenImmunisation> = {}): GivenImmunisation => ({
  ...base(id),
  procedure: snomed('170433008', 'Second hepatitis A vaccination'),
  date: '2019-01-01',
  ...extra,
});

export const notGiven = (id: string, extra: Partial<NotGivenImmunisation> = {}): NotGivenImmunisation => ({
  ...base(id),
  procedure: snomed('314768003', 'Hepatitis A vaccination not indicated'),
  notGiven: true,
  ...extra,
});

export const immunisationStatus = (
  id: string,
  extra: Partial<ImmunisationStatusRecord> = {},
): ImmunisationStatusRecord => ({
  ...base(id),
  code: snomed('310375005', 'Immunisation consent given'),
  ...extra,
});

export const observation = (
  id: string,
  effective: SimpleObservation['effective'],
  extra: Partial<SimpleObservation> = {},
): SimpleObservation => ({
  ...base(id),
  code: snomed('271649006', 'Systolic blood pressure'),
  ...(effective !== undefined && { effective }),
  ...extra,
});

export const report = (
  id: string,
  issued: string,
  extra: Partial<InvestigationReport> = {},
): InvestigationReport => ({
  ...base(id),
  issued: issued as Timestamp,
  ...extra,
});

export const referral = (
  id: string,
  authored: string | undefined,
  extra: Partial<Referral> = {},
): Referral => ({
  ...base(id),
  reason: snomed('183519002', 'Referral to cardiology service'),
  ...(authored !== undefined && { authored: authored as CalendarDate }),
  ...extra,
});

export const diary = (
  id: string,
  planned: DiaryEntry['planned'],
  extra: Partial<DiaryEntry> = {},
): DiaryEntry => ({
  ...base(id),
  code: snomed('314529007', 'Medication review due'),
  ...(planned !== undefined && { planned }),
  ...extra,
});

export const document = (id: string, extra: Partial<ClinicalDocument> = {}): ClinicalDocument => ({
  ...base(id),
  type: { text: 'Letter' },
  attachment: { binaryId: `bin-${id}`, contentType: 'application/pdf', sizeBytes: 1024 },
  ...extra,
});

/** Item references, written the way records write them. */
const mk =
  <K extends ItemKind>(kind: K) =>
  (id: string) =>
    ({ kind, id }) as Extract<ItemRef, { readonly kind: K }>;
export const ref = {
  allergy: mk('allergy'),
  plan: mk('medicationPlan'),
  issue: mk('medicationIssue'),
  problem: mk('problem'),
  consultation: mk('consultation'),
  immunisation: mk('immunisation'),
  status: mk('immunisationStatus'),
  observation: mk('observation'),
  investigation: mk('investigation'),
  referral: mk('referral'),
  diary: mk('diaryEntry'),
  document: mk('document'),
};

/** The ids of some items, in the order given. */
export const ids = (items: readonly { readonly id: string }[] | undefined): string[] =>
  (items ?? []).map((i) => i.id);
