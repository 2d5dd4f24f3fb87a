/**
 * Our own patients of the embedded test practice, asserted through the repository (the store's
 * filters and linkage, the clinical area guidance pages; Linkages — FHIR profiles returned on query), not by
 * reading the record modules:
 * - risk1 reproduces the clinical risk of the predefined searches (Retrieve a patient’s structured record —
 * Not permitted parameter combinations): a date-limited medication
 *   list next to problems and consultations that hides an anticoagulant stopped 13 months ago;
 * - large1 is a large, deterministic, 20-year record for size tests.
 */
import type { StructuredQuery } from '../../../src/contract/structured-query';
import { addDays, type CalendarDate, calendarDate, daysBetween } from '../../../src/fhir/dates';
import { testPractice } from '../../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../../src/record/memory/memory-repository';
import type { ItemRef, PatientClinicalRecord } from '../../../src/record/model';
import type { PatientRecord } from '../../../src/record/repository';

/** The suite's pinned date (test/support/app.ts TEST_NOW), and the same date a year on. */
const TODAY = calendarDate('2026-11-21');
const ONE_YEAR_LATER = calendarDate('2027-11-21');

const RISK1_NHS = '9690939009';
const LARGE1_NHS = '9690939017';

const base = (nhsNumber: string, today: CalendarDate) => ({
  nhsNumber,
  today,
  warnings: [],
  disabledAreas: new Set<never>(),
});

/** Predefined search 1 (Multi area searches): last 3 consultations, problems, allergies, last year's
 * medication. */
function predefinedSearch1(nhsNumber: string, today: CalendarDate): StructuredQuery {
  return {
    ...base(nhsNumber, today),
    predefinedSearch: 1,
    consultations: { mostRecent: 3 },
    problems: { filters: [{}] },
    allergies: { includeResolved: true },
    medication: { includePrescriptionIssues: true, searchFromDate: addDays(today, -365) },
  };
}

/** Every area, no filter (medication optionally from a date). */
function everything(nhsNumber: string, today: CalendarDate, medicationFrom?: CalendarDate): StructuredQuery {
  return {
    ...base(nhsNumber, today),
    allergies: { includeResolved: true },
    medication: {
      includePrescriptionIssues: true,
      ...(medicationFrom && { searchFromDate: medicationFrom }),
    },
    consultations: {},
    problems: { filters: [{}] },
    immunisations: { includeNotGiven: true, includeStatus: true },
    uncategorisedData: {},
    investigations: {},
    referrals: {},
    diaryEntries: {},
  };
}

async function load(query: StructuredQuery): Promise<PatientRecord> {
  const repository = new MemoryRepository(testPractice(query.today));
  const patient = await repository.findPatient(query.nhsNumber);
  if (!patient) throw new Error(`test patient ${query.nhsNumber} not found`);
  return repository.loadRecord(patient, query);
}

const ids = (items: readonly { readonly id: string }[] | undefined): string[] =>
  (items ?? []).map((item) => item.id).sort();

// ---- risk1 ------------------------------------------------------------------------------------------

const ACUTES = ['r1-med-amoxicillin', 'r1-med-prednisolone', 'r1-med-salbutamol'];
const WARFARIN = 'r1-med-warfarin';
const WARFARIN_CODE = '319733000';
const PARACETAMOL = 'r1-med-paracetamol';

describe.each([
  ['today', TODAY],
  ['today one year later', ONE_YEAR_LATER],
])('risk1 and predefined search 1 (%s: %s)', (_label, today) => {
  let record: PatientRecord;
  beforeAll(async () => {
    record = await load(predefinedSearch1(RISK1_NHS, today));
  });

  it('finds Dorothy Fletcher', () => {
    expect(record.patient.id).toBe('risk1');
    expect(record.patient.name.family).toBe('Fletcher');
  });

  it('lists only the acutes of the last 3 months as medication (not warfarin, not paracetamol)', () => {
    const primary = ids(record.medication?.items);
    expect(primary).toEqual([...ACUTES].sort());
    expect(primary).not.toContain(WARFARIN);
    expect(primary).not.toContain(PARACETAMOL);
  });

  it('returns the 3 most recent consultations, which issued those acutes', () => {
    expect(ids(record.consultations?.items)).toEqual(['r1-cons-1', 'r1-cons-2', 'r1-cons-3']);
  });

  it('brings in the 18-month-old paracetamol only through the active osteoarthritis problem', () => {
    const knee = record.problems?.items.find((p) => p.id === 'r1-prob-oa-knee');
    expect(knee?.status).toBe('active');
    expect(knee?.linkedItems).toContainEqual<ItemRef>({ kind: 'medicationPlan', id: PARACETAMOL });
    expect(ids(record.linked?.medication)).toContain(PARACETAMOL);
    expect(ids(record.medication?.items)).not.toContain(PARACETAMOL);
  });

  it('leaves the warfarin of 14–13 months ago out of the whole response: the gap the not-permitted combinations guard against', () => {
    const json = JSON.stringify(record);
    expect(json).not.toContain(WARFARIN);
    expect(json).not.toContain(WARFARIN_CODE);
    expect(ids(record.linked?.medication)).not.toContain(WARFARIN);
  });

  it('returns the active allergy and, with includeResolved, the ended one', () => {
    expect(ids(record.allergies?.active.items)).toEqual(['r1-allergy-aspirin']);
    expect(ids(record.allergies?.resolved?.items)).toEqual(['r1-allergy-penicillin']);
  });

  it('does have the warfarin when medication is asked for without a date (the data is there)', async () => {
    const all = await load(everything(RISK1_NHS, today));
    const warfarin = all.medication?.items.find((p) => p.id === WARFARIN);
    expect(warfarin?.issues).toHaveLength(4);
    expect(ids(all.medication?.items)).toEqual([...ACUTES, PARACETAMOL, WARFARIN].sort());
  });
});

// ---- large1 -----------------------------------------------------------------------------------------

describe('large1: a large multimorbid record', () => {
  let record: PatientRecord;
  beforeAll(async () => {
    record = await load(everything(LARGE1_NHS, TODAY));
  });

  it('finds William Pearson, usual GP Dr Okafor', () => {
    expect(record.patient.id).toBe('large1');
    expect(record.patient.usualGpId).toBe('prac-okafor');
  });

  it('holds 300+ medication issues over many plans', () => {
    const plans = record.medication?.items ?? [];
    const issues = plans.reduce((n, plan) => n + plan.issues.length, 0);
    expect(plans.length).toBeGreaterThanOrEqual(50);
    expect(issues).toBeGreaterThanOrEqual(300);
    expect(plans.some((p) => p.prescriptionType === 'acute')).toBe(true);
    expect(plans.some((p) => p.prescriptionType === 'repeat' && p.issues.length >= 5)).toBe(true);
  });

  it('holds 100+ consultations spanning 20+ years', () => {
    const consultations = record.consultations?.items ?? [];
    expect(consultations.length).toBeGreaterThanOrEqual(100);
    const starts = consultations.map((c) => String(c.period?.start).slice(0, 10)).sort();
    expect(daysBetween(calendarDate(starts[0]), TODAY)).toBeGreaterThanOrEqual(20 * 365 + 5);
  });

  it('holds 30+ problems, many uncategorised observations, 20+ investigation reports, 20 years of flu vaccination', () => {
    expect(record.problems?.items.length).toBeGreaterThanOrEqual(30);
    expect(record.uncategorisedData?.items.length).toBeGreaterThanOrEqual(100);
    const reports = record.investigations?.items ?? [];
    expect(reports.length).toBeGreaterThanOrEqual(20);
    const results = reports.reduce(
      (n, r) => n + (r.groups ?? []).reduce((m, g) => m + g.results.length, 0) + (r.results ?? []).length,
      0,
    );
    expect(results).toBeGreaterThanOrEqual(300);
    expect(
      record.immunisations?.items.filter((i) => i.procedure.code === '822851000000102').length,
    ).toBeGreaterThanOrEqual(20);
    expect(record.referrals?.items.length).toBeGreaterThanOrEqual(3);
    expect(record.diaryEntries?.items.length).toBeGreaterThanOrEqual(1);
  });

  it('withholds its confidential items and says so (Error handling guidance)', () => {
    const json = JSON.stringify(record);
    expect(json).not.toContain('l1-cons-counselling');
    expect(json).not.toContain('l1-ref-counselling');
    expect(record.consultations?.withheldConfidential).toBe(true);
    expect(record.referrals?.withheldConfidential).toBe(true);
    expect(record.investigations?.withheldConfidential).toBe(true);
  });

  it('returns fewer plans for a 365-day medication search than with no filter', async () => {
    const lastYear = await load(everything(LARGE1_NHS, TODAY, addDays(TODAY, -365)));
    const filtered = lastYear.medication?.items.length ?? 0;
    expect(filtered).toBeGreaterThan(0);
    expect(filtered).toBeLessThan(record.medication?.items.length ?? 0);
  });

  it('is generated deterministically: the same today gives the same record', async () => {
    const again = await load(everything(LARGE1_NHS, TODAY));
    expect(JSON.stringify(again)).toBe(JSON.stringify(record));
  });
});

// ---- Data integrity of the two records (the dataset itself, not a store) ---------------------------

describe.each(['risk1', 'large1'])('%s data integrity', (patientId) => {
  const data: PatientClinicalRecord = testPractice(TODAY).patients.find(
    (p) => p.patient.id === patientId,
  )!.record;
  const prefix = patientId === 'risk1' ? 'r1-' : 'l1-';

  /** Every id by the FHIR type it becomes (plans and issues are both MedicationRequest, and so on). */
  function idsByFhirType(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const add = (type: string, id: string) => out.set(type, [...(out.get(type) ?? []), id]);
    for (const a of data.allergies ?? []) add('AllergyIntolerance', a.id);
    for (const p of data.medication ?? [])
      [p.id, ...p.issues.map((i) => i.id)].forEach((id) => add('MedicationRequest', id));
    for (const p of data.problems ?? []) add('Condition', p.id);
    for (const c of data.consultations ?? []) {
      add('Encounter', c.id);
      for (const t of c.topics)
        for (const e of t.headings ? t.headings.flatMap((h) => h.entries) : t.entries)
          if (e.kind === 'note') add('Observation', e.id);
    }
    for (const i of data.immunisations ?? []) add('Immunization', i.id);
    for (const o of [...(data.uncategorisedData ?? []), ...(data.immunisationStatuses ?? [])])
      add('Observation', o.id);
    for (const r of data.investigations ?? []) {
      add('DiagnosticReport', r.id);
      if (r.request) add('ProcedureRequest', r.request.id);
      for (const s of r.specimens ?? []) add('Specimen', s.id);
      for (const g of r.groups ?? []) [g, ...g.results].forEach((x) => add('Observation', x.id));
      for (const x of [...(r.results ?? []), ...(r.filingComments ?? [])]) add('Observation', x.id);
    }
    for (const r of data.referrals ?? []) add('ReferralRequest', r.id);
    for (const d of data.diaryEntries ?? []) add('ProcedureRequest', d.id);
    for (const d of data.documents ?? []) add('DocumentReference', d.id);
    return out;
  }

  it(`has unique, ${prefix}-prefixed ids within each FHIR type`, () => {
    for (const [, list] of idsByFhirType()) {
      expect(new Set(list).size).toBe(list.length);
      for (const id of list) expect(id.startsWith(prefix)).toBe(true);
    }
  });

  it('keeps consultationId consistent with the consultation structures', () => {
    const referencedFrom = new Map<string, string>();
    for (const c of data.consultations ?? []) {
      for (const t of c.topics) {
        for (const e of t.headings ? t.headings.flatMap((h) => h.entries) : t.entries) {
          if (e.kind !== 'note') referencedFrom.set(`${e.kind}/${e.id}`, c.id);
        }
      }
    }
    const items: [string, { readonly id: string; readonly consultationId?: string }][] = [
      ...(data.allergies ?? []).map((x) => ['allergy', x] as [string, typeof x]),
      ...(data.medication ?? []).flatMap((p) => [
        ['medicationPlan', p] as [string, typeof p],
        ...p.issues.map((i) => ['medicationIssue', i] as [string, typeof i]),
      ]),
      ...(data.immunisations ?? []).map((x) => ['immunisation', x] as [string, typeof x]),
      ...(data.uncategorisedData ?? []).map((x) => ['observation', x] as [string, typeof x]),
      ...(data.referrals ?? []).map((x) => ['referral', x] as [string, typeof x]),
      ...(data.diaryEntries ?? []).map((x) => ['diaryEntry', x] as [string, typeof x]),
      ...(data.investigations ?? []).map((x) => ['investigation', x] as [string, typeof x]),
    ];
    for (const [kind, item] of items) {
      expect({ item: `${kind}/${item.id}`, in: referencedFrom.get(`${kind}/${item.id}`) }).toEqual({
        item: `${kind}/${item.id}`,
        in: item.consultationId,
      });
    }
  });
});

describe('nogap1: the control for the clinical-risk warning', () => {
  const NOGAP1 = '9690939033';

  it('predefined search 1: every medication a problem or consultation links is also in the primary list', async () => {
    const record = await load(predefinedSearch1(NOGAP1, TODAY));
    const primary = ids(record.medication?.items);
    expect(primary).toEqual(['ng1-plan-amlodipine']);
    expect(record.linked?.medication ?? []).toEqual([]);
    const linkedFromProblems = (record.problems?.items ?? []).flatMap((p) => p.linkedItems ?? []);
    expect(linkedFromProblems).toContainEqual({ kind: 'medicationPlan', id: 'ng1-plan-amlodipine' });
    expect(ids(record.consultations?.items)).toEqual(['ng1-cons-review']);
  });
});
