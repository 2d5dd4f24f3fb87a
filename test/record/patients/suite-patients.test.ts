/**
 * The acceptance-suite patients of the embedded test practice hold exactly the characteristics
 * docs/spec-notes.md "Provider test pack — test patients" requires (the test pack's prerequisites sheet and
 * feature files), asserted through the repository — what a request would see —
 * not by reading the record modules. A last test pins "today" a year later: the dates are relative, so the
 * requirements must still hold.
 */
import { addDays, addMonths, type CalendarDate, calendarDate } from '../../../src/fhir/dates';
import { GpcError } from '../../../src/fhir/gpc-error';
import { testPractice } from '../../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../../src/record/memory/memory-repository';
import type { MedicationPlan, PatientClinicalRecord } from '../../../src/record/model';
import type { Patient } from '../../../src/record/model/people';
import { checkPatientMayBeShared } from '../../../src/record/patient-checks';
import type { PatientRecord } from '../../../src/record/repository';
import { NHS } from '../../support/app';
import { type AreaQuery, EVERY_AREA, query } from '../contract-fixtures';

const TODAY = calendarDate('2026-11-21');
const A_YEAR_LATER = addMonths(TODAY, 12);

type Key = keyof typeof NHS;

async function patientAt(repo: MemoryRepository, key: Key): Promise<Patient> {
  const patient = await repo.findPatient(NHS[key]);
  if (!patient) throw new Error(`${key} (${NHS[key]}) is not in the practice`);
  return patient;
}

/** The record of `key` as the store returns it for a request on `today` asking for `areas`. */
async function load(today: CalendarDate, key: Key, areas: AreaQuery = EVERY_AREA): Promise<PatientRecord> {
  const repo = new MemoryRepository(testPractice(today));
  const patient = await patientAt(repo, key);
  return repo.loadRecord(patient, query({ nhsNumber: NHS[key], today, ...areas }));
}

function area<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`requested area ${name} missing from the PatientRecord`);
  return value;
}

/** Every item the store pulled in through links, whatever its area. */
function linkedItems(record: PatientRecord): unknown[] {
  const linked: PatientClinicalRecord = record.linked ?? {};
  return Object.values(linked).flatMap((items: readonly unknown[] | undefined) => items ?? []);
}

/** "No problems": no Condition in the primary list nor linked from any item (zero Conditions in the bundle). */
function expectNoProblems(record: PatientRecord): void {
  expect(area(record.problems, 'problems').items).toEqual([]);
  expect(record.linked?.problems ?? []).toEqual([]);
}

/** Active and ended allergies are both present. */
function expectActiveAndEndedAllergies(record: PatientRecord): void {
  const allergies = area(record.allergies, 'allergies');
  expect(allergies.active.items.length).toBeGreaterThan(0);
  expect(allergies.active.items.every((a) => a.ended === undefined)).toBe(true);
  const resolved = area(allergies.resolved, 'allergies.resolved');
  expect(resolved.items.length).toBeGreaterThan(0);
  expect(resolved.items.every((a) => a.ended !== undefined)).toBe(true);
}

/** Past medication: the plan has ended (not active, with an effective end before today). */
function isPast(plan: MedicationPlan, today: CalendarDate): boolean {
  return plan.status !== 'active' && plan.end !== undefined && plan.end < today;
}

function refusal(patient: Patient | undefined): string | undefined {
  try {
    checkPatientMayBeShared(patient);
    return undefined;
  } catch (e) {
    if (e instanceof GpcError) return e.spineCode;
    throw e;
  }
}

/** Each patient's characteristics, checked for a request made on `today`. */
const CHARACTERISTICS: Readonly<
  Record<string, { readonly key: Key; readonly check: (today: CalendarDate) => Promise<void> }>
> = {
  'patient1: no allergies of any kind (not even NKA) and no medication': {
    key: 'patient1',
    check: async (today) => {
      const record = await load(today, 'patient1');
      const allergies = area(record.allergies, 'allergies');
      expect(allergies.active).toEqual({ items: [], withheldConfidential: false });
      expect(allergies.resolved).toEqual({ items: [], withheldConfidential: false });
      expect(area(record.medication, 'medication')).toEqual({ items: [], withheldConfidential: false });
      const withoutResolved = await load(today, 'patient1', { allergies: { includeResolved: false } });
      expect(area(withoutResolved.allergies, 'allergies').resolved).toBeUndefined();
      expect(area(withoutResolved.allergies, 'allergies').active.items).toEqual([]);
    },
  },

  'patient3: allergies, past medication only, data in most areas, no problems, nothing linked to one': {
    key: 'patient3',
    check: async (today) => {
      const record = await load(today, 'patient3');
      expectActiveAndEndedAllergies(record);
      const plans = area(record.medication, 'medication').items;
      expect(plans.length).toBeGreaterThan(0);
      expect(plans.filter((p) => !isPast(p, today)).map((p) => p.id)).toEqual([]);
      expectNoProblems(record);
      expect(area(record.immunisations, 'immunisations').items.length).toBeGreaterThan(0);
      expect(area(record.uncategorisedData, 'uncategorisedData').items.length).toBeGreaterThan(0);
      const reports = area(record.investigations, 'investigations').items;
      expect(reports.length).toBeGreaterThan(0);
      const [report] = reports;
      expect(report.request).toBeDefined();
      expect(report.specimens?.length ?? 0).toBeGreaterThan(0);
      expect(report.groups?.some((g) => g.results.length > 0)).toBe(true);
      const filingComments = [
        ...(report.filingComments ?? []),
        ...(report.groups ?? []).flatMap((g) => g.filingComments ?? []),
      ];
      expect(filingComments.length).toBeGreaterThan(0);
      expect(area(record.referrals, 'referrals').items.length).toBeGreaterThan(0);
      expect(area(record.diaryEntries, 'diaryEntries').items.length).toBeGreaterThan(0);
      expect(record.linked?.documents ?? []).toEqual([]);
      // diaryEntriesSearchDate = today must still find an entry: an overdue one exists.
      const dueByToday = await load(today, 'patient3', { diaryEntries: { searchDate: today } });
      expect(area(dueByToday.diaryEntries, 'diaryEntries').items.length).toBeGreaterThan(0);
    },
  },

  'patient4: active and ended allergies and nothing else in any area': {
    key: 'patient4',
    check: async (today) => {
      const record = await load(today, 'patient4');
      expectActiveAndEndedAllergies(record);
      const empty = { items: [], withheldConfidential: false };
      expect(record.medication).toEqual(empty);
      expect(record.consultations).toEqual(empty);
      expect(record.problems).toEqual(empty);
      expect(record.immunisations).toEqual({ ...empty, statuses: [] });
      expect(record.uncategorisedData).toEqual(empty);
      expect(record.investigations).toEqual(empty);
      expect(record.referrals).toEqual(empty);
      expect(record.diaryEntries).toEqual(empty);
      expect(linkedItems(record)).toEqual([]);
    },
  },

  'patient5: an explicit "No known allergy" item, current and repeat medication, no problems': {
    key: 'patient5',
    check: async (today) => {
      const record = await load(today, 'patient5');
      const allergies = area(record.allergies, 'allergies');
      expect(allergies.active.items.map((a) => a.code.code)).toEqual(['716186003']);
      expect(area(allergies.resolved, 'allergies.resolved').items).toEqual([]);
      const plans = area(record.medication, 'medication').items;
      expect(plans.some((p) => p.status === 'active' && p.prescriptionType === 'acute')).toBe(true);
      expect(plans.some((p) => p.status === 'active' && p.prescriptionType === 'repeat')).toBe(true);
      expect(plans.filter((p) => isPast(p, today)).map((p) => p.id)).toEqual([]);
      expectNoProblems(record);
    },
  },

  'patient6: active and ended allergies, no problems': {
    key: 'patient6',
    check: async (today) => {
      const record = await load(today, 'patient6');
      expectActiveAndEndedAllergies(record);
      expectNoProblems(record);
    },
  },

  'patient7: active and ended allergies, no problems': {
    key: 'patient7',
    check: async (today) => {
      const record = await load(today, 'patient7');
      expectActiveAndEndedAllergies(record);
      expectNoProblems(record);
    },
  },

  'patient8: active and ended allergies, no problems': {
    key: 'patient8',
    check: async (today) => {
      const record = await load(today, 'patient8');
      expectActiveAndEndedAllergies(record);
      expectNoProblems(record);
    },
  },

  'patient12: past medication only, incl. prescribed by another organisation and by the previous practice': {
    key: 'patient12',
    check: async (today) => {
      const record = await load(today, 'patient12');
      expectActiveAndEndedAllergies(record);
      expectNoProblems(record);
      const plans = area(record.medication, 'medication').items;
      expect(plans.length).toBeGreaterThan(0);
      expect(plans.filter((p) => !isPast(p, today)).map((p) => p.id)).toEqual([]);
      expect(plans.some((p) => p.prescribedElsewhere?.agency === 'prescribed-by-another-organisation')).toBe(
        true,
      );
      expect(plans.some((p) => p.prescribedElsewhere?.agency === 'prescribed-by-previous-practice')).toBe(
        true,
      );
      expect(plans.some((p) => p.prescribedElsewhere === undefined)).toBe(true);
      // Prescribed elsewhere is returned whatever medicationSearchFromDate says; ended practice plans are not.
      const fromToday = await load(today, 'patient12', {
        medication: { includePrescriptionIssues: true, searchFromDate: today },
      });
      const returned = area(fromToday.medication, 'medication').items;
      expect(
        returned.some((p) => p.prescribedElsewhere?.agency === 'prescribed-by-another-organisation'),
      ).toBe(true);
      expect(returned.filter((p) => p.prescribedElsewhere === undefined).map((p) => p.id)).toEqual([]);
    },
  },

  'patient13: record in transit, allergies, medication and referrals, no problems': {
    key: 'patient13',
    check: async (today) => {
      const record = await load(today, 'patient13');
      expect(record.patient.recordInTransit).toEqual({ registeredOn: addDays(today, -20) });
      expectActiveAndEndedAllergies(record);
      expect(area(record.medication, 'medication').items.length).toBeGreaterThan(0);
      expect(area(record.referrals, 'referrals').items.length).toBeGreaterThan(0);
      expectNoProblems(record);
    },
  },

  'patient16: a confidential allergy and referral withheld, legacy ended allergies without end reason, no problems':
    {
      key: 'patient16',
      check: async (today) => {
        const record = await load(today, 'patient16');
        const allergies = area(record.allergies, 'allergies');
        expect(allergies.active.withheldConfidential).toBe(true);
        expect(allergies.active.items.length).toBeGreaterThan(0);
        expect(allergies.active.items.filter((a) => a.confidential).map((a) => a.id)).toEqual([]);
        const resolved = area(allergies.resolved, 'allergies.resolved');
        expect(resolved.items.length).toBeGreaterThan(0);
        expect(resolved.items.filter((a) => a.ended?.reason !== undefined).map((a) => a.id)).toEqual([]);
        const referrals = area(record.referrals, 'referrals');
        expect(referrals.withheldConfidential).toBe(true);
        expect(referrals.items.length).toBeGreaterThan(0);
        expect(referrals.items.filter((r) => r.confidential).map((r) => r.id)).toEqual([]);
        expect(area(record.medication, 'medication').items.length).toBeGreaterThan(0);
        expectNoProblems(record);
        // The warning does not depend on includeResolvedAllergies.
        const activeOnly = await load(today, 'patient16', { allergies: { includeResolved: false } });
        expect(area(activeOnly.allergies, 'allergies').active.withheldConfidential).toBe(true);
      },
    },

  'patient17: active and ended allergies': {
    key: 'patient17',
    check: async (today) => {
      expectActiveAndEndedAllergies(await load(today, 'patient17'));
    },
  },
};

describe('acceptance-suite patients of the embedded test practice', () => {
  for (const [name, { check }] of Object.entries(CHARACTERISTICS)) {
    it(name, () => check(TODAY));
  }

  describe('who may be shared (docs/spec-notes.md "Provider test pack — test patients")', () => {
    const refused: readonly [Key, string, string][] = [
      ['patient9', 'PATIENT_NOT_FOUND', 'sensitive'],
      ['patient10', 'PATIENT_NOT_FOUND', 'sensitive'],
      ['patient14', 'PATIENT_NOT_FOUND', 'NHS number not verified'],
      ['patient15', 'NO_PATIENT_CONSENT', 'dissented'],
      ['patient18', 'PATIENT_NOT_FOUND', 'deceased'],
      ['patient21', 'PATIENT_NOT_FOUND', 'inactive'],
      ['temporary1', 'PATIENT_NOT_FOUND', 'temporary registration'],
    ];
    it.each(refused)('%s is refused with %s (%s) although the record holds data', async (key, code) => {
      const repo = new MemoryRepository(testPractice(TODAY));
      const patient = await patientAt(repo, key);
      expect(refusal(patient)).toBe(code);
      const record = await repo.loadRecord(
        patient,
        query({ nhsNumber: NHS[key], today: TODAY, ...EVERY_AREA }),
      );
      expect(area(record.allergies, 'allergies').active.items.length).toBeGreaterThan(0);
      expect(area(record.medication, 'medication').items.length).toBeGreaterThan(0);
    });

    it('9999999999 (patientNotInSystem) is not found', async () => {
      const repo = new MemoryRepository(testPractice(TODAY));
      const patient = await repo.findPatient('9999999999');
      expect(patient).toBeUndefined();
      expect(refusal(patient)).toBe('PATIENT_NOT_FOUND');
    });

    const shared: readonly Key[] = [
      'patient1',
      'patient3',
      'patient4',
      'patient5',
      'patient6',
      'patient7',
      'patient8',
      'patient11',
      'patient12',
      'patient13',
      'patient16',
      'patient17',
      'patientNoAppointments',
    ];
    it.each(shared)('%s may be shared', async (key) => {
      const repo = new MemoryRepository(testPractice(TODAY));
      expect(refusal(await patientAt(repo, key))).toBeUndefined();
    });

    it.each(['patient11', 'patientNoAppointments'] as const)(
      '%s has a small ordinary record',
      async (key) => {
        const record = await load(TODAY, key);
        expect(area(record.allergies, 'allergies').active.items.length).toBeGreaterThan(0);
        expect(area(record.medication, 'medication').items.length).toBeGreaterThan(0);
      },
    );
  });

  it('ids are unique across the practice for every FHIR resource type they become', () => {
    const ids = new Map<string, string[]>();
    const add = (type: string, id: string | undefined) => {
      if (id !== undefined) ids.set(type, [...(ids.get(type) ?? []), id]);
    };
    for (const { record } of testPractice(TODAY).patients) {
      record.allergies?.forEach((a) => add('AllergyIntolerance', a.id));
      record.medication?.forEach((p) => {
        add('MedicationRequest', p.id);
        p.issues.forEach((i) => add('MedicationRequest', i.id));
      });
      record.problems?.forEach((p) => add('Condition', p.id));
      record.consultations?.forEach((c) => {
        add('Encounter', c.id);
        for (const topic of c.topics) {
          add('List', topic.id);
          topic.headings?.forEach((h) => add('List', h.id));
          const entries = topic.entries ?? topic.headings?.flatMap((h) => h.entries) ?? [];
          entries.forEach((e) => e.kind === 'note' && add('Observation', e.id));
        }
      });
      record.immunisations?.forEach((i) => add('Immunization', i.id));
      record.immunisationStatuses?.forEach((s) => add('Observation', s.id));
      record.uncategorisedData?.forEach((o) => add('Observation', o.id));
      record.investigations?.forEach((r) => {
        add('DiagnosticReport', r.id);
        add('ProcedureRequest', r.request?.id);
        r.specimens?.forEach((s) => add('Specimen', s.id));
        r.filingComments?.forEach((f) => add('Observation', f.id));
        for (const g of r.groups ?? []) {
          add('Observation', g.id);
          g.filingComments?.forEach((f) => add('Observation', f.id));
          g.results.forEach((t) => add('Observation', t.id));
        }
        r.results?.forEach((t) => add('Observation', t.id));
      });
      record.referrals?.forEach((r) => add('ReferralRequest', r.id));
      record.diaryEntries?.forEach((d) => add('ProcedureRequest', d.id));
      record.documents?.forEach((d) => add('DocumentReference', d.id));
    }
    const duplicates = [...ids].flatMap(([type, list]) =>
      list.filter((id, i) => list.indexOf(id) !== i).map((id) => `${type}/${id}`),
    );
    expect(duplicates).toEqual([]);
  });

  it('a year later the relative data still satisfies every requirement', async () => {
    for (const [name, { check }] of Object.entries(CHARACTERISTICS)) {
      try {
        await check(A_YEAR_LATER);
      } catch (e) {
        throw new Error(`${name}, today = ${A_YEAR_LATER}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  });
});
