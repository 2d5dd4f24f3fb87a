/**
 * Several areas in one request (Retrieve a patient’s structured record — Payload response body; List page;
 * Linkages — FHIR profiles returned on query; docs/spec-notes.md "Provider test pack — test patients"):
 * predefined search 2 on patient2, and all nine areas with no date filter for patient2 and the large patient.
 * The combined Bundle must be exactly what the single-area requests give, merged: every primary List once
 * with the same entries, the consultations-* and problems-* secondary Lists of the consultation and problem
 * requests, every resource once (no duplicates), every reference resolving.
 */
import type { Bundle, Condition, List } from 'fhir/r3';

import {
  expectSearch1Lists,
  expectSearch2AddedLists,
  fetchBundle,
  idsOf,
  list,
  listsByTitle,
  problemRefs,
  refsOf,
  TITLE,
} from '../bundle/dataset';
import { resources, structureLists } from '../bundle/fixtures';
import { NHS, rel, testApp } from '../support/app';
import { area, bool, date, int, type Parameter } from '../support/parameters';
import { bundleIntegrityErrors } from '../support/profiles';

const t = testApp();
const YEAR_AGO = rel(-365);

interface AreaRequest {
  readonly parameter: Parameter;
  /** The primary List(s) this parameter asks for. */
  readonly titles: readonly string[];
}

const ALL_NINE: readonly AreaRequest[] = [
  {
    parameter: area('includeAllergies', bool('includeResolvedAllergies', true)),
    titles: [TITLE.allergies, TITLE.ended],
  },
  { parameter: area('includeMedication'), titles: [TITLE.medication] },
  { parameter: area('includeConsultations'), titles: [TITLE.consultations] },
  { parameter: area('includeProblems'), titles: [TITLE.problems] },
  { parameter: area('includeImmunisations'), titles: [TITLE.immunisations] },
  { parameter: area('includeUncategorisedData'), titles: [TITLE.uncategorised] },
  { parameter: area('includeInvestigations'), titles: [TITLE.investigations] },
  { parameter: area('includeReferrals'), titles: [TITLE.referrals] },
  { parameter: area('includeDiaryEntries'), titles: [TITLE.diary] },
];

/** Predefined search 2 (Multi area searches, docs/spec-notes.md "Multi area searches — clinical risk"), area
 * by area. */
const SEARCH_2: readonly AreaRequest[] = [
  {
    parameter: area('includeConsultations', int('includeNumberOfMostRecent', 3)),
    titles: [TITLE.consultations],
  },
  { parameter: area('includeProblems'), titles: [TITLE.problems] },
  {
    parameter: area('includeAllergies', bool('includeResolvedAllergies', true)),
    titles: [TITLE.allergies, TITLE.ended],
  },
  {
    parameter: area('includeMedication', date('medicationSearchFromDate', YEAR_AGO)),
    titles: [TITLE.medication],
  },
  { parameter: area('includeImmunisations'), titles: [TITLE.immunisations] },
  { parameter: area('includeUncategorisedData'), titles: [TITLE.uncategorised] },
];

const PRIMARY_TITLES = new Set<string>([
  TITLE.allergies,
  TITLE.ended,
  TITLE.medication,
  TITLE.problems,
  TITLE.consultations,
  TITLE.immunisations,
  TITLE.uncategorised,
  TITLE.investigations,
  TITLE.referrals,
  TITLE.diary,
]);
const isSecondary = (title: string) => !PRIMARY_TITLES.has(title) && title !== TITLE.linked;

/** Every resource of a Bundle as Type/id (query Lists and the OperationOutcome have no stable id). */
function keysOf(bundle: Bundle): string[] {
  return (bundle.entry ?? [])
    .map((e) => e.resource!)
    .filter((r) => r.id !== undefined && r.resourceType !== 'OperationOutcome')
    .map((r) => `${r.resourceType}/${r.id}`);
}

/** A List's content as compared across Bundles: entries (in no particular order, Retrieve a patient’s
 * structured record — Bundle population illustrated), warnings and note. */
function contentOf(l: List) {
  return {
    entries: refsOf(l).sort(),
    warnings: (l.extension ?? []).filter((e) => e.url.endsWith('ListWarningCode-1')).map((e) => e.valueCode),
    note: l.note,
    emptyReason: l.emptyReason,
  };
}

/**
 * The combined request against its areas one by one: the same primary Lists with the same content;
 * the secondary Lists of the consultation and problem requests with the same content; the linked-problems
 * List exactly for the Conditions outside the primary Problems List; the union of their resources, each once.
 */
async function expectMerged(nhs: string, requests: readonly AreaRequest[]): Promise<Bundle> {
  const combined = await fetchBundle(t, nhs, ...requests.map((r) => r.parameter));
  const singles = await Promise.all(
    requests.map(async (r) => ({ ...r, bundle: await fetchBundle(t, nhs, r.parameter) })),
  );
  const lists = listsByTitle(combined);

  // Exactly one List per requested primary List, with what the area alone returns.
  const primary = requests.flatMap((r) => r.titles);
  expect([...lists.keys()].filter((title) => PRIMARY_TITLES.has(title)).sort()).toEqual([...primary].sort());
  for (const single of singles) {
    for (const title of single.titles)
      expect({ title, ...contentOf(lists.get(title)!) }).toEqual({
        title,
        ...contentOf(list(single.bundle, title)),
      });
  }

  // Secondary Lists: those of the consultation and problem requests, unchanged.
  const expectedSecondary = new Map<string, List>();
  for (const single of singles) {
    for (const [title, l] of listsByTitle(single.bundle))
      if (isSecondary(title)) expectedSecondary.set(title, l);
  }
  expect([...lists.keys()].filter(isSecondary).sort()).toEqual([...expectedSecondary.keys()].sort());
  for (const [title, l] of expectedSecondary)
    expect({ title, ...contentOf(lists.get(title)!) }).toEqual({ title, ...contentOf(l) });

  // The one linked-problems List holds every Condition outside the primary Problems List, and only those.
  const primaryProblems = new Set(lists.has(TITLE.problems) ? refsOf(lists.get(TITLE.problems)!) : []);
  const outside = idsOf(combined, 'Condition').filter((c) => !primaryProblems.has(c));
  if (outside.length > 0) expect(refsOf(lists.get(TITLE.linked)!).sort()).toEqual(outside.sort());
  else if (lists.has(TITLE.linked)) expect(refsOf(lists.get(TITLE.linked)!)).toEqual([]);

  // Every resource once, every reference resolving, and nothing beyond what the areas return one by one.
  const keys = keysOf(combined);
  expect(keys.length).toBe(new Set(keys).size);
  expect(bundleIntegrityErrors(combined)).toEqual([]);
  const union = new Set(singles.flatMap((s) => keysOf(s.bundle)));
  expect([...new Set(keys)].sort()).toEqual([...union].sort());
  expect(resources(combined, 'OperationOutcome')).toEqual([]);
  return combined;
}

describe('patient2: predefined search 2', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await expectMerged(NHS.patient2, SEARCH_2);
  });

  it('every List the search names is present and complete', () => {
    expectSearch1Lists(bundle, NHS.patient2);
    expectSearch2AddedLists(bundle, NHS.patient2);
  });

  it('no area outside the search: no investigation, referral or diary List', () => {
    const titles = [...listsByTitle(bundle).keys()];
    for (const title of [TITLE.investigations, TITLE.referrals, TITLE.diary])
      expect(titles).not.toContain(title);
  });

  it('the three consultations come with their structure; every problem is in the primary List, so no linked-problems List', () => {
    expect(structureLists(bundle).filter((l) => l.code?.coding?.[0].code === '325851000000107')).toHaveLength(
      3,
    );
    expect(listsByTitle(bundle).has(TITLE.linked)).toBe(false);
  });
});

describe.each([
  ['patient2', NHS.patient2],
  ['large1', NHS.large1],
])('%s: all nine areas, no date filters', (_name, nhs) => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await expectMerged(nhs, ALL_NINE);
  }, 60000);

  it('exactly one List per requested primary area (and "Ended allergies"), plus the consultation and problem secondary Lists', () => {
    const titles = [...listsByTitle(bundle).keys()];
    expect(titles.filter((title) => PRIMARY_TITLES.has(title))).toHaveLength(10);
    for (const title of titles.filter((x) => !PRIMARY_TITLES.has(x)))
      expect(title).toMatch(/^(Consultations|Problems) - /);
    expect(titles.filter(isSecondary).length).toBeGreaterThan(0);
  });

  it('every problem is in the primary Problems List; every Condition in the Bundle is one of them', () => {
    const problems = problemRefs(nhs);
    expect(refsOf(list(bundle, TITLE.problems))).toEqual(problems);
    expect(
      resources<Condition>(bundle, 'Condition')
        .map((c) => `Condition/${c.id}`)
        .sort(),
    ).toEqual([...problems].sort());
  });

  it('no duplicate resource, no dangling reference', () => {
    const keys = keysOf(bundle);
    expect(new Set(keys).size).toBe(keys.length);
    expect(bundleIntegrityErrors(bundle)).toEqual([]);
  });
});
