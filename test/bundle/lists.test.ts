/**
 * List rules (List page): primary lists per requested area, the "Ended allergies" List with
 * contained resources, the one linked-problems List, consultations-* and problems-* secondary Lists,
 * warning codes and notes, empty lists.
 */
import type { AllergyIntolerance, Bundle } from 'fhir/r3';

import { bundleErrors } from '../support/profiles';
import {
  allergy,
  area,
  build,
  consultation,
  entryRefs,
  issue,
  listTitled,
  observation,
  PATIENT,
  plan,
  problem,
  query,
  queryLists,
  record,
  resources,
  structureLists,
  titles,
  warningCodes,
} from './fixtures';

const valid = (bundle: Bundle) => expect(bundleErrors(bundle)).toEqual([]);
const EMPTY_REASON = {
  coding: [
    {
      system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-ListEmptyReasonCode-1',
      code: 'no-content-recorded',
      display: 'No Content Recorded',
    },
  ],
};
const CONFIDENTIAL = 'Items excluded due to confidentiality and/or patient preferences.';
const LINKED = 'Problems - linked problems not relating to the primary query';

describe('primary lists (List page)', () => {
  it('one List per requested area, even when empty, with exact title and SNOMED code, no id', () => {
    const bundle = build(
      record(),
      query({
        allergies: { includeResolved: true },
        medication: { includePrescriptionIssues: true },
        consultations: {},
        problems: { filters: [] },
        immunisations: { includeNotGiven: false, includeStatus: true },
        uncategorisedData: {},
        investigations: {},
        referrals: {},
        diaryEntries: {},
      }),
    );
    valid(bundle);
    expect(queryLists(bundle).map((l) => [l.title, l.code?.coding?.[0].code])).toEqual([
      ['List of consultations', '1149501000000101'],
      ['Problems', '717711000000103'],
      ['Immunisations', '1102181000000102'],
      ['Uncategorised data', '826501000000100'],
      ['Allergies and adverse reactions', '886921000000105'],
      ['Ended allergies', '1103671000000101'],
      ['Medications and medical devices', '933361000000108'],
      ['Investigations and results', '887191000000108'],
      ['Outbound referral', '792931000000107'],
      ['Patient recall administration', '714311000000108'],
    ]);
    for (const list of queryLists(bundle)) {
      expect(list.id).toBeUndefined();
      expect(list.meta).toEqual({
        profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-List-1'],
      });
      expect([list.status, list.mode, list.subject, list.date]).toEqual([
        'current',
        'snapshot',
        { reference: 'Patient/pat-1' },
        '2026-11-21T12:00:00Z',
      ]);
      expect(list.entry).toBeUndefined();
      expect(list.emptyReason).toEqual(EMPTY_REASON);
      expect(list.note).toEqual([{ text: 'Information not available' }]);
      expect(warningCodes(list)).toEqual([]);
    }
    expect(listTitled(bundle, 'Uncategorised data').code?.coding?.[0].display).toBe('Miscellaneous record');
  });

  it('allergies without resolved: only "Allergies and adverse reactions", referencing the active allergies', () => {
    const bundle = build(
      record({ allergies: { active: area([allergy('a1'), allergy('a2')]) } }),
      query({ allergies: { includeResolved: false } }),
    );
    valid(bundle);
    expect(titles(bundle)).toEqual(['Allergies and adverse reactions']);
    const list = listTitled(bundle, 'Allergies and adverse reactions');
    expect(entryRefs(list)).toEqual(['AllergyIntolerance/a1', 'AllergyIntolerance/a2']);
    expect(list.emptyReason).toBeUndefined();
    expect(list.note).toBeUndefined();
  });
});

describe('"Ended allergies" (Allergies guidance — ended allergies; docs/decisions.md)', () => {
  const ended = (id: string, reason?: string) =>
    allergy(id, { ended: { date: '2021-05-01', ...(reason && { reason }) } });

  it('resolved allergies are contained and referenced as #id; never top-level; the List has no id', () => {
    const bundle = build(
      record({
        allergies: { active: area([allergy('a1')]), resolved: area([ended('a2', 'Outgrown'), ended('a3')]) },
      }),
      query({ allergies: { includeResolved: true } }),
    );
    valid(bundle);
    expect(titles(bundle)).toEqual(['Allergies and adverse reactions', 'Ended allergies']);
    const list = listTitled(bundle, 'Ended allergies');
    expect(list.id).toBeUndefined();
    expect(entryRefs(list)).toEqual(['#a2', '#a3']);
    const contained = list.contained as AllergyIntolerance[];
    expect(contained.map((a) => [a.id, a.clinicalStatus])).toEqual([
      ['a2', 'resolved'],
      ['a3', 'resolved'],
    ]);
    const endExt = (a: AllergyIntolerance) =>
      a.extension?.find((e) => e.url.endsWith('AllergyIntoleranceEnd-1'))?.extension;
    expect(endExt(contained[0])).toEqual([
      { url: 'endDate', valueDateTime: '2021-05-01' },
      { url: 'reasonEnded', valueString: 'Outgrown' },
    ]);
    expect(endExt(contained[1])?.[1]).toEqual({
      url: 'reasonEnded',
      valueString: 'No information available',
    });
    expect(resources(bundle, 'AllergyIntolerance').map((a) => a.id)).toEqual(['a1']);
  });

  it('with no resolved allergies and includeResolvedAllergies: an empty "Ended allergies" List', () => {
    const bundle = build(
      record({ allergies: { active: area([]), resolved: area([]) } }),
      query({ allergies: { includeResolved: true } }),
    );
    valid(bundle);
    expect(queryLists(bundle)).toHaveLength(2);
    for (const list of queryLists(bundle)) {
      expect(list.emptyReason).toEqual(EMPTY_REASON);
      expect(list.note).toEqual([{ text: 'Information not available' }]);
    }
  });

  it('referenced from a problem: the List gets an id and outside references are List/<id>#<allergy>', () => {
    const bundle = build(
      record({
        problems: area([
          problem('p1', {
            linkedItems: [
              { kind: 'allergy', id: 'a2' },
              { kind: 'allergy', id: 'a1' },
            ],
          }),
        ]),
        linked: { allergies: [allergy('a1'), ended('a2')] },
      }),
      query({ problems: { filters: [] } }),
    );
    valid(bundle);
    const list = listTitled(bundle, 'Ended allergies');
    expect(list.id).toBe('pat-1-ended-allergies');
    expect(entryRefs(list)).toEqual(['#a2']);
    expect(
      entryRefs(listTitled(bundle, 'Problems - allergies that have been ended related to problems')),
    ).toEqual(['List/pat-1-ended-allergies#a2']);
    expect(entryRefs(listTitled(bundle, 'Problems - allergies related to problems'))).toEqual([
      'AllergyIntolerance/a1',
    ]);
    // The primary allergy list is not there: allergies were not requested.
    expect(titles(bundle)).not.toContain('Allergies and adverse reactions');
  });

  it('brought in by a consultation although allergies were not requested (Allergies guidance — ended allergies)', () => {
    const bundle = build(
      record({
        consultations: area([consultation('c1', { topics: [{ entries: [{ kind: 'allergy', id: 'a2' }] }] })]),
        linked: { allergies: [ended('a2')] },
      }),
      query({ consultations: {} }),
    );
    valid(bundle);
    expect(titles(bundle)).toEqual([
      'List of consultations',
      'Consultations - allergies that have been ended contained in consultations',
      'Ended allergies',
    ]);
    const topic = structureLists(bundle).find((l) => l.code?.coding?.[0].code === '25851000000105')!;
    expect(entryRefs(topic)).toEqual(['List/pat-1-ended-allergies#a2']);
  });
});

describe('the linked-problems List (List page)', () => {
  it('absent when nothing is linked; one List with every linked Condition when there is', () => {
    const without = build(
      record({ allergies: { active: area([allergy('a1')]) } }),
      query({ allergies: { includeResolved: false } }),
    );
    expect(titles(without)).toEqual(['Allergies and adverse reactions']);

    const bundle = build(
      record({
        allergies: { active: area([allergy('a1')]) },
        medication: area([plan('m1')]),
        linked: {
          problems: [
            problem('p1', { linkedItems: [{ kind: 'allergy', id: 'a1' }] }),
            problem('p2', { linkedItems: [{ kind: 'medicationPlan', id: 'm1' }] }),
          ],
        },
      }),
      query({ allergies: { includeResolved: false }, medication: { includePrescriptionIssues: true } }),
    );
    valid(bundle);
    expect(titles(bundle)).toEqual([
      LINKED,
      'Allergies and adverse reactions',
      'Medications and medical devices',
    ]);
    const list = listTitled(bundle, LINKED);
    expect(list.code?.coding).toEqual([
      {
        system: 'https://fhir.hl7.org.uk/STU3/CodeSystem/GPConnect-SecondaryListValues-1',
        code: 'problems-linked-problems-not-relating-to-the-primary-query',
        display: LINKED,
      },
    ]);
    expect(entryRefs(list)).toEqual(['Condition/p1', 'Condition/p2']);
  });

  it('for a problem query: related problems outside the filter, never the primary ones', () => {
    const bundle = build(
      record({
        problems: area([problem('p1', { relatedProblems: [{ type: 'child', problemId: 'p2' }] })]),
        linked: {
          problems: [
            problem('p2', { status: 'inactive', relatedProblems: [{ type: 'parent', problemId: 'p1' }] }),
          ],
        },
      }),
      query({ problems: { filters: [{ status: 'active' }] } }),
    );
    valid(bundle);
    expect(entryRefs(listTitled(bundle, 'Problems'))).toEqual(['Condition/p1']);
    expect(entryRefs(listTitled(bundle, LINKED))).toEqual(['Condition/p2']);
  });

  it('a withheld confidential linked problem: the List is there, empty, with the warning', () => {
    const bundle = build(
      record({ allergies: { active: area([allergy('a1')]) }, withheldLinks: [{ via: 'linkedProblem' }] }),
      query({ allergies: { includeResolved: false } }),
    );
    valid(bundle);
    const list = listTitled(bundle, LINKED);
    expect(warningCodes(list)).toEqual(['confidential-items']);
    expect(list.note).toEqual([{ text: `${CONFIDENTIAL} Information not available` }]);
  });
});

describe('secondary lists (List page)', () => {
  const consultationRecord = () =>
    record({
      consultations: area([
        consultation('c1', {
          topics: [
            {
              problemIds: ['p1'],
              headings: [
                {
                  title: 'Plan',
                  entries: [
                    { kind: 'medicationIssue', id: 'm1-i1' },
                    { kind: 'observation', id: 'o1' },
                  ],
                },
              ],
            },
          ],
        }),
      ]),
      linked: {
        medication: [plan('m1', { issues: [issue('m1-i1'), issue('m1-i2')] })],
        uncategorisedData: [observation('o1')],
        problems: [problem('p1')],
      },
    });

  it('consultations-*: one per kind with content, medication entries point at the MedicationRequest', () => {
    const bundle = build(consultationRecord(), query({ consultations: {} }));
    valid(bundle);
    expect(titles(bundle)).toEqual([
      'List of consultations',
      'Consultations - medications contained in consultations',
      'Consultations - problems contained in consultations',
      'Consultations - uncategorised data contained in consultations',
      LINKED,
    ]);
    expect(entryRefs(listTitled(bundle, 'Consultations - medications contained in consultations'))).toEqual([
      'MedicationRequest/m1-i1',
    ]);
    // Only the issue referenced in the consultation comes in (Linkages — FHIR profiles returned on query),
    // with its plan, statement and Medication.
    expect(
      resources(bundle, 'MedicationRequest')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['m1', 'm1-i1']);
    expect(resources(bundle, 'MedicationStatement').map((r) => r.id)).toEqual(['m1']);
    for (const list of queryLists(bundle)) expect(list.code?.coding?.[0].display).toBe(list.title);
  });

  it('a secondary list that lost an item carries the warning even with no entries; none without content or warning', () => {
    const bundle = build(
      record({
        consultations: area([
          consultation('c1', { topics: [{ entries: [{ kind: 'observation', id: 'o1' }] }] }),
        ]),
        linked: { uncategorisedData: [observation('o1')] },
        withheldLinks: [{ via: 'consultation', kind: 'medicationPlan' }],
      }),
      query({ consultations: {} }),
    );
    valid(bundle);
    const meds = listTitled(bundle, 'Consultations - medications contained in consultations');
    expect(meds.entry).toBeUndefined();
    expect(meds.emptyReason).toBeDefined();
    expect(warningCodes(meds)).toEqual(['confidential-items']);
    expect(
      warningCodes(listTitled(bundle, 'Consultations - uncategorised data contained in consultations')),
    ).toEqual([]);
    expect(titles(bundle)).not.toContain('Consultations - allergies contained in consultations');
  });

  it('no consultations-* or problems-* lists unless consultations / problems were requested directly', () => {
    const bundle = build(
      record({
        medication: area([plan('m1')]),
        linked: { problems: [problem('p1', { linkedItems: [{ kind: 'medicationPlan', id: 'm1' }] })] },
      }),
      query({ medication: { includePrescriptionIssues: true } }),
    );
    valid(bundle);
    expect(titles(bundle)).toEqual([LINKED, 'Medications and medical devices']);
  });

  it('problems-*: items linked directly, through actualProblem, through a linked topic, and the consultations involved', () => {
    const bundle = build(
      record({
        problems: area([
          problem('p1', {
            actualProblem: { kind: 'observation', id: 'o1' },
            linkedItems: [{ kind: 'medicationPlan', id: 'm1' }],
          }),
        ]),
        linked: {
          consultations: [
            consultation('c1', {
              topics: [{ problemIds: ['p1'], entries: [{ kind: 'observation', id: 'o2' }] }],
            }),
            consultation('c2'),
          ],
          uncategorisedData: [
            observation('o1', { consultationId: 'c2' }),
            observation('o2', { consultationId: 'c1' }),
          ],
          medication: [plan('m1')],
        },
      }),
      query({ problems: { filters: [] } }),
    );
    valid(bundle);
    expect(titles(bundle)).toEqual([
      'Problems',
      'Problems - consultations related to problems',
      'Problems - medications related to problems',
      'Problems - uncategorised data related to problems',
    ]);
    expect(entryRefs(listTitled(bundle, 'Problems - uncategorised data related to problems'))).toEqual([
      'Observation/o2',
      'Observation/o1',
    ]);
    expect(entryRefs(listTitled(bundle, 'Problems - consultations related to problems'))).toEqual([
      'Encounter/c1',
      'Encounter/c2',
    ]);
    // Linked consultations bring their Encounter only, never their structure Lists (Problems guidance).
    expect(structureLists(bundle)).toEqual([]);
  });

  it('confidential-items goes on every list the withheld item would have been in', () => {
    const bundle = build(
      record({
        medication: area([plan('m1')], true),
        problems: area([problem('p1')]),
        withheldLinks: [{ via: 'problem', kind: 'medicationPlan' }],
      }),
      query({ medication: { includePrescriptionIssues: true }, problems: { filters: [] } }),
    );
    valid(bundle);
    expect(warningCodes(listTitled(bundle, 'Medications and medical devices'))).toEqual([
      'confidential-items',
    ]);
    expect(warningCodes(listTitled(bundle, 'Problems - medications related to problems'))).toEqual([
      'confidential-items',
    ]);
    expect(warningCodes(listTitled(bundle, 'Problems'))).toEqual([]);
  });
});

describe('warnings (List page — warning codes) and empty lists (List page — empty lists)', () => {
  it('every match confidential: empty list, emptyReason, warning, and one note joining both texts', () => {
    const bundle = build(
      record({ allergies: { active: area([], true) } }),
      query({ allergies: { includeResolved: false } }),
    );
    valid(bundle);
    const list = listTitled(bundle, 'Allergies and adverse reactions');
    expect(list.emptyReason).toEqual(EMPTY_REASON);
    expect(list.extension).toEqual([
      expect.objectContaining({
        url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ClinicalSetting-1',
      }),
      {
        url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1',
        valueCode: 'confidential-items',
      },
    ]);
    expect(list.note).toEqual([{ text: `${CONFIDENTIAL} Information not available` }]);
  });

  it('data-in-transit (with the registration date) and data-awaiting-filing on every query list, never on structure lists', () => {
    const patient = {
      ...PATIENT,
      recordInTransit: { registeredOn: '2026-11-01' },
      dataAwaitingFiling: { since: '2026-10-15' },
    } as typeof PATIENT;
    const bundle = build(
      record({
        patient,
        allergies: { active: area([allergy('a1')]) },
        consultations: area([
          consultation('c1', { topics: [{ entries: [{ kind: 'observation', id: 'o1' }] }] }),
        ]),
        linked: {
          uncategorisedData: [observation('o1')],
          problems: [problem('p1', { linkedItems: [{ kind: 'allergy', id: 'a1' }] })],
        },
      }),
      query({ allergies: { includeResolved: true }, consultations: {} }),
    );
    valid(bundle);
    expect(queryLists(bundle)).toHaveLength(5);
    for (const list of queryLists(bundle)) {
      expect(warningCodes(list)).toEqual(['data-in-transit', 'data-awaiting-filing']);
      const transit =
        'Patient record transfer from previous GP practice not yet complete; information recorded before 01-Nov-2026 may be missing.';
      const filing =
        'Patient record contains some items in the GP practice workflow that have not been reviewed for inclusion in this message; information recorded before 15-Oct-2026 may be missing.';
      expect(list.note).toHaveLength(1);
      expect(list.note?.[0].text).toBe(
        list.entry ? `${transit} ${filing}` : `${transit} ${filing} Information not available`,
      );
    }
    for (const list of structureLists(bundle)) {
      expect(list.extension ?? []).toEqual([]);
      expect(list.note).toBeUndefined();
    }
  });
});

it('List entries carry only item (no date, flag or deleted)', () => {
  const bundle = build(
    record({ medication: area([plan('m1'), plan('m2')]) }),
    query({ medication: { includePrescriptionIssues: false } }),
  );
  for (const entry of listTitled(bundle, 'Medications and medical devices').entry ?? [])
    expect(Object.keys(entry)).toEqual(['item']);
});
