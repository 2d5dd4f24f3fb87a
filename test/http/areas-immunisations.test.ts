/**
 * Immunisations through HTTP (List page; List page — warning codes; List page — empty lists; Immunisations
 * guidance; Immunization page; Observation pages; Linkages — FHIR profiles returned on query;
 * docs/spec-notes.md "Provider test pack — test patients"): the exact Lists per suite patient with entry
 * counts from the embedded record (and the same ids from the repository), empty lists and warnings,
 * includeNotGiven and includeStatus in every combination, status records referenced from the Immunisations
 * List and never returned as uncategorised data. Every Bundle is validated by expectBundle (schemas,
 * duplicates, references).
 */
import type { Bundle, Immunization, Observation } from 'fhir/r3';

import {
  CONFIDENTIAL_NOTE,
  EMPTY_REASON,
  expectAProblemLinks,
  expectedImmunisations,
  fetchBundle,
  idsOf,
  linkedProblems,
  list,
  listsByTitle,
  raw,
  refsOf,
  TITLE,
} from '../bundle/dataset';
import { resources, warningCodes } from '../bundle/fixtures';
import { given, immunisationStatus, notGiven, observation } from '../record/contract-fixtures';
import { NHS, testApp } from '../support/app';
import {
  describeRefusals,
  expectSingleAreaBundle,
  fromRepository,
  purposeMadeApp,
  SUITE_PATIENTS,
} from '../support/area-lists';
import { area, bool, type Part } from '../support/parameters';

const t = testApp();
const immunisations = (...parts: Part[]) => area('includeImmunisations', ...parts);
const notGivenPart = (v: boolean) => bool('includeNotGiven', v);
const statusPart = (v: boolean) => bool('includeStatus', v);

const observations = (b: Bundle) => resources<Observation>(b, 'Observation');
const immunizations = (b: Bundle) => resources<Immunization>(b, 'Immunization');

// ---- every suite patient ---------------------------------------------------------------------------

describe.each(SUITE_PATIENTS)('%s: includeImmunisations (no parts)', (_name, nhs) => {
  it('exact Lists, entries as the record and the repository say, empty/warning behaviour, linked problems, no OperationOutcome', async () => {
    const bundle = await fetchBundle(t, nhs, immunisations());
    const exp = expectedImmunisations(nhs);
    const l = expectSingleAreaBundle(bundle, nhs, TITLE.immunisations, exp);
    const repo = await fromRepository(t, nhs, {
      immunisations: { includeNotGiven: false, includeStatus: true },
    });
    expect(refsOf(l)).toEqual([
      ...(repo.immunisations?.items ?? []).map((i) => `Immunization/${i.id}`),
      ...(repo.immunisations?.statuses ?? []).map((s) => `Observation/${s.id}`),
    ]);

    // Every Immunization and Observation of the Bundle is an entry of the list, and nothing else is.
    expect(idsOf(bundle, 'Immunization')).toEqual(exp.entries.filter((r) => r.startsWith('Immunization/')));
    expect(idsOf(bundle, 'Observation')).toEqual(exp.entries.filter((r) => r.startsWith('Observation/')));
  });
});

describeRefusals(t, immunisations());

// ---- patient2 --------------------------------------------------------------------------------------

describe('patient2: immunisations linked to problems, consent/dissent records', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await fetchBundle(t, NHS.patient2, immunisations());
  });

  it('"Immunisations" + the linked-problems List; given vaccines only; a problem links an Immunization in the Bundle', () => {
    expect([...listsByTitle(bundle).keys()].sort()).toEqual([TITLE.immunisations, TITLE.linked].sort());
    expect(immunizations(bundle).length).toBeGreaterThan(0);
    for (const i of immunizations(bundle)) expect(i.notGiven).toBe(false);
    expectAProblemLinks(bundle, 'Immunization');
  });

  it('the status records are uncategorised-shape Observations referenced from the Immunisations List; entered in error never', () => {
    const rec = raw(NHS.patient2).record;
    const statusIds = (rec.immunisationStatuses ?? [])
      .filter((s) => !s.enteredInError)
      .map((s) => `Observation/${s.id}`);
    expect(statusIds.length).toBeGreaterThan(0);
    expect(refsOf(list(bundle, TITLE.immunisations))).toEqual(expect.arrayContaining(statusIds));
    const inError = (rec.immunisationStatuses ?? []).filter((s) => s.enteredInError).map((s) => s.id);
    expect(inError.length).toBeGreaterThan(0);
    for (const id of inError) expect(JSON.stringify(bundle)).not.toContain(id);
    for (const o of observations(bundle)) {
      expect(o.status).toBe('final');
      expect(o.category).toBeUndefined();
      expect(o.issued).toEqual(expect.any(String));
    }
    // The ended dissent: effectivePeriod with a start and an end (Immunisations guidance).
    const ended = (rec.immunisationStatuses ?? []).find(
      (s) => !s.enteredInError && typeof s.effective === 'object' && s.effective.end !== undefined,
    );
    const o = observations(bundle).find((x) => x.id === ended?.id);
    expect(o?.effectivePeriod).toEqual({ start: expect.any(String), end: expect.any(String) });
  });

  it('a vaccine given at the practice brings its Location, the recorder its Practitioner', () => {
    const located = immunizations(bundle).filter((i) => i.location);
    expect(located.length).toBeGreaterThan(0);
    for (const i of located) expect(idsOf(bundle, 'Location')).toContain(i.location!.reference);
    for (const i of immunizations(bundle))
      expect(idsOf(bundle, 'Practitioner')).toContain(i.practitioner?.[0].actor.reference);
  });

  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])('includeNotGiven=%s, includeStatus=%s → exactly the record’s matching entries', async (ng, st) => {
    const b = await fetchBundle(t, NHS.patient2, immunisations(notGivenPart(ng), statusPart(st)));
    const exp = expectedImmunisations(NHS.patient2, ng, st);
    expect(refsOf(list(b, TITLE.immunisations))).toEqual(exp.entries);
    expect(idsOf(b, 'Observation')).toEqual(exp.entries.filter((r) => r.startsWith('Observation/')));
    expect(immunizations(b).some((i) => i.notGiven)).toBe(ng);
    if (!st) expect(observations(b)).toEqual([]);
    const linked = linkedProblems(NHS.patient2, exp.refs);
    expect(refsOf(list(b, TITLE.linked)).sort()).toEqual([...linked.ids].sort());
  });

  it('the defaults are includeNotGiven=false and includeStatus=true', async () => {
    const explicit = await fetchBundle(t, NHS.patient2, immunisations(notGivenPart(false), statusPart(true)));
    expect(refsOf(list(bundle, TITLE.immunisations))).toEqual(refsOf(list(explicit, TITLE.immunisations)));
    expect(idsOf(bundle, 'Immunization')).toEqual(idsOf(explicit, 'Immunization'));
  });

  it('a not-given vaccination (includeNotGiven=true) has notGiven, reasonNotGiven and none of site, route, dose, protocol', async () => {
    const b = await fetchBundle(t, NHS.patient2, immunisations(notGivenPart(true)));
    const notGivenOnes = immunizations(b).filter((i) => i.notGiven);
    expect(notGivenOnes).toHaveLength(
      (raw(NHS.patient2).record.immunisations ?? []).filter((i) => i.notGiven).length,
    );
    for (const i of notGivenOnes) {
      expect(i.explanation?.reasonNotGiven?.length).toBeGreaterThan(0);
      expect(i.explanation?.reason).toBeUndefined();
      for (const absent of ['site', 'route', 'doseQuantity', 'vaccinationProtocol', 'lotNumber'])
        expect(i).not.toHaveProperty(absent);
    }
  });

  it('status records are never returned for an uncategorised-data request', async () => {
    const b = await fetchBundle(t, NHS.patient2, area('includeUncategorisedData'));
    const statusIds = (raw(NHS.patient2).record.immunisationStatuses ?? []).map((s) => `Observation/${s.id}`);
    for (const id of statusIds) {
      expect(idsOf(b, 'Observation')).not.toContain(id);
      expect(refsOf(list(b, TITLE.uncategorised))).not.toContain(id);
    }
  });

  it('an unknown part → 200 with one warning naming it', async () => {
    const b = await fetchBundle(t, NHS.patient2, immunisations({ name: 'madeUp', valueBoolean: true }));
    const issues =
      resources<{ resourceType: string; issue: { diagnostics?: string }[] }>(b, 'OperationOutcome')[0]
        ?.issue ?? [];
    expect(issues.map((i) => i.diagnostics)).toEqual(['includeImmunisations.madeUp']);
    expect(refsOf(list(b, TITLE.immunisations))).toEqual(expectedImmunisations(NHS.patient2).entries);
  });
});

describe('patient3: one immunisation, no problems', () => {
  it('exactly one List "Immunisations", a valid Immunization, no Conditions, no warnings', async () => {
    const bundle = await fetchBundle(t, NHS.patient3, immunisations());
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.immunisations]);
    expect(immunizations(bundle).length).toBeGreaterThanOrEqual(1);
    expect(resources(bundle, 'Condition')).toEqual([]);
    expect(warningCodes(list(bundle, TITLE.immunisations))).toEqual([]);
  });
});

describe('patient4 and patient13: no immunisations', () => {
  it('patient4: one empty List with emptyReason no-content-recorded and note "Information not available"', async () => {
    const bundle = await fetchBundle(t, NHS.patient4, immunisations(notGivenPart(true), statusPart(true)));
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.immunisations]);
    const l = list(bundle, TITLE.immunisations);
    expect(l.entry ?? []).toEqual([]);
    expect(l.emptyReason).toEqual(EMPTY_REASON);
    expect(l.note).toHaveLength(1);
    expect(l.note?.[0].text).toContain('Information not available');
  });

  it('patient13: the empty List carries data-in-transit and one note with both texts', async () => {
    const bundle = await fetchBundle(t, NHS.patient13, immunisations());
    const l = list(bundle, TITLE.immunisations);
    expect(warningCodes(l)).toEqual(['data-in-transit']);
    expect(l.note).toHaveLength(1);
    expect(l.note?.[0].text).toMatch(
      /^Patient record transfer from previous GP practice not yet complete; .* may be missing\. Information not available$/,
    );
  });
});

// ---- the part parameters at their boundaries, on a purpose-made practice -------------------------

describe('includeNotGiven / includeStatus on a purpose-made record', () => {
  const app = purposeMadeApp(
    {
      imm: {
        immunisations: [given('g-1'), notGiven('ng-1'), given('g-2', { date: '2018' })],
        immunisationStatuses: [
          immunisationStatus('st-consent', { effective: '2020-03' }),
          immunisationStatus('st-ended', { effective: { start: '2015-01-01', end: '2017-06-30' } }),
          immunisationStatus('st-error', { enteredInError: true }),
        ],
        uncategorisedData: [observation('obs-1', '2020-01-01')],
      },
      // Confidential items: the list warns only when the withheld item passed the filter (filter first, then withhold).
      secret: {
        immunisations: [given('sg-1'), notGiven('sng-secret', { confidential: true })],
        immunisationStatuses: [immunisationStatus('sst-secret', { confidential: true })],
      },
    },
    { imm: NHS.patient1, secret: NHS.patient2 },
  );
  const entries = async (nhs: string, ...parts: Part[]) => {
    const b = await fetchBundle(app, nhs, immunisations(...parts));
    return { b, l: list(b, TITLE.immunisations) };
  };

  it.each([
    [
      'no parts',
      [],
      ['Immunization/g-1', 'Immunization/g-2', 'Observation/st-consent', 'Observation/st-ended'],
    ],
    [
      'includeNotGiven=false, includeStatus=true',
      [notGivenPart(false), statusPart(true)],
      ['Immunization/g-1', 'Immunization/g-2', 'Observation/st-consent', 'Observation/st-ended'],
    ],
    [
      'includeNotGiven=true',
      [notGivenPart(true)],
      [
        'Immunization/g-1',
        'Immunization/ng-1',
        'Immunization/g-2',
        'Observation/st-consent',
        'Observation/st-ended',
      ],
    ],
    [
      'includeNotGiven=true, includeStatus=false',
      [notGivenPart(true), statusPart(false)],
      ['Immunization/g-1', 'Immunization/ng-1', 'Immunization/g-2'],
    ],
    ['includeStatus=false', [statusPart(false)], ['Immunization/g-1', 'Immunization/g-2']],
  ] as [string, Part[], string[]][])('%s → %j', async (_label, parts, expected) => {
    const { b, l } = await entries(NHS.patient1, ...parts);
    expect(refsOf(l)).toEqual(expected);
    expect([...idsOf(b, 'Immunization'), ...idsOf(b, 'Observation')]).toEqual(expected);
    expect(warningCodes(l)).toEqual([]);
    expect(JSON.stringify(b)).not.toContain('st-error');
  });

  it('a status record’s date (year-month, ended period) is written as recorded; a year-only vaccination date too', async () => {
    const { b } = await entries(NHS.patient1);
    const byId = new Map(observations(b).map((o) => [o.id, o]));
    expect(byId.get('st-consent')?.effectiveDateTime).toBe('2020-03');
    expect(byId.get('st-ended')?.effectivePeriod).toEqual({ start: '2015-01-01', end: '2017-06-30' });
    expect(immunizations(b).find((i) => i.id === 'g-2')?.date).toBe('2018');
  });

  it('uncategorised data never includes the status records', async () => {
    const b = await fetchBundle(app, NHS.patient1, area('includeUncategorisedData'));
    expect(refsOf(list(b, TITLE.uncategorised))).toEqual(['Observation/obs-1']);
    expect(idsOf(b, 'Observation')).toEqual(['Observation/obs-1']);
  });

  it('confidential-items only when a withheld item passed the filter', async () => {
    const plain = await entries(NHS.patient2, statusPart(false));
    expect(refsOf(plain.l)).toEqual(['Immunization/sg-1']);
    expect(warningCodes(plain.l)).toEqual([]);
    const withStatus = await entries(NHS.patient2);
    expect(refsOf(withStatus.l)).toEqual(['Immunization/sg-1']);
    expect(warningCodes(withStatus.l)).toEqual(['confidential-items']);
    expect(withStatus.l.note).toEqual([{ text: CONFIDENTIAL_NOTE }]);
    const withNotGiven = await entries(NHS.patient2, notGivenPart(true), statusPart(false));
    expect(refsOf(withNotGiven.l)).toEqual(['Immunization/sg-1']);
    expect(warningCodes(withNotGiven.l)).toEqual(['confidential-items']);
    for (const b of [plain.b, withStatus.b, withNotGiven.b])
      expect(JSON.stringify(b)).not.toMatch(/sng-secret|sst-secret/);
  });
});
