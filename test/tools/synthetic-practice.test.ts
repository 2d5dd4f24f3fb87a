/** The synthetic-patient generator of tools/synthetic-practice.ts (issue 6 volume tests). */
import type { CalendarDate } from '../../src/fhir/dates';
import { isValidNhsNumber } from '../../src/operations/structured-record/nhs-number';
import type { PatientData } from '../../src/record/dataset';
import { testPractice } from '../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import { checkPatientMayBeShared } from '../../src/record/patient-checks';
import { validateDataset } from '../../src/record/validate-dataset';
import {
  nhsCheckDigit,
  recordSize,
  SYNTHETIC_MIX,
  syntheticPatients,
  type SyntheticProfile,
  syntheticProfile,
} from '../../tools/synthetic-practice';
import { postRecord, rel, testApp, TODAY } from '../support/app';
import { parameters, predefinedSearch2 } from '../support/parameters';

const today = TODAY as CalendarDate;

/** Generated once per file: 2000 patients take a second or two. */
const many: readonly PatientData[] = [...syntheticPatients(2000, today)];
const profileOf = (data: PatientData): SyntheticProfile => syntheticProfile(Number(data.patient.id.slice(3)));

describe('syntheticPatients', () => {
  it('is deterministic: the same count, today and seed give deep-equal patients', () => {
    const a = [...syntheticPatients(60, today, 7)];
    const b = [...syntheticPatients(60, today, 7)];
    expect(b).toEqual(a);
    expect([...syntheticPatients(60, today, 8)]).not.toEqual(a);
  });

  it('gives patient n the same record whatever the count (chunks can be generated separately)', () => {
    expect(many.slice(0, 25)).toEqual([...syntheticPatients(25, today)]);
  });

  it('yields lazily: a generator, not an array', () => {
    const generator = syntheticPatients(1_000_000, today);
    const first = generator.next();
    expect(first.done).toBe(false);
    expect(first.value?.patient.id).toBe('syn1');
    generator.return(undefined);
  });

  it('uses valid, unique NHS numbers from 9000000000 up, clear of the embedded practice', () => {
    const embedded = new Set(testPractice(today).patients.map((p) => p.patient.nhsNumber));
    const numbers = many.map((p) => p.patient.nhsNumber);
    expect(numbers[0]).toBe('9000000009');
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const nhs of numbers) {
      expect(isValidNhsNumber(nhs)).toBe(true);
      expect(embedded.has(nhs)).toBe(false);
      expect(nhs.startsWith('969093')).toBe(false);
    }
    // The check digit helper agrees with the service's validator, including the skipped (10) case.
    expect(nhsCheckDigit('969093727')).toBe(8);
    expect(nhsCheckDigit('900000005')).toBeUndefined();
    expect(numbers.some((n) => n.startsWith('900000005'))).toBe(false);
  });

  it('prefixes every id with syn<n>', () => {
    for (const { patient, record } of many.slice(0, 300)) {
      expect(patient.id).toMatch(/^syn\d+$/);
      const ids = Object.values(record).flatMap((items: readonly { id: string }[]) => items.map((i) => i.id));
      expect(ids.filter((id) => !id.startsWith(`${patient.id}-`))).toEqual([]);
    }
  });

  it('passes validateDataset together with the embedded practice (200 patients), and loads into the memory store', () => {
    const base = testPractice(today);
    const dataset = { ...base, patients: [...base.patients, ...many.slice(0, 200)] };
    expect(() => validateDataset(dataset)).not.toThrow();
    expect(() => new MemoryRepository(dataset)).not.toThrow();
  });

  it('passes validateDataset for all 2000', () => {
    const base = testPractice(today);
    expect(() => validateDataset({ ...base, patients: [...base.patients, ...many] })).not.toThrow();
  });

  it('registers everyone so that the record may be shared', () => {
    for (const { patient } of many) {
      expect(() => checkPatientMayBeShared(patient)).not.toThrow();
      expect(patient.registration).toMatchObject({ type: 'R', status: 'active' });
      expect(patient.nhsNumberStatus).toBe('01');
      expect(patient.sensitive).toBe(false);
      expect(patient.sharingConsent).toBe('consented');
      expect(patient.deceasedDate).toBeUndefined();
      expect(patient.birthDate < today).toBe(true);
      expect(patient.registration.startDate <= today).toBe(true);
    }
  });

  it('keeps the mix near 60% healthy, 30% one or two long-term conditions, 10% multimorbid', () => {
    const counts: Record<SyntheticProfile, number> = { healthy: 0, longTerm: 0, multimorbid: 0 };
    for (const p of many) counts[profileOf(p)] += 1;
    for (const profile of Object.keys(SYNTHETIC_MIX) as SyntheticProfile[]) {
      expect(Math.abs(counts[profile] / many.length - SYNTHETIC_MIX[profile])).toBeLessThan(0.04);
    }
  });

  it('gives each profile records of the promised shape', () => {
    /** Problems treated with a repeat: the long-term conditions. */
    const chronic = (data: PatientData) => {
      const repeats = new Set(
        (data.record.medication ?? []).filter((m) => m.prescriptionType === 'repeat').map((m) => m.id),
      );
      return (data.record.problems ?? []).filter((p) =>
        (p.linkedItems ?? []).some((l) => l.kind === 'medicationPlan' && repeats.has(l.id)),
      ).length;
    };
    for (const data of many) {
      const size = recordSize(data.record);
      const future = Object.values(data.record)
        .flat()
        .filter((item: { recorded: string }) => item.recorded > `${today}T23:59:59`);
      expect(future).toEqual([]);
      switch (profileOf(data)) {
        case 'healthy':
          expect(size.allergies).toBeLessThanOrEqual(3);
          expect(size.repeatPlans).toBe(0);
          expect(size.consultations).toBeGreaterThanOrEqual(1);
          expect(size.consultations).toBeLessThanOrEqual(12);
          expect(size.immunisations).toBeGreaterThanOrEqual(1);
          expect(size.immunisations).toBeLessThanOrEqual(2);
          expect(size.observations).toBeGreaterThanOrEqual(1);
          expect(size.investigations).toBe(0);
          break;
        case 'longTerm':
          expect(size.repeatCourses).toBeGreaterThanOrEqual(1);
          expect(size.medicationIssues).toBeGreaterThanOrEqual(10);
          expect(chronic(data)).toBeGreaterThanOrEqual(1);
          expect(chronic(data)).toBeLessThanOrEqual(2);
          // Annual reviews set a medication-review recall (a condition that resolved in its first year had none).
          if ((data.record.problems ?? []).some((p) => p.status === 'active' && p.significance === 'major')) {
            expect(size.diaryEntries).toBeGreaterThanOrEqual(1);
          }
          break;
        case 'multimorbid':
          expect(size.problems).toBeGreaterThanOrEqual(5);
          expect(size.problems).toBeLessThanOrEqual(10);
          expect(size.repeatCourses).toBeGreaterThanOrEqual(5);
          expect(size.repeatCourses).toBeLessThanOrEqual(10);
          expect(size.consultations).toBeGreaterThanOrEqual(40);
          expect(size.consultations).toBeLessThanOrEqual(80);
          expect(size.investigations).toBeGreaterThanOrEqual(1);
          expect(size.testResults).toBeGreaterThan(size.investigations);
          expect(size.referrals).toBeGreaterThanOrEqual(1);
          expect(size.diaryEntries).toBeGreaterThanOrEqual(1);
          break;
      }
    }
  });

  it('issues repeats every 28 days or so, and the multimorbid consultations reference their items under topics naming problems', () => {
    const mm = many.find((p) => profileOf(p) === 'multimorbid') as PatientData;
    const repeat = (mm.record.medication ?? []).find(
      (p) => p.prescriptionType === 'repeat' && p.issues.length > 3,
    );
    expect(repeat).toBeDefined();
    const dates = (repeat?.issues ?? []).map((i) => Date.parse(String(i.date)));
    for (let i = 1; i < dates.length; i++)
      expect(Math.abs(dates[i - 1] - dates[i]) / 86_400_000).toBeGreaterThanOrEqual(28);
    const topics = (mm.record.consultations ?? []).flatMap((c) => c.topics);
    expect(topics.filter((t) => (t.problemIds ?? []).length > 0).length).toBeGreaterThan(5);
    const refs = topics
      .flatMap((t) => (t.headings ?? []).flatMap((h) => h.entries))
      .filter((e) => e.kind !== 'note');
    const kinds = new Set(refs.map((r) => r.kind));
    for (const kind of [
      'medicationPlan',
      'medicationIssue',
      'observation',
      'immunisation',
      'diaryEntry',
      'referral',
    ])
      expect(kinds.has(kind as never)).toBe(true);
    const grouped = (mm.record.investigations ?? []).filter((r) => (r.groups ?? []).length > 0);
    expect(grouped.length).toBeGreaterThan(0);
  });

  it('answers predefined search 2 with 200 for synthetic patients of every profile', async () => {
    const base = testPractice(today);
    const sample = many.slice(0, 120);
    const t = testApp({
      repository: new MemoryRepository({ ...base, patients: [...base.patients, ...sample] }),
    });
    const chosen = (['healthy', 'longTerm', 'multimorbid'] as const).flatMap((profile) =>
      sample.filter((p) => profileOf(p) === profile).slice(0, 3),
    );
    expect(chosen.length).toBe(9);
    for (const data of chosen) {
      const res = await postRecord(t, parameters(...predefinedSearch2(data.patient.nhsNumber, rel(-365))));
      expect(res.status).toBe(200);
      expect(res.body.resourceType).toBe('Bundle');
    }
  });
});
