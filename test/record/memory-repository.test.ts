import type { StructuredQuery } from '../../src/contract/structured-query';
import { testPractice } from '../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import { MemorySource } from '../../src/record/memory/memory-source';
import type { PatientClinicalRecord } from '../../src/record/model';
import type { Patient } from '../../src/record/model/people';
import type { IndexedRound } from '../../src/record/record-index';
import type { Actors, CandidateRound, FirstRound, PlacedItems, RecordSource } from '../../src/record/source';
import { SourcedRepository } from '../../src/record/sourced-repository';
import { DatasetError, validateDataset } from '../../src/record/validate-dataset';
import { describeRepositoryContract } from './contract';
import {
  consultation,
  d,
  diary,
  document,
  given,
  immunisationStatus,
  issue,
  nhsOf,
  observation,
  plan,
  practiceWith,
  problem,
  query,
  ref,
  referral,
  report,
  TODAY,
} from './contract-fixtures';

describeRepositoryContract('memory', async (dataset) => new MemoryRepository(dataset));

/** Counts the calls a repository makes on its source. */
function countingSource(inner: RecordSource): {
  readonly source: RecordSource;
  readonly calls: Record<string, number>;
} {
  const calls: Record<string, number> = {};
  const count = <T>(name: string, result: T): T => {
    calls[name] = (calls[name] ?? 0) + 1;
    return result;
  };
  const source: RecordSource = {
    practice: () => count('practice', inner.practice()),
    findPatient: (nhs) => count('findPatient', inner.findPatient(nhs)),
    loadCandidates: (p, q) => count('loadCandidates', inner.loadCandidates(p, q)),
    loadItems: (p, refs) => count('loadItems', inner.loadItems(p, refs)),
    loadActors: (ids) => count('loadActors', inner.loadActors(ids)),
    searchPatients: (ods, crit, limit) => count('searchPatients', inner.searchPatients(ods, crit, limit)),
    readPatient: (ods, id) => count('readPatient', inner.readPatient(ods, id)),
    readOrganisation: (ods, id) => count('readOrganisation', inner.readOrganisation(ods, id)),
    readPractitioner: (ods, id) => count('readPractitioner', inner.readPractitioner(ods, id)),
    readLocation: (ods, id) => count('readLocation', inner.readLocation(ods, id)),
    patientsAfter: (after, limit) => count('patientsAfter', inner.patientsAfter(after, limit)),
    patientCount: () => count('patientCount', inner.patientCount()),
    importedAt: () => count('importedAt', inner.importedAt()),
    deletedAfter: (since, after, limit, types) =>
      count('deletedAfter', inner.deletedAfter(since, after, limit, types)),
    deletionsKnownFrom: () => count('deletionsKnownFrom', inner.deletionsKnownFrom()),
    isReady: () => inner.isReady(),
    close: () => inner.close(),
  };
  return { source, calls };
}

/**
 * The memory store's rounds without its own RecordIndex (CandidateRound.index): a store that does not
 * keep one (the PostgreSQL store), whose linked items the assembly must ask for.
 */
function withoutIndex(inner: RecordSource): RecordSource {
  return Object.assign(Object.create(inner) as RecordSource, {
    // Nor the practice with the round, as a store that reads it apart (source.ts FirstRound).
    loadCandidates: async (p: Patient, q: StructuredQuery): Promise<CandidateRound> => {
      const { index, practice, ...round } = (await inner.loadCandidates(p, q)) as FirstRound & IndexedRound;
      expect(index).toBeDefined();
      expect(practice).toBeDefined();
      return round;
    },
    loadCandidatesBatch: undefined,
    loadItemsBatch: undefined,
  });
}

describe('round trips per request (source.ts)', () => {
  const everything: Partial<StructuredQuery> = {
    allergies: { includeResolved: true },
    medication: { includePrescriptionIssues: true },
    consultations: {},
    problems: { filters: [{ status: 'active' }] },
    immunisations: { includeNotGiven: true, includeStatus: true },
    uncategorisedData: {},
    investigations: {},
    referrals: {},
    diaryEntries: {},
  };

  it('needs one candidate round and at most two linked rounds for the deepest linkage', async () => {
    // primary problem → linked referral (round 2) → its supporting document and the consultation it was recorded in (round 3).
    const dataset = practiceWith({
      p: {
        problems: [problem('p1', { linkedItems: [ref.referral('r1')] })],
        referrals: [
          referral('r1', undefined, { consultationId: 'c1', supportingInfo: [ref.document('doc1')] }),
        ],
        consultations: [consultation('c1', '2020-01-01', [ref.referral('r1')])],
        documents: [document('doc1')],
      },
    });
    const { source, calls } = countingSource(withoutIndex(new MemorySource(dataset)));
    const repository = new SourcedRepository(source);
    const patient = await repository.findPatient(nhsOf('p'));
    const record = await repository.loadRecord(patient!, query({ problems: { filters: [] } }));
    expect(record.linked?.documents?.map((x) => x.id)).toEqual(['doc1']);
    expect(record.linked?.consultations?.map((x) => x.id)).toEqual(['c1']);
    expect(calls).toEqual({ findPatient: 1, practice: 1, loadCandidates: 1, loadItems: 2, loadActors: 1 });

    // With its own index (every item of the patient) the memory store is asked for no item round.
    const own = countingSource(new MemorySource(dataset));
    const same = await new SourcedRepository(own.source).loadRecord(
      patient!,
      query({ problems: { filters: [] } }),
    );
    expect(JSON.stringify(same)).toBe(JSON.stringify(record));
    // The practice came with the round: not asked for apart.
    expect(own.calls).toEqual({ loadCandidates: 1, loadActors: 1 });
  });

  it('stays within that bound for every patient of the embedded practice, however large the record', async () => {
    const dataset = testPractice(TODAY);
    const inner = withoutIndex(new MemorySource(dataset));
    for (const { patient } of dataset.patients) {
      const { source, calls } = countingSource(inner);
      const repository = new SourcedRepository(source);
      await repository.loadRecord(patient, query({ ...everything, nhsNumber: patient.nhsNumber }));
      expect(calls.loadCandidates).toBe(1);
      expect(calls.loadItems ?? 0).toBeLessThanOrEqual(2);
      expect(calls.loadActors).toBe(1);
    }
  });
});

/** A store that returns every row in reverse order, as a SQL store without ORDER BY might. */
function reversingSource(inner: RecordSource): RecordSource {
  const reverseItems = (items: PlacedItems): PlacedItems =>
    Object.fromEntries(
      Object.entries(items).map(([area, list]) => [area, [...(list as readonly unknown[])].reverse()]),
    );
  return {
    ...countingSource(inner).source,
    loadCandidates: async (p, q) => {
      const round = await inner.loadCandidates(p, q);
      return {
        ...round,
        candidates: reverseItems(round.candidates),
        problems: [...round.problems].reverse(),
        topicLinks: [...round.topicLinks].reverse(),
        withheld: [...round.withheld].reverse(),
      };
    },
    loadItems: async (p, refs) => reverseItems(await inner.loadItems(p, [...refs].reverse())),
    loadActors: async (ids) => {
      const actors = await inner.loadActors(ids);
      return Object.fromEntries(
        Object.entries(actors).map(([k, v]) => [k, [...(v as readonly unknown[])].reverse()]),
      ) as unknown as Actors;
    },
  };
}

describe('output does not depend on the order a store returns rows in', () => {
  it('gives identical records for every embedded patient over a source that reverses every answer', async () => {
    const dataset = testPractice(TODAY);
    const plain = new MemoryRepository(dataset);
    const reversed = new SourcedRepository(reversingSource(withoutIndex(new MemorySource(dataset))));
    for (const q of [
      query({
        consultations: {},
        problems: { filters: [] },
        allergies: { includeResolved: true },
        medication: { includePrescriptionIssues: true },
      }),
      query({
        immunisations: { includeNotGiven: true, includeStatus: true },
        uncategorisedData: {},
        investigations: {},
        referrals: {},
        diaryEntries: {},
      }),
      query({ consultations: { mostRecent: 3 }, problems: { filters: [{ status: 'active' }] } }),
    ]) {
      for (const { patient } of dataset.patients) {
        const a = await plain.loadRecord(patient, { ...q, nhsNumber: patient.nhsNumber });
        const b = await reversed.loadRecord(patient, { ...q, nhsNumber: patient.nhsNumber });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }
    }
  });
});

describe('validateDataset (run by MemoryRepository at construction)', () => {
  /** The error a dataset of these records raises, as text. */
  const errorOf = (records: Record<string, PatientClinicalRecord>): string => {
    try {
      validateDataset(practiceWith(records));
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
      return (e as Error).message;
    }
    throw new Error('expected a DatasetError');
  };

  it('accepts a consistent dataset, and the embedded test practice', () => {
    expect(() =>
      validateDataset(
        practiceWith({
          p: {
            consultations: [consultation('c1', '2020-01-01', [ref.observation('o1'), ref.issue('i1')])],
            uncategorisedData: [observation('o1', '2020-01-01', { consultationId: 'c1' })],
            medication: [
              plan('m1', '2020-01-01', {
                consultationId: 'c1',
                issues: [issue('i1', '2020-01-01', { consultationId: 'c1' })],
              }),
            ],
          },
        }),
      ),
    ).not.toThrow();
    expect(() => validateDataset(testPractice(TODAY))).not.toThrow();
  });

  it('is what MemoryRepository runs at construction', () => {
    expect(
      () =>
        new MemoryRepository(
          practiceWith({ p: { problems: [problem('p1', { linkedItems: [ref.allergy('nowhere')] })] } }),
        ),
    ).toThrow(DatasetError);
  });

  it('rejects a reference that does not resolve, naming the patient and the item', () => {
    expect(
      errorOf({ p: { problems: [problem('p1', { linkedItems: [ref.allergy('nowhere')] })] } }),
    ).toContain("patient p: problem p1 references allergy nowhere, which is not in this patient's record");
    expect(
      errorOf({ p: { consultations: [consultation('c1', '2020-01-01', [ref.issue('i-missing')])] } }),
    ).toContain('patient p: consultation c1 references medicationIssue i-missing');
    expect(
      errorOf({ p: { referrals: [referral('r1', undefined, { supportingInfo: [ref.document('doc-x')] })] } }),
    ).toContain('patient p: referral r1 references document doc-x');
  });

  it('rejects a reference to another patient’s item', () => {
    expect(
      errorOf({
        p: { problems: [problem('p1', { linkedItems: [ref.observation('o-of-q')] })] },
        q: { uncategorisedData: [observation('o-of-q', '2020-01-01')] },
      }),
    ).toContain('patient p: problem p1 references observation o-of-q');
  });

  it('rejects ids shared by two items that become the same FHIR resource type', () => {
    expect(
      errorOf({
        p: { medication: [plan('shared', '2020-01-01')] },
        q: { medication: [plan('m-q', '2020-01-01', { issues: [issue('shared', '2020-01-01')] })] },
      }),
    ).toContain(
      'patient q medicationIssue shared: MedicationRequest id "shared" is already used by patient p medicationPlan shared',
    );
    expect(
      errorOf({
        p: {
          uncategorisedData: [observation('x', undefined)],
          immunisationStatuses: [immunisationStatus('x')],
        },
      }),
    ).toContain('Observation id "x"');
    expect(
      errorOf({
        p: {
          diaryEntries: [diary('req-1', undefined)],
          investigations: [report('inv', '2020-01-01T09:00:00+00:00', { request: { id: 'req-1' } })],
        },
      }),
    ).toContain(
      'patient p diaryEntry req-1: ProcedureRequest id "req-1" is already used by patient p test request req-1 of investigation inv',
    );
  });

  it('rejects an actor id the dataset does not hold', () => {
    expect(errorOf({ p: { immunisations: [given('im1', { administeredById: 'prac-ghost' })] } })).toContain(
      'patient p: immunisation im1 names practitioner prac-ghost, which is not in the practice dataset',
    );
    expect(
      errorOf({
        p: {
          referrals: [
            referral('r1', undefined, { recipients: [{ kind: 'healthcareService', id: 'hs-ghost' }] }),
          ],
        },
      }),
    ).toContain('names healthcare service hs-ghost');
    expect(
      errorOf({
        p: {
          consultations: [
            consultation('c1', '2020-01-01', [ref.observation('o1')], { locationId: 'loc-ghost' }),
          ],
          uncategorisedData: [observation('o1', undefined)],
        },
      }),
    ).toContain('patient p: consultation c1 names location loc-ghost');
  });

  it('rejects a consultationId that names no consultation of the patient, or one that does not reference the item', () => {
    expect(
      errorOf({ p: { uncategorisedData: [observation('o1', undefined, { consultationId: 'c-ghost' })] } }),
    ).toContain(
      "patient p: observation o1 was recorded in consultation c-ghost, which is not in this patient's record",
    );
    expect(
      errorOf({
        p: {
          consultations: [consultation('c1', '2020-01-01', [ref.observation('o2')])],
          uncategorisedData: [
            observation('o1', undefined, { consultationId: 'c1' }),
            observation('o2', undefined),
          ],
        },
      }),
    ).toContain('patient p: observation o1 was recorded in consultation c1, which does not reference it');
  });

  it('rejects a date a filter cannot read', () => {
    expect(errorOf({ p: { medication: [plan('m1', '2020-13-01')] } })).toContain(
      'patient p: medicationPlan m1 has an unreadable date "2020-13-01"',
    );
    expect(
      errorOf({ p: { diaryEntries: [diary('de1', { start: d('2020-01-01'), end: 'soon' as never })] } }),
    ).toContain('patient p: diaryEntry de1 has an unreadable date "soon"');
  });

  it('reports every problem in one error', () => {
    const message = errorOf({
      p: { problems: [problem('p1', { linkedItems: [ref.allergy('x1'), ref.allergy('x2')] })] },
    });
    expect(message).toMatch(/^Invalid practice dataset \(2 problems\):/);
  });
});
