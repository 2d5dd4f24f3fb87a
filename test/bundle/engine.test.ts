/**
 * The bundle engine as a whole (Retrieve a patient’s structured record — Payload response body): envelope,
 * key actors, ordering (Retrieve a patient’s structured record — Bundle population illustrated), dedup
 * (Retrieve a patient’s structured record — Payload response body), supplementary actors and PractitionerRole
 * (Retrieve a patient’s structured record — Payload response body), disabled areas (Configuration for
 * supported clinical areas), determinism.
 */
import type { Bundle, Encounter, List, MedicationStatement } from 'fhir/r3';

import { bundleErrors } from '../support/profiles';
import {
  allergy,
  area,
  build,
  consultation,
  find,
  GP,
  issue,
  keys,
  LOCUM,
  NURSE,
  observation,
  outcome,
  PATIENT,
  plan,
  problem,
  query,
  record,
  referral,
  resources,
  structureLists,
  T,
  TRACE_ID,
} from './fixtures';

const valid = (bundle: Bundle) => expect(bundleErrors(bundle)).toEqual([]);

describe('envelope and key actors (Bundle page; Retrieve a patient’s structured record — Payload response body)', () => {
  it('with no area requested: the four key actors only, id = trace id, collection, no fullUrl', () => {
    const bundle = build(record(), query());
    valid(bundle);
    expect(bundle.id).toBe(TRACE_ID);
    expect(bundle.meta).toEqual({
      profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1'],
    });
    expect(bundle.type).toBe('collection');
    expect(keys(bundle)).toEqual([
      'Patient/pat-1',
      'Organization/org-practice',
      'Practitioner/prac-gp',
      'PractitionerRole/role-gp',
    ]);
    for (const entry of bundle.entry ?? []) expect(Object.keys(entry)).toEqual(['resource']);
    expect(outcome(bundle)).toBeUndefined();
  });

  it('Patient, Organization, Practitioner and Location carry meta.versionId; Lists and clinical resources do not', () => {
    const bundle = build(
      record({
        consultations: area([
          consultation('c1', { topics: [{ entries: [{ kind: 'note', id: 'n1', text: 'Seen' }] }] }),
        ]),
      }),
      query({ consultations: {} }),
    );
    valid(bundle);
    for (const entry of bundle.entry ?? []) {
      const r = entry.resource!;
      const versioned = ['Patient', 'Organization', 'Practitioner', 'Location'].includes(r.resourceType);
      expect({ key: `${r.resourceType}/${r.id}`, versioned: r.meta?.versionId !== undefined }).toEqual({
        key: `${r.resourceType}/${r.id}`,
        versioned,
      });
      expect(r.meta?.profile).toHaveLength(1);
    }
    expect(find(bundle, 'Location', 'loc-main').meta?.versionId).toBe('4');
  });

  it('a patient with no usual GP has no key Practitioner or PractitionerRole', () => {
    const bundle = build(record({ patient: { ...PATIENT, usualGpId: undefined } }), query());
    valid(bundle);
    expect(keys(bundle)).toEqual(['Patient/pat-1', 'Organization/org-practice']);
  });
});

describe('supplementary actors (Retrieve a patient’s structured record — Payload response body)', () => {
  it('every practitioner, organisation and location a resource references is included, once', () => {
    const bundle = build(
      record({
        uncategorisedData: area([observation('o1'), observation('o2')]),
        medication: area([
          plan('m1', {
            onBehalfOfOrganisationId: 'org-hospital',
            issues: [issue('m1-i1', { recorderId: NURSE.id })],
          }),
        ]),
      }),
      query({ uncategorisedData: {}, medication: { includePrescriptionIssues: true } }),
    );
    valid(bundle);
    expect(resources(bundle, 'Practitioner').map((p) => p.id)).toEqual(['prac-gp', 'prac-nurse']);
    expect(resources(bundle, 'Organization').map((p) => p.id)).toEqual(['org-practice', 'org-hospital']);
    expect(resources(bundle, 'PractitionerRole').map((p) => p.id)).toEqual(['role-gp', 'role-nurse']);
  });

  it('a practitioner with more than one role gets no PractitionerRole at all', () => {
    const bundle = build(
      record({ uncategorisedData: area([observation('o1', { recorderId: LOCUM.id })]) }),
      query({ uncategorisedData: {} }),
    );
    valid(bundle);
    expect(resources(bundle, 'Practitioner').map((p) => p.id)).toContain(LOCUM.id);
    expect(resources(bundle, 'PractitionerRole').map((r) => r.id)).toEqual(['role-gp']);
  });

  it("a consultation's Location and its managing organisation come in", () => {
    const bundle = build(
      record({
        consultations: area([
          consultation('c1', { topics: [{ entries: [{ kind: 'note', id: 'n1', text: 'Seen' }] }] }),
        ]),
      }),
      query({ consultations: {} }),
    );
    valid(bundle);
    expect(find<Encounter>(bundle, 'Encounter', 'c1').location).toEqual([
      { location: { reference: 'Location/loc-main' } },
    ]);
  });
});

describe('ordering (Retrieve a patient’s structured record — Bundle population illustrated) and determinism', () => {
  const everything = () =>
    record({
      allergies: { active: area([allergy('a1')]) },
      medication: area([plan('m1')]),
      problems: area([problem('p1')]),
      consultations: area([
        consultation('c1', { topics: [{ entries: [{ kind: 'observation', id: 'o1' }] }] }),
      ]),
      uncategorisedData: area([observation('o1', { consultationId: 'c1' })]),
      referrals: area([referral('r1')]),
    });
  const everythingQuery = () =>
    query({
      allergies: { includeResolved: false },
      medication: { includePrescriptionIssues: true },
      problems: { filters: [] },
      consultations: {},
      uncategorisedData: {},
      referrals: {},
      warnings: [{ text: 'includeFoo is an unrecognised parameter', diagnostics: 'includeFoo' }],
    });

  it('key actors, consultations, problems, uncategorised, allergies, medication, actors, warnings, referrals; Lists first in each area', () => {
    const bundle = build(everything(), everythingQuery());
    valid(bundle);
    const order = (bundle.entry ?? []).map((e) => {
      const r = e.resource!;
      return r.resourceType === 'List' ? `List:${(r as List).title}` : r.resourceType;
    });
    const at = (label: string) => order.indexOf(label);
    expect(order.slice(0, 4)).toEqual(['Patient', 'Organization', 'Practitioner', 'PractitionerRole']);
    const sequence = [
      'List:List of consultations',
      'Encounter',
      'List:Problems',
      'Condition',
      'List:Uncategorised data',
      'List:Allergies and adverse reactions',
      'AllergyIntolerance',
      'List:Medications and medical devices',
      'MedicationStatement',
      'OperationOutcome',
      'List:Outbound referral',
      'ReferralRequest',
    ];
    const positions = sequence.map(at);
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(at('Location')).toBeGreaterThan(at('MedicationStatement'));
    expect(at('Location')).toBeLessThan(at('OperationOutcome'));
  });

  it('the same input gives the same Bundle', () => {
    expect(build(everything(), everythingQuery())).toEqual(build(everything(), everythingQuery()));
  });
});

describe('deduplication (Retrieve a patient’s structured record — Payload response body)', () => {
  it('a medication both in the medication search and inside a consultation and linked from a problem is one resource', () => {
    const bundle = build(
      record({
        medication: area([plan('m1')]),
        problems: area([
          problem('p1', { linkedItems: [{ kind: 'medicationPlan', id: 'm1' }] }),
          problem('p2', { linkedItems: [{ kind: 'medicationPlan', id: 'm1' }] }),
        ]),
        consultations: area([
          consultation('c1', { topics: [{ entries: [{ kind: 'medicationPlan', id: 'm1' }] }] }),
        ]),
      }),
      query({
        medication: { includePrescriptionIssues: true },
        problems: { filters: [] },
        consultations: {},
      }),
    );
    valid(bundle);
    expect(resources<MedicationStatement>(bundle, 'MedicationStatement')).toHaveLength(1);
    expect(resources(bundle, 'MedicationRequest')).toHaveLength(1);
    expect(resources(bundle, 'Medication')).toHaveLength(1);
    const ids = keys(bundle).filter((k) => !k.endsWith('/'));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('switched-off areas (Configuration for supported clinical areas)', () => {
  it('a consultation link into a disabled area becomes a display-only entry and one warning per area', () => {
    const bundle = build(
      record({
        consultations: area([
          consultation('c1', {
            topics: [
              {
                entries: [
                  { kind: 'referral', id: 'r1' },
                  { kind: 'referral', id: 'r2' },
                  { kind: 'observation', id: 'o1' },
                ],
              },
            ],
          }),
        ]),
        linked: { uncategorisedData: [observation('o1', { consultationId: 'c1' })] },
      }),
      query({ consultations: {} }, ['referrals']),
    );
    valid(bundle);
    const topic = structureLists(bundle).find((l) => l.code?.coding?.[0].code === '25851000000105')!;
    expect(topic.entry?.map((e) => e.item)).toEqual([
      { display: 'Referral items have been disabled' },
      { display: 'Referral items have been disabled' },
      { reference: 'Observation/o1' },
    ]);
    expect(outcome(bundle)?.issue.map((i) => [i.details?.text, i.diagnostics])).toEqual([
      ['includeReferrals has been disabled', 'includeReferrals'],
    ]);
  });

  it('no second warning when the disabled area was also requested (already among the query warnings)', () => {
    const bundle = build(
      record({ problems: area([problem('p1', { linkedItems: [{ kind: 'referral', id: 'r1' }] })]) }),
      query(
        {
          problems: { filters: [] },
          warnings: [{ text: 'includeReferrals has been disabled', diagnostics: 'includeReferrals' }],
        },
        ['referrals'],
      ),
    );
    valid(bundle);
    expect(outcome(bundle)?.issue).toHaveLength(1);
    const condition = find(bundle, 'Condition', 'p1') as {
      extension?: { url: string; valueReference?: unknown }[];
    };
    expect(
      condition.extension
        ?.filter((e) => e.url.endsWith('RelatedClinicalContent-1'))
        .map((e) => e.valueReference),
    ).toEqual([{ display: 'Referral items have been disabled' }]);
  });

  it('a link to an item that is not in the Bundle (withheld or out of scope) is left out, not dangling', () => {
    const bundle = build(
      record({ problems: area([problem('p1', { linkedItems: [{ kind: 'observation', id: 'gone' }] })]) }),
      query({ problems: { filters: [] } }),
    );
    valid(bundle);
    expect((find(bundle, 'Condition', 'p1') as { extension?: unknown[] }).extension).toHaveLength(1); // significance only
    expect(outcome(bundle)).toBeUndefined();
  });
});

describe('encounter references', () => {
  it('an item recorded in a consultation that is not in the Bundle has no context/encounter link', () => {
    const bundle = build(
      record({
        allergies: { active: area([allergy('a1', { consultationId: 'c-elsewhere' })]) },
        medication: area([
          plan('m1', {
            consultationId: 'c-elsewhere',
            issues: [issue('m1-i1', { consultationId: 'c-elsewhere' })],
          }),
        ]),
      }),
      query({ allergies: { includeResolved: false }, medication: { includePrescriptionIssues: true } }),
    );
    valid(bundle);
    expect(find(bundle, 'AllergyIntolerance', 'a1')).not.toHaveProperty('extension');
    for (const r of [...resources(bundle, 'MedicationStatement'), ...resources(bundle, 'MedicationRequest')])
      expect(r).not.toHaveProperty('context');
  });

  it('an item recorded in a returned consultation points at its Encounter', () => {
    const bundle = build(
      record({
        consultations: area([
          consultation('c1', { topics: [{ entries: [{ kind: 'medicationPlan', id: 'm1' }] }] }),
        ]),
        linked: { medication: [plan('m1', { consultationId: 'c1' })] },
      }),
      query({ consultations: {} }),
    );
    valid(bundle);
    expect(find<MedicationStatement>(bundle, 'MedicationStatement', 'm1').context).toEqual({
      reference: 'Encounter/c1',
    });
  });
});

it('recorded timestamps pass through unchanged', () => {
  const bundle = build(
    record({ allergies: { active: area([allergy('a1', { recorded: T('2020-02-02', '08:00:00') })]) } }),
    query({ allergies: { includeResolved: false } }),
  );
  expect((find(bundle, 'AllergyIntolerance', 'a1') as { assertedDate?: string }).assertedDate).toBe(
    '2020-02-02T08:00:00+00:00',
  );
  expect(GP.id).toBe('prac-gp');
});
