/**
 * Uncategorised data through HTTP (List page; List page — warning codes; List page — empty lists;
 * Uncategorised data guidance; docs/decisions.md "Partial dates"; Observation pages; Linkages — FHIR profiles
 * returned on query; docs/spec-notes.md "Provider test pack — test patients"): the exact Lists per suite
 * patient with entry counts from the embedded record (and the same ids from the repository), empty lists and
 * warnings, and uncategorisedDataSearchPeriod at its boundaries: whole dates on either bound, open-ended
 * windows, undated items, and year-only, year-month and period-dated items against windows that cut through
 * them (overlap, docs/decisions.md "Partial dates").
 */
import type { Bundle, Observation } from 'fhir/r3';

import { addDays, type CalendarDate } from '../../src/fhir/dates';
import type { DatePeriod, ItemRef, PartialDate } from '../../src/record/model';
import {
  expectAProblemLinks,
  fetchBundle,
  idsOf,
  linkedProblems,
  list,
  listsByTitle,
  many,
  raw,
  recordedDays,
  refsOf,
  shared,
  TITLE,
} from '../bundle/dataset';
import { resources, warningCodes } from '../bundle/fixtures';
import { observation } from '../record/contract-fixtures';
import { NHS, rel, testApp, TODAY } from '../support/app';
import {
  describeRefusals,
  expectAreaList,
  expectNothingRecorded,
  expectOnlyEmptyList,
  expectSingleAreaBundle,
  fromRepository,
  purposeMadeApp,
  SUITE_PATIENTS,
} from '../support/area-lists';
import { periodArea } from '../support/parameters';

const t = testApp();
const uncategorised = (start?: string, end?: string) =>
  periodArea('includeUncategorisedData', 'uncategorisedDataSearchPeriod', start, end);

// ---- oracles ---------------------------------------------------------------------------------------

/** Overlap of an effective date or period with an inclusive window; undated: always (Uncategorised data
 * guidance; docs/decisions.md "Partial dates"). */
function inWindow(effective: PartialDate | DatePeriod | undefined, start?: string, end?: string): boolean {
  if (effective === undefined) return true;
  const from = recordedDays(typeof effective === 'string' ? effective : effective.start)[0];
  const to =
    typeof effective === 'string'
      ? recordedDays(effective)[1]
      : effective.end === undefined
        ? '9999-12-31'
        : recordedDays(effective.end)[1];
  return (start === undefined || to >= start) && (end === undefined || from <= end);
}

function expectedObservations(nhs: string, start?: string, end?: string) {
  const passing = (raw(nhs).record.uncategorisedData ?? []).filter((o) => inWindow(o.effective, start, end));
  return {
    entries: shared(passing).map((o) => `Observation/${o.id}`),
    refs: shared(passing).map((o): ItemRef => ({ kind: 'observation', id: o.id })),
    confidential: passing.some((o) => o.confidential === true),
  };
}

const observations = (b: Bundle) => resources<Observation>(b, 'Observation');

// ---- every suite patient ---------------------------------------------------------------------------

describe.each(SUITE_PATIENTS)('%s: includeUncategorisedData (no period)', (_name, nhs) => {
  it('exact Lists, entries as the record and the repository say, empty/warning behaviour, linked problems, no OperationOutcome', async () => {
    const bundle = await fetchBundle(t, nhs, uncategorised());
    const exp = expectedObservations(nhs);
    const l = expectSingleAreaBundle(bundle, nhs, TITLE.uncategorised, exp);
    const repo = await fromRepository(t, nhs, { uncategorisedData: {} });
    expect(refsOf(l)).toEqual((repo.uncategorisedData?.items ?? []).map((o) => `Observation/${o.id}`));

    expect(idsOf(bundle, 'Observation')).toEqual(exp.entries);
  });
});

describeRefusals(t, uncategorised());

// ---- patient2 --------------------------------------------------------------------------------------

describe('patient2: uncategorised data linked to problems, one item confidential', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await fetchBundle(t, NHS.patient2, uncategorised());
  });

  it('"Uncategorised data" + the linked-problems List; a problem links an Observation in the Bundle; confidential-items', () => {
    expect([...listsByTitle(bundle).keys()].sort()).toEqual([TITLE.uncategorised, TITLE.linked].sort());
    expectAProblemLinks(bundle, 'Observation');
    expect(warningCodes(list(bundle, TITLE.uncategorised))).toEqual(['confidential-items']);
    const secret = (raw(NHS.patient2).record.uncategorisedData ?? [])
      .filter((o) => o.confidential)
      .map((o) => o.id);
    expect(secret.length).toBeGreaterThan(0);
    for (const id of secret) expect(JSON.stringify(bundle)).not.toContain(id);
  });

  it('every Observation: status final, no category, issued, a performer in the Bundle', () => {
    const actors = new Set([...idsOf(bundle, 'Practitioner'), ...idsOf(bundle, 'Organization')]);
    for (const o of observations(bundle)) {
      expect(o.status).toBe('final');
      expect(o.category).toBeUndefined();
      expect(o.issued).toEqual(expect.any(String));
      const performers = many(o.performer);
      expect(performers.length).toBeGreaterThan(0);
      for (const p of performers) expect(actors.has(p.reference!)).toBe(true);
    }
  });

  it('blood pressure triples: no panel value, systolic and diastolic components in mm[Hg]', () => {
    const bps = (raw(NHS.patient2).record.uncategorisedData ?? []).filter(
      (o) => o.kind === 'bloodPressure' && !o.confidential,
    );
    expect(bps.length).toBeGreaterThan(0);
    for (const bp of bps) {
      const o = observations(bundle).find((x) => x.id === bp.id)!;
      expect(o.valueQuantity).toBeUndefined();
      expect(o.component).toHaveLength(2);
      for (const c of o.component ?? [])
        expect(c.valueQuantity?.code ?? c.valueQuantity?.unit).toBe('mm[Hg]');
    }
  });

  it('dates are written as recorded: the year-month item as YYYY-MM, the undated item with no effective[x]', () => {
    const rec = raw(NHS.patient2).record.uncategorisedData ?? [];
    const month = rec.find((o) => typeof o.effective === 'string' && /^\d{4}-\d{2}$/.test(o.effective))!;
    const undated = rec.find((o) => o.effective === undefined)!;
    expect(observations(bundle).find((o) => o.id === month.id)?.effectiveDateTime).toBe(month.effective);
    const u = observations(bundle).find((o) => o.id === undated.id)!;
    expect(u.effectiveDateTime).toBeUndefined();
    expect(u.effectivePeriod).toBeUndefined();
  });

  it('period [today, today] (suite scenario) → 200, no OperationOutcome, the undated item still returned', async () => {
    const b = await fetchBundle(t, NHS.patient2, uncategorised(TODAY, TODAY));
    const exp = expectedObservations(NHS.patient2, TODAY, TODAY);
    expect(refsOf(list(b, TITLE.uncategorised))).toEqual(exp.entries);
    const undated = (raw(NHS.patient2).record.uncategorisedData ?? [])
      .filter((o) => o.effective === undefined)
      .map((o) => `Observation/${o.id}`);
    expect(undated.length).toBeGreaterThan(0);
    expect(refsOf(list(b, TITLE.uncategorised))).toEqual(expect.arrayContaining(undated));
    expect(resources(b, 'OperationOutcome')).toEqual([]);
  });

  it.each([
    ['last 3 years', rel(-3 * 365), TODAY],
    ['start only, a year ago', rel(-365), undefined],
    ['end only, five years ago', undefined, rel(-5 * 365)],
    ['a closed window in the past', rel(-8 * 365), rel(-4 * 365)],
  ])(
    'window %s → exactly the overlapping items, the linked problems of those only',
    async (_label, start, end) => {
      const b = await fetchBundle(t, NHS.patient2, uncategorised(start, end));
      const exp = expectedObservations(NHS.patient2, start, end);
      const all = expectedObservations(NHS.patient2);
      expect(exp.entries.length).toBeGreaterThan(0);
      expect(exp.entries.length).toBeLessThan(all.entries.length);
      expectAreaList(b, NHS.patient2, TITLE.uncategorised, exp);
      expect(idsOf(b, 'Observation')).toEqual(exp.entries);
      expect(idsOf(b, 'Condition').sort()).toEqual(linkedProblems(NHS.patient2, exp.refs).ids.sort());
    },
  );

  it('a whole-date item is returned when the window starts or ends on its day, not from the next day or up to the day before', async () => {
    const item = (raw(NHS.patient2).record.uncategorisedData ?? []).find(
      (o) => !o.confidential && typeof o.effective === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(o.effective),
    )!;
    const day = item.effective as CalendarDate;
    const id = `Observation/${item.id}`;
    const refs = async (start?: string, end?: string) =>
      refsOf(list(await fetchBundle(t, NHS.patient2, uncategorised(start, end)), TITLE.uncategorised));
    expect(await refs(day, day)).toContain(id);
    expect(await refs(day)).toContain(id);
    expect(await refs(undefined, day)).toContain(id);
    expect(await refs(addDays(day, 1))).not.toContain(id);
    expect(await refs(undefined, addDays(day, -1))).not.toContain(id);
  });

  it('the year-month item overlaps a window that cuts through its month, and not one that ends the day before it starts', async () => {
    const item = (raw(NHS.patient2).record.uncategorisedData ?? []).find(
      (o) => typeof o.effective === 'string' && /^\d{4}-\d{2}$/.test(o.effective),
    )!;
    const [first, last] = recordedDays(item.effective as string);
    const id = `Observation/${item.id}`;
    const refs = async (start?: string, end?: string) =>
      refsOf(list(await fetchBundle(t, NHS.patient2, uncategorised(start, end)), TITLE.uncategorised));
    expect(await refs(last, addDays(last as CalendarDate, 30))).toContain(id);
    expect(await refs(addDays(first as CalendarDate, -30), first)).toContain(id);
    expect(await refs(addDays(last as CalendarDate, 1))).not.toContain(id);
    expect(await refs(undefined, addDays(first as CalendarDate, -1))).not.toContain(id);
  });
});

describe('patient3 and patient1: uncategorised data, no problems', () => {
  it.each([
    ['patient3', NHS.patient3],
    ['patient1', NHS.patient1],
  ])('%s: exactly one List, every Observation in it, no Conditions, no warnings', async (_n, nhs) => {
    const bundle = await fetchBundle(t, nhs, uncategorised());
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.uncategorised]);
    expect(refsOf(list(bundle, TITLE.uncategorised)).length).toBeGreaterThan(0);
    expect(resources(bundle, 'Condition')).toEqual([]);
    expect(warningCodes(list(bundle, TITLE.uncategorised))).toEqual([]);
  });
});

describe('patient4: no uncategorised data', () => {
  it('one empty List with emptyReason no-content-recorded and note "Information not available", whatever the period', async () => {
    for (const params of [uncategorised(), uncategorised(TODAY, TODAY), uncategorised(rel(-3650))]) {
      const bundle = await fetchBundle(t, NHS.patient4, params);
      expectOnlyEmptyList(bundle, TITLE.uncategorised);
      expect(resources(bundle, 'OperationOutcome')).toEqual([]);
    }
  });
});

// ---- uncategorisedDataSearchPeriod at its boundaries, on a purpose-made record ------------------

describe('uncategorisedDataSearchPeriod on a purpose-made record (overlap, inclusive, docs/decisions.md "Partial dates")', () => {
  const app = purposeMadeApp(
    {
      dated: {
        uncategorisedData: [
          observation('o-year', '2018'),
          observation('o-month', '2018-03'),
          observation('o-day', '2018-06-15'),
          observation('o-time', '2018-06-20T10:00:00+00:00'),
          observation('o-period', { start: '2018-05-01', end: '2018-05-31' }),
          observation('o-ongoing', { start: '2018-09-01' }),
          observation('o-undated', undefined),
          observation('o-secret', '2016-01-01', { confidential: true }),
        ],
      },
    },
    { dated: NHS.patient1 },
  );
  const ALL = ['o-year', 'o-month', 'o-day', 'o-time', 'o-period', 'o-ongoing', 'o-undated'];

  it.each([
    ['no period: everything shared', undefined, undefined, ALL, true],
    [
      '2018-06-01..2018-06-30 cuts through the year',
      '2018-06-01',
      '2018-06-30',
      ['o-year', 'o-day', 'o-time', 'o-undated'],
      false,
    ],
    ['2019-01-01.. starts after the year', '2019-01-01', undefined, ['o-ongoing', 'o-undated'], false],
    ['..2017-12-31 ends before the year', undefined, '2017-12-31', ['o-undated'], true],
    [
      '2018-03-31..2018-04-30 cuts through the month on its last day',
      '2018-03-31',
      '2018-04-30',
      ['o-year', 'o-month', 'o-undated'],
      false,
    ],
    [
      '2018-04-01.. starts after the month',
      '2018-04-01',
      undefined,
      ['o-year', 'o-day', 'o-time', 'o-period', 'o-ongoing', 'o-undated'],
      false,
    ],
    ['..2018-03-01 ends inside the month', undefined, '2018-03-01', ['o-year', 'o-month', 'o-undated'], true],
    ['the full date is the start bound', '2018-06-15', '2018-06-19', ['o-year', 'o-day', 'o-undated'], false],
    ['the full date is the end bound', '2018-06-10', '2018-06-15', ['o-year', 'o-day', 'o-undated'], false],
    ['start and end on the full date', '2018-06-15', '2018-06-15', ['o-year', 'o-day', 'o-undated'], false],
    ['from the day after the full date', '2018-06-16', '2018-06-19', ['o-year', 'o-undated'], false],
    ['up to the day before the full date', '2018-06-01', '2018-06-14', ['o-year', 'o-undated'], false],
    ['a dateTime on its own day', '2018-06-20', '2018-06-20', ['o-year', 'o-time', 'o-undated'], false],
    [
      'start only, on the full date',
      '2018-06-15',
      undefined,
      ['o-year', 'o-day', 'o-time', 'o-ongoing', 'o-undated'],
      false,
    ],
    [
      'end only, on the full date',
      undefined,
      '2018-06-15',
      ['o-year', 'o-month', 'o-day', 'o-period', 'o-undated'],
      true,
    ],
    [
      'a period whose end is the start bound',
      '2018-05-31',
      '2018-05-31',
      ['o-year', 'o-period', 'o-undated'],
      false,
    ],
    [
      'a period whose start is the end bound',
      '2018-04-01',
      '2018-05-01',
      ['o-year', 'o-period', 'o-undated'],
      false,
    ],
    ['an ongoing period overlaps any later window', '2026-01-01', TODAY, ['o-ongoing', 'o-undated'], false],
    ['the withheld item in the window → confidential-items', '2016-01-01', '2016-01-01', ['o-undated'], true],
  ] as [string, string | undefined, string | undefined, string[], boolean][])(
    '%s',
    async (_label, start, end, expected, confidential) => {
      const bundle = await fetchBundle(app, NHS.patient1, uncategorised(start, end));
      expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.uncategorised]);
      const l = list(bundle, TITLE.uncategorised);
      expect(refsOf(l)).toEqual(expected.map((id) => `Observation/${id}`));
      expect(idsOf(bundle, 'Observation')).toEqual(expected.map((id) => `Observation/${id}`));
      expect(warningCodes(l)).toEqual(confidential ? ['confidential-items'] : []);
      expect(JSON.stringify(bundle)).not.toContain('o-secret');
      expect(resources(bundle, 'OperationOutcome')).toEqual([]);
    },
  );

  it('partial and period dates are written as recorded', async () => {
    const bundle = await fetchBundle(app, NHS.patient1, uncategorised());
    const byId = new Map(observations(bundle).map((o) => [o.id, o]));
    expect(byId.get('o-year')?.effectiveDateTime).toBe('2018');
    expect(byId.get('o-month')?.effectiveDateTime).toBe('2018-03');
    expect(byId.get('o-period')?.effectivePeriod).toEqual({ start: '2018-05-01', end: '2018-05-31' });
    expect(byId.get('o-ongoing')?.effectivePeriod).toEqual({ start: '2018-09-01' });
  });

  it('a window with no match: the List is empty with emptyReason and the note', async () => {
    const only = purposeMadeApp(
      { dated: { uncategorisedData: [observation('only', '2018-06-15')] } },
      { dated: NHS.patient1 },
    );
    expectNothingRecorded(
      list(await fetchBundle(only, NHS.patient1, uncategorised('2019-01-01')), TITLE.uncategorised),
    );
  });
});
