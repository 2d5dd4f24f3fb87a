/**
 * Diary entries through HTTP (List page; List page — warning codes; List page — empty lists; Diary entries
 * guidance; docs/decisions.md "Partial dates"; ProcedureRequest (diary entry) page; Linkages — FHIR profiles
 * returned on query; docs/spec-notes.md "Provider test pack — test patients"): the exact Lists per suite
 * patient with entry counts from the embedded record (and the same ids from the repository), requesters in
 * the Bundle, empty lists and warnings, and diaryEntriesSearchDate at its boundaries: today returns the
 * overdue entries and not the future ones, today+3650 reaches ten years ahead, completed and cancelled
 * entries never, a year-month or year-only planned date counts from its first day, a planned period from its
 * start, undated entries always.
 */
import type { Bundle, ProcedureRequest } from 'fhir/r3';

import { addDays, addMonths, type CalendarDate } from '../../src/fhir/dates';
import type { DiaryEntry, ItemRef } from '../../src/record/model';
import {
  expectAProblemLinks,
  fetchBundle,
  idsOf,
  list,
  listsByTitle,
  raw,
  refsOf,
  shared,
  TITLE,
} from '../bundle/dataset';
import { resources, warningCodes } from '../bundle/fixtures';
import { diary } from '../record/contract-fixtures';
import { NHS, postRecord, rel, testApp, TODAY } from '../support/app';
import {
  describeRefusals,
  expectOnlyEmptyList,
  expectSingleAreaBundle,
  fromRepository,
  purposeMadeApp,
  SUITE_PATIENTS,
} from '../support/area-lists';
import { expectError } from '../support/fhir';
import { area, date, nhsNumber, parameters } from '../support/parameters';

const t = testApp();
const diaryEntries = (searchDate?: string) =>
  searchDate === undefined
    ? area('includeDiaryEntries')
    : area('includeDiaryEntries', date('diaryEntriesSearchDate', searchDate));

// ---- oracles ---------------------------------------------------------------------------------------

/** The first day a planned date (or a planned period's start) may mean: a year from 1 Jan, a month from its 1st. */
function firstDay(planned: DiaryEntry['planned']): string | undefined {
  if (planned === undefined) return undefined;
  const v = typeof planned === 'string' ? planned : planned.start;
  if (/^\d{4}$/.test(v)) return `${v}-01-01`;
  if (/^\d{4}-\d{2}$/.test(v)) return `${v}-01`;
  return v.slice(0, 10);
}

/** Diary entries guidance: incomplete only; planned on or before the search date; undated always. */
function passes(e: DiaryEntry, searchDate?: string): boolean {
  if (e.status === 'completed' || e.status === 'cancelled') return false;
  const first = firstDay(e.planned);
  return searchDate === undefined || first === undefined || first <= searchDate;
}

function expectedDiary(nhs: string, searchDate?: string) {
  const passing = (raw(nhs).record.diaryEntries ?? []).filter((e) => passes(e, searchDate));
  return {
    entries: shared(passing).map((e) => `ProcedureRequest/${e.id}`),
    refs: shared(passing).map((e): ItemRef => ({ kind: 'diaryEntry', id: e.id })),
    items: shared(passing),
    confidential: passing.some((e) => e.confidential === true),
  };
}

const diaryOf = (b: Bundle) => resources<ProcedureRequest>(b, 'ProcedureRequest');

/** Each entry: active plan, authoredOn, occurrence as recorded, and its requester (Practitioner, Device or Organization) in the Bundle. */
function expectDiaryResources(bundle: Bundle, items: readonly DiaryEntry[]): void {
  const byId = new Map(diaryOf(bundle).map((p) => [p.id, p]));
  const keys = new Set((bundle.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`));
  const TYPE = { device: 'Device', organisation: 'Organization' } as const;
  for (const item of items) {
    const pr = byId.get(item.id)!;
    expect({ status: pr.status, intent: pr.intent }).toEqual({ status: 'active', intent: 'plan' });
    expect(pr.authoredOn).toBe(item.recorded);
    const requester = item.requester
      ? `${TYPE[item.requester.kind]}/${item.requester.id}`
      : `Practitioner/${item.recorderId}`;
    expect(pr.requester?.agent.reference).toBe(requester);
    expect(keys.has(requester)).toBe(true);
    if (item.planned === undefined)
      expect([pr.occurrenceDateTime, pr.occurrencePeriod]).toEqual([undefined, undefined]);
    else if (typeof item.planned === 'string') expect(pr.occurrenceDateTime).toBe(item.planned);
    else
      expect(pr.occurrencePeriod).toEqual({
        start: item.planned.start,
        ...(item.planned.end !== undefined && { end: item.planned.end }),
      });
  }
}

// ---- every suite patient ---------------------------------------------------------------------------

describe.each(SUITE_PATIENTS)('%s: includeDiaryEntries', (_name, nhs) => {
  it.each([
    ['no search date', undefined],
    ['diaryEntriesSearchDate = today', TODAY],
  ])(
    '%s → exact Lists, entries as the record and the repository say, requesters, empty/warning behaviour, no OperationOutcome',
    async (_l, searchDate) => {
      const bundle = await fetchBundle(t, nhs, diaryEntries(searchDate));
      const exp = expectedDiary(nhs, searchDate);
      const l = expectSingleAreaBundle(bundle, nhs, TITLE.diary, exp);
      const repo = await fromRepository(t, nhs, {
        diaryEntries: { ...(searchDate && { searchDate: searchDate as CalendarDate }) },
      });
      expect(refsOf(l)).toEqual((repo.diaryEntries?.items ?? []).map((e) => `ProcedureRequest/${e.id}`));

      expect(idsOf(bundle, 'ProcedureRequest')).toEqual(exp.entries);
      expectDiaryResources(bundle, exp.items);
    },
  );
});

describeRefusals(t, diaryEntries(TODAY));

// ---- patient2 --------------------------------------------------------------------------------------

describe('patient2: diary entries linked to problems, one overdue, one ten years ahead, one completed', () => {
  const rec = () => raw(NHS.patient2).record.diaryEntries ?? [];
  const refs = async (searchDate?: string) =>
    refsOf(list(await fetchBundle(t, NHS.patient2, diaryEntries(searchDate)), TITLE.diary));

  it('2 Lists; the diary List has entries; a problem links a ProcedureRequest in the Bundle; a system entry’s Device requester is there', async () => {
    const bundle = await fetchBundle(t, NHS.patient2, diaryEntries());
    expect([...listsByTitle(bundle).keys()].sort()).toEqual([TITLE.diary, TITLE.linked].sort());
    expect(refsOf(list(bundle, TITLE.diary)).length).toBeGreaterThan(0);
    expectAProblemLinks(bundle, 'ProcedureRequest');
    const device = rec().find((e) => e.requester?.kind === 'device')!;
    expect(idsOf(bundle, 'Device')).toEqual([`Device/${device.requester!.id}`]);
  });

  it('completed entries are never in the Bundle, whatever the date', async () => {
    const completed = rec()
      .filter((e) => e.status === 'completed' || e.status === 'cancelled')
      .map((e) => e.id);
    expect(completed.length).toBeGreaterThan(0);
    for (const d of [undefined, TODAY, rel(3650)]) {
      const bundle = await fetchBundle(t, NHS.patient2, diaryEntries(d));
      expect(JSON.stringify(bundle)).not.toMatch(new RegExp(completed.join('|')));
    }
  });

  it('diaryEntriesSearchDate = today returns the overdue entry and excludes the future ones', async () => {
    const overdue = rec()
      .filter((e) => passes(e, TODAY) && e.planned !== undefined)
      .map((e) => `ProcedureRequest/${e.id}`);
    const future = rec()
      .filter((e) => passes(e) && !passes(e, TODAY))
      .map((e) => `ProcedureRequest/${e.id}`);
    expect(overdue.length).toBeGreaterThan(0);
    expect(future.length).toBeGreaterThan(0);
    const got = await refs(TODAY);
    expect(got).toEqual(expectedDiary(NHS.patient2, TODAY).entries);
    expect(got).toEqual(expect.arrayContaining(overdue));
    for (const f of future) expect(got).not.toContain(f);
  });

  it('today+3650 reaches the entries of the next ten years; ten calendar years reaches the furthest', async () => {
    const tenYears = await refs(rel(3650));
    expect(tenYears).toEqual(expectedDiary(NHS.patient2, rel(3650)).entries);
    expect(tenYears.length).toBeGreaterThan((await refs(TODAY)).length);
    const furthest = addMonths(TODAY as CalendarDate, 120);
    expect(await refs(furthest)).toEqual(expectedDiary(NHS.patient2).entries);
  });

  it('each dated future entry is returned from its planned day (a period from its start), not the day before', async () => {
    for (const e of rec().filter((x) => passes(x) && !passes(x, TODAY))) {
      const day = firstDay(e.planned) as CalendarDate;
      expect(await refs(day)).toContain(`ProcedureRequest/${e.id}`);
      expect(await refs(addDays(day, -1))).not.toContain(`ProcedureRequest/${e.id}`);
    }
  });

  it('a search date before today → 422 INVALID_PARAMETER naming diaryEntriesSearchDate', async () => {
    expectError(
      await postRecord(t, parameters(nhsNumber(NHS.patient2), diaryEntries(rel(-1)))),
      422,
      'INVALID_PARAMETER',
      'diaryEntriesSearchDate',
    );
  });
});

describe('patient3: diary entries with no problem', () => {
  it('exactly one List "Patient recall administration" with entries, no problem Lists, no Conditions', async () => {
    const bundle = await fetchBundle(t, NHS.patient3, diaryEntries());
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.diary]);
    expect(refsOf(list(bundle, TITLE.diary)).length).toBeGreaterThanOrEqual(1);
    expect(resources(bundle, 'Condition')).toEqual([]);
  });
});

describe('patient4: no diary entries', () => {
  it('the List: title, code, current, snapshot, subject; no id, no meta.versionId/lastUpdated, no source; empty with emptyReason and note', async () => {
    for (const d of [undefined, TODAY, rel(3650)]) {
      const l = expectOnlyEmptyList(await fetchBundle(t, NHS.patient4, diaryEntries(d)), TITLE.diary);
      expect(l).toMatchObject({
        status: 'current',
        mode: 'snapshot',
        title: TITLE.diary,
        subject: { reference: 'Patient/patient4' },
      });
      expect(l.code?.coding?.[0]).toMatchObject({
        system: 'http://snomed.info/sct',
        code: '714311000000108',
      });
      expect(l.id).toBeUndefined();
      expect(l.meta).toEqual({
        profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-List-1'],
      });
      expect(l.source).toBeUndefined();
    }
  });
});

// ---- diaryEntriesSearchDate at its boundaries, on a purpose-made record -------------------------

describe('diaryEntriesSearchDate on a purpose-made record (planned on or before the date, Diary entries guidance; docs/decisions.md "Partial dates")', () => {
  const records = {
    p: {
      diaryEntries: [
        diary('d-overdue', rel(-7) as CalendarDate),
        diary('d-today', TODAY, { requester: { kind: 'device', id: 'device-gp' } }),
        diary('d-tomorrow', rel(1) as CalendarDate, {
          requester: { kind: 'organisation', id: 'org-hospital' },
        }),
        diary('d-month-now', TODAY.slice(0, 7) as DiaryEntry['planned']),
        diary('d-month-next', '2026-12'),
        diary('d-year-now', TODAY.slice(0, 4) as DiaryEntry['planned']),
        diary('d-year-next', '2027'),
        diary('d-period', { start: '2026-12-05', end: '2026-12-20' }),
        diary('d-far', rel(3650) as CalendarDate),
        diary('d-far-plus', rel(3651) as CalendarDate),
        diary('d-undated', undefined),
        diary('d-active', TODAY, { status: 'active' }),
        diary('d-completed', rel(-3) as CalendarDate, { status: 'completed' }),
        diary('d-cancelled', rel(-3) as CalendarDate, { status: 'cancelled' }),
        diary('d-secret', rel(2) as CalendarDate, { confidential: true }),
      ] as DiaryEntry[],
    },
  };
  const app = purposeMadeApp(records, { p: NHS.patient1 });
  const NOW = ['d-overdue', 'd-today', 'd-month-now', 'd-year-now', 'd-undated', 'd-active'];
  const insert = (xs: string[], ...add: string[]) =>
    records.p.diaryEntries.map((e) => e.id).filter((id) => xs.includes(id) || add.includes(id));

  it.each([
    ['today: overdue, due today, this month, this year, undated', TODAY, NOW, false],
    ['tomorrow (the withheld entry is due the day after)', rel(1), insert(NOW, 'd-tomorrow'), false],
    ['the withheld entry’s day → confidential-items', rel(2), insert(NOW, 'd-tomorrow'), true],
    ['2026-11-30: next month not yet', '2026-11-30', insert(NOW, 'd-tomorrow'), true],
    [
      '2026-12-01: the year-month counts from its first day',
      '2026-12-01',
      insert(NOW, 'd-tomorrow', 'd-month-next'),
      true,
    ],
    ['2026-12-04: the period not yet', '2026-12-04', insert(NOW, 'd-tomorrow', 'd-month-next'), true],
    [
      '2026-12-05: the period from its start',
      '2026-12-05',
      insert(NOW, 'd-tomorrow', 'd-month-next', 'd-period'),
      true,
    ],
    [
      '2026-12-31: next year not yet',
      '2026-12-31',
      insert(NOW, 'd-tomorrow', 'd-month-next', 'd-period'),
      true,
    ],
    [
      '2027-01-01: the year counts from 1 January',
      '2027-01-01',
      insert(NOW, 'd-tomorrow', 'd-month-next', 'd-period', 'd-year-next'),
      true,
    ],
    ['today+3649', rel(3649), insert(NOW, 'd-tomorrow', 'd-month-next', 'd-period', 'd-year-next'), true],
    [
      'today+3650 (inclusive)',
      rel(3650),
      insert(NOW, 'd-tomorrow', 'd-month-next', 'd-period', 'd-year-next', 'd-far'),
      true,
    ],
    [
      'no search date: every incomplete entry',
      undefined,
      insert(NOW, 'd-tomorrow', 'd-month-next', 'd-period', 'd-year-next', 'd-far', 'd-far-plus'),
      true,
    ],
  ] as [string, string | undefined, string[], boolean][])(
    '%s',
    async (_label, searchDate, expected, confidential) => {
      const bundle = await fetchBundle(app, NHS.patient1, diaryEntries(searchDate));
      expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.diary]);
      const l = list(bundle, TITLE.diary);
      expect(refsOf(l)).toEqual(expected.map((id) => `ProcedureRequest/${id}`));
      expect(idsOf(bundle, 'ProcedureRequest')).toEqual(expected.map((id) => `ProcedureRequest/${id}`));
      expect(warningCodes(l)).toEqual(confidential ? ['confidential-items'] : []);
      expectDiaryResources(
        bundle,
        records.p.diaryEntries.filter((e) => expected.includes(e.id)),
      );
      expect(JSON.stringify(bundle)).not.toMatch(/d-completed|d-cancelled|d-secret/);
    },
  );

  it('requesters: the recorder’s Practitioner, a Device, an Organization, each in the Bundle', async () => {
    const bundle = await fetchBundle(app, NHS.patient1, diaryEntries(rel(1)));
    const byId = new Map(diaryOf(bundle).map((p) => [p.id, p]));
    expect(byId.get('d-today')?.requester?.agent).toEqual({ reference: 'Device/device-gp' });
    expect(byId.get('d-tomorrow')?.requester?.agent).toEqual({ reference: 'Organization/org-hospital' });
    expect(byId.get('d-overdue')?.requester?.agent.reference).toMatch(/^Practitioner\//);
    expect(idsOf(bundle, 'Device')).toEqual(['Device/device-gp']);
    expect(idsOf(bundle, 'Organization')).toContain('Organization/org-hospital');
  });
});
