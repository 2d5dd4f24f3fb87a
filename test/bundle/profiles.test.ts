/**
 * The official profiles and the Bundle checks (tools/validator) catch what they claim to (Bundle page;
 * Retrieve a patient’s structured record — Payload response body; List page; the FHIR resource pages):
 * each case breaks one rule of an otherwise valid Bundle.
 */
import type { Bundle, List } from 'fhir/r3';

import { bundleErrors, bundleIntegrityErrors, resourceErrors } from '../support/profiles';
import { allergy, area, build, consultation, find, observation, query, queryLists, record } from './fixtures';

function sample(): Bundle {
  return build(
    record({
      allergies: {
        active: area([allergy('a1')]),
        resolved: area([allergy('a2', { ended: { date: '2020-01-01' } })]),
      },
      consultations: area([
        consultation('c1', { topics: [{ entries: [{ kind: 'observation', id: 'o1' }] }] }),
      ]),
      linked: { uncategorisedData: [observation('o1')] },
    }),
    query({ allergies: { includeResolved: true }, consultations: {} }),
  );
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

it('the sample Bundle is valid', () => {
  expect(bundleErrors(sample())).toEqual([]);
});

// The official profiles (tools/validator). Rules only the spec pages state (no id on a query List, no
// fullUrl, versionId on actors, no note on a structure List) are not in the 1.5.0 profiles: the
// engine's own tests assert them on its output.
describe('the official profiles reject', () => {
  it('a Bundle with total, a wrong type', () => {
    expect(resourceErrors({ ...sample(), total: 3 })).not.toEqual([]);
    expect(resourceErrors({ ...sample(), type: 'searchset' })).not.toEqual([]);
  });

  it('a resource with no meta.profile, or a profile not in profiles/', () => {
    expect(resourceErrors({ resourceType: 'Patient', id: 'x' })).toEqual(['Patient/x: no meta.profile']);
    expect(
      resourceErrors({
        resourceType: 'Patient',
        id: 'x',
        meta: { profile: ['https://example.org/nothing'] },
      })[0],
    ).toMatch(/not in the assets/);
  });

  it('query List: no entries and no emptyReason, an emptyReason that is not coded, a warning code not in the value set', () => {
    const list = queryLists(sample()).find((l) => l.title === 'List of consultations')!;
    expect(resourceErrors(list)).toEqual([]);
    expect(resourceErrors({ ...list, entry: undefined })).not.toEqual([]);
    const warning =
      'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1';
    expect(resourceErrors({ ...list, extension: [{ url: warning, valueCode: 'other' }] })).not.toEqual([]);
    const empty: List = {
      ...list,
      entry: undefined,
      emptyReason: { text: 'none' },
      note: [{ text: 'Information not available' }],
    };
    expect(resourceErrors(empty)).not.toEqual([]);
  });

  it('Encounter without participants', () => {
    const encounter = find(sample(), 'Encounter', 'c1') as { participant?: unknown[] };
    expect(resourceErrors({ ...encounter, participant: [] })).not.toEqual([]);
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
    const topic = b
      .entry!.map((e) => e.resource as List)
      .find((r) => r.resourceType === 'List' && r.id === 'c1-topic-1')!;
    topic.entry = [
      { item: { reference: 'Observation/missing' } },
      { item: { reference: '#nothing' } },
      { item: { reference: 'List/c1-consultation#x' } },
    ];
    expect(bundleIntegrityErrors(b)).toEqual([
      'List/c1-topic-1.entry[0].item: dangling Observation/missing',
      'List/c1-topic-1.entry[1].item: dangling #nothing',
      'List/c1-topic-1.entry[2].item: dangling List/c1-consultation#x',
    ]);
  });

  it('accepts display-only placeholders and #id of contained resources', () => {
    const b = clone(sample());
    const topic = b
      .entry!.map((e) => e.resource as List)
      .find((r) => r.resourceType === 'List' && r.id === 'c1-topic-1')!;
    topic.entry = [{ item: { display: 'Referral items have been disabled' } }];
    expect(bundleIntegrityErrors(b)).toEqual([]);
  });
});
