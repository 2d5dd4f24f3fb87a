/**
 * The generator behind large1 (Mr William Pearson, NHS 9690939017): a multimorbid man with 21 years of
 * GP history, for size tests. Realistic templates (SNOMED CT and dm+d codes), a small seeded PRNG and
 * offsets in days before `today`: the same `today` always gives the identical record, and another
 * `today` gives the same record shifted (flu clinics follow the calendar, so they may differ by a year
 * at the edges).
 *
 * Story: hypertension (bendroflumethiazide, stopped for gout; amlodipine), type 2 diabetes (metformin),
 * hypercholesterolaemia (atorvastatin), angina (aspirin until anticoagulated), COPD in an ex-smoker
 * (salbutamol), an episode of anxiety and depression (citalopram; counselling referral kept
 * confidential), osteoarthritis of the knee (paracetamol, physiotherapy), atrial fibrillation
 * (bisoprolol, warfarin then apixaban, cardiology referral), ramipril stopped for cough, CKD stage 3,
 * ankle swelling (furosemide), and two or three acute episodes a year.
 *
 * Id prefixes (unique across kinds that share a FHIR type):
 * - MedicationRequest: plans `l1-med-<drug>-<n>` (or `l1-med-acute-<n>`), issues `<plan id>-i<n>`;
 * - Observation: `l1-obs-…` (uncategorised), `l1-inv-<n>-…` (groups, results, filing comments),
 *   consultation notes `l1-cons-…-note-<n>`;
 * - ProcedureRequest: diary entries `l1-diary-…`, test requests `l1-inv-<n>-req`.
 */
import { addDays, type CalendarDate } from '../../../../fhir/dates';
import type {
  Allergy,
  ClinicalDocument,
  CodedConcept,
  Consultation,
  ConsultationEntry,
  DiaryEntry,
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
} from '../../../model';
import { mulberry32 } from './random';
import { DRUG, SCT } from './terminology';

/** Days of history: a little over 21 years. */
export const LARGE1_HISTORY_DAYS = 7670;

const OKAFOR = 'prac-okafor';
const SHARMA = 'prac-sharma';
const CLARKE = 'prac-clarke';
const LOCATION = 'loc-riverside-main';
const LAB = 'org-leeds-pathology';

// ---- Terminology ----------------------------------------------------------------------------------



// ---- Deterministic randomness ---------------------------------------------------------------------

const round = (value: number, decimals: number): number => Number(value.toFixed(decimals));

function addMinutes(time: string, minutes: number): string {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const total = h * 60 + m + minutes;
  return `${String(Math.floor(total / 60) % 24).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

// ---- Drafts (mutable while generating) ------------------------------------------------------------

interface ConsultDraft {
  readonly id: string;
  /** Days before today. */
  readonly n: number;
  readonly time: string;
  readonly type: string;
  readonly performerId: string;
  title: string;
  readonly problemIds: string[];
  readonly telephone: boolean;
  readonly confidential: boolean;
  readonly history: ConsultationEntry[];
  readonly examination: ConsultationEntry[];
  readonly plan: ConsultationEntry[];
  notes: number;
}

type Heading = 'history' | 'examination' | 'plan';
type LinkRef = Exclude<ItemRef, { readonly kind: 'problem' }>;

interface ProblemDraft {
  readonly id: string;
  readonly n: number;
  readonly consult?: ConsultDraft;
  readonly code: CodedConcept;
  readonly status: 'active' | 'inactive';
  readonly significance: 'major' | 'minor';
  readonly endN?: number;
  readonly note?: string;
  readonly linkedItems: LinkRef[];
  readonly relatedProblems: RelatedProblem[];
}

interface Course {
  readonly key: string;
  readonly product: CodedConcept;
  readonly dosage: string;
  readonly quantity: { value: number; unit: string };
  readonly supplyDays: number;
  /** Days between issues. */
  readonly interval: number;
  readonly start: number;
  readonly startConsult: ConsultDraft;
  readonly stop?: { readonly n: number; readonly reason: string };
  readonly problem?: ProblemDraft;
  /** Issues stop before the course does (e.g. a repeat no longer requested). */
  readonly lastIssueN?: number;
  readonly prior?: string;
}

interface Analyte {
  readonly code: CodedConcept;
  readonly unit: string;
  readonly ucum?: string;
  readonly low?: number;
  readonly high?: number;
  readonly decimals: number;
  /** Expected value `n` days ago before noise. */
  readonly mean: (n: number) => number;
  /** Standard spread of the noise. */
  readonly spread: number;
}

/** Years of the record's trend, 0 at the start of the history and 21 today. */
const yearsIn = (n: number): number => (LARGE1_HISTORY_DAYS - n) / 365;

const FBC: readonly Analyte[] = [
  { code: { code: '1022431000000105', display: 'Haemoglobin estimation' }, unit: 'g/L', ucum: 'g/L', low: 130, high: 180, decimals: 0, mean: (n) => 148 - yearsIn(n) * 0.6, spread: 4 },
  { code: { code: '1022541000000102', display: 'Total white cell count' }, unit: '10*9/L', ucum: '10*9/L', low: 4, high: 11, decimals: 1, mean: () => 7.4, spread: 0.9 },
  { code: { code: '1022651000000100', display: 'Platelet count' }, unit: '10*9/L', ucum: '10*9/L', low: 150, high: 400, decimals: 0, mean: () => 245, spread: 25 },
  { code: { code: '1022451000000103', display: 'Red blood cell count' }, unit: '10*12/L', ucum: '10*12/L', low: 4.5, high: 6.5, decimals: 2, mean: () => 4.9, spread: 0.15 },
  { code: { code: '1022291000000105', display: 'Haematocrit' }, unit: 'L/L', ucum: 'L/L', low: 0.4, high: 0.52, decimals: 2, mean: () => 0.44, spread: 0.015 },
  { code: { code: '1022491000000106', display: 'Mean corpuscular volume' }, unit: 'fL', ucum: 'fL', low: 80, high: 100, decimals: 0, mean: () => 91, spread: 2 },
  { code: { code: '1022471000000107', display: 'Mean corpuscular haemoglobin' }, unit: 'pg', ucum: 'pg', low: 27, high: 32, decimals: 1, mean: () => 30.2, spread: 0.6 },
  { code: { code: '1022481000000109', display: 'Mean corpuscular haemoglobin concentration' }, unit: 'g/L', ucum: 'g/L', low: 320, high: 360, decimals: 0, mean: () => 336, spread: 5 },
  { code: { code: '1022551000000104', display: 'Neutrophil count' }, unit: '10*9/L', ucum: '10*9/L', low: 2, high: 7.5, decimals: 1, mean: () => 4.6, spread: 0.7 },
  { code: { code: '1022581000000105', display: 'Lymphocyte count' }, unit: '10*9/L', ucum: '10*9/L', low: 1.5, high: 4, decimals: 1, mean: () => 2.1, spread: 0.3 },
  { code: { code: '1022591000000107', display: 'Monocyte count' }, unit: '10*9/L', ucum: '10*9/L', low: 0.2, high: 0.8, decimals: 2, mean: () => 0.5, spread: 0.08 },
  { code: { code: '1022561000000101', display: 'Eosinophil count' }, unit: '10*9/L', ucum: '10*9/L', low: 0, high: 0.4, decimals: 2, mean: () => 0.18, spread: 0.05 },
  { code: { code: '1022571000000108', display: 'Basophil count' }, unit: '10*9/L', ucum: '10*9/L', low: 0, high: 0.1, decimals: 2, mean: () => 0.04, spread: 0.01 },
];

/** eGFR falls from the mid-80s to the mid-40s over the 21 years (CKD stage 3 is coded 2600 days ago). */
const egfrMean = (n: number): number => 86 - yearsIn(n) * 1.95;

const UE: readonly Analyte[] = [
  { code: { code: '1020681000000107', display: 'Sodium level' }, unit: 'mmol/L', ucum: 'mmol/L', low: 133, high: 146, decimals: 0, mean: () => 139, spread: 1.5 },
  { code: { code: '1000651000000109', display: 'Serum potassium level' }, unit: 'mmol/L', ucum: 'mmol/L', low: 3.5, high: 5.3, decimals: 1, mean: () => 4.5, spread: 0.25 },
  { code: { code: '1000731000000107', display: 'Serum creatinine level' }, unit: 'umol/L', ucum: 'umol/L', low: 59, high: 104, decimals: 0, mean: (n) => 6800 / egfrMean(n) - 2, spread: 4 },
  { code: { code: '1011481000000105', display: 'eGFR (estimated glomerular filtration rate) using creatinine Chronic Kidney Disease Epidemiology Collaboration equation per 1.73 square metres' }, unit: 'mL/min/1.73m2', ucum: 'mL/min/{1.73_m2}', low: 60, decimals: 0, mean: egfrMean, spread: 2 },
  { code: { code: '1000681000000103', display: 'Serum bicarbonate level' }, unit: 'mmol/L', ucum: 'mmol/L', low: 22, high: 29, decimals: 0, mean: () => 25, spread: 1.2 },
];

const LFT: readonly Analyte[] = [
  { code: { code: '999691000000104', display: 'Serum bilirubin level' }, unit: 'umol/L', ucum: 'umol/L', high: 21, decimals: 0, mean: () => 9, spread: 2 },
  { code: { code: '1018251000000107', display: 'Serum alanine aminotransferase level' }, unit: 'U/L', ucum: 'U/L', high: 41, decimals: 0, mean: () => 27, spread: 5 },
  { code: { code: '1000621000000104', display: 'Serum alkaline phosphatase level' }, unit: 'U/L', ucum: 'U/L', low: 30, high: 130, decimals: 0, mean: () => 84, spread: 9 },
  { code: { code: '1000821000000103', display: 'Serum albumin level' }, unit: 'g/L', ucum: 'g/L', low: 35, high: 50, decimals: 0, mean: () => 41, spread: 1.5 },
  { code: { code: '1000861000000106', display: 'Serum gamma-glutamyl transferase level' }, unit: 'U/L', ucum: 'U/L', high: 60, decimals: 0, mean: () => 38, spread: 8 },
];

/** Untreated total cholesterol 6.8; atorvastatin from 6850 days ago brings it near 4.3. */
const cholesterolMean = (n: number): number => (n > 6850 ? 6.8 : 4.3);

const LIPIDS: readonly Analyte[] = [
  { code: { code: '1005671000000105', display: 'Serum cholesterol level' }, unit: 'mmol/L', ucum: 'mmol/L', high: 5, decimals: 1, mean: cholesterolMean, spread: 0.25 },
  { code: { code: '1005681000000107', display: 'Serum high density lipoprotein cholesterol level' }, unit: 'mmol/L', ucum: 'mmol/L', low: 1, decimals: 2, mean: () => 1.05, spread: 0.06 },
  { code: { code: '1014501000000104', display: 'Calculated low density lipoprotein cholesterol level' }, unit: 'mmol/L', ucum: 'mmol/L', high: 3, decimals: 1, mean: (n) => cholesterolMean(n) - 1.05 - 0.8, spread: 0.2 },
  { code: { code: '1005691000000109', display: 'Serum triglycerides level' }, unit: 'mmol/L', ucum: 'mmol/L', high: 1.7, decimals: 1, mean: () => 1.9, spread: 0.25 },
  { code: { code: '313989009', display: 'Serum cholesterol/HDL ratio' }, unit: 'ratio', decimals: 1, mean: (n) => cholesterolMean(n) / 1.05, spread: 0.2 },
];

const HBA1C_LAB: Analyte = {
  code: SCT.hba1c, unit: 'mmol/mol', ucum: 'mmol/mol', high: 48, decimals: 0, mean: (n) => (n > 6900 ? 46 : 55 + Math.sin(n / 400) * 4), spread: 3,
};
const TSH: Analyte = { code: { code: '1022791000000101', display: 'Serum thyroid stimulating hormone level' }, unit: 'mU/L', ucum: 'm[IU]/L', low: 0.35, high: 5.5, decimals: 2, mean: () => 2.1, spread: 0.4 };
const FREE_T4: Analyte = { code: { code: '1016971000000106', display: 'Serum free T4 level' }, unit: 'pmol/L', ucum: 'pmol/L', low: 10, high: 22, decimals: 1, mean: () => 15.2, spread: 1.2 };
const URINE_ACR: Analyte = { code: { code: '1023491000000104', display: 'Urine albumin:creatinine ratio' }, unit: 'mg/mmol', ucum: 'mg/mmol', high: 3, decimals: 1, mean: (n) => 1.2 + yearsIn(n) * 0.12, spread: 0.4 };
const PSA: Analyte = { code: { code: '1030791000000100', display: 'Prostate specific antigen level' }, unit: 'ug/L', ucum: 'ug/L', high: 4.5, decimals: 1, mean: () => 2.6, spread: 0.3 };

// ---- The generator ----------------------------------------------------------------------------------

class Large1Generator {
  private readonly rand = mulberry32(19521111);
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
  /** Annual reviews, newest first. */
  private readonly reviews: ConsultDraft[] = [];
  private acuteCount = 0;
  private obsCount = 0;
  private reportCount = 0;

  constructor(private readonly today: CalendarDate) {}

  // -- small helpers --

  private day(n: number): CalendarDate {
    return addDays(this.today, -n);
  }

  private at(n: number, time: string): Timestamp {
    return `${this.day(n)}T${time}:00+00:00`;
  }

  private between(low: number, high: number): number {
    return low + this.rand() * (high - low);
  }

  private int(low: number, high: number): number {
    return Math.floor(this.between(low, high + 1));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)];
  }

  /** Roughly normal noise (sum of three uniforms). */
  private noise(spread: number): number {
    return (this.rand() + this.rand() + this.rand() - 1.5) * spread * 1.4;
  }

  // -- consultations --

  private consult(
    id: string,
    n: number,
    options: { time: string; type: string; performerId: string; title: string; problems?: readonly ProblemDraft[]; telephone?: boolean; confidential?: boolean },
  ): ConsultDraft {
    const draft: ConsultDraft = {
      id: `l1-cons-${id}`,
      n,
      time: options.time,
      type: options.type,
      performerId: options.performerId,
      title: options.title,
      problemIds: (options.problems ?? []).map((p) => p.id),
      telephone: options.telephone ?? false,
      confidential: options.confidential ?? false,
      history: [],
      examination: [],
      plan: [],
      notes: 0,
    };
    this.consults.push(draft);
    return draft;
  }

  private note(draft: ConsultDraft, heading: Heading, text: string): void {
    draft.notes += 1;
    draft[heading].push({ kind: 'note', id: `${draft.id}-note-${draft.notes}`, text, ...(draft.confidential && { confidential: true }) });
  }

  private ref(draft: ConsultDraft, heading: Heading, ref: ItemRef): void {
    draft[heading].push(ref);
  }

  /** Metadata of an item recorded in a consultation. */
  private inConsult(draft: ConsultDraft, id: string, minutes = 5) {
    return {
      id,
      recorded: this.at(draft.n, addMinutes(draft.time, minutes)),
      recorderId: draft.performerId,
      consultationId: draft.id,
      ...(draft.confidential && { confidential: true }),
    };
  }

  private buildConsultation(draft: ConsultDraft): Consultation {
    const start = this.at(draft.n, draft.time);
    const headings = (
      [
        ['History', draft.history],
        ['Examination', draft.examination],
        ['Plan', draft.plan],
      ] as const
    )
      .filter(([, entries]) => entries.length > 0)
      .map(([title, entries]) => ({ title, entries }));
    return {
      id: draft.id,
      recorded: start,
      recorderId: draft.performerId,
      type: { text: draft.type },
      period: { start, end: this.at(draft.n, addMinutes(draft.time, draft.telephone ? 10 : 15)) },
      ...(!draft.telephone && { locationId: LOCATION }),
      performerId: draft.performerId,
      lastEdited: this.at(draft.n, addMinutes(draft.time, 20)),
      ...(draft.confidential && { confidential: true }),
      topics: [{ title: draft.title, ...(draft.problemIds.length > 0 && { problemIds: draft.problemIds }), headings }],
    };
  }

  // -- problems --

  private problem(
    key: string,
    code: CodedConcept,
    n: number,
    options: { consult?: ConsultDraft; status?: 'active' | 'inactive'; significance?: 'major' | 'minor'; endN?: number; note?: string },
  ): ProblemDraft {
    const draft: ProblemDraft = {
      id: `l1-prob-${key}`,
      n,
      code,
      status: options.status ?? 'active',
      significance: options.significance ?? 'major',
      linkedItems: [],
      relatedProblems: [],
      ...(options.consult && { consult: options.consult }),
      ...(options.endN !== undefined && { endN: options.endN }),
      ...(options.note && { note: options.note }),
    };
    if (options.consult && !options.consult.problemIds.includes(draft.id)) options.consult.problemIds.push(draft.id);
    this.problems.push(draft);
    return draft;
  }

  private relate(parent: ProblemDraft, child: ProblemDraft): void {
    parent.relatedProblems.push({ type: 'child', problemId: child.id });
    child.relatedProblems.push({ type: 'parent', problemId: parent.id });
  }

  private buildProblem(draft: ProblemDraft): Problem {
    const consult = draft.consult;
    return {
      id: draft.id,
      recorded: consult ? this.at(draft.n, addMinutes(consult.time, 12)) : this.at(draft.n, '12:00'),
      recorderId: consult?.performerId ?? OKAFOR,
      ...(consult && { consultationId: consult.id }),
      code: draft.code,
      status: draft.status,
      significance: draft.significance,
      onset: this.day(draft.n),
      ...(draft.endN !== undefined && { end: this.day(draft.endN) }),
      ...(draft.note && { note: draft.note }),
      ...(draft.relatedProblems.length > 0 && { relatedProblems: draft.relatedProblems }),
      ...(draft.linkedItems.length > 0 && { linkedItems: draft.linkedItems }),
    };
  }

  // -- medication --

  /** A repeat course, re-authorised at each annual review it spans (a new plan each time). */
  private course(course: Course): string[] {
    const boundaries = [
      { n: course.start, consult: course.startConsult },
      ...this.reviews
        .filter((r) => r.n < course.start - 30 && r.n > (course.stop?.n ?? 0) + 20)
        .sort((a, b) => b.n - a.n)
        .map((r) => ({ n: r.n, consult: r })),
    ];
    const ids: string[] = [];
    let prior = course.prior;
    boundaries.forEach((boundary, index) => {
      const next = boundaries[index + 1];
      const id = `l1-med-${course.key}-${index + 1}`;
      const details = { dosage: course.dosage, quantity: course.quantity, supplyDays: course.supplyDays };
      const issues: MedicationIssue[] = [];
      const floor = next ? next.n + 1 : course.stop ? course.stop.n + 1 : 0;
      const lastIssue = Math.max(floor, course.lastIssueN ?? floor);
      for (let n = boundary.n, i = 1; n >= lastIssue; n -= course.interval, i++) {
        const first = n === boundary.n;
        const recorderId = first ? boundary.consult.performerId : this.rand() < 0.7 ? OKAFOR : SHARMA;
        issues.push({
          id: `${id}-i${i}`,
          recorded: first ? this.at(n, addMinutes(boundary.consult.time, 8)) : this.at(n, '11:30'),
          recorderId,
          ...(first && { consultationId: boundary.consult.id }),
          date: this.day(n),
          validUntil: this.day(n - course.supplyDays + 1 > 0 ? n - course.supplyDays + 1 : 0),
          ...details,
        });
      }
      const status: MedicationPlan['status'] = next ? 'completed' : course.stop ? 'stopped' : 'active';
      const base = {
        id,
        recorded: this.at(boundary.n, addMinutes(boundary.consult.time, 7)),
        recorderId: boundary.consult.performerId,
        consultationId: boundary.consult.id,
        product: course.product,
        prescriptionType: 'repeat' as const,
        start: this.day(boundary.n),
        ...(next ? { end: this.day(next.n + 1) } : course.stop ? { end: this.day(course.stop.n) } : {}),
        repeat: { allowed: Math.round(364 / course.interval), expiry: this.day(boundary.n - 364) },
        ...(prior && { priorPlanId: prior }),
        ...details,
        issues,
      };
      const plan: MedicationPlan =
        status === 'stopped' && course.stop
          ? { ...base, status, discontinued: { date: this.day(course.stop.n), reason: course.stop.reason } }
          : { ...base, status: status === 'stopped' ? 'completed' : status };
      this.plans.push(plan);
      this.ref(boundary.consult, 'plan', { kind: 'medicationPlan', id });
      if (issues[0]) this.ref(boundary.consult, 'plan', { kind: 'medicationIssue', id: issues[0].id });
      course.problem?.linkedItems.push({ kind: 'medicationPlan', id });
      ids.push(id);
      prior = id;
    });
    return ids;
  }

  /** An acute: one plan, one issue, recorded in the consultation. */
  private acute(draft: ConsultDraft, product: CodedConcept, dosage: string, quantity: { value: number; unit: string }, supplyDays: number, problem?: ProblemDraft): void {
    this.acuteCount += 1;
    const id = `l1-med-acute-${this.acuteCount}`;
    const end = this.day(Math.max(draft.n - supplyDays + 1, 0));
    const details = { dosage, quantity, supplyDays };
    this.plans.push({
      ...this.inConsult(draft, id, 7),
      product,
      prescriptionType: 'acute',
      status: draft.n - supplyDays + 1 > 0 ? 'completed' : 'active',
      start: this.day(draft.n),
      end,
      ...details,
      issues: [{ ...this.inConsult(draft, `${id}-i1`, 7), date: this.day(draft.n), validUntil: end, ...details }],
    });
    this.ref(draft, 'plan', { kind: 'medicationPlan', id });
    this.ref(draft, 'plan', { kind: 'medicationIssue', id: `${id}-i1` });
    problem?.linkedItems.push({ kind: 'medicationPlan', id });
  }

  // -- uncategorised data --

  private observation(draft: ConsultDraft, heading: Heading, code: CodedConcept, extra: Partial<Observation> = {}): string {
    this.obsCount += 1;
    const id = `l1-obs-${this.obsCount}`;
    this.observations.push({ ...this.inConsult(draft, id, 3), code, effective: this.day(draft.n), ...extra });
    this.ref(draft, heading, { kind: 'observation', id });
    return id;
  }

  private bloodPressure(draft: ConsultDraft, systolic: number, diastolic: number): string {
    return this.observation(draft, 'examination', SCT.bpReading, {
      kind: 'bloodPressure',
      systolic: Math.round(systolic),
      diastolic: Math.round(diastolic),
    });
  }

  private quantity(draft: ConsultDraft, code: CodedConcept, value: number, unit: string, ucum: string): string {
    return this.observation(draft, 'examination', code, { value: { type: 'quantity', value, unit, ucum } });
  }

  // -- investigations --

  private result(reportId: string, suffix: string, analyte: Analyte, n: number, specimenId: string): TestResult {
    const value = round(Math.max(analyte.mean(n) + this.noise(analyte.spread), 0), analyte.decimals);
    const high = analyte.high !== undefined && value > analyte.high;
    const low = analyte.low !== undefined && value < analyte.low;
    return {
      id: `${reportId}-${suffix}`,
      code: analyte.code,
      value: { type: 'quantity', value, unit: analyte.unit, ...(analyte.ucum && { ucum: analyte.ucum }) },
      ...((analyte.low !== undefined || analyte.high !== undefined) && {
        referenceRange: { ...(analyte.low !== undefined && { low: analyte.low }), ...(analyte.high !== undefined && { high: analyte.high }) },
      }),
      ...(high && { interpretation: { text: 'Above high reference limit' } }),
      ...(low && { interpretation: { text: 'Below low reference limit' } }),
      specimenId,
    };
  }

  private group(reportId: string, key: string, code: CodedConcept, analytes: readonly Analyte[], n: number, specimenId: string): TestGroup {
    return {
      id: `${reportId}-${key}`,
      code,
      results: analytes.map((analyte, i) => this.result(reportId, `${key}-${i + 1}`, analyte, n, specimenId)),
    };
  }

  /** Annual bloods: collected `n` days ago, issued the next day, filed by the usual GP. */
  private bloods(n: number, reason: string, options: { lft: boolean; hba1c: boolean; thyroid: boolean; urine: boolean }): InvestigationReport {
    this.reportCount += 1;
    const id = `l1-inv-${this.reportCount}`;
    const issuedN = n - 1;
    const blood: Specimen = {
      id: `${id}-spec-blood`,
      type: SCT.venousBlood,
      accessionId: `LP${String(100000 + this.reportCount * 7919).slice(-6)}B`,
      collected: this.at(n, '09:40'),
      collectorId: CLARKE,
      received: this.at(n, '14:05'),
    };
    const serum: Specimen = { ...blood, id: `${id}-spec-serum`, type: SCT.serum, accessionId: `${blood.accessionId}S` };
    const urine: Specimen = { ...blood, id: `${id}-spec-urine`, type: SCT.urine, accessionId: `${blood.accessionId}U` };
    const groups = [
      this.group(id, 'fbc', SCT.fbc, FBC, n, blood.id),
      this.group(id, 'ue', SCT.ue, UE, n, serum.id),
      this.group(id, 'lipids', SCT.lipids, LIPIDS, n, serum.id),
      ...(options.lft ? [this.group(id, 'lft', SCT.lft, LFT, n, serum.id)] : []),
    ];
    const results = [
      ...(options.hba1c ? [this.result(id, 'hba1c', HBA1C_LAB, n, blood.id)] : []),
      ...(options.thyroid ? [this.result(id, 'tsh', TSH, n, serum.id), this.result(id, 'ft4', FREE_T4, n, serum.id)] : []),
      ...(options.urine ? [this.result(id, 'acr', URINE_ACR, n, urine.id)] : []),
    ];
    const abnormal = [...groups.flatMap((g) => g.results), ...results].some((r) => r.interpretation);
    const report: InvestigationReport = {
      id,
      recorded: this.at(issuedN, '16:20'),
      recorderId: OKAFOR,
      issued: this.at(issuedN, '15:42'),
      performers: [{ kind: 'organisation', id: LAB }],
      request: { id: `${id}-req`, requesterId: OKAFOR, performerId: LAB, reasons: [{ text: reason }] },
      specimens: options.urine ? [blood, serum, urine] : [blood, serum],
      groups,
      ...(results.length > 0 && { results }),
      filingComments: [
        {
          id: `${id}-fc`,
          filed: this.at(issuedN, '17:05'),
          filedById: OKAFOR,
          comment: abnormal ? 'Reviewed. Abnormal results to be discussed at the annual review.' : 'Reviewed. No action required.',
        },
      ],
    };
    this.reports.push(report);
    return report;
  }

  // -- the record --

  generate(): PatientClinicalRecord {
    const H = LARGE1_HISTORY_DAYS;

    // Annual chronic-disease reviews (k = 0 is the most recent) and six-monthly nurse checks.
    for (let k = 0; k * 365 + 40 < H - 200; k++) {
      const n = k * 365 + 40;
      this.reviews.push(
        this.consult(`review-${k + 1}`, n, { time: '10:00', type: 'Chronic disease annual review', performerId: k % 3 === 1 ? SHARMA : OKAFOR, title: 'Annual review' }),
      );
    }

    // ---- Key events, oldest first ----
    const htnDx = this.consult('hypertension', 7500, { time: '09:20', type: 'Surgery consultation', performerId: OKAFOR, title: 'Raised blood pressure' });
    const htn = this.problem('hypertension', SCT.hypertension, 7500, { consult: htnDx });
    this.note(htnDx, 'history', 'Three raised readings at the nurse clinic; home readings average 158/94.');
    this.bloodPressure(htnDx, 162, 96);
    this.note(htnDx, 'plan', 'Essential hypertension. Start bendroflumethiazide. Lifestyle advice.');
    htn.linkedItems.push({ kind: 'consultation', id: htnDx.id });

    const t2dmDx = this.consult('diabetes', 6900, { time: '10:40', type: 'Surgery consultation', performerId: OKAFOR, title: 'Diabetes diagnosis' });
    const t2dm = this.problem('type2-diabetes', SCT.type2Diabetes, 6900, { consult: t2dmDx });
    const obesity = this.problem('obesity', SCT.obesity, 6900, { consult: t2dmDx, significance: 'minor' });
    this.note(t2dmDx, 'history', 'Thirst and nocturia for two months. HbA1c 58 mmol/mol and fasting glucose 8.1 mmol/L.');
    this.quantity(t2dmDx, SCT.bodyWeight, 104.2, 'kg', 'kg');
    obesity.linkedItems.push({ kind: 'observation', id: this.quantity(t2dmDx, SCT.bmi, 34.0, 'kg/m2', 'kg/m2') });
    this.note(t2dmDx, 'plan', 'Type 2 diabetes: structured education referral, start metformin and titrate.');

    const cholDx = this.consult('cholesterol', 6850, { time: '09:50', type: 'Telephone consultation', performerId: SHARMA, title: 'Cholesterol result', telephone: true });
    const hyperchol = this.problem('hypercholesterolaemia', SCT.hypercholesterolaemia, 6850, { consult: cholDx });
    this.note(cholDx, 'history', 'Total cholesterol 6.8 mmol/L, 10-year cardiovascular risk above 20%.');
    this.note(cholDx, 'plan', 'Start atorvastatin 20mg at night.');

    const moodDx = this.consult('mood', 6200, { time: '15:10', type: 'Surgery consultation', performerId: SHARMA, title: 'Low mood and worry' });
    const mood = this.problem('anxiety-depression', SCT.anxietyDepression, 6200, { consult: moodDx, status: 'inactive', endN: 5750 });
    this.note(moodDx, 'history', 'Low mood, poor sleep and worry since redundancy. No thoughts of self-harm.');
    this.note(moodDx, 'plan', 'Citalopram 20mg daily, review in 2 weeks.');
    const counselling = this.consult('counselling', 6190, { time: '16:30', type: 'Telephone consultation', performerId: SHARMA, title: 'Counselling', telephone: true, confidential: true });
    this.note(counselling, 'history', 'Patient asked that details of the counselling referral are not shared outside the practice.');
    this.referrals.push({
      ...this.inConsult(counselling, 'l1-ref-counselling', 6),
      authored: this.day(6190),
      priority: 'routine',
      reason: SCT.referralCounsellor,
      recipients: [{ kind: 'text', text: 'Leeds talking therapies service' }],
      description: 'Counselling for anxiety and low mood after redundancy.',
    });
    this.ref(counselling, 'plan', { kind: 'referral', id: 'l1-ref-counselling' });

    const backDx = this.consult('back-pain', 6020, { time: '11:10', type: 'Surgery consultation', performerId: OKAFOR, title: 'Back pain' });
    const backPain = this.problem('low-back-pain', SCT.lowBackPain, 6020, { consult: backDx, status: 'inactive', significance: 'minor', endN: 5900 });
    const sciatica = this.problem('sciatica', SCT.sciatica, 6000, { consult: backDx, status: 'inactive', significance: 'minor', endN: 5850 });
    this.relate(backPain, sciatica);
    this.note(backDx, 'history', 'Lifting injury at work. Pain radiating down the left leg to the calf.');
    this.note(backDx, 'examination', 'Straight leg raise limited at 50 degrees on the left. No red flags.');

    const goutDx = this.consult('gout', 5600, { time: '09:10', type: 'Surgery consultation', performerId: OKAFOR, title: 'Gout' });
    const gout = this.problem('gout', SCT.gout, 5600, { consult: goutDx, significance: 'minor' });
    this.note(goutDx, 'history', 'Acute gout of the left first MTP joint. On a thiazide.');
    this.note(goutDx, 'plan', 'Stop bendroflumethiazide. Switch to amlodipine. Prednisolone for the flare.');
    this.acute(goutDx, DRUG.prednisolone5, 'Six tablets (30mg) once a day for 5 days', { value: 30, unit: 'tablet' }, 5, gout);

    const anginaDx = this.consult('angina', 5200, { time: '10:30', type: 'Surgery consultation', performerId: OKAFOR, title: 'Chest pain on exertion' });
    const angina = this.problem('angina', SCT.angina, 5200, { consult: anginaDx });
    this.note(anginaDx, 'history', 'Central chest tightness walking uphill, eases with rest within minutes.');
    this.note(anginaDx, 'plan', 'Rapid-access chest pain clinic. Aspirin 75mg daily.');

    const gordDx = this.consult('reflux', 5000, { time: '14:20', type: 'Surgery consultation', performerId: SHARMA, title: 'Heartburn' });
    this.problem('gord', SCT.gord, 5000, { consult: gordDx, status: 'inactive', significance: 'minor', endN: 4700 });
    this.note(gordDx, 'history', 'Heartburn after meals, no dysphagia or weight loss.');

    const carpalDx = this.consult('carpal-tunnel', 4800, { time: '16:00', type: 'Surgery consultation', performerId: SHARMA, title: 'Numb fingers' });
    this.problem('carpal-tunnel', SCT.carpalTunnel, 4800, { consult: carpalDx, status: 'inactive', significance: 'minor', endN: 4500 });
    this.note(carpalDx, 'examination', 'Positive Phalen test on the right.');

    const copdDx = this.consult('copd', 4400, { time: '11:40', type: 'Surgery consultation', performerId: OKAFOR, title: 'Breathlessness' });
    const copd = this.problem('copd', SCT.copd, 4400, { consult: copdDx });
    this.note(copdDx, 'history', 'Ex-smoker, 35 pack-years. Breathless on hills. Spirometry FEV1/FVC 0.62.');
    this.observation(copdDx, 'history', SCT.exSmoker, { comment: 'Stopped smoking 2004. 35 pack-years.' });

    const shoulderDx = this.consult('shoulder', 3900, { time: '09:40', type: 'Surgery consultation', performerId: SHARMA, title: 'Painful stiff shoulder' });
    this.problem('frozen-shoulder', SCT.frozenShoulder, 3900, { consult: shoulderDx, status: 'inactive', significance: 'minor', endN: 3500 });
    this.note(shoulderDx, 'examination', 'Global restriction of right shoulder movement, external rotation most affected.');

    const bphDx = this.consult('prostate', 3700, { time: '10:10', type: 'Surgery consultation', performerId: OKAFOR, title: 'Urinary symptoms' });
    const bph = this.problem('bph', SCT.bph, 3700, { consult: bphDx, significance: 'minor' });
    this.note(bphDx, 'history', 'Hesitancy, poor stream and nocturia twice. IPSS 12.');
    this.note(bphDx, 'examination', 'Smooth, moderately enlarged prostate.');
    // PSA: a report whose single result the patient asked to keep confidential.
    this.reportCount += 1;
    const psaId = `l1-inv-${this.reportCount}`;
    const psaSpecimen: Specimen = { id: `${psaId}-spec-blood`, type: SCT.venousBlood, accessionId: 'LP004417P', collected: this.at(3695, '09:30'), collectorId: CLARKE };
    this.reports.push({
      id: psaId,
      recorded: this.at(3694, '16:00'),
      recorderId: OKAFOR,
      issued: this.at(3694, '15:10'),
      performers: [{ kind: 'organisation', id: LAB }],
      request: { id: `${psaId}-req`, requesterId: OKAFOR, performerId: LAB, reasons: [{ text: 'Lower urinary tract symptoms' }] },
      specimens: [psaSpecimen],
      results: [{ ...this.result(psaId, 'psa', PSA, 3695, psaSpecimen.id), confidential: true }],
      filingComments: [{ id: `${psaId}-fc`, filed: this.at(3694, '17:00'), filedById: OKAFOR, comment: 'PSA normal for age. Patient informed.' }],
    });
    bph.linkedItems.push({ kind: 'investigation', id: psaId });

    const plantarDx = this.consult('heel', 3500, { time: '15:30', type: 'Surgery consultation', performerId: SHARMA, title: 'Heel pain' });
    this.problem('plantar-fasciitis', SCT.plantarFasciitis, 3500, { consult: plantarDx, status: 'inactive', significance: 'minor', endN: 3200 });
    this.note(plantarDx, 'history', 'Morning heel pain on first steps for six weeks.');

    const kneeDx = this.consult('knee', 3300, { time: '11:00', type: 'Surgery consultation', performerId: OKAFOR, title: 'Knee pain' });
    const knee = this.problem('oa-knee', SCT.osteoarthritisKnee, 3300, { consult: kneeDx, significance: 'minor' });
    this.note(kneeDx, 'history', 'Bilateral knee pain, worse on the left, worse on stairs.');
    this.note(kneeDx, 'examination', 'Crepitus both knees, no effusion.');
    const physio1 = this.consult('physio-referral', 3280, { time: '12:10', type: 'Telephone consultation', performerId: OKAFOR, title: 'Knee osteoarthritis', problems: [knee], telephone: true });
    this.note(physio1, 'history', 'Pain no better with paracetamol and exercises; would like physiotherapy.');
    this.referrals.push({
      ...this.inConsult(physio1, 'l1-ref-physio-1', 4),
      authored: this.day(3280),
      priority: 'routine',
      reason: SCT.referralPhysio,
      recipients: [{ kind: 'healthcareService', id: 'hs-physiotherapy' }],
      description: 'Osteoarthritis of both knees, left worse. Please assess and treat.',
    });
    this.ref(physio1, 'plan', { kind: 'referral', id: 'l1-ref-physio-1' });
    knee.linkedItems.push({ kind: 'referral', id: 'l1-ref-physio-1' });

    const ramiprilStart = this.consult('ramipril', 3000, { time: '10:20', type: 'Surgery consultation', performerId: OKAFOR, title: 'Diabetes and kidneys', problems: [t2dm] });
    this.note(ramiprilStart, 'history', 'Urine ACR raised on two samples.');
    this.note(ramiprilStart, 'plan', 'Start ramipril for renal protection; U&E in 2 weeks.');
    const ramiprilStop = this.consult('ramipril-cough', 2940, { time: '09:00', type: 'Telephone consultation', performerId: SHARMA, title: 'Dry cough', telephone: true });
    this.note(ramiprilStop, 'history', 'Persistent dry tickly cough since starting ramipril.');
    this.note(ramiprilStop, 'plan', 'ACE inhibitor cough: ramipril stopped, intolerance recorded.');
    this.allergies.push({
      ...this.inConsult(ramiprilStop, 'l1-allergy-ramipril', 6),
      code: SCT.ramipril,
      category: 'medication',
      type: 'intolerance',
      onset: this.day(2960),
      reaction: { manifestation: SCT.cough, severity: 'mild', description: 'Dry cough' },
    });
    this.ref(ramiprilStop, 'plan', { kind: 'allergy', id: 'l1-allergy-ramipril' });

    const afDx = this.consult('af', 2900, { time: '11:20', type: 'Surgery consultation', performerId: OKAFOR, title: 'Palpitations' });
    const af = this.problem('af', SCT.atrialFibrillation, 2900, { consult: afDx });
    this.note(afDx, 'history', 'Two weeks of palpitations and breathlessness. ECG: atrial fibrillation, rate 118.');
    this.observation(afDx, 'examination', SCT.pulseRate, { value: { type: 'quantity', value: 118, unit: 'beats/minute', ucum: '/min' }, comment: 'Irregularly irregular' });
    this.note(afDx, 'plan', 'CHA2DS2-VASc 4: anticoagulate with warfarin (stop aspirin), rate control with bisoprolol, cardiology referral.');
    this.referrals.push({
      ...this.inConsult(afDx, 'l1-ref-cardiology', 9),
      authored: this.day(2900),
      priority: 'urgent',
      reason: SCT.referralCardiology,
      recipients: [{ kind: 'healthcareService', id: 'hs-cardiology' }],
      description: 'New atrial fibrillation with a fast ventricular rate. Please advise on rhythm control.',
    });
    this.ref(afDx, 'plan', { kind: 'referral', id: 'l1-ref-cardiology' });
    af.linkedItems.push({ kind: 'referral', id: 'l1-ref-cardiology' });

    const ckdDx = this.consult('ckd', 2600, { time: '10:50', type: 'Surgery consultation', performerId: OKAFOR, title: 'Kidney function' });
    const ckd = this.problem('ckd3', SCT.ckd3, 2600, { consult: ckdDx });
    this.relate(t2dm, ckd);
    this.note(ckdDx, 'history', 'eGFR below 60 on three occasions over six months.');
    this.note(ckdDx, 'plan', 'CKD stage 3 coded. Annual ACR and U&E. Avoid NSAIDs.');

    const zosterDx = this.consult('shingles', 2300, { time: '17:20', type: 'Surgery consultation', performerId: SHARMA, title: 'Painful rash' });
    this.problem('herpes-zoster', SCT.herpesZoster, 2300, { consult: zosterDx, status: 'inactive', significance: 'minor', endN: 2260 });
    this.note(zosterDx, 'examination', 'Dermatomal vesicular rash, right T10.');

    const cataractDx = this.consult('cataract', 2000, { time: '09:30', type: 'Surgery consultation', performerId: SHARMA, title: 'Blurred vision' });
    this.problem('cataract', SCT.cataract, 2000, { consult: cataractDx, status: 'inactive', significance: 'minor', endN: 1700 });
    this.note(cataractDx, 'history', 'Optometrist letter: bilateral cataracts, referred for surgery.');

    const switchDoac = this.consult('apixaban', 1500, { time: '10:00', type: 'Anticoagulation review', performerId: OKAFOR, title: 'Anticoagulation', problems: [af] });
    this.note(switchDoac, 'history', 'INR time in range 52% over the last year.');
    this.note(switchDoac, 'plan', 'Switch warfarin to apixaban 5mg twice daily once INR below 2.');

    const swellingDx = this.consult('ankle-swelling', 1100, { time: '15:00', type: 'Surgery consultation', performerId: OKAFOR, title: 'Swollen ankles' });
    const swelling = this.problem('leg-swelling', SCT.legSwelling, 1100, { consult: swellingDx, significance: 'minor' });
    this.note(swellingDx, 'examination', 'Pitting oedema to mid-shin bilaterally. Chest clear.');
    this.note(swellingDx, 'plan', 'Furosemide 40mg in the morning. U&E in one week. Echo requested.');

    const backFlare = this.consult('back-pain-2', 880, { time: '11:50', type: 'Surgery consultation', performerId: SHARMA, title: 'Back pain', problems: [backPain] });
    this.note(backFlare, 'history', 'Recurrence of mechanical low back pain after gardening.');
    this.referrals.push({
      ...this.inConsult(backFlare, 'l1-ref-physio-2', 6),
      authored: this.day(880),
      priority: 'routine',
      reason: SCT.referralPhysio,
      recipients: [{ kind: 'healthcareService', id: 'hs-physiotherapy' }],
      description: 'Recurrent mechanical low back pain.',
    });
    this.ref(backFlare, 'plan', { kind: 'referral', id: 'l1-ref-physio-2' });
    backPain.linkedItems.push({ kind: 'referral', id: 'l1-ref-physio-2' });

    // ---- Repeat medication ----
    const metformin1 = this.course({
      key: 'metformin-a', product: DRUG.metformin500, dosage: 'One tablet twice a day with meals', quantity: { value: 112, unit: 'tablet' },
      supplyDays: 56, interval: 56, start: 6900, startConsult: t2dmDx, stop: { n: 6420, reason: 'Dose increased' }, problem: t2dm,
    });
    const metforminUp = this.consult('metformin-increase', 6420, { time: '10:15', type: 'Surgery consultation', performerId: OKAFOR, title: 'Diabetes', problems: [t2dm] });
    this.note(metforminUp, 'history', 'HbA1c 56 mmol/mol on metformin 500mg twice daily, tolerating well.');
    this.course({
      key: 'metformin-b', product: DRUG.metformin500, dosage: 'Two tablets twice a day with meals', quantity: { value: 224, unit: 'tablet' },
      supplyDays: 56, interval: 56, start: 6420, startConsult: metforminUp, problem: t2dm, prior: metformin1.at(-1),
    });
    this.course({
      key: 'bendroflumethiazide', product: DRUG.bendroflumethiazide, dosage: 'One tablet in the morning', quantity: { value: 56, unit: 'tablet' },
      supplyDays: 56, interval: 56, start: 7500, startConsult: htnDx, stop: { n: 5600, reason: 'Gout' }, problem: htn,
    });
    const amlodipine5 = this.course({
      key: 'amlodipine-a', product: DRUG.amlodipine5, dosage: 'One tablet once a day', quantity: { value: 56, unit: 'tablet' },
      supplyDays: 56, interval: 56, start: 5600, startConsult: goutDx, stop: { n: 4200, reason: 'Dose increased to 10mg' }, problem: htn,
    });
    const amlodipineUp = this.consult('amlodipine-increase', 4200, { time: '10:30', type: 'Surgery consultation', performerId: OKAFOR, title: 'Blood pressure', problems: [htn] });
    this.note(amlodipineUp, 'history', 'Clinic BP persistently above target on amlodipine 5mg.');
    this.bloodPressure(amlodipineUp, 156, 88);
    this.course({
      key: 'amlodipine-b', product: DRUG.amlodipine10, dosage: 'One tablet once a day', quantity: { value: 56, unit: 'tablet' },
      supplyDays: 56, interval: 56, start: 4200, startConsult: amlodipineUp, problem: htn, prior: amlodipine5.at(-1),
    });
    this.course({
      key: 'atorvastatin', product: DRUG.atorvastatin20, dosage: 'One tablet at night', quantity: { value: 56, unit: 'tablet' },
      supplyDays: 56, interval: 56, start: 6850, startConsult: cholDx, problem: hyperchol,
    });
    this.course({
      key: 'citalopram', product: DRUG.citalopram20, dosage: 'One tablet once a day', quantity: { value: 28, unit: 'tablet' },
      supplyDays: 28, interval: 28, start: 6200, startConsult: moodDx, stop: { n: 5750, reason: 'Course completed, mood recovered' }, problem: mood,
    });
    this.course({
      key: 'aspirin', product: DRUG.aspirin75, dosage: 'One tablet once a day', quantity: { value: 56, unit: 'tablet' },
      supplyDays: 56, interval: 56, start: 5200, startConsult: anginaDx, stop: { n: 2900, reason: 'Anticoagulated for atrial fibrillation' }, problem: angina,
    });
    this.course({
      key: 'salbutamol', product: DRUG.salbutamol, dosage: 'Two puffs when required', quantity: { value: 1, unit: 'inhaler' },
      supplyDays: 84, interval: 84, start: 4400, startConsult: copdDx, problem: copd,
    });
    this.course({
      key: 'paracetamol', product: DRUG.paracetamol500, dosage: 'Two tablets up to four times a day when required', quantity: { value: 200, unit: 'tablet' },
      supplyDays: 50, interval: 70, start: 3300, startConsult: kneeDx, problem: knee,
    });
    this.course({
      key: 'ramipril', product: DRUG.ramipril5, dosage: 'One capsule once a day', quantity: { value: 28, unit: 'capsule' },
      supplyDays: 28, interval: 28, start: 3000, startConsult: ramiprilStart, stop: { n: 2940, reason: 'ACE inhibitor cough' }, problem: t2dm,
    });
    this.course({
      key: 'bisoprolol', product: DRUG.bisoprolol5, dosage: 'One tablet once a day', quantity: { value: 56, unit: 'tablet' },
      supplyDays: 56, interval: 56, start: 2900, startConsult: afDx, problem: af,
    });
    this.course({
      key: 'warfarin-1mg', product: DRUG.warfarin1, dosage: 'As directed by the anticoagulant clinic', quantity: { value: 56, unit: 'tablet' },
      supplyDays: 28, interval: 28, start: 2900, startConsult: afDx, stop: { n: 1500, reason: 'Changed to apixaban' }, problem: af,
    });
    this.course({
      key: 'warfarin-3mg', product: DRUG.warfarin3, dosage: 'As directed by the anticoagulant clinic', quantity: { value: 28, unit: 'tablet' },
      supplyDays: 28, interval: 28, start: 2900, startConsult: afDx, stop: { n: 1500, reason: 'Changed to apixaban' }, problem: af,
    });
    this.course({
      key: 'apixaban', product: DRUG.apixaban5, dosage: 'One tablet twice a day', quantity: { value: 112, unit: 'tablet' },
      supplyDays: 56, interval: 56, start: 1500, startConsult: switchDoac, problem: af,
    });
    this.course({
      key: 'furosemide', product: DRUG.furosemide40, dosage: 'One tablet in the morning', quantity: { value: 56, unit: 'tablet' },
      supplyDays: 56, interval: 56, start: 1100, startConsult: swellingDx, problem: swelling,
    });

    // ---- Annual reviews: measurements, bloods, recalls ----
    const reviewsOldestFirst = [...this.reviews].reverse();
    reviewsOldestFirst.forEach((review, index) => {
      const n = review.n;
      const diabetic = n < 6900;
      const active = [htn, ...(diabetic ? [t2dm] : []), ...(n < 6850 ? [hyperchol] : []), ...(n < 4400 ? [copd] : []), ...(n < 2900 ? [af] : []), ...(n < 2600 ? [ckd] : [])];
      review.problemIds.push(...active.map((p) => p.id).filter((id) => !review.problemIds.includes(id)));
      this.note(review, 'history', this.pick([
        'Feels well. No chest pain. Walking the dog daily.',
        'Some tiredness. Sleeping well. No hypoglycaemia.',
        'Managing well at home. Occasional ankle swelling by evening.',
        'Breathing stable, no exacerbations since last review.',
      ]));
      const treated = n < 7450;
      this.bloodPressure(review, (treated ? 138 : 158) + this.noise(8), (treated ? 80 : 94) + this.noise(5));
      const weight = round(98 + Math.sin(index / 3) * 5 + this.noise(1.5), 1);
      this.quantity(review, SCT.bodyWeight, weight, 'kg', 'kg');
      this.quantity(review, SCT.bmi, round(weight / (1.75 * 1.75), 1), 'kg/m2', 'kg/m2');
      this.quantity(review, SCT.pulseRate, Math.round((n < 2900 ? 74 : 68) + this.noise(6)), 'beats/minute', '/min');
      this.quantity(review, SCT.alcoholUnits, this.int(4, 14), 'units/week', '{units}/wk');
      if (index % 5 === 0) this.observation(review, 'history', SCT.exSmoker, { comment: 'Stopped smoking 2004.' });
      if (diabetic) {
        this.observation(review, 'examination', SCT.diabeticFootExam, { comment: 'Foot pulses palpable, monofilament sensation intact. Low risk.' });
        if (index % 2 === 0) {
          this.quantity(review, SCT.hba1c, Math.round(54 + Math.sin(n / 400) * 4 + this.noise(3)), 'mmol/mol', 'mmol/mol');
        }
      }
      const report = this.bloods(n + 12, diabetic ? 'Diabetes annual review' : 'Hypertension annual review', {
        lft: index % 2 === 0 || n < 6850,
        hba1c: diabetic,
        thyroid: index % 4 === 1,
        urine: diabetic,
      });
      if (index === reviewsOldestFirst.findIndex((r) => r.n < 6900)) t2dm.linkedItems.push({ kind: 'investigation', id: report.id });
      if (n < 2600 && n > 2200) ckd.linkedItems.push({ kind: 'investigation', id: report.id });
      this.note(review, 'plan', 'Medication reviewed and re-authorised. Bloods discussed. Review in 12 months.');
      // The next medication review, recorded at this review.
      const due = n - 365;
      this.diary.push({
        ...this.inConsult(review, `l1-diary-medreview-${index + 1}`, 14),
        code: SCT.medicationReviewDue,
        planned: this.day(due),
        status: due > 0 ? 'completed' : 'active',
        reasons: [{ text: 'Annual chronic disease review' }],
      });
      this.ref(review, 'plan', { kind: 'diaryEntry', id: `l1-diary-medreview-${index + 1}` });
    });
    // A document: the cardiology clinic letter, filed against the AF problem.
    this.documents.push({
      id: 'l1-doc-cardiology-letter',
      recorded: this.at(2850, '13:30'),
      recorderId: OKAFOR,
      type: { text: 'Outpatient letter' },
      description: 'Cardiology clinic letter: persistent AF, rate control, continue anticoagulation.',
      created: this.day(2855),
      authorId: 'prac-hussain',
      authorOrganisationId: 'org-leeds-teaching',
      attachment: { binaryId: 'l1-binary-cardiology-letter', contentType: 'application/pdf', sizeBytes: 48211, title: 'Cardiology clinic letter' },
    });
    af.linkedItems.push({ kind: 'document', id: 'l1-doc-cardiology-letter' });

    // Nurse blood-pressure checks, six months after each review.
    this.reviews.forEach((review, k) => {
      const n = review.n + 182;
      if (n > H - 10) return;
      const check = this.consult(`nurse-${k + 1}`, n, { time: '11:20', type: 'Nurse clinic', performerId: CLARKE, title: 'Blood pressure check', problems: n < 7500 ? [htn] : [] });
      const treated = n < 7450;
      this.bloodPressure(check, (treated ? 136 : 156) + this.noise(9), (treated ? 79 : 92) + this.noise(5));
      this.quantity(check, SCT.bodyWeight, round(98 + this.noise(3), 1), 'kg', 'kg');
      this.note(check, 'plan', 'Readings recorded. Continue current treatment.');
    });

    // Flu clinics every autumn (October) and one pneumococcal vaccination.
    const thisYear = Number(this.today.slice(0, 4));
    for (let year = thisYear; year >= thisYear - 22; year--) {
      const date = `${year}-10-${String(this.int(3, 24)).padStart(2, '0')}` as CalendarDate;
      const n = Math.round((Date.parse(this.today) - Date.parse(date)) / 86_400_000);
      if (n <= 0 || n > H - 10) continue;
      const clinic = this.consult(`flu-${year}`, n, { time: '09:30', type: 'Flu clinic', performerId: CLARKE, title: 'Influenza vaccination' });
      const id = `l1-imm-flu-${year}`;
      this.immunisations.push({
        ...this.inConsult(clinic, id, 2),
        vaccine: SCT.influenzaVaccine,
        procedure: SCT.seasonalFluVaccination,
        date: this.day(n),
        administeredById: CLARKE,
        locationId: LOCATION,
        site: SCT.leftUpperArm,
        route: SCT.intramuscular,
        dose: { value: 0.5, unit: 'ml', ucum: 'mL' },
        lotNumber: `FL${year}${String(this.int(100, 999))}`,
        expiryDate: `${year + 1}-06`,
        protocol: { doseSequence: 1, targetDiseases: [SCT.influenza], description: `Seasonal influenza ${year}/${String(year + 1).slice(2)}` },
      });
      this.ref(clinic, 'plan', { kind: 'immunisation', id });
      this.note(clinic, 'plan', 'Consent given verbally. No immediate reaction.');
    }
    const pneumo = this.consult('pneumococcal', 3360, { time: '09:50', type: 'Nurse clinic', performerId: CLARKE, title: 'Pneumococcal vaccination' });
    this.immunisations.push({
      ...this.inConsult(pneumo, 'l1-imm-pneumococcal', 2),
      procedure: SCT.pneumococcalVaccination,
      date: this.day(3360),
      administeredById: CLARKE,
      locationId: LOCATION,
      site: SCT.leftUpperArm,
      route: SCT.intramuscular,
      dose: { value: 0.5, unit: 'ml', ucum: 'mL' },
      protocol: { doseSequence: 1, targetDiseases: [SCT.pneumococcalDisease], seriesDoses: 1 },
    });
    this.ref(pneumo, 'plan', { kind: 'immunisation', id: 'l1-imm-pneumococcal' });

    // ---- Acute episodes: two or three a year ----
    let episode = 0;
    for (let yearStart = 30; yearStart < H - 60; yearStart += 365) {
      const count = this.rand() < 0.35 ? 3 : 2;
      for (let e = 0; e < count; e++) {
        const n = yearStart + this.int(e * 110, e * 110 + 100);
        if (n > H - 30) continue;
        episode += 1;
        const kind = this.pick(n < 4400 ? ['lrti', 'copd', 'copd', 'gout', 'conjunctivitis', 'otitis', 'gastro', 'bronchitis'] : ['lrti', 'gout', 'conjunctivitis', 'otitis', 'gastro', 'bronchitis', 'lrti']);
        const performerId = this.pick([OKAFOR, OKAFOR, SHARMA]);
        const time = this.pick(['08:40', '09:10', '10:50', '14:30', '16:10', '17:00']);
        const telephone = kind === 'gastro' || kind === 'gout';
        const draft = this.consult(`episode-${episode}`, n, { time, type: telephone ? 'Telephone consultation' : 'Surgery consultation', performerId, title: '', telephone });
        const episodeProblem = (key: string, code: CodedConcept, days: number) =>
          this.problem(`${key}-${episode}`, code, n, { consult: draft, status: 'inactive', significance: 'minor', endN: Math.max(n - days, 1) });
        switch (kind) {
          case 'lrti': {
            const p = episodeProblem('lrti', SCT.lrti, 14);
            this.note(draft, 'history', 'Productive cough and fever for five days.');
            this.observation(draft, 'examination', SCT.temperature, { value: { type: 'quantity', value: round(37.8 + this.rand(), 1), unit: 'degrees C', ucum: 'Cel' } });
            this.note(draft, 'examination', 'Crackles at the left base.');
            this.acute(draft, DRUG.amoxicillin500, 'One capsule three times a day for 5 days', { value: 15, unit: 'capsule' }, 5, p);
            break;
          }
          case 'copd': {
            const p = episodeProblem('copd-exacerbation', SCT.copdExacerbation, 21);
            this.relate(copd, p);
            this.note(draft, 'history', 'Increased breathlessness and purulent sputum for three days.');
            this.acute(draft, DRUG.prednisolone5, 'Six tablets (30mg) once a day for 5 days', { value: 30, unit: 'tablet' }, 5, p);
            this.acute(draft, DRUG.amoxicillin500, 'One capsule three times a day for 5 days', { value: 15, unit: 'capsule' }, 5, p);
            break;
          }
          case 'gout': {
            if (n > 5600) {
              this.note(draft, 'history', 'Painful swollen ankle after a long walk. Settling with rest.');
              break;
            }
            draft.problemIds.push(gout.id);
            this.note(draft, 'history', 'Another flare of gout in the left big toe.');
            this.acute(draft, DRUG.prednisolone5, 'Six tablets (30mg) once a day for 5 days', { value: 30, unit: 'tablet' }, 5, gout);
            break;
          }
          case 'conjunctivitis':
            episodeProblem('conjunctivitis', SCT.conjunctivitis, 7);
            this.note(draft, 'history', 'Sticky red left eye for two days, vision normal.');
            this.note(draft, 'plan', 'Self-care advice: bathe eye, return if vision affected.');
            break;
          case 'otitis':
            episodeProblem('otitis-externa', SCT.otitisExterna, 10);
            this.note(draft, 'examination', 'Inflamed right ear canal with debris, drum intact.');
            break;
          case 'gastro':
            episodeProblem('gastroenteritis', SCT.gastroenteritis, 5);
            this.note(draft, 'history', 'Diarrhoea and vomiting for 24 hours, drinking fluids.');
            this.note(draft, 'plan', 'Fluids. Withhold metformin and furosemide while unwell (sick day rules).');
            break;
          default:
            episodeProblem('acute-bronchitis', SCT.acuteBronchitis, 21);
            this.note(draft, 'history', 'Dry cough for a week after a cold, no fever.');
            this.note(draft, 'plan', 'Viral. Advice and safety-netting.');
        }
      }
    }

    // ---- Allergy carried over from the previous practice, later removed ----
    this.allergies.push({
      id: 'l1-allergy-cotrimoxazole',
      recorded: this.at(H - 15, '10:00'),
      recorderId: SHARMA,
      code: SCT.degradedDrugAllergy,
      category: 'medication',
      type: 'allergy',
      onset: '2001',
      reaction: { description: 'Rash', severity: 'mild' },
      note: 'Imported by GP2GP from the previous practice.',
      ended: { date: this.day(4000), reason: 'Reviewed with patient: rash was part of a viral illness, not an allergy' },
    });

    // ---- Future recalls (active diary entries) ----
    this.diary.push(
      {
        id: 'l1-diary-flu-recall',
        recorded: this.at(20, '02:00'),
        recorderId: OKAFOR,
        code: { text: 'Seasonal influenza vaccination due' },
        planned: { start: this.day(-300), end: this.day(-240) },
        requester: { kind: 'device', id: 'device-gp-system' },
      },
      {
        id: 'l1-diary-bloods',
        recorded: this.at(40, '10:30'),
        recorderId: OKAFOR,
        code: { text: 'Blood tests due: U&E, HbA1c, lipids, urine ACR' },
        planned: this.day(-310),
        reasons: [{ text: 'CKD stage 3 and diabetes monitoring' }],
      },
    );

    // ---- Finish: items in a stable order ----
    const byDate = <T extends { readonly recorded: Timestamp; readonly id: string }>(items: readonly T[]): T[] =>
      [...items].sort((a, b) => (a.recorded === b.recorded ? (a.id < b.id ? -1 : 1) : a.recorded < b.recorded ? -1 : 1));
    const consultations = this.consults
      .filter((d) => {
        if (d.title === '') {
          // An episode's title is its first problem, or a generic one.
          const first = this.problems.find((p) => p.id === d.problemIds[0]);
          d.title = first ? first.code.display : 'Minor illness';
        }
        return d.history.length + d.examination.length + d.plan.length > 0;
      })
      .map((d) => this.buildConsultation(d));

    return {
      allergies: byDate(this.allergies),
      medication: byDate(this.plans),
      problems: byDate(this.problems.map((p) => this.buildProblem(p))),
      consultations: byDate(consultations),
      immunisations: byDate(this.immunisations),
      uncategorisedData: byDate(this.observations),
      investigations: byDate(this.reports),
      referrals: byDate(this.referrals),
      diaryEntries: byDate(this.diary),
      documents: this.documents,
    };
  }
}

/** large1's whole clinical record for this `today` (pure: the same `today` gives an identical record). */
export function generateLarge1(today: CalendarDate): PatientClinicalRecord {
  return new Large1Generator(today).generate();
}
