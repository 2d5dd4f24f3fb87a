/**
 * The schemas in profiles/ and the Bundle checks of test/support/profiles.ts catch what they claim to
 * (Bundle page; Retrieve a patient’s structured record — Payload response body; List page; the FHIR resource
 * pages): each case breaks one rule of an otherwise valid Bundle.
 */
import type { Bundle, List } from 'fhir/r3';
import { bundleErrors, bundleIntegrityErrors, resourceErrors } from '../support/profiles';
import { allergy, area, build, consultation, find, observation, query, queryLists, record, structureLists } from './fixtures';

function sample(): Bundle {
  return build(
    record({
      allergies: { active: area([allergy('a1')]), resolved: area([allergy('a2', { ended: { date: '2020-01-01' } })]) },
      consultations: area([consultation('c1', { topics: [{ entries: [{ kind: 'observation', id: 'o1' }] }] })]),
      linked: { uncategorisedData: [observation('o1')] },
    }),
    query({ allergies: { includeResolved: true }, consultations: {} }),
  );
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

it('the sample Bundle is valid', () => {
  expect(bundleErrors(sample())).toEqual([]);
});

describe('schemas reject', () => {
  it('a Bundle entry with fullUrl, a Bundle with total, a wrong type', () => {
    const b = clone(sample());
    (b.entry![0] as { fullUrl?: string }).fullUrl = 'urn:uuid:1';
    expect(resourceErrors(b)).not.toEqual([]);
    expect(resourceErrors({ ...sample(), total: 3 })).not.toEqual([]);
    expect(resourceErrors({ ...sample(), type: 'searchset' })).not.toEqual([]);
  });

  it('a resource with no meta.profile, or a profile with no schema', () => {
    expect(resourceErrors({ resourceType: 'Patient', id: 'x' })).toEqual(['Patient/x: no meta.profile']);
    expect(resourceErrors({ resourceType: 'Patient', id: 'x', meta: { profile: ['https://example.org/nothing'] } })[0]).toMatch(/no schema/);
  });

  it('query List: an id, a missing emptyReason on an empty list, a wrong title for its code, a warning code not in the value set', () => {
    const list = queryLists(sample()).find((l) => l.title === 'List of consultations')!;
    expect(resourceErrors(list)).toEqual([]);
    expect(resourceErrors({ ...list, id: 'x' })).not.toEqual([]);
    expect(resourceErrors({ ...list, title: 'Consultations' })).not.toEqual([]);
    expect(resourceErrors({ ...list, entry: undefined })).not.toEqual([]);
    expect(resourceErrors({ ...list, source: { reference: 'Practitioner/prac-gp' } })).not.toEqual([]);
    expect(
      resourceErrors({ ...list, extension: [{ url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1', valueCode: 'other' }] }),
    ).not.toEqual([]);
    const empty: List = { ...list, entry: undefined, emptyReason: { text: 'none' }, note: [{ text: 'Information not available' }] };
    expect(resourceErrors(empty)).not.toEqual([]);
  });

  it('structure List: no id, no encounter, a warning code, a note', () => {
    const topic = structureLists(sample())[1];
    expect(resourceErrors(topic)).toEqual([]);
    const { id: _id, ...noId } = topic;
    expect(resourceErrors(noId)).not.toEqual([]);
    const { encounter: _e, ...noEncounter } = topic;
    expect(resourceErrors(noEncounter)).not.toEqual([]);
    expect(
      resourceErrors({ ...topic, extension: [{ url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1', valueCode: 'data-in-transit' }] }),
    ).not.toEqual([]);
    expect(resourceErrors({ ...topic, note: [{ text: 'x' }] })).not.toEqual([]);
  });

  it('Patient without versionId; Encounter without the REC participant; a List with meta.versionId', () => {
    const b = sample();
    const patient = find(b, 'Patient', 'pat-1');
    expect(resourceErrors({ ...patient, meta: { profile: patient.meta!.profile } })).not.toEqual([]);
    const encounter = find(b, 'Encounter', 'c1') as { participant?: unknown[] };
    expect(resourceErrors({ ...encounter, participant: [] })).not.toEqual([]);
    const list = queryLists(b)[0];
    expect(resourceErrors({ ...list, meta: { ...list.meta, versionId: '1' } })).not.toEqual([]);
  });
});

describe('Bundle checks reject', () => {
  it('a duplicate Type/id', () => {
    const b = clone(sample());
    b.entry!.push(clone(b.entry![0]));
    expect(bundleIntegrityErrors(b)).toEqual(['duplicate resource Patient/pat-1']);
  });

  it('a dangling reference, a contained reference to nothing, a List#fragment to a missing contained resource', () => {
    const b = clone(sample());
    const topic = b.entry!.map((e) => e.resource as List).find((r) => r.resourceType === 'List' && r.id === 'c1-topic-1')!;
    topic.entry = [{ item: { reference: 'Observation/missing' } }, { item: { reference: '#nothing' } }, { item: { reference: 'List/c1-consultation#x' } }];
    expect(bundleIntegrityErrors(b)).toEqual([
      'List/c1-topic-1.entry[0].item: dangling Observation/missing',
      'List/c1-topic-1.entry[1].item: dangling #nothing',
      'List/c1-topic-1.entry[2].item: dangling List/c1-consultation#x',
    ]);
  });

  it('accepts display-only placeholders and #id of contained resources', () => {
    const b = clone(sample());
    const topic = b.entry!.map((e) => e.resource as List).find((r) => r.resourceType === 'List' && r.id === 'c1-topic-1')!;
    topic.entry = [{ item: { display: 'Referral items have been disabled' } }];
    expect(bundleIntegrityErrors(b)).toEqual([]);
  });
});
