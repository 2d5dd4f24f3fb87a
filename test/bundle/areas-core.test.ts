/**
 * The four core area mappers through the engine: AllergyIntolerance (AllergyIntolerance page), medication
 * (MedicationStatement page; MedicationRequest page; Medication page), ProblemHeader Condition (ProblemHeader
 * (Condition) page), Encounter, structure Lists and comment notes (List page — consultation structure;
 * Encounter page; Observation pages).
 */
import type {
  AllergyIntolerance,
  Bundle,
  Condition,
  Encounter,
  Extension,
  List,
  MedicationRequest,
  MedicationStatement,
  Observation,
} from 'fhir/r3';

import type { MedicationPlan } from '../../src/record/model';
import { bundleErrors } from '../support/profiles';
import {
  allergy,
  area,
  build,
  consultation,
  entryRefs,
  find,
  GP,
  issue,
  NURSE,
  observation,
  plan,
  problem,
  query,
  record,
  resources,
  structureLists,
  T,
} from './fixtures';

const valid = (bundle: Bundle) => expect(bundleErrors(bundle)).toEqual([]);
const ext = (r: { extension?: Extension[] }, suffix: string) =>
  (r.extension ?? []).filter((e) => e.url.endsWith(suffix));
const sub = (e: Extension | undefined) => Object.fromEntries((e?.extension ?? []).map((s) => [s.url, s]));

describe('AllergyIntolerance (AllergyIntolerance page)', () => {
  const allergies = (...items: Parameters<typeof allergy>[]) =>
    build(
      record({ allergies: { active: area(items.map(([id, extra]) => allergy(id, extra))) } }),
      query({ allergies: { includeResolved: false } }),
    );

  it('fixed and mandatory elements', () => {
    const bundle = allergies([
      'a1',
      {
        type: 'allergy',
        onset: '2010',
        asserterId: NURSE.id,
        qualifiers: [{ name: 'Certainty', value: 'Certain' }],
        note: 'Seen in A&E',
      },
    ]);
    valid(bundle);
    const a = find<AllergyIntolerance>(bundle, 'AllergyIntolerance', 'a1');
    expect(a).toMatchObject({
      meta: {
        profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-AllergyIntolerance-1'],
      },
      identifier: [{ system: 'urn:gpconnect-structured:A12345:record-item', value: 'a1' }],
      clinicalStatus: 'active',
      verificationStatus: 'unconfirmed',
      type: 'allergy',
      category: ['medication'],
      code: { coding: [{ system: 'http://snomed.info/sct', code: '373270004', display: 'Penicillin' }] },
      patient: { reference: 'Patient/pat-1' },
      onsetDateTime: '2010',
      assertedDate: '2019-06-11T10:00:00+00:00',
      recorder: { reference: 'Practitioner/prac-gp' },
      asserter: { reference: 'Practitioner/prac-nurse' },
      note: [{ text: 'Certainty: Certain' }, { text: 'Seen in A&E' }],
    });
    expect(a).not.toHaveProperty('reaction');
    expect(a).not.toHaveProperty('criticality');
  });

  it('reaction: life-threatening → severe + criticality high; manifestation nullFlavors NI / UNC / ASKU', () => {
    const bundle = allergies(
      [
        'a1',
        {
          reaction: {
            manifestation: { code: '39579001', display: 'Anaphylaxis' },
            severity: 'life-threatening',
          },
        },
      ],
      ['a2', { reaction: { severity: 'mild' } }],
      ['a3', { reaction: { description: 'Went blotchy' } }],
      ['a4', { reaction: {} }],
    );
    valid(bundle);
    const a = (id: string) => find<AllergyIntolerance>(bundle, 'AllergyIntolerance', id);
    expect(a('a1').criticality).toBe('high');
    expect(a('a1').reaction).toEqual([
      {
        manifestation: [
          { coding: [{ system: 'http://snomed.info/sct', code: '39579001', display: 'Anaphylaxis' }] },
        ],
        severity: 'severe',
      },
    ]);
    const flavour = (id: string) => a(id).reaction?.[0].manifestation[0].coding?.[0].code;
    expect([flavour('a2'), flavour('a3'), flavour('a4')]).toEqual(['NI', 'UNC', 'ASKU']);
    expect(a('a3').reaction?.[0].description).toBe('Went blotchy');
  });

  it('"No known allergies" is an ordinary AllergyIntolerance in the active list (Allergies guidance)', () => {
    const bundle = allergies(['nka', { code: { code: '716186003', display: 'No known allergy' } }]);
    valid(bundle);
    expect(find<AllergyIntolerance>(bundle, 'AllergyIntolerance', 'nka').code?.coding?.[0].code).toBe(
      '716186003',
    );
  });

  it('environment category', () => {
    const bundle = allergies(['a1', { category: 'environment' }]);
    const a = find<AllergyIntolerance>(bundle, 'AllergyIntolerance', 'a1');
    expect(a.category).toEqual(['environment']);
  });
});

describe('medication (MedicationStatement page; MedicationRequest page; Medication page)', () => {
  const meds = (plans: MedicationPlan[], includePrescriptionIssues = true) =>
    build(record({ medication: area(plans) }), query({ medication: { includePrescriptionIssues } }));

  it('acute: statement + plan + Medication + one order; plan and order shapes', () => {
    const bundle = meds([
      plan('m1', {
        prescriptionType: 'acute',
        status: 'completed',
        issues: [
          issue('m1-i1', {
            eps: { prescriptionId: 'EPS-1', lineItemId: 'EPS-1-1' },
            dispenserId: 'org-hospital',
          }),
        ],
      }),
    ]);
    valid(bundle);
    const statement = find<MedicationStatement>(bundle, 'MedicationStatement', 'm1');
    expect(statement).toMatchObject({
      basedOn: [{ reference: 'MedicationRequest/m1' }],
      status: 'completed',
      medicationReference: { reference: 'Medication/m1' },
      effectivePeriod: { start: '2026-01-10', end: '2026-02-07' }, // last issue + 28 days supply
      taken: 'unk',
      dosage: [{ text: 'One tablet daily' }],
    });
    expect(statement).not.toHaveProperty('informationSource');
    const planRequest = find<MedicationRequest>(bundle, 'MedicationRequest', 'm1');
    expect(planRequest).toMatchObject({
      intent: 'plan',
      status: 'completed',
      authoredOn: '2026-01-10',
      recorder: { reference: 'Practitioner/prac-gp' },
    });
    expect(planRequest.dispenseRequest?.validityPeriod).toEqual(statement.effectivePeriod);
    expect(planRequest).not.toHaveProperty('basedOn');
    expect(ext(planRequest, 'MedicationRepeatInformation-1')).toEqual([]);
    const order = find<MedicationRequest>(bundle, 'MedicationRequest', 'm1-i1');
    expect(order).toMatchObject({
      intent: 'order',
      status: 'completed',
      basedOn: [{ reference: 'MedicationRequest/m1' }],
      groupIdentifier: { system: 'https://fhir.nhs.uk/Id/prescription-order-number', value: 'EPS-1' },
      dispenseRequest: {
        validityPeriod: { start: '2026-01-10', end: '2026-01-10' },
        quantity: { value: 28, unit: 'tablet' },
        expectedSupplyDuration: { value: 28, unit: 'day', system: 'http://unitsofmeasure.org', code: 'd' },
        performer: { reference: 'Organization/org-hospital' },
      },
    });
    expect(order.identifier?.[1]).toEqual({
      system: 'https://fhir.nhs.uk/Id/prescription-order-item-number',
      value: 'EPS-1-1',
    });
    expect(resources(bundle, 'Medication')).toHaveLength(1);
  });

  it('repeat: repeat information on the plan (issued count, allowed, expiry) and n orders; none with includePrescriptionIssues=false', () => {
    const repeat = plan('m1', {
      repeat: { allowed: 6, expiry: '2027-01-10' },
      issues: [issue('i1'), issue('i2', { date: '2026-02-07' })],
    });
    const bundle = meds([repeat, plan('m2', { issues: [] })]);
    valid(bundle);
    const info = (id: string) =>
      sub(ext(find<MedicationRequest>(bundle, 'MedicationRequest', id), 'MedicationRepeatInformation-1')[0]);
    expect(info('m1')).toEqual({
      numberOfRepeatPrescriptionsAllowed: { url: 'numberOfRepeatPrescriptionsAllowed', valueUnsignedInt: 6 },
      numberOfRepeatPrescriptionsIssued: { url: 'numberOfRepeatPrescriptionsIssued', valueUnsignedInt: 2 },
      authorisationExpiryDate: { url: 'authorisationExpiryDate', valueDateTime: '2027-01-10' },
    });
    expect(info('m2')).toEqual({
      numberOfRepeatPrescriptionsIssued: { url: 'numberOfRepeatPrescriptionsIssued', valueUnsignedInt: 0 },
    });
    expect(
      resources<MedicationRequest>(bundle, 'MedicationRequest')
        .filter((r) => r.intent === 'order')
        .map((r) => r.id),
    ).toEqual(['i1', 'i2']);
    const statement = find<MedicationStatement>(bundle, 'MedicationStatement', 'm1');
    expect(statement.effectivePeriod).toEqual({ start: '2026-01-10' }); // active: no end
    expect(ext(statement, 'LastIssueDate-1')).toEqual([
      {
        url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-MedicationStatementLastIssueDate-1',
        valueDateTime: '2026-02-07',
      },
    ]);

    const noIssues = meds([repeat], false);
    valid(noIssues);
    expect(resources<MedicationRequest>(noIssues, 'MedicationRequest').map((r) => r.intent)).toEqual([
      'plan',
    ]);
  });

  it('prescribing agency: at the practice by default; elsewhere with text and no last issue date', () => {
    const bundle = meds([
      plan('m1', { issues: [issue('i1')] }),
      plan('m2', {
        prescribedElsewhere: { agency: 'prescribed-by-another-organisation', detail: 'Hospital' },
        issues: [],
      }),
      plan('m3', { prescriptionType: 'repeat-dispensing', issues: [issue('i3')] }),
    ]);
    valid(bundle);
    const agency = (id: string) =>
      ext(find<MedicationStatement>(bundle, 'MedicationStatement', id), 'PrescribingAgency-1')[0]
        .valueCodeableConcept;
    expect(agency('m1')).toEqual({
      coding: [
        {
          system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-PrescribingAgency-1',
          code: 'prescribed-at-gp-practice',
          display: 'Prescribed at GP practice',
        },
      ],
    });
    expect(agency('m2')).toEqual({
      coding: [
        {
          system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-PrescribingAgency-1',
          code: 'prescribed-by-another-organisation',
          display: 'Prescribed by another organisation',
        },
      ],
      text: 'Hospital',
    });
    for (const id of ['m2', 'm3'])
      expect(ext(find<MedicationStatement>(bundle, 'MedicationStatement', id), 'LastIssueDate-1')).toEqual(
        [],
      );
  });

  it('stopped plan: statusReason with date and reason, effective end = the stop date; dosage change warning; notes', () => {
    const bundle = meds([
      plan('m1', {
        status: 'stopped',
        discontinued: { date: '2026-03-01', reason: 'Ankle swelling' },
        issues: [],
        dosageLastChanged: '2026-02-01',
        notes: { patient: 'Take in the morning', prescriber: 'Review BP' },
        quantity: { text: '28 tablet(s)' },
      }),
    ]);
    valid(bundle);
    const request = find<MedicationRequest>(bundle, 'MedicationRequest', 'm1');
    expect(sub(ext(request, 'MedicationStatusReason-1')[0])).toEqual({
      statusChangeDate: { url: 'statusChangeDate', valueDateTime: '2026-03-01' },
      statusReason: { url: 'statusReason', valueCodeableConcept: { text: 'Ankle swelling' } },
    });
    expect(request.dispenseRequest?.quantity).toEqual({
      extension: [
        {
          url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-MedicationQuantityText-1',
          valueString: '28 tablet(s)',
        },
      ],
    });
    const statement = find<MedicationStatement>(bundle, 'MedicationStatement', 'm1');
    expect(statement.status).toBe('stopped');
    expect(statement.effectivePeriod).toEqual({ start: '2026-01-10', end: '2026-03-01' });
    expect(statement.dosage?.[0].text).toBe(
      'One tablet daily WARNING – Dosage has changed during the effective period. The latest change was made on 01-Feb-2026',
    );
    expect(statement.note).toEqual([
      { text: 'Patient Notes: Take in the morning\nPrescriber Notes: Review BP' },
    ]);
  });

  it('no dosage recorded: "No information available"; priorPrescription only when the earlier plan is in the Bundle', () => {
    const bundle = meds([
      plan('m2', { dosage: undefined, priorPlanId: 'm1' }),
      plan('m3', { priorPlanId: 'not-here' }),
      plan('m1'),
    ]);
    valid(bundle);
    expect(find<MedicationStatement>(bundle, 'MedicationStatement', 'm2').dosage).toEqual([
      { text: 'No information available' },
    ]);
    expect(find<MedicationRequest>(bundle, 'MedicationRequest', 'm2').priorPrescription).toEqual({
      reference: 'MedicationRequest/m1',
    });
    expect(find<MedicationRequest>(bundle, 'MedicationRequest', 'm3')).not.toHaveProperty(
      'priorPrescription',
    );
  });

  it('a legacy plan without a type has no prescriptionType extension but repeat information', () => {
    const bundle = meds([plan('m1', { prescriptionType: undefined })]);
    valid(bundle);
    const request = find<MedicationRequest>(bundle, 'MedicationRequest', 'm1');
    expect(ext(request, 'PrescriptionType-1')).toEqual([]);
    expect(ext(request, 'MedicationRepeatInformation-1')).toHaveLength(1);
  });
});

describe('ProblemHeader Condition (ProblemHeader (Condition) page)', () => {
  it('significance, category, status, asserter, related problems (target first), related content and actual problem', () => {
    const bundle = build(
      record({
        problems: area([
          problem('p1', {
            significance: 'minor',
            onset: '2024-01',
            end: '2025-06-01',
            status: 'inactive',
            note: 'Resolved with treatment',
            actualProblem: { kind: 'observation', id: 'o1' },
            relatedProblems: [{ type: 'child', problemId: 'p2' }],
            linkedItems: [
              { kind: 'medicationPlan', id: 'm1' },
              { kind: 'consultation', id: 'c1' },
            ],
          }),
          problem('p2', { relatedProblems: [{ type: 'parent', problemId: 'p1' }] }),
        ]),
        linked: {
          uncategorisedData: [observation('o1')],
          medication: [plan('m1')],
          consultations: [consultation('c1')],
        },
      }),
      query({ problems: { filters: [] } }),
    );
    valid(bundle);
    const c = find<Condition>(bundle, 'Condition', 'p1');
    expect(c).toMatchObject({
      clinicalStatus: 'inactive',
      category: [
        {
          coding: [
            {
              system: 'https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-ConditionCategory-1',
              code: 'problem-list-item',
              display: 'Problem List Item',
            },
          ],
        },
      ],
      onsetDateTime: '2024-01',
      abatementDateTime: '2025-06-01',
      assertedDate: '2024-02-01T10:00:00+00:00',
      asserter: { reference: 'Practitioner/prac-gp' },
      note: [{ text: 'Resolved with treatment' }],
    });
    expect(c.extension).toEqual([
      {
        url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ProblemSignificance-1',
        valueCode: 'minor',
      },
      {
        url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ActualProblem-1',
        valueReference: { reference: 'Observation/o1' },
      },
      {
        url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedProblemHeader-1',
        extension: [
          { url: 'target', valueReference: { reference: 'Condition/p2' } },
          { url: 'type', valueCode: 'child' },
        ],
      },
      {
        url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedClinicalContent-1',
        valueReference: { reference: 'MedicationRequest/m1' },
      },
      {
        url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedClinicalContent-1',
        valueReference: { reference: 'Encounter/c1' },
      },
    ]);
    expect(c).not.toHaveProperty('severity');
    expect(c).not.toHaveProperty('verificationStatus');
  });

  it('an investigation promoted to a problem is linked through relatedClinicalContent, not actualProblem', () => {
    const bundle = build(
      record({
        problems: area([problem('p1', { actualProblem: { kind: 'investigation', id: 'dr1' } })]),
        linked: {
          investigations: [
            { id: 'dr1', recorded: T('2026-01-01'), recorderId: GP.id, issued: T('2026-01-01') },
          ],
        },
      }),
      query({ problems: { filters: [] } }),
    );
    valid(bundle);
    const c = find<Condition>(bundle, 'Condition', 'p1');
    expect(ext(c, 'ActualProblem-1')).toEqual([]);
    expect(ext(c, 'RelatedClinicalContent-1').map((e) => e.valueReference)).toEqual([
      { reference: 'DiagnosticReport/dr1' },
    ]);
  });

  it('a problem outside the primary list keeps only links to resources in the Bundle', () => {
    const bundle = build(
      record({
        allergies: { active: area([allergy('a1')]) },
        linked: {
          problems: [
            problem('p9', {
              linkedItems: [
                { kind: 'allergy', id: 'a1' },
                { kind: 'medicationPlan', id: 'm-not-here' },
              ],
              relatedProblems: [{ type: 'parent', problemId: 'p-not-here' }],
              consultationId: 'c-not-here',
            }),
          ],
        },
      }),
      query({ allergies: { includeResolved: false } }),
    );
    valid(bundle);
    const c = find<Condition>(bundle, 'Condition', 'p9');
    expect(c.extension?.map((e) => e.valueReference?.reference ?? e.valueCode)).toEqual([
      'major',
      'AllergyIntolerance/a1',
    ]);
    expect(c).not.toHaveProperty('context');
  });
});

describe('consultations (List page — consultation structure; Encounter page; Observation pages)', () => {
  const consultationBundle = () =>
    build(
      record({
        consultations: area([
          consultation('c1', {
            performerId: NURSE.id,
            participantIds: [GP.id],
            lastEdited: T('2026-03-01', '11:00:00'),
            topics: [
              {
                id: 'c1-t-bp',
                title: 'Hypertension review',
                problemIds: ['p1'],
                headings: [
                  {
                    title: 'History',
                    entries: [
                      { kind: 'observation', id: 'o1' },
                      { kind: 'note', id: 'n1', text: 'Well, no headaches' },
                    ],
                  },
                  { title: 'Examination', entries: [{ kind: 'observation', id: 'not-here' }] },
                  { title: 'Plan', entries: [{ kind: 'medicationPlan', id: 'm1' }] },
                ],
              },
              { entries: [{ kind: 'note', id: 'n2', text: 'Flu jab offered', confidential: true }] },
              { title: 'Admin', entries: [{ kind: 'observation', id: 'o2' }] },
            ],
          }),
          consultation('c2', {
            draft: true,
            period: undefined,
            topics: [{ entries: [{ kind: 'observation', id: 'o2' }] }],
          }),
        ]),
        linked: {
          uncategorisedData: [observation('o1'), observation('o2')],
          medication: [plan('m1')],
          problems: [problem('p1')],
        },
      }),
      query({ consultations: {} }),
    );

  it('Encounter: REC participant, PPRF and PART, period and length, location, service provider; drafts have status unknown', () => {
    const bundle = consultationBundle();
    valid(bundle);
    const e = find<Encounter>(bundle, 'Encounter', 'c1');
    expect(e).toMatchObject({
      status: 'finished',
      type: [
        { coding: [{ system: 'http://snomed.info/sct', code: '185317003', display: 'Telephone encounter' }] },
      ],
      period: { start: '2026-03-01T09:10:00+00:00', end: '2026-03-01T09:25:00+00:00' },
      length: { value: 15, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
      serviceProvider: { reference: 'Organization/org-practice' },
    });
    expect(e.participant?.map((p) => [p.type?.[0].coding?.[0].code, p.individual?.reference])).toEqual([
      ['REC', 'Practitioner/prac-gp'],
      ['PPRF', 'Practitioner/prac-nurse'],
      ['PART', 'Practitioner/prac-gp'],
    ]);
    expect(e.participant?.[0].type?.[0].coding?.[0].system).toBe(
      'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-ParticipantType-1',
    );
    const draft = find<Encounter>(bundle, 'Encounter', 'c2');
    expect(draft.status).toBe('unknown');
    expect(draft).not.toHaveProperty('period');
  });

  it('structure: Consultation → Topic → Heading with ids, codes, encounter, date and orderedBy; empty parts suppressed; notes first', () => {
    const bundle = consultationBundle();
    const lists = structureLists(bundle).filter((l) => l.encounter?.reference === 'Encounter/c1');
    expect(lists.map((l) => [l.id, l.code?.coding?.[0].code, l.title])).toEqual([
      ['c1-consultation', '325851000000107', 'Telephone encounter'],
      ['c1-t-bp', '25851000000105', 'Hypertension review'],
      ['c1-t-bp-heading-1', '24781000000107', 'History'],
      ['c1-t-bp-heading-3', '24781000000107', 'Plan'],
      ['c1-topic-3', '25851000000105', 'Admin'],
    ]);
    expect(entryRefs(lists[0])).toEqual(['List/c1-t-bp', 'List/c1-topic-3']);
    expect(entryRefs(lists[1])).toEqual(['List/c1-t-bp-heading-1', 'List/c1-t-bp-heading-3']);
    expect(entryRefs(lists[2])).toEqual(['Observation/n1', 'Observation/o1']);
    expect(entryRefs(lists[3])).toEqual(['MedicationRequest/m1']);
    expect(entryRefs(lists[4])).toEqual(['Observation/o2']);
    for (const l of lists) {
      expect(l).toMatchObject({
        status: 'current',
        mode: 'snapshot',
        subject: { reference: 'Patient/pat-1' },
        encounter: { reference: 'Encounter/c1' },
        date: '2026-03-01T11:00:00+00:00',
        orderedBy: {
          coding: [{ system: 'http://hl7.org/fhir/list-order', code: 'system', display: 'Sorted by System' }],
        },
      });
      expect(l).not.toHaveProperty('note');
      expect(l).not.toHaveProperty('emptyReason');
    }
    expect(lists[1].extension).toEqual([
      {
        url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedProblemHeader-1',
        extension: [
          { url: 'target', valueReference: { reference: 'Condition/p1' } },
          { url: 'type', valueCode: 'sibling' },
        ],
      },
    ]);
    // The confidential note is withheld, so its topic is empty and suppressed.
    expect(resources(bundle, 'Observation').map((o) => o.id)).not.toContain('n2');
  });

  it('a free-text note is a Comment note Observation (37331000000100, final, comment, performer, issued), not uncategorised data', () => {
    const bundle = consultationBundle();
    const note = find<Observation>(bundle, 'Observation', 'n1');
    expect(note).toMatchObject({
      status: 'final',
      code: {
        coding: [{ system: 'http://snomed.info/sct', code: '37331000000100', display: 'Comment note' }],
      },
      context: { reference: 'Encounter/c1' },
      issued: '2026-03-01T11:00:00+00:00',
      performer: [{ reference: 'Practitioner/prac-nurse' }],
      comment: 'Well, no headaches',
    });
    expect(entryRefs(find<List>(bundle, 'List', 'c1-consultation'))).toHaveLength(2);
    const uncategorised = (bundle.entry ?? [])
      .map((e) => e.resource as List)
      .find(
        (l) =>
          l.resourceType === 'List' &&
          l.title === 'Consultations - uncategorised data contained in consultations',
      )!;
    expect(entryRefs(uncategorised)).toEqual(['Observation/o1', 'Observation/o2']);
  });

  it('a completed diary entry referenced in a consultation becomes a text-only comment note', () => {
    const bundle = build(
      record({
        consultations: area([
          consultation('c1', { topics: [{ entries: [{ kind: 'diaryEntry', id: 'd1' }] }] }),
        ]),
        linked: {
          diaryEntries: [
            {
              id: 'd1',
              recorded: T('2025-01-01'),
              recorderId: GP.id,
              code: { text: 'Blood test' },
              planned: '2025-02-01',
              status: 'completed',
            },
          ],
        },
      }),
      query({ consultations: {} }),
    );
    valid(bundle);
    const note = find<Observation>(bundle, 'Observation', 'd1');
    expect(note.code.coding?.[0].code).toBe('37331000000100');
    expect(note.comment).toContain('Blood test');
    expect(resources(bundle, 'ProcedureRequest')).toEqual([]);
  });
});
