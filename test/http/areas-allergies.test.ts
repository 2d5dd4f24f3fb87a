/**
 * Allergies through HTTP (List page; Allergies guidance — ended allergies; List page — empty lists; Allergies
 * guidance; AllergyIntolerance page; docs/spec-notes.md "Provider test pack — test patients"): the exact
 * Lists per patient, entry counts from the embedded record, ended allergies only contained, empty lists,
 * warnings. Every Bundle is validated by expectBundle (schemas, duplicates, references).
 */
import type { AllergyIntolerance, Condition } from 'fhir/r3';

import {
  activeAllergyRefs,
  CONFIDENTIAL_NOTE,
  endedAllergyRefs,
  expectAProblemLinks,
  expectEmptyList,
  fetchBundle,
  list,
  listsByTitle,
  noWarnings,
  raw,
  refsOf,
  TITLE,
  TRANSIT_NOTE,
} from '../bundle/dataset';
import { resources } from '../bundle/fixtures';
import { NHS, testApp } from '../support/app';
import { area, bool } from '../support/parameters';

const t = testApp();
const allergies = (includeResolved: boolean) =>
  area('includeAllergies', bool('includeResolvedAllergies', includeResolved));

describe('patient1: no allergies, not coded NKA', () => {
  it('includeResolvedAllergies=true → exactly the two empty Lists, one note each, no warnings', async () => {
    const bundle = await fetchBundle(t, NHS.patient1, allergies(true));
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.allergies, TITLE.ended]);
    for (const l of listsByTitle(bundle).values()) {
      expectEmptyList(l);
      noWarnings(l);
    }
    expect(resources(bundle, 'AllergyIntolerance')).toEqual([]);
  });

  it('includeResolvedAllergies=false → exactly one empty List', async () => {
    const bundle = await fetchBundle(t, NHS.patient1, allergies(false));
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.allergies]);
    expectEmptyList(list(bundle, TITLE.allergies));
  });
});

describe('patient2: allergies linked to problems', () => {
  it('includeResolvedAllergies=true → active, ended and linked-problems Lists; a problem links an active allergy', async () => {
    const bundle = await fetchBundle(t, NHS.patient2, allergies(true));
    expect([...listsByTitle(bundle).keys()].sort()).toEqual(
      [TITLE.linked, TITLE.allergies, TITLE.ended].sort(),
    );
    expect(refsOf(list(bundle, TITLE.allergies))).toEqual(activeAllergyRefs(NHS.patient2));
    expect(refsOf(list(bundle, TITLE.ended))).toEqual(endedAllergyRefs(NHS.patient2));
    const conditions = resources<Condition>(bundle, 'Condition');
    expect(conditions.length).toBeGreaterThan(0);
    expect(refsOf(list(bundle, TITLE.linked)).sort()).toEqual(
      conditions.map((c) => `Condition/${c.id}`).sort(),
    );
    expectAProblemLinks(bundle, 'AllergyIntolerance');
    for (const a of resources<AllergyIntolerance>(bundle, 'AllergyIntolerance')) {
      expect(a.clinicalStatus).toBe('active');
      expect(a.recorder?.reference).toMatch(/^Practitioner\//);
    }
  });

  it('includeResolvedAllergies=false → active and linked-problems Lists, no "Ended allergies"', async () => {
    const bundle = await fetchBundle(t, NHS.patient2, allergies(false));
    expect([...listsByTitle(bundle).keys()].sort()).toEqual([TITLE.linked, TITLE.allergies].sort());
    expect(refsOf(list(bundle, TITLE.allergies))).toEqual(activeAllergyRefs(NHS.patient2));
  });

  it('the part parameter decides the "Ended allergies" List and nothing else', async () => {
    const withEnded = await fetchBundle(t, NHS.patient2, allergies(true));
    const without = await fetchBundle(t, NHS.patient2, allergies(false));
    expect(listsByTitle(withEnded).size - listsByTitle(without).size).toBe(1);
    expect(resources(withEnded, 'AllergyIntolerance')).toEqual(resources(without, 'AllergyIntolerance'));
  });
});

describe.each([
  ['patient3', NHS.patient3],
  ['patient4', NHS.patient4],
  ['patient6', NHS.patient6],
  ['patient7', NHS.patient7],
  ['patient8', NHS.patient8],
  ['patient12', NHS.patient12],
  ['patient17', NHS.patient17],
])('%s: allergies with no problems linked', (_name, nhs) => {
  it('includeResolvedAllergies=true → exactly active + ended Lists with the record counts, no Conditions, no warnings', async () => {
    const bundle = await fetchBundle(t, nhs, allergies(true));
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.allergies, TITLE.ended]);
    const active = list(bundle, TITLE.allergies);
    expect(activeAllergyRefs(nhs).length).toBeGreaterThan(0);
    expect(refsOf(active)).toEqual(activeAllergyRefs(nhs));
    expect(active.emptyReason).toBeUndefined();
    expect(resources(bundle, 'AllergyIntolerance')).toHaveLength(activeAllergyRefs(nhs).length);
    const ended = list(bundle, TITLE.ended);
    expect(refsOf(ended)).toEqual(endedAllergyRefs(nhs));
    expect((ended.contained ?? []).map((a) => (a as AllergyIntolerance).clinicalStatus)).toEqual(
      endedAllergyRefs(nhs).map(() => 'resolved'),
    );
    expect(resources(bundle, 'Condition')).toEqual([]);
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
    for (const l of listsByTitle(bundle).values()) noWarnings(l);
  });

  it('includeResolvedAllergies=false → exactly one List', async () => {
    const bundle = await fetchBundle(t, nhs, allergies(false));
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.allergies]);
    expect(refsOf(list(bundle, TITLE.allergies))).toEqual(activeAllergyRefs(nhs));
  });
});

describe('patient17: has ended allergies', () => {
  it('at least one contained ended allergy with its end extension', async () => {
    const bundle = await fetchBundle(t, NHS.patient17, allergies(true));
    const ended = list(bundle, TITLE.ended);
    expect(ended.contained?.length).toBeGreaterThan(0);
    for (const a of ended.contained as AllergyIntolerance[]) {
      expect(a.extension?.some((e) => e.url.endsWith('AllergyIntoleranceEnd-1'))).toBe(true);
    }
  });
});

describe('patient5: explicit "No known allergies"', () => {
  it.each([
    [true, [TITLE.allergies, TITLE.ended]],
    [false, [TITLE.allergies]],
  ])(
    'includeResolvedAllergies=%s → %j; NKA as an AllergyIntolerance coded 716186003',
    async (resolved, titles) => {
      const bundle = await fetchBundle(t, NHS.patient5, allergies(resolved));
      expect([...listsByTitle(bundle).keys()]).toEqual(titles);
      const nka = resources<AllergyIntolerance>(bundle, 'AllergyIntolerance');
      expect(nka).toHaveLength(1);
      expect(nka[0].code?.coding?.[0].code).toBe('716186003');
      expect(refsOf(list(bundle, TITLE.allergies))).toEqual([`AllergyIntolerance/${nka[0].id}`]);
      if (resolved) expectEmptyList(list(bundle, TITLE.ended));
    },
  );
});

describe('patient13: record in transit', () => {
  it('the allergy List carries exactly one warning, data-in-transit, and its note', async () => {
    const bundle = await fetchBundle(t, NHS.patient13, allergies(false));
    const l = list(bundle, TITLE.allergies);
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.allergies]);
    expect((l.extension ?? []).filter((e) => e.url.endsWith('ListWarningCode-1'))).toEqual([
      {
        url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1',
        valueCode: 'data-in-transit',
      },
    ]);
    expect(l.note).toHaveLength(1);
    expect(l.note?.[0].text).toMatch(TRANSIT_NOTE);
    expect(refsOf(l)).toEqual(activeAllergyRefs(NHS.patient13));
  });

  it('with includeResolvedAllergies both Lists carry it', async () => {
    const bundle = await fetchBundle(t, NHS.patient13, allergies(true));
    for (const l of listsByTitle(bundle).values()) {
      expect(
        (l.extension ?? []).filter((e) => e.url.endsWith('ListWarningCode-1')).map((e) => e.valueCode),
      ).toEqual(['data-in-transit']);
    }
  });
});

describe('patient16: confidential allergy withheld; legacy ended allergies', () => {
  it('includeResolvedAllergies=false → one List with confidential-items and its note; the confidential allergy is not there', async () => {
    const bundle = await fetchBundle(t, NHS.patient16, allergies(false));
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.allergies]);
    const l = list(bundle, TITLE.allergies);
    expect(
      (l.extension ?? []).filter((e) => e.url.endsWith('ListWarningCode-1')).map((e) => e.valueCode),
    ).toEqual(['confidential-items']);
    expect(l.note).toHaveLength(1);
    expect(l.note?.[0].text).toContain(CONFIDENTIAL_NOTE);
    expect(refsOf(l)).toEqual(activeAllergyRefs(NHS.patient16));
    const withheld = (raw(NHS.patient16).record.allergies ?? [])
      .filter((a) => a.confidential)
      .map((a) => a.id);
    expect(withheld.length).toBeGreaterThan(0);
    expect(JSON.stringify(bundle)).not.toMatch(new RegExp(withheld.join('|')));
  });

  it('includeResolvedAllergies=true → two Lists; every ended allergy says reasonEnded "No information available"', async () => {
    const bundle = await fetchBundle(t, NHS.patient16, allergies(true));
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.allergies, TITLE.ended]);
    const ended = list(bundle, TITLE.ended).contained as AllergyIntolerance[];
    expect(ended.length).toBeGreaterThan(0);
    for (const a of ended) {
      const end = a.extension?.find(
        (e) =>
          e.url ===
          'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-AllergyIntoleranceEnd-1',
      );
      expect(end?.extension?.find((e) => e.url === 'reasonEnded')?.valueString).toBe(
        'No information available',
      );
      expect(end?.extension?.find((e) => e.url === 'endDate')?.valueDateTime).toEqual(expect.any(String));
    }
  });
});
