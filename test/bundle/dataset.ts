/**
 * Readers for the HTTP tests: the embedded test practice as written (the oracle for what a patient's
 * record holds), a request helper that returns a validated Bundle, and the List titles of Retrieve a
 * patient’s structured record — Request headers. Expected counts are derived from the dataset with the spec's
 * plain rules, so the tests keep asserting exact numbers while the records are extended.
 */
import type { Bundle, Condition, List, Resource } from 'fhir/r3';

import type { CalendarDate } from '../../src/fhir/dates';
import type { PatientData } from '../../src/record/dataset';
import { testPractice } from '../../src/record/memory/memory-practices';
import type { ItemRef } from '../../src/record/model';
import { postRecord, type TestApp, TODAY } from '../support/app';
import { expectBundle } from '../support/fhir';
import { nhsNumber, type Parameter, parameters } from '../support/parameters';
import { entryRefs, queryLists, resources } from './fixtures';

let practice: ReturnType<typeof testPractice> | undefined;

/** A patient's record as the embedded practice holds it (dates resolved against TODAY). */
export function raw(nhs: string): PatientData {
  practice ??= testPractice(TODAY as CalendarDate);
  const found = practice.patients.find((p) => p.patient.nhsNumber === nhs);
  if (!found) throw new Error(`no patient ${nhs} in the test practice`);
  return found;
}

/** Items that may be shared (not confidential). */
export function shared<T extends { readonly confidential?: boolean }>(items: readonly T[] | undefined): T[] {
  return (items ?? []).filter((i) => !i.confidential);
}

export const hasConfidential = (items: readonly { readonly confidential?: boolean }[] | undefined) =>
  (items ?? []).some((i) => i.confidential);

/** POST patientNHSNumber + the given area parameters; the Bundle has passed expectBundle (schemas, no duplicates, no dangling references). */
export async function fetchBundle(t: TestApp, nhs: string, ...areas: Parameter[]): Promise<Bundle> {
  return expectBundle(await postRecord(t, parameters(nhsNumber(nhs), ...areas)));
}

export const TITLE = {
  allergies: 'Allergies and adverse reactions',
  ended: 'Ended allergies',
  medication: 'Medications and medical devices',
  problems: 'Problems',
  consultations: 'List of consultations',
  immunisations: 'Immunisations',
  uncategorised: 'Uncategorised data',
  investigations: 'Investigations and results',
  referrals: 'Outbound referral',
  diary: 'Patient recall administration',
  linked: 'Problems - linked problems not relating to the primary query',
} as const;

export const PRIMARY_CODE: Readonly<Record<string, string>> = {
  [TITLE.allergies]: '886921000000105',
  [TITLE.ended]: '1103671000000101',
  [TITLE.medication]: '933361000000108',
  [TITLE.problems]: '717711000000103',
  [TITLE.consultations]: '1149501000000101',
  [TITLE.immunisations]: '1102181000000102',
  [TITLE.uncategorised]: '826501000000100',
  [TITLE.investigations]: '887191000000108',
  [TITLE.referrals]: '792931000000107',
  [TITLE.diary]: '714311000000108',
};

export const EMPTY_REASON = {
  coding: [
    {
      system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-ListEmptyReasonCode-1',
      code: 'no-content-recorded',
      display: 'No Content Recorded',
    },
  ],
};
export const CONFIDENTIAL_NOTE = 'Items excluded due to confidentiality and/or patient preferences.';
export const TRANSIT_NOTE =
  /^Patient record transfer from previous GP practice not yet complete; information recorded before \d{2}-[A-Z][a-z]{2}-\d{4} may be missing\./;

/** The query Lists by title, each title exactly once; primary titles carry their SNOMED code. */
export function listsByTitle(bundle: Bundle): Map<string, List> {
  const lists = queryLists(bundle);
  const byTitle = new Map(lists.map((l) => [l.title ?? '', l]));
  expect(byTitle.size).toBe(lists.length);
  for (const [title, list] of byTitle) {
    if (PRIMARY_CODE[title])
      expect(list.code?.coding?.[0]).toMatchObject({
        system: 'http://snomed.info/sct',
        code: PRIMARY_CODE[title],
      });
    else
      expect(list.code?.coding?.[0]).toEqual({
        system: 'https://fhir.hl7.org.uk/STU3/CodeSystem/GPConnect-SecondaryListValues-1',
        code: expect.any(String),
        display: title,
      });
  }
  return byTitle;
}

export function list(bundle: Bundle, title: string): List {
  const found = listsByTitle(bundle).get(title);
  if (!found)
    throw new Error(
      `no List "${title}" in [${queryLists(bundle)
        .map((l) => l.title)
        .join(', ')}]`,
    );
  return found;
}

/** An empty List exactly as the assurance suite checks it (Retrieve a patient’s structured record — Request
 * headers): no entries, emptyReason, one note. */
export function expectEmptyList(l: List, noteText = 'Information not available'): void {
  expect(l.entry ?? []).toEqual([]);
  expect(l.emptyReason).toEqual(EMPTY_REASON);
  expect(l.note).toHaveLength(1);
  expect(l.note?.[0].text).toBe(noteText);
}

export function noWarnings(l: List): void {
  expect((l.extension ?? []).filter((e) => e.url.endsWith('ListWarningCode-1'))).toEqual([]);
}

export const refsOf = entryRefs;

/** `Type/id` of every resource of a type. */
export function idsOf(bundle: Bundle, type: string): string[] {
  return resources<Resource>(bundle, type).map((r) => `${type}/${r.id}`);
}

/** Every reference a Condition's relatedClinicalContent and actualProblem extensions make. */
export function problemLinks(condition: Condition): string[] {
  return (condition.extension ?? [])
    .filter((e) => e.url.endsWith('RelatedClinicalContent-1') || e.url.endsWith('ActualProblem-1'))
    .map((e) => e.valueReference?.reference ?? '')
    .filter((r) => r !== '');
}

/** Some Condition of the Bundle links (relatedClinicalContent or actualProblem) a `type` resource that is in the Bundle. */
export function expectAProblemLinks(bundle: Bundle, type: string): void {
  const present = new Set(idsOf(bundle, type));
  expect(
    resources<Condition>(bundle, 'Condition')
      .flatMap(problemLinks)
      .some((r) => present.has(r)),
  ).toBe(true);
}

/** An element @types/fhir types as `T | T[]` (a Reference or several), as an array. */
export const many = <T>(x: T | T[] | undefined): T[] => ([] as T[]).concat(x ?? []);

/** The first reference of an element @types/fhir types as `Reference | Reference[]` (MedicationRequest.basedOn). */
export const firstRef = (x: { reference?: string } | { reference?: string }[] | undefined) =>
  many(x)[0]?.reference;

/** The calendar days a recorded date may mean (Cross-organisation audit and provenance — JSON Web Token): a
 * year, a month, or the day as written. */
export function recordedDays(value: string): [string, string] {
  if (/^\d{4}$/.test(value)) return [`${value}-01-01`, `${value}-12-31`];
  if (/^\d{4}-\d{2}$/.test(value)) {
    const last = new Date(Date.UTC(Number(value.slice(0, 4)), Number(value.slice(5, 7)), 0))
      .toISOString()
      .slice(0, 10);
    return [`${value}-01`, last];
  }
  return [value.slice(0, 10), value.slice(0, 10)];
}

// ---- oracles: the embedded record read with the spec's plain rules -----------------------------------

/** What an area's primary List must hold: its entries (`Type/id`), the items they are, and whether one that passed the filter was withheld. */
export interface ExpectedList {
  readonly entries: string[];
  readonly refs: ItemRef[];
  readonly confidential: boolean;
}

/** Active allergies (Cross-organisation audit and provenance — JSON Web Token), as the primary List's
 * entries. */
export const activeAllergyRefs = (nhs: string) =>
  shared(raw(nhs).record.allergies)
    .filter((a) => !a.ended)
    .map((a) => `AllergyIntolerance/${a.id}`);

/** Ended allergies, as the entries of "Ended allergies" (contained resources). */
export const endedAllergyRefs = (nhs: string) =>
  shared(raw(nhs).record.allergies)
    .filter((a) => a.ended)
    .map((a) => `#${a.id}`);

/** Every shared problem, as the primary Problems List's entries. */
export const problemRefs = (nhs: string) => shared(raw(nhs).record.problems).map((p) => `Condition/${p.id}`);

/** Cross-organisation audit and provenance — JSON Web Token: given ones (not-given with includeNotGiven),
 * then the status records (includeStatus, never entered in error). */
export function expectedImmunisations(
  nhs: string,
  includeNotGiven = false,
  includeStatus = true,
): ExpectedList {
  const rec = raw(nhs).record;
  const imms = (rec.immunisations ?? []).filter((i) => includeNotGiven || i.notGiven !== true);
  const statuses = includeStatus
    ? (rec.immunisationStatuses ?? []).filter((s) => s.enteredInError !== true)
    : [];
  return {
    entries: [
      ...shared(imms).map((i) => `Immunization/${i.id}`),
      ...shared(statuses).map((s) => `Observation/${s.id}`),
    ],
    refs: [
      ...shared(imms).map((i): ItemRef => ({ kind: 'immunisation', id: i.id })),
      ...shared(statuses).map((s): ItemRef => ({ kind: 'immunisationStatus', id: s.id })),
    ],
    confidential: [...imms, ...statuses].some((i) => i.confidential === true),
  };
}

/** D-25: the problems directly linked to the returned items (shared ones), and whether a confidential one was
 * withheld. */
export function linkedProblems(nhs: string, refs: readonly ItemRef[]): { ids: string[]; withheld: boolean } {
  const keys = new Set(refs.map((r) => `${r.kind}/${r.id}`));
  const linking = (raw(nhs).record.problems ?? []).filter((p) =>
    [...(p.actualProblem ? [p.actualProblem] : []), ...(p.linkedItems ?? [])].some((l) =>
      keys.has(`${l.kind}/${l.id}`),
    ),
  );
  return {
    ids: shared(linking).map((p) => `Condition/${p.id}`),
    withheld: linking.some((p) => p.confidential === true),
  };
}

// ---- the predefined searches (Multi area searches) ---------------------------------------------------

/** Search 1's primary Lists as the record says: three consultations, every problem, the active and ended allergies, some medication. */
export function expectSearch1Lists(bundle: Bundle, nhs: string): void {
  expect(refsOf(list(bundle, TITLE.consultations))).toHaveLength(3);
  expect(refsOf(list(bundle, TITLE.problems))).toEqual(problemRefs(nhs));
  expect(refsOf(list(bundle, TITLE.allergies))).toEqual(activeAllergyRefs(nhs));
  expect(refsOf(list(bundle, TITLE.ended))).toEqual(endedAllergyRefs(nhs));
  expect(refsOf(list(bundle, TITLE.medication)).length).toBeGreaterThan(0);
}

/** The Lists search 2 adds, as the record says: the given immunisations and status records, every shared uncategorised item. */
export function expectSearch2AddedLists(bundle: Bundle, nhs: string): void {
  expect(refsOf(list(bundle, TITLE.immunisations))).toEqual(expectedImmunisations(nhs).entries);
  expect(refsOf(list(bundle, TITLE.uncategorised))).toEqual(
    shared(raw(nhs).record.uncategorisedData).map((o) => `Observation/${o.id}`),
  );
}
