/**
 * Problems through HTTP (Problems guidance; ProblemHeader (Condition) page; Linkages — FHIR profiles returned
 * on query; docs/spec-notes.md "Provider test pack — test patients"): the primary Problems list and its
 * filters at their boundaries, the problems-* secondary Lists, the linked-problems List, related problems,
 * what linked consultations bring (the Encounter only).
 */
import type { Bundle, Condition, Encounter, Extension } from 'fhir/r3';

import {
  expectEmptyList,
  fetchBundle,
  idsOf,
  list,
  listsByTitle,
  problemLinks,
  raw,
  refsOf,
  shared,
  TITLE,
} from '../bundle/dataset';
import { resources, structureLists } from '../bundle/fixtures';
import { NHS, testApp } from '../support/app';
import { area, bool, code, type Parameter } from '../support/parameters';

const t = testApp();
const problems = (...parts: Parameters<typeof area>[1][]) => area('includeProblems', ...parts);
const status = (s: string) => code('filterStatus', s);
const significance = (s: string) => code('filterSignificance', s);
const conditions = (b: Bundle) => resources<Condition>(b, 'Condition');
const ext = (r: { extension?: Extension[] }, suffix: string) =>
  (r.extension ?? []).filter((e) => e.url.endsWith(suffix));
const sharedProblems = (nhs: string) => shared(raw(nhs).record.problems);

describe('patient2: problems linked to clinical items', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await fetchBundle(t, NHS.patient2, problems());
  });

  it('the primary Problems list holds every shared problem; Condition count == entries; no OperationOutcome', () => {
    const expected = sharedProblems(NHS.patient2).map((p) => `Condition/${p.id}`);
    expect(refsOf(list(bundle, TITLE.problems))).toEqual(expected);
    expect(conditions(bundle)).toHaveLength(expected.length);
    expect([...listsByTitle(bundle).keys()]).not.toContain(TITLE.linked);
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
  });

  it('problems link a MedicationRequest and an Observation that are in the Bundle', () => {
    const links = conditions(bundle).flatMap(problemLinks);
    const present = new Set([...idsOf(bundle, 'MedicationRequest'), ...idsOf(bundle, 'Observation')]);
    expect(links.some((r) => r.startsWith('MedicationRequest/') && present.has(r))).toBe(true);
    expect(links.some((r) => r.startsWith('Observation/') && present.has(r))).toBe(true);
  });

  it('a problem context → an Encounter in the Bundle, and no consultation structure Lists', () => {
    const contexts = conditions(bundle)
      .map((c) => c.context?.reference)
      .filter((r): r is string => r !== undefined);
    expect(contexts.length).toBeGreaterThan(0);
    for (const r of contexts) expect(idsOf(bundle, 'Encounter')).toContain(r);
    expect(structureLists(bundle)).toEqual([]);
    expect(
      refsOf(list(bundle, 'Problems - consultations related to problems')).every((r) =>
        r.startsWith('Encounter/'),
      ),
    ).toBe(true);
  });

  it('secondary Lists: uncategorised data (Observations) and medications (MedicationRequests), only with content or a warning', () => {
    const uncategorised = refsOf(list(bundle, 'Problems - uncategorised data related to problems'));
    expect(uncategorised.length).toBeGreaterThan(0);
    expect(uncategorised.every((r) => r.startsWith('Observation/'))).toBe(true);
    const medication = refsOf(list(bundle, 'Problems - medications related to problems'));
    expect(medication.length).toBeGreaterThan(0);
    expect(medication.every((r) => r.startsWith('MedicationRequest/'))).toBe(true);
    for (const [title, l] of listsByTitle(bundle)) {
      if (title === TITLE.problems) continue;
      expect(title.startsWith('Problems - ')).toBe(true);
      const warned = (l.extension ?? []).some((e) => e.url.endsWith('ListWarningCode-1'));
      expect((l.entry ?? []).length > 0 || warned).toBe(true);
    }
  });

  it('the confidential medication linked to a problem: warning on "Problems - medications related to problems"', () => {
    const l = list(bundle, 'Problems - medications related to problems');
    expect(ext(l, 'ListWarningCode-1').map((e) => e.valueCode)).toContain('confidential-items');
  });

  it('related problems come in reciprocal parent/child pairs, target first', () => {
    const byId = new Map(conditions(bundle).map((c) => [`Condition/${c.id}`, c]));
    const pairs = conditions(bundle).flatMap((c) =>
      ext(c, 'RelatedProblemHeader-1').map((e) => ({
        from: `Condition/${c.id}`,
        to: e.extension?.[0].valueReference?.reference ?? '',
        type: e.extension?.find((s) => s.url === 'type')?.valueCode,
        first: e.extension?.[0].url,
      })),
    );
    expect(pairs.length).toBeGreaterThan(0);
    for (const p of pairs) {
      expect(p.first).toBe('target');
      const back = ext(byId.get(p.to)!, 'RelatedProblemHeader-1').find(
        (e) => e.extension?.[0].valueReference?.reference === p.from,
      );
      const inverse = { parent: 'child', child: 'parent', sibling: 'sibling' }[
        p.type as 'parent' | 'child' | 'sibling'
      ];
      expect(back?.extension?.find((s) => s.url === 'type')?.valueCode).toBe(inverse);
    }
  });

  it('significance is a valueCode major|minor on every Condition', () => {
    for (const c of conditions(bundle))
      expect(['major', 'minor']).toContain(ext(c, 'ProblemSignificance-1')[0]?.valueCode);
  });
});

describe('filters (each part at its boundary)', () => {
  const matching = (nhs: string, f: (p: { status: string; significance: string }) => boolean) =>
    sharedProblems(nhs)
      .filter(f)
      .map((p) => `Condition/${p.id}`);

  it.each(['active', 'inactive'])(
    'filterStatus=%s: the primary list holds exactly the problems with that status; others only as linked problems',
    async (s) => {
      const bundle = await fetchBundle(t, NHS.patient2, problems(status(s)));
      const primary = refsOf(list(bundle, TITLE.problems));
      expect(primary).toEqual(matching(NHS.patient2, (p) => p.status === s));
      const linked = listsByTitle(bundle).get(TITLE.linked);
      const others = conditions(bundle).filter((c) => !primary.includes(`Condition/${c.id}`));
      for (const c of others) expect(c.clinicalStatus).not.toBe(s);
      expect(refsOf(linked ?? { resourceType: 'List', status: 'current', mode: 'snapshot' }).sort()).toEqual(
        others.map((c) => `Condition/${c.id}`).sort(),
      );
      expect(resources(bundle, 'OperationOutcome')).toEqual([]);
    },
  );

  it.each(['major', 'minor'])(
    'filterSignificance=%s: the primary list holds exactly those problems; Condition count == entries',
    async (s) => {
      const bundle = await fetchBundle(t, NHS.patient2, problems(significance(s)));
      const primary = refsOf(list(bundle, TITLE.problems));
      expect(primary.length).toBeGreaterThan(0);
      expect(primary).toEqual(matching(NHS.patient2, (p) => p.significance === s));
      expect(conditions(bundle)).toHaveLength(primary.length);
    },
  );

  it.each([
    ['active', 'major'],
    ['active', 'minor'],
  ])('filterStatus=%s with filterSignificance=%s: both must match', async (st, sig) => {
    const bundle = await fetchBundle(t, NHS.patient2, problems(status(st), significance(sig)));
    const primary = refsOf(list(bundle, TITLE.problems));
    expect(primary.length).toBeGreaterThan(0);
    expect(primary).toEqual(matching(NHS.patient2, (p) => p.status === st && p.significance === sig));
  });

  it('two includeProblems (active+minor, inactive+major) with includeMedication: the union, no OperationOutcome', async () => {
    const params: Parameter[] = [
      problems(status('active'), significance('minor')),
      problems(status('inactive'), significance('major')),
      area('includeMedication', bool('includePrescriptionIssues', true)),
    ];
    const bundle = await fetchBundle(t, NHS.patient2, ...params);
    expect(refsOf(list(bundle, TITLE.problems))).toEqual(
      matching(
        NHS.patient2,
        (p) =>
          (p.status === 'active' && p.significance === 'minor') ||
          (p.status === 'inactive' && p.significance === 'major'),
      ),
    );
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
  });

  it('an unknown part → 200 with one warning naming it', async () => {
    const bundle = await fetchBundle(t, NHS.patient2, problems({ name: 'madeUpProblems', valueCode: 'x' }));
    const issues =
      resources<{ resourceType: string; issue: { diagnostics?: string }[] }>(bundle, 'OperationOutcome')[0]
        ?.issue ?? [];
    expect(issues.map((i) => i.diagnostics)).toEqual(['includeProblems.madeUpProblems']);
  });
});

describe('patients with no problems', () => {
  it.each([
    ['patient3', NHS.patient3],
    ['patient4', NHS.patient4],
  ])('%s: the Problems list is present and empty', async (_n, nhs) => {
    const bundle = await fetchBundle(t, nhs, problems());
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.problems]);
    expectEmptyList(list(bundle, TITLE.problems));
    expect(conditions(bundle)).toEqual([]);
  });

  it('patient4 with includeMedication: every List empty, with the exact emptyReason and note; no OperationOutcome', async () => {
    const bundle = await fetchBundle(
      t,
      NHS.patient4,
      problems(),
      area('includeMedication', bool('includePrescriptionIssues', true)),
    );
    expect([...listsByTitle(bundle).keys()].sort()).toEqual([TITLE.medication, TITLE.problems].sort());
    for (const l of listsByTitle(bundle).values()) expectEmptyList(l);
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
  });
});

describe('risk1: a problem linking an older medication', () => {
  it('the linked plan is in "Problems - medications related to problems" and its Encounter only, with no structure', async () => {
    const bundle = await fetchBundle(t, NHS.risk1, problems());
    expect(refsOf(list(bundle, 'Problems - medications related to problems'))).toContain(
      'MedicationRequest/r1-med-paracetamol',
    );
    expect(resources<Encounter>(bundle, 'Encounter').length).toBeGreaterThan(0);
    expect(structureLists(bundle)).toEqual([]);
  });
});
