/**
 * Medication through HTTP (Medication guidance; MedicationStatement page; MedicationRequest page; Medication
 * page; docs/spec-notes.md "Multi area searches — clinical risk"; docs/spec-notes.md "Provider test pack —
 * test patients"): the Lists per patient, the statement/plan/order/Medication chain,
 * includePrescriptionIssues and medicationSearchFromDate at their boundaries, prescribed elsewhere, warnings.
 */
import type { Bundle, Extension, MedicationRequest, MedicationStatement } from 'fhir/r3';

import { addDays, type CalendarDate } from '../../src/fhir/dates';
import {
  CONFIDENTIAL_NOTE,
  expectAProblemLinks,
  expectEmptyList,
  fetchBundle,
  firstRef,
  idsOf,
  list,
  listsByTitle,
  many,
  noWarnings,
  raw,
  refsOf,
  shared,
  TITLE,
  TRANSIT_NOTE,
} from '../bundle/dataset';
import { resources } from '../bundle/fixtures';
import { NHS, rel, testApp, TODAY } from '../support/app';
import { area, bool, date, type Part } from '../support/parameters';

const t = testApp();

const meds = (...parts: Part[]) => area('includeMedication', ...parts);
const issues = (include: boolean) => bool('includePrescriptionIssues', include);
const from = (d: string) => date('medicationSearchFromDate', d);
const PATIENT12 = '9690938614';

const statements = (b: Bundle) => resources<MedicationStatement>(b, 'MedicationStatement');
/** MedicationStatement.basedOn (typed `Reference | Reference[]` by @types/fhir). */
const basedOn = (s: MedicationStatement) => many(s.basedOn);
const requests = (b: Bundle) => resources<MedicationRequest>(b, 'MedicationRequest');
const orders = (b: Bundle) => requests(b).filter((r) => r.intent === 'order');
const plans = (b: Bundle) => requests(b).filter((r) => r.intent === 'plan');
const ext = (r: { extension?: Extension[] }, suffix: string) =>
  (r.extension ?? []).filter((e) => e.url.endsWith(suffix));
const typeOf = (r: MedicationRequest) =>
  ext(r, 'PrescriptionType-1')[0]?.valueCodeableConcept?.coding?.[0].code;
const warnings = (b: Bundle, title: string) =>
  ext(list(b, title), 'ListWarningCode-1').map((e) => e.valueCode);

/** The statement → plan → Medication chain is complete and every order hangs off a plan in the Bundle. */
function expectChains(bundle: Bundle): void {
  const ids = new Set([...idsOf(bundle, 'MedicationRequest'), ...idsOf(bundle, 'Medication')]);
  for (const s of statements(bundle)) {
    expect(basedOn(s)).toHaveLength(1);
    expect(ids.has(basedOn(s)[0].reference!)).toBe(true);
    expect(ids.has(s.medicationReference!.reference!)).toBe(true);
  }
  for (const r of requests(bundle)) expect(ids.has(r.medicationReference!.reference!)).toBe(true);
  for (const o of orders(bundle)) {
    const plan = requests(bundle).find((r) => `MedicationRequest/${r.id}` === firstRef(o.basedOn));
    expect(plan?.intent).toBe('plan');
    expect(o.medicationReference).toEqual(plan?.medicationReference);
  }
  // Acute plans have at most one issue (docs/spec-notes.md "Provider test pack — test patients"); repeats
  // carry repeat information.
  for (const p of plans(bundle)) {
    const n = orders(bundle).filter((o) => firstRef(o.basedOn) === `MedicationRequest/${p.id}`).length;
    if (typeOf(p) === 'acute') expect(n).toBeLessThanOrEqual(1);
    if (typeOf(p) === 'repeat') expect(ext(p, 'MedicationRepeatInformation-1')).toHaveLength(1);
  }
}

describe('no medication recorded', () => {
  it.each([
    ['patient1', NHS.patient1, true],
    ['patient1 (no part)', NHS.patient1, undefined],
    ['patient4', NHS.patient4, true],
    ['patient4', NHS.patient4, false],
  ])('%s (%s), includePrescriptionIssues=%s → exactly one empty List', async (_n, nhs, include) => {
    const bundle = await fetchBundle(t, nhs, include === undefined ? meds() : meds(issues(include)));
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.medication]);
    expectEmptyList(list(bundle, TITLE.medication));
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
  });
});

describe('without includeMedication', () => {
  it.each([
    ['patient2', NHS.patient2],
    ['patient3', NHS.patient3],
    ['patient5', NHS.patient5],
    ['patient12', PATIENT12],
  ])('%s: NHS number only → no medication resources at all', async (_n, nhs) => {
    const bundle = await fetchBundle(t, nhs);
    for (const type of ['Medication', 'MedicationStatement', 'MedicationRequest', 'List'])
      expect(resources(bundle, type)).toEqual([]);
  });
});

describe('patient2: medication linked to problems, one confidential', () => {
  it('includePrescriptionIssues=true → medication + linked-problems Lists; confidential-items; complete chains', async () => {
    const bundle = await fetchBundle(t, NHS.patient2, meds(issues(true)));
    expect([...listsByTitle(bundle).keys()].sort()).toEqual([TITLE.linked, TITLE.medication].sort());
    const expected = shared(raw(NHS.patient2).record.medication).map((p) => `MedicationStatement/${p.id}`);
    expect(refsOf(list(bundle, TITLE.medication))).toEqual(expected);
    expect(statements(bundle)).toHaveLength(expected.length);
    expect(warnings(bundle, TITLE.medication)).toEqual(['confidential-items']);
    expect(list(bundle, TITLE.medication).note).toEqual([{ text: CONFIDENTIAL_NOTE }]);
    expectChains(bundle);
    // Every issue of every returned plan (the date does not filter issues), none of the confidential one.
    const expectedOrders = shared(raw(NHS.patient2).record.medication).flatMap((p) =>
      shared(p.issues).map((i) => `MedicationRequest/${i.id}`),
    );
    expect(
      orders(bundle)
        .map((o) => `MedicationRequest/${o.id}`)
        .sort(),
    ).toEqual(expectedOrders.sort());
    expectAProblemLinks(bundle, 'MedicationRequest');
    expect(refsOf(list(bundle, TITLE.linked)).sort()).toEqual(idsOf(bundle, 'Condition').sort());
    expect(resources(bundle, 'OperationOutcome')).toEqual([]);
  });

  it('includePrescriptionIssues=false → the same Lists and statements, no order at all', async () => {
    const withIssues = await fetchBundle(t, NHS.patient2, meds(issues(true)));
    const bundle = await fetchBundle(t, NHS.patient2, meds(issues(false)));
    expect([...listsByTitle(bundle).keys()].sort()).toEqual([TITLE.linked, TITLE.medication].sort());
    expect(orders(bundle)).toEqual([]);
    expect(statements(bundle)).toEqual(statements(withIssues));
    expectChains(bundle);
  });

  it('the part defaults to true', async () => {
    const bundle = await fetchBundle(t, NHS.patient2, meds());
    expect(orders(bundle).length).toBeGreaterThan(0);
  });

  it('medicationSearchFromDate = today-3y: every returned statement is active on or after that date', async () => {
    const d = rel(-3 * 365);
    const bundle = await fetchBundle(t, NHS.patient2, meds(issues(false), from(d)));
    const all = await fetchBundle(t, NHS.patient2, meds(issues(false)));
    const returned = refsOf(list(bundle, TITLE.medication));
    expect(returned.length).toBeGreaterThan(0);
    expect(returned.length).toBeLessThan(refsOf(list(all, TITLE.medication)).length);
    for (const s of statements(bundle).filter((x) => returned.includes(`MedicationStatement/${x.id}`))) {
      const end = s.effectivePeriod?.end;
      if (end !== undefined) expect(end.slice(0, 10) >= d).toBe(true);
    }
  });
});

describe('medicationSearchFromDate boundaries (end >= D, both inclusive)', () => {
  /** Statements of a patient's unfiltered medication list with a whole-date effective end, not prescribed elsewhere. */
  async function endedStatements(nhs: string): Promise<MedicationStatement[]> {
    const bundle = await fetchBundle(t, nhs, meds(issues(false)));
    const inList = new Set(refsOf(list(bundle, TITLE.medication)));
    return statements(bundle).filter(
      (s) =>
        inList.has(`MedicationStatement/${s.id}`) &&
        /^\d{4}-\d{2}-\d{2}/.test(s.effectivePeriod?.end ?? '') &&
        (s.effectivePeriod?.end ?? '').slice(0, 10) < TODAY &&
        ext(s, 'PrescribingAgency-1')[0].valueCodeableConcept?.coding?.[0].code !==
          'prescribed-by-another-organisation',
    );
  }

  it.each([
    ['patient2', NHS.patient2],
    ['risk1', NHS.risk1],
  ])('%s: returned when D = its effective end, not when D = the day after', async (_n, nhs) => {
    const candidates = await endedStatements(nhs);
    expect(candidates.length).toBeGreaterThan(0);
    for (const s of candidates.slice(0, 3)) {
      const end = s.effectivePeriod!.end!.slice(0, 10) as CalendarDate;
      const on = await fetchBundle(t, nhs, meds(issues(false), from(end)));
      const after = await fetchBundle(t, nhs, meds(issues(false), from(addDays(end, 1))));
      expect(refsOf(list(on, TITLE.medication))).toContain(`MedicationStatement/${s.id}`);
      expect(refsOf(list(after, TITLE.medication))).not.toContain(`MedicationStatement/${s.id}`);
    }
  });

  it('an ongoing repeat (no end) is returned for D = today', async () => {
    const bundle = await fetchBundle(t, NHS.patient2, meds(issues(false), from(TODAY)));
    const ongoing = statements(bundle).filter((s) => s.effectivePeriod?.end === undefined);
    expect(ongoing.length).toBeGreaterThan(0);
    for (const s of ongoing)
      expect(refsOf(list(bundle, TITLE.medication))).toContain(`MedicationStatement/${s.id}`);
  });

  it('D = today on patient12 (past medication only): only what was prescribed by another organisation', async () => {
    const bundle = await fetchBundle(t, PATIENT12, meds(issues(true), from(TODAY)));
    const elsewhere = shared(raw(PATIENT12).record.medication).filter(
      (p) => p.prescribedElsewhere?.agency === 'prescribed-by-another-organisation',
    );
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(refsOf(list(bundle, TITLE.medication))).toEqual(
      elsewhere.map((p) => `MedicationStatement/${p.id}`),
    );
  });
});

describe('other patients', () => {
  it.each([
    ['patient3', NHS.patient3],
    ['patient5', NHS.patient5],
    ['patient12', PATIENT12],
    ['patient16', NHS.patient16],
  ])(
    '%s: exactly one List with every plan, no Conditions, no warnings (includePrescriptionIssues true and false)',
    async (_n, nhs) => {
      for (const include of [true, false]) {
        const bundle = await fetchBundle(t, nhs, meds(issues(include)));
        expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.medication]);
        const l = list(bundle, TITLE.medication);
        expect(refsOf(l)).toEqual(
          shared(raw(nhs).record.medication).map((p) => `MedicationStatement/${p.id}`),
        );
        noWarnings(l);
        expect(resources(bundle, 'Condition')).toEqual([]);
        expect(resources(bundle, 'OperationOutcome')).toEqual([]);
        expectChains(bundle);
        if (!include) expect(orders(bundle)).toEqual([]);
      }
    },
  );

  // docs/spec-notes.md "Provider test pack — test patients": the suite wants both sub-extensions on
  // patient5's repeat plans, so every repeat there must record its number of authorised issues (data, not
  // mapping: MedicationRequest page writes numberOfRepeatPrescriptionsAllowed only when the record has one).
  it('patient5: repeat plans carry repeat information with the issued and allowed counts', async () => {
    const bundle = await fetchBundle(t, NHS.patient5, meds(issues(true)));
    const repeats = plans(bundle).filter((p) => typeOf(p) === 'repeat');
    expect(repeats.length).toBeGreaterThan(0);
    for (const p of repeats) {
      const urls = ext(p, 'MedicationRepeatInformation-1')[0].extension?.map((e) => e.url);
      expect(urls).toEqual(
        expect.arrayContaining(['numberOfRepeatPrescriptionsIssued', 'numberOfRepeatPrescriptionsAllowed']),
      );
    }
  });

  it('patient12: prescribed elsewhere → prescribingAgency says so; no orders; basedOn resolves to one plan', async () => {
    const bundle = await fetchBundle(t, PATIENT12, meds(issues(true)));
    const agencies = statements(bundle).map(
      (s) => ext(s, 'PrescribingAgency-1')[0].valueCodeableConcept?.coding?.[0].code,
    );
    expect(agencies).toContain('prescribed-by-another-organisation');
    for (const s of statements(bundle))
      expect(
        requests(bundle).filter((r) => `MedicationRequest/${r.id}` === basedOn(s)[0]?.reference),
      ).toHaveLength(1);
  });

  it('patient13: the List carries data-in-transit and its note', async () => {
    const bundle = await fetchBundle(t, NHS.patient13, meds(issues(true)));
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.medication]);
    const l = list(bundle, TITLE.medication);
    expect(warnings(bundle, TITLE.medication)).toEqual(['data-in-transit']);
    expect(l.note).toHaveLength(1);
    expect(l.note?.[0].text).toMatch(TRANSIT_NOTE);
    if ((l.entry ?? []).length === 0) expect(l.note?.[0].text).toContain('Information not available');
  });
});
