/**
 * The two predefined multi-area searches (docs/spec-notes.md "Multi area searches — clinical risk",
 * docs/spec-notes.md "Provider test pack — test patients"), the clinical risk they carry (risk1: an older
 * medication arrives only through a problem's secondary List), and the full record of the large patient
 * (valid, no duplicates, no dangling references).
 */
import type { Bundle, Immunization, MedicationRequest, MedicationStatement } from 'fhir/r3';

import {
  expectSearch1Lists,
  expectSearch2AddedLists,
  fetchBundle,
  firstRef,
  idsOf,
  list,
  listsByTitle,
  raw,
  refsOf,
  shared,
  TITLE,
} from '../bundle/dataset';
import { resources, structureLists } from '../bundle/fixtures';
import { NHS, rel, testApp } from '../support/app';
import { postRecord } from '../support/app';
import { expectBundle } from '../support/fhir';
import {
  area,
  bool,
  everyArea,
  parameters,
  predefinedSearch1,
  predefinedSearch2,
} from '../support/parameters';
import { bundleIntegrityErrors } from '../support/profiles';

const t = testApp();

const YEAR_AGO = rel(-365);
const search = async (params: ReturnType<typeof predefinedSearch1>) =>
  expectBundle(await postRecord(t, parameters(...params)));
const SEARCH1_PRIMARY = [TITLE.consultations, TITLE.problems, TITLE.allergies, TITLE.ended, TITLE.medication];

/** Every query List is a primary one of the search or a consultations-/problems- secondary List. */
function expectListSet(bundle: Bundle, primary: readonly string[]): void {
  const titles = [...listsByTitle(bundle).keys()];
  for (const title of primary) expect(titles).toContain(title);
  for (const title of titles) {
    if (primary.includes(title)) continue;
    expect(title.startsWith('Consultations - ') || title.startsWith('Problems - ')).toBe(true);
    const l = list(bundle, title);
    expect(
      (l.entry ?? []).length > 0 || (l.extension ?? []).some((x) => x.url.endsWith('ListWarningCode-1')),
    ).toBe(true);
  }
}

/** Statements outside the primary medication list came in through a link: a secondary List names their plan or one of its issues. */
function expectLinkedOnly(bundle: Bundle): void {
  const primary = new Set(refsOf(list(bundle, TITLE.medication)));
  const secondary = new Set(
    [...listsByTitle(bundle).values()].filter((l) => l.title?.includes(' - ')).flatMap((l) => refsOf(l)),
  );
  const structure = new Set(structureLists(bundle).flatMap((l) => refsOf(l)));
  const orders = resources<MedicationRequest>(bundle, 'MedicationRequest').filter(
    (r) => r.intent === 'order',
  );
  for (const s of resources<MedicationStatement>(bundle, 'MedicationStatement')) {
    if (primary.has(`MedicationStatement/${s.id}`)) continue;
    const refs = [
      `MedicationRequest/${s.id}`,
      ...orders
        .filter((o) => firstRef(o.basedOn) === `MedicationRequest/${s.id}`)
        .map((o) => `MedicationRequest/${o.id}`),
    ];
    expect(refs.some((r) => secondary.has(r) || structure.has(r))).toBe(true);
  }
}

describe('patient2', () => {
  it('predefined search 1 → a complete, valid Bundle with no warnings', async () => {
    const bundle = await search(predefinedSearch1(NHS.patient2, YEAR_AGO));
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
    expectListSet(bundle, SEARCH1_PRIMARY);
    expectSearch1Lists(bundle, NHS.patient2);
    for (const s of resources<MedicationStatement>(bundle, 'MedicationStatement').filter((x) =>
      refsOf(list(bundle, TITLE.medication)).includes(`MedicationStatement/${x.id}`),
    )) {
      const end = s.effectivePeriod?.end;
      if (end !== undefined) expect(end.slice(0, 10) >= YEAR_AGO).toBe(true);
    }
    expectLinkedOnly(bundle);
    // Three consultations with their structures, and every Encounter of a problem link.
    expect(structureLists(bundle).filter((l) => l.code?.coding?.[0].code === '325851000000107')).toHaveLength(
      3,
    );
    expect(bundleIntegrityErrors(bundle)).toEqual([]);
  });

  it('predefined search 2 → search 1 plus Immunisations and Uncategorised data', async () => {
    const bundle = await search(predefinedSearch2(NHS.patient2, YEAR_AGO));
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
    expectListSet(bundle, [...SEARCH1_PRIMARY, TITLE.immunisations, TITLE.uncategorised]);
    expectSearch2AddedLists(bundle, NHS.patient2);
    expect((list(bundle, TITLE.uncategorised).extension ?? []).map((x) => x.valueCode)).toContain(
      'confidential-items',
    );
    expect(resources<Immunization>(bundle, 'Immunization').length).toBeGreaterThan(0);
    expectLinkedOnly(bundle);
  });
});

describe('risk1: the clinical risk of the predefined searches (docs/spec-notes.md "Multi area searches — clinical risk")', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await search(predefinedSearch1(NHS.risk1, YEAR_AGO));
  });

  it('the older paracetamol arrives only through the problem’s secondary List, never in the primary medication List', () => {
    expect(idsOf(bundle, 'MedicationStatement')).toContain('MedicationStatement/r1-med-paracetamol');
    expect(refsOf(list(bundle, TITLE.medication))).not.toContain('MedicationStatement/r1-med-paracetamol');
    expect(refsOf(list(bundle, 'Problems - medications related to problems'))).toContain(
      'MedicationRequest/r1-med-paracetamol',
    );
    // No flag of any kind on it (docs/spec-notes.md "Multi area searches — clinical risk"): no warning on the
    // medication list, no OperationOutcome.
    expect(
      (list(bundle, TITLE.medication).extension ?? []).filter((x) => x.url.endsWith('ListWarningCode-1')),
    ).toEqual([]);
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
  });

  it('the three recent acutes are in the primary List; warfarin (stopped 13 months ago, unlinked) is not in the Bundle at all', () => {
    expect(refsOf(list(bundle, TITLE.medication)).sort()).toEqual(
      ['amoxicillin', 'prednisolone', 'salbutamol'].map((k) => `MedicationStatement/r1-med-${k}`).sort(),
    );
    expect(JSON.stringify(bundle)).not.toContain('r1-med-warfarin');
  });

  it('without the date limit the paracetamol is in the primary List too', async () => {
    const all = await fetchBundle(
      t,
      NHS.risk1,
      area('includeMedication', bool('includePrescriptionIssues', true)),
    );
    expect(refsOf(list(all, TITLE.medication))).toContain('MedicationStatement/r1-med-paracetamol');
  });
});

describe('large1: the full record', () => {
  it('every area at once → a valid Bundle, no duplicate resource, no dangling reference', async () => {
    const started = Date.now();
    const bundle = await fetchBundle(t, NHS.large1, ...everyArea());
    expect(bundleIntegrityErrors(bundle)).toEqual([]);
    const keys = (bundle.entry ?? [])
      .map((e) => e.resource!)
      .filter((r) => r.id !== undefined)
      .map((r) => `${r.resourceType}/${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    const titles = [...listsByTitle(bundle).keys()];
    for (const title of [
      TITLE.consultations,
      TITLE.problems,
      TITLE.immunisations,
      TITLE.uncategorised,
      TITLE.allergies,
      TITLE.ended,
      TITLE.medication,
      TITLE.investigations,
      TITLE.referrals,
      TITLE.diary,
    ]) {
      expect(titles).toContain(title);
    }
    expect(refsOf(list(bundle, TITLE.problems))).toHaveLength(shared(raw(NHS.large1).record.problems).length);
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
    expect(Date.now() - started).toBeLessThan(20000);
  });
});
