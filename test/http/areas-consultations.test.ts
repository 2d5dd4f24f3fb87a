/**
 * Consultations through HTTP (List page; List page — consultation structure; Consultations guidance;
 * Encounter page; Linkages — FHIR profiles returned on query; docs/spec-notes.md "Provider test pack — test
 * patients"): the List of consultations, structure Lists, consultations-* secondary Lists, both part
 * parameters at their boundaries, and consultations together with problems.
 */
import type { Bundle, Condition, Encounter, List, Location, MedicationRequest } from 'fhir/r3';

import { addDays, type CalendarDate } from '../../src/fhir/dates';
import type { Consultation } from '../../src/record/model';
import {
  expectEmptyList,
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
import { NHS, rel, testApp, TODAY } from '../support/app';
import { area, int, type Part, period } from '../support/parameters';

const t = testApp();

const consultations = (...parts: Part[]) => area('includeConsultations', ...parts);
const window = (start?: string, end?: string) => period('consultationSearchPeriod', start, end);
const encounters = (b: Bundle) => resources<Encounter>(b, 'Encounter');
const CODE = { consultation: '325851000000107', topic: '25851000000105', heading: '24781000000107' };
const levelOf = (l: List) => l.code?.coding?.[0].code;

/** Consultations with anything in them (empty ones are suppressed, Consultations guidance), shared ones
 * only. */
function withContent(nhs: string): Consultation[] {
  return shared(raw(nhs).record.consultations).filter((c) =>
    c.topics.some((tp) =>
      tp.headings ? tp.headings.some((h) => h.entries.length > 0) : tp.entries.length > 0,
    ),
  );
}
const startDay = (c: Consultation) => c.period?.start.slice(0, 10) as CalendarDate | undefined;

/** The structure of one consultation: its Consultation List, its Topics, their Headings. */
function structureOf(bundle: Bundle, encounterId: string) {
  const lists = structureLists(bundle).filter((l) => l.encounter?.reference === `Encounter/${encounterId}`);
  const byRef = new Map(lists.map((l) => [`List/${l.id}`, l]));
  const root = lists.filter((l) => levelOf(l) === CODE.consultation);
  expect(root).toHaveLength(1);
  const topics = refsOf(root[0]).map((r) => byRef.get(r)!);
  for (const topic of topics) expect(levelOf(topic)).toBe(CODE.topic);
  const headings = topics.flatMap((tp) =>
    refsOf(tp)
      .filter((r) => r.startsWith('List/'))
      .map((r) => byRef.get(r)!),
  );
  for (const h of headings) expect(levelOf(h)).toBe(CODE.heading);
  expect(lists).toHaveLength(1 + topics.length + headings.length);
  return { root: root[0], topics, headings, lists };
}

describe('patient2: consultations with topics and headings linked to problems and items', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await fetchBundle(t, NHS.patient2, consultations());
  });

  it('the List of consultations references every consultation with content; one Encounter each; no OperationOutcome', () => {
    const expected = withContent(NHS.patient2).map((c) => `Encounter/${c.id}`);
    expect(refsOf(list(bundle, TITLE.consultations))).toEqual(expected);
    expect(idsOf(bundle, 'Encounter').sort()).toEqual([...expected].sort());
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
  });

  it('every consultation has a Consultation → Topic → Heading structure with ids, encounter, date and orderedBy', () => {
    let headings = 0;
    for (const e of encounters(bundle)) {
      const s = structureOf(bundle, e.id!);
      expect(s.topics.length).toBeGreaterThan(0);
      headings += s.headings.length;
      for (const l of s.lists) {
        expect(l.id).toEqual(expect.any(String));
        expect(l.date).toEqual(expect.any(String));
        expect(l.orderedBy?.coding?.[0]).toEqual({
          system: 'http://hl7.org/fhir/list-order',
          code: 'system',
          display: 'Sorted by System',
        });
        expect((l.extension ?? []).filter((x) => x.url.endsWith('ListWarningCode-1'))).toEqual([]);
      }
    }
    expect(headings).toBeGreaterThan(0);
  });

  it('a Topic is linked to a problem (relatedProblemHeader, target first) that is in the Bundle', () => {
    const links = structureLists(bundle)
      .filter((l) => levelOf(l) === CODE.topic)
      .flatMap((l) => (l.extension ?? []).filter((x) => x.url.endsWith('RelatedProblemHeader-1')));
    expect(links.length).toBeGreaterThan(0);
    for (const x of links) {
      expect(x.extension?.[0].url).toBe('target');
      expect(idsOf(bundle, 'Condition')).toContain(x.extension?.[0].valueReference?.reference);
    }
  });

  it('Topics/Headings reference Observations and MedicationRequests, each with its full medication chain', () => {
    const items = structureLists(bundle)
      .flatMap((l) => refsOf(l))
      .filter((r) => !r.startsWith('List/'));
    expect(items.some((r) => r.startsWith('Observation/'))).toBe(true);
    const medRefs = items.filter((r) => r.startsWith('MedicationRequest/'));
    expect(medRefs.length).toBeGreaterThan(0);
    const requests = resources<MedicationRequest>(bundle, 'MedicationRequest');
    for (const r of medRefs) {
      const req = requests.find((x) => `MedicationRequest/${x.id}` === r)!;
      const planRef = req.intent === 'plan' ? r : firstRef(req.basedOn)!;
      expect(idsOf(bundle, 'MedicationRequest')).toContain(planRef);
      expect(idsOf(bundle, 'MedicationStatement')).toContain(
        planRef.replace('MedicationRequest/', 'MedicationStatement/'),
      );
      expect(idsOf(bundle, 'Medication')).toContain(req.medicationReference?.reference);
    }
  });

  it('secondary Lists: medications, uncategorised data and the linked problems; none empty without a warning', () => {
    const titles = [...listsByTitle(bundle).keys()];
    expect(titles[0]).toBe(TITLE.consultations);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Consultations - medications contained in consultations',
        'Consultations - uncategorised data contained in consultations',
        TITLE.linked,
      ]),
    );
    for (const title of titles.slice(1))
      expect(title === TITLE.linked || title.startsWith('Consultations - ') || title === TITLE.ended).toBe(
        true,
      );
    for (const l of listsByTitle(bundle).values()) {
      const warned = (l.extension ?? []).some((x) => x.url.endsWith('ListWarningCode-1'));
      expect((l.entry ?? []).length > 0 || warned).toBe(true);
    }
    expect(
      refsOf(list(bundle, 'Consultations - medications contained in consultations')).every((r) =>
        r.startsWith('MedicationRequest/'),
      ),
    ).toBe(true);
    expect(refsOf(list(bundle, TITLE.linked)).sort()).toEqual(idsOf(bundle, 'Condition').sort());
  });

  it('the Locations the Encounters name are there, with profile and versionId', () => {
    const named = encounters(bundle).flatMap((e) => (e.location ?? []).map((l) => l.location.reference));
    expect(named.length).toBeGreaterThan(0);
    for (const loc of resources<Location>(bundle, 'Location')) {
      expect(loc.meta?.profile).toEqual([
        'https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Location-1',
      ]);
      expect(loc.meta?.versionId).toEqual(expect.any(String));
    }
  });
});

describe('consultationSearchPeriod', () => {
  const dated = () => withContent(NHS.patient2).filter((c) => startDay(c) !== undefined);

  it('[today-3y, today-1d]: exactly the consultations that started and ended inside it (plus undated)', async () => {
    const start = rel(-3 * 365);
    const end = rel(-1);
    const bundle = await fetchBundle(t, NHS.patient2, consultations(window(start, end)));
    const expected = withContent(NHS.patient2).filter((c) => {
      if (!c.period) return true;
      const last = (c.period.end ?? c.period.start).slice(0, 10);
      return c.period.start.slice(0, 10) >= start && last <= end;
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(refsOf(list(bundle, TITLE.consultations))).toEqual(expected.map((c) => `Encounter/${c.id}`));
    for (const e of encounters(bundle)) expect(structureOf(bundle, e.id!).topics.length).toBeGreaterThan(0);
  });

  it('start: a consultation is in for start = its day, out for start = the day after', async () => {
    const c = dated()[0];
    const day = startDay(c)!;
    const on = await fetchBundle(t, NHS.patient2, consultations(window(day)));
    const after = await fetchBundle(t, NHS.patient2, consultations(window(addDays(day, 1))));
    expect(refsOf(list(on, TITLE.consultations))).toContain(`Encounter/${c.id}`);
    expect(refsOf(list(after, TITLE.consultations))).not.toContain(`Encounter/${c.id}`);
  });

  it('end: a consultation is in for end = its (last) day, out for end = the day before', async () => {
    const c = dated().find((x) => (x.period!.end ?? x.period!.start).slice(0, 10) === startDay(x))!;
    const day = startDay(c)!;
    const on = await fetchBundle(t, NHS.patient2, consultations(window(undefined, day)));
    const before = await fetchBundle(t, NHS.patient2, consultations(window(undefined, addDays(day, -1))));
    expect(refsOf(list(on, TITLE.consultations))).toContain(`Encounter/${c.id}`);
    expect(refsOf(list(before, TITLE.consultations))).not.toContain(`Encounter/${c.id}`);
  });

  it('[today, today] on patient2 (nothing today): an empty List of consultations', async () => {
    const bundle = await fetchBundle(t, NHS.patient2, consultations(window(TODAY, TODAY)));
    const l = list(bundle, TITLE.consultations);
    if (withContent(NHS.patient2).some((c) => startDay(c) === TODAY)) return;
    expectEmptyList(l);
    expect(structureLists(bundle)).toEqual([]);
  });
});

describe('includeNumberOfMostRecent', () => {
  it.each([1, 3])('N=%i: the N consultations that started last', async (n) => {
    const bundle = await fetchBundle(t, NHS.patient2, consultations(int('includeNumberOfMostRecent', n)));
    const sorted = withContent(NHS.patient2)
      .filter((c) => c.period)
      .sort((a, b) => Date.parse(b.period!.start) - Date.parse(a.period!.start));
    const undated = withContent(NHS.patient2)
      .filter((c) => !c.period)
      .map((c) => `Encounter/${c.id}`);
    expect(refsOf(list(bundle, TITLE.consultations)).sort()).toEqual(
      [...sorted.slice(0, n).map((c) => `Encounter/${c.id}`), ...undated].sort(),
    );
  });
});

describe('other patients', () => {
  it('patient4: no consultations → the empty List of consultations only', async () => {
    const bundle = await fetchBundle(t, NHS.patient4, consultations(window(rel(-3 * 365), rel(-1))));
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.consultations]);
    expectEmptyList(list(bundle, TITLE.consultations));
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
  });

  it('patient3: its consultations, no problems', async () => {
    const bundle = await fetchBundle(t, NHS.patient3, consultations());
    expect(refsOf(list(bundle, TITLE.consultations))).toEqual(
      withContent(NHS.patient3).map((c) => `Encounter/${c.id}`),
    );
    expect(resources(bundle, 'Condition')).toEqual([]);
  });
});

describe('consultations with problems (patient2)', () => {
  it('all consultation checks, every Condition in the primary Problems list, Encounters once each and all listed', async () => {
    const bundle = await fetchBundle(t, NHS.patient2, consultations(), area('includeProblems'));
    const listed = refsOf(list(bundle, TITLE.consultations));
    expect(idsOf(bundle, 'Encounter').sort()).toEqual([...listed].sort());
    expect(refsOf(list(bundle, TITLE.problems)).sort()).toEqual(idsOf(bundle, 'Condition').sort());
    const titles = [...listsByTitle(bundle).keys()];
    expect(titles).toEqual(
      expect.arrayContaining([
        'Consultations - medications contained in consultations',
        'Consultations - uncategorised data contained in consultations',
        'Problems - medications related to problems',
        'Problems - uncategorised data related to problems',
      ]),
    );
    const contexts = resources<Condition>(bundle, 'Condition')
      .map((c) => c.context?.reference)
      .filter((r): r is string => !!r);
    for (const r of contexts) expect(listed).toContain(r);
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
  });
});
