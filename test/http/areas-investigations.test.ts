/**
 * Investigations through HTTP (List page; List page — warning codes; List page — empty lists; Investigations
 * guidance; docs/decisions.md "Partial dates"; Observation pages; DiagnosticReport page; Linkages — FHIR
 * profiles returned on query; docs/spec-notes.md "Provider test pack — test patients"): the exact Lists per
 * suite patient with entry counts from the embedded record (and the same ids from the repository), the whole
 * report bundle (DiagnosticReport, ProcedureRequest, Specimen, test group / result / filing-comment
 * Observations, present and referenced), empty lists and warnings, and investigationSearchPeriod at its
 * boundaries on DiagnosticReport.issued.
 *
 * `issued` is a FHIR instant (always a full timestamp), so there is no year-only or year-month report:
 * the partial-date rules of docs/decisions.md "Partial dates" are exercised on the other dated areas; here
 * the boundaries are the report's calendar day, taken as recorded (a timestamp late in the day with a
 * negative offset stays on its own day).
 */
import type { Bundle, DiagnosticReport, Observation, ProcedureRequest, Specimen } from 'fhir/r3';

import { addDays, type CalendarDate } from '../../src/fhir/dates';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import type { FilingComment, InvestigationReport, ItemRef, TestResult } from '../../src/record/model';
import {
  CONFIDENTIAL_NOTE,
  EMPTY_REASON,
  expectAProblemLinks,
  fetchBundle,
  idsOf,
  linkedProblems,
  list,
  listsByTitle,
  many,
  raw,
  refsOf,
  shared,
  TITLE,
} from '../bundle/dataset';
import { resources, warningCodes } from '../bundle/fixtures';
import { practiceWith, RECORDER, report } from '../record/contract-fixtures';
import { NHS, rel, testApp, TODAY } from '../support/app';
import {
  describeRefusals,
  expectAreaList,
  expectOnlyEmptyList,
  expectSingleAreaBundle,
  fromRepository,
  purposeMadeApp,
  SUITE_PATIENTS,
} from '../support/area-lists';
import { periodArea } from '../support/parameters';

const t = testApp();
const investigations = (start?: string, end?: string) =>
  periodArea('includeInvestigations', 'investigationSearchPeriod', start, end);
const COMMENT_NOTE = '37331000000100';

// ---- oracles ---------------------------------------------------------------------------------------

const issuedDay = (r: InvestigationReport) => r.issued.slice(0, 10);
const partHidden = (r: InvestigationReport) =>
  (r.groups ?? []).some((g) => g.confidential || g.results.some((x) => x.confidential)) ||
  (r.results ?? []).some((x) => x.confidential);

function expectedReports(nhs: string, start?: string, end?: string) {
  const passing = (raw(nhs).record.investigations ?? []).filter(
    (r) => (start === undefined || issuedDay(r) >= start) && (end === undefined || issuedDay(r) <= end),
  );
  return {
    reports: shared(passing),
    entries: shared(passing).map((r) => `DiagnosticReport/${r.id}`),
    refs: shared(passing).map((r): ItemRef => ({ kind: 'investigation', id: r.id })),
    confidential: passing.some((r) => r.confidential === true || partHidden(r)),
  };
}

/** What one report must bring (Investigations guidance; DiagnosticReport page), confidential groups and
 * results left out with what hangs off them. */
function partsOf(r: InvestigationReport) {
  const comments = (fcs: readonly FilingComment[] | undefined) => (fcs ?? []).map((fc) => fc.id);
  const open = (rs: readonly TestResult[]) => rs.filter((x) => !x.confidential);
  const groups = (r.groups ?? []).filter((g) => !g.confidential);
  const grouped = groups.flatMap((g) => open(g.results));
  const standalone = open(r.results ?? []);
  const filing = [
    ...groups.flatMap((g) => comments(g.filingComments)),
    ...[...grouped, ...standalone].flatMap((x) => comments(x.filingComments)),
    ...comments(r.filingComments),
  ];
  return {
    request: r.request?.id,
    specimens: (r.specimens ?? []).map((s) => s.id),
    groups: groups.map((g) => g.id),
    grouped: grouped.map((x) => x.id),
    standalone: standalone.map((x) => x.id),
    filing,
    observations: [
      ...groups.map((g) => g.id),
      ...grouped.map((x) => x.id),
      ...standalone.map((x) => x.id),
      ...filing,
    ],
    /** DiagnosticReport.result: group headers, standalone results, every filing comment — never a grouped result. */
    result: [...groups.map((g) => g.id), ...standalone.map((x) => x.id), ...filing],
  };
}

const reportsOf = (b: Bundle) => resources<DiagnosticReport>(b, 'DiagnosticReport');
const observations = (b: Bundle) => resources<Observation>(b, 'Observation');
const ids = (prefix: string, xs: readonly string[]) => xs.map((x) => `${prefix}/${x}`);

/** Every report of the Bundle is complete: its parts are present, and referenced the way DiagnosticReport
 * page says. */
function expectCompleteReports(bundle: Bundle, reports: readonly InvestigationReport[]): void {
  const byId = new Map(reportsOf(bundle).map((r) => [r.id, r]));
  const obs = new Map(observations(bundle).map((o) => [o.id, o]));
  const present = new Set([
    ...idsOf(bundle, 'ProcedureRequest'),
    ...idsOf(bundle, 'Specimen'),
    ...idsOf(bundle, 'Observation'),
  ]);
  for (const r of reports) {
    const dr = byId.get(r.id)!;
    const parts = partsOf(r);
    expect(dr.issued).toBe(r.issued);
    expect(dr.code.coding?.[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '721981007' });
    if (parts.request) {
      expect(dr.basedOn).toEqual([{ reference: `ProcedureRequest/${parts.request}` }]);
      const pr = resources<ProcedureRequest>(bundle, 'ProcedureRequest').find((x) => x.id === parts.request)!;
      expect({ status: pr.status, intent: pr.intent }).toEqual({ status: 'active', intent: 'order' });
      expect(pr.code.coding?.length || pr.code.text).toBeTruthy();
    }
    expect((dr.specimen ?? []).map((s) => s.reference)).toEqual(ids('Specimen', parts.specimens));
    expect((dr.result ?? []).map((x) => x.reference).sort()).toEqual(ids('Observation', parts.result).sort());
    for (const id of [...ids('Specimen', parts.specimens), ...ids('Observation', parts.observations)])
      expect(present.has(id)).toBe(true);
    for (const g of (r.groups ?? []).filter((x) => !x.confidential)) {
      const header = obs.get(g.id)!;
      const members = g.results.filter((x) => !x.confidential).map((x) => `Observation/${x.id}`);
      expect(
        (header.related ?? []).filter((x) => x.type === 'has-member').map((x) => x.target.reference),
      ).toEqual(members);
      expect(Object.keys(header).filter((k) => k.startsWith('value'))).toEqual([]);
      for (const m of g.results.filter((x) => !x.confidential)) {
        expect(obs.get(m.id)?.related).toEqual([
          { type: 'derived-from', target: { reference: `Observation/${g.id}` } },
        ]);
      }
    }
    for (const id of parts.filing) {
      const fc = obs.get(id)!;
      expect(fc.code.coding?.[0].code).toBe(COMMENT_NOTE);
      expect(fc.status).toBe('unknown');
      expect(many(fc.performer).length).toBeGreaterThan(0);
      expect(fc.effectiveDateTime).toEqual(expect.any(String));
    }
    for (const id of [...parts.grouped, ...parts.standalone]) {
      const x = obs.get(id)!;
      if (x.specimen) expect(present.has(x.specimen.reference!)).toBe(true);
      expect(x.issued).toBe(r.issued);
    }
  }
  // Nothing else: the Observations, Specimens and ProcedureRequests are exactly the reports' parts.
  const all = reports.map(partsOf);
  expect(idsOf(bundle, 'Observation').sort()).toEqual(
    ids(
      'Observation',
      all.flatMap((p) => p.observations),
    ).sort(),
  );
  expect(idsOf(bundle, 'Specimen').sort()).toEqual(
    ids(
      'Specimen',
      all.flatMap((p) => p.specimens),
    ).sort(),
  );
  expect(idsOf(bundle, 'ProcedureRequest').sort()).toEqual(
    ids(
      'ProcedureRequest',
      all.flatMap((p) => (p.request ? [p.request] : [])),
    ).sort(),
  );
}

// ---- every suite patient ---------------------------------------------------------------------------

describe.each(SUITE_PATIENTS)('%s: includeInvestigations (no period)', (_name, nhs) => {
  it('exact Lists, entries as the record and the repository say, complete reports, empty/warning behaviour, no OperationOutcome', async () => {
    const bundle = await fetchBundle(t, nhs, investigations());
    const exp = expectedReports(nhs);
    const l = expectSingleAreaBundle(bundle, nhs, TITLE.investigations, exp);
    const repo = await fromRepository(t, nhs, { investigations: {} });
    expect(refsOf(l)).toEqual((repo.investigations?.items ?? []).map((r) => `DiagnosticReport/${r.id}`));

    expect(idsOf(bundle, 'DiagnosticReport')).toEqual(exp.entries);
    expectCompleteReports(bundle, exp.reports);
  });
});

describeRefusals(t, investigations());

// ---- patient2 --------------------------------------------------------------------------------------

describe('patient2: lab reports linked to problems', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await fetchBundle(t, NHS.patient2, investigations());
  });

  it('2 Lists; DiagnosticReport, Specimen, test group and filing comment all present; a problem links a DiagnosticReport', () => {
    expect([...listsByTitle(bundle).keys()].sort()).toEqual([TITLE.investigations, TITLE.linked].sort());
    expect(reportsOf(bundle).length).toBeGreaterThan(0);
    expect(resources<Specimen>(bundle, 'Specimen').length).toBeGreaterThan(0);
    const groupIds = (raw(NHS.patient2).record.investigations ?? []).flatMap((r) =>
      (r.groups ?? []).map((g) => g.id),
    );
    expect(groupIds.length).toBeGreaterThan(0);
    expect(
      observations(bundle).filter((o) => o.code.coding?.[0].code === COMMENT_NOTE && o.status === 'unknown')
        .length,
    ).toBeGreaterThan(0);
    expectAProblemLinks(bundle, 'DiagnosticReport');
  });

  it('the lab is the performer: an Organization in the Bundle on the report, its groups and results', () => {
    const orgs = new Set(idsOf(bundle, 'Organization'));
    for (const dr of reportsOf(bundle)) {
      expect(dr.performer?.length).toBeGreaterThan(0);
      for (const p of dr.performer ?? []) expect(orgs.has(p.actor.reference!)).toBe(true);
    }
  });

  it('a test request without a code says "No code available"', () => {
    const uncoded = (raw(NHS.patient2).record.investigations ?? [])
      .filter((r) => r.request && !r.request.code)
      .map((r) => r.request!.id);
    expect(uncoded.length).toBeGreaterThan(0);
    for (const id of uncoded)
      expect(resources<ProcedureRequest>(bundle, 'ProcedureRequest').find((p) => p.id === id)?.code).toEqual({
        text: 'No code available',
      });
  });

  it('period [today, today] (suite scenario) → 200, no OperationOutcome, exactly the reports issued today', async () => {
    const b = await fetchBundle(t, NHS.patient2, investigations(TODAY, TODAY));
    expectAreaList(b, NHS.patient2, TITLE.investigations, expectedReports(NHS.patient2, TODAY, TODAY));
    expect(resources(b, 'OperationOutcome')).toEqual([]);
  });

  it('each report is returned when the window starts or ends on its issued day, not from the next day or up to the day before', async () => {
    const refs = async (start?: string, end?: string) =>
      refsOf(list(await fetchBundle(t, NHS.patient2, investigations(start, end)), TITLE.investigations));
    for (const r of shared(raw(NHS.patient2).record.investigations)) {
      const day = issuedDay(r) as CalendarDate;
      const id = `DiagnosticReport/${r.id}`;
      expect(await refs(day, day)).toEqual([id]);
      expect(await refs(day)).toContain(id);
      expect(await refs(undefined, day)).toContain(id);
      expect(await refs(addDays(day, 1))).not.toContain(id);
      expect(await refs(undefined, addDays(day, -1))).not.toContain(id);
    }
  });

  it.each([
    ['last 3 years', rel(-3 * 365), TODAY],
    ['start only, 5 years ago', rel(-5 * 365), undefined],
    ['end only, 5 years ago', undefined, rel(-5 * 365)],
  ])(
    'window %s → exactly the reports issued in it, with their parts and linked problems only',
    async (_label, start, end) => {
      const b = await fetchBundle(t, NHS.patient2, investigations(start, end));
      const exp = expectedReports(NHS.patient2, start, end);
      expect(exp.entries.length).toBeGreaterThan(0);
      expect(exp.entries.length).toBeLessThan(expectedReports(NHS.patient2).entries.length);
      expect(refsOf(list(b, TITLE.investigations))).toEqual(exp.entries);
      expectCompleteReports(b, exp.reports);
      expect(idsOf(b, 'Condition').sort()).toEqual(linkedProblems(NHS.patient2, exp.refs).ids.sort());
    },
  );
});

describe('patient3: a report with no problem', () => {
  it('exactly one List, the first report basedOn an active order ProcedureRequest, specimen, group, filing comment; no Conditions', async () => {
    const bundle = await fetchBundle(t, NHS.patient3, investigations());
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.investigations]);
    const first = reportsOf(bundle)[0];
    const pr = resources<ProcedureRequest>(bundle, 'ProcedureRequest').find(
      (p) => `ProcedureRequest/${p.id}` === many(first.basedOn)[0]?.reference,
    );
    expect({ status: pr?.status, intent: pr?.intent }).toEqual({ status: 'active', intent: 'order' });
    expect(first.specimen?.length).toBeGreaterThan(0);
    expect(observations(bundle).some((o) => o.code.coding?.[0].code === COMMENT_NOTE)).toBe(true);
    expect(resources(bundle, 'Condition')).toEqual([]);
  });
});

describe('patient4: no investigations', () => {
  it('one empty List with emptyReason no-content-recorded and note "Information not available", whatever the period', async () => {
    for (const params of [investigations(), investigations(TODAY, TODAY)]) {
      expectOnlyEmptyList(await fetchBundle(t, NHS.patient4, params), TITLE.investigations);
    }
  });
});

// ---- investigationSearchPeriod at its boundaries, on a purpose-made record ----------------------

describe('investigationSearchPeriod on a purpose-made record (issued day, inclusive)', () => {
  const full = (id: string, issued: string, extra: Partial<InvestigationReport> = {}) =>
    report(id, issued, {
      performers: [{ kind: 'organisation', id: 'org-lab' }],
      request: { id: `${id}-request`, requesterId: RECORDER, performerId: 'org-lab' },
      specimens: [{ id: `${id}-specimen`, collectorId: RECORDER }],
      groups: [
        {
          id: `${id}-group`,
          code: { code: '26604007', display: 'Full blood count' },
          results: [
            {
              id: `${id}-hb`,
              code: { code: '1022431000000105', display: 'Haemoglobin estimation' },
              specimenId: `${id}-specimen`,
            },
          ],
          filingComments: [
            {
              id: `${id}-group-filing`,
              filed: issued as InvestigationReport['issued'],
              filedById: RECORDER,
              comment: 'Normal',
            },
          ],
        },
      ],
      results: [
        { id: `${id}-crp`, code: { code: '1001371000000100', display: 'Plasma C reactive protein' } },
      ],
      filingComments: [
        {
          id: `${id}-filing`,
          filed: issued as InvestigationReport['issued'],
          filedById: RECORDER,
          comment: 'Filed',
        },
      ],
      ...extra,
    });
  const records = {
    p: {
      investigations: [
        full('r-day', '2018-06-15T10:00:00+00:00'),
        full('r-late', '2018-06-15T23:30:00-05:00'),
        full('r-early', '2018-06-16T00:10:00+01:00'),
        full('r-secret', '2016-03-01T09:00:00+00:00', { confidential: true }),
        full('r-part', '2017-01-10T09:00:00+00:00', {
          results: [
            { id: 'r-part-crp', code: { code: '1001371000000100', display: 'Plasma C reactive protein' } },
            { id: 'r-part-hiv', code: { code: '1000001000000105', display: 'HIV test' }, confidential: true },
          ],
        }),
      ],
    },
  };
  const app = purposeMadeApp(records, { p: NHS.patient1 });

  it.each([
    ['no period: every shared report', undefined, undefined, ['r-day', 'r-late', 'r-early', 'r-part'], true],
    ['start and end on the day', '2018-06-15', '2018-06-15', ['r-day', 'r-late'], false],
    ['the day is the start bound', '2018-06-15', '2018-06-20', ['r-day', 'r-late', 'r-early'], false],
    ['the day is the end bound', '2018-06-10', '2018-06-15', ['r-day', 'r-late'], false],
    ['from the next day (start only)', '2018-06-16', undefined, ['r-early'], false],
    ['up to the day before (end only)', undefined, '2018-06-14', ['r-part'], true],
    ['a report with a withheld part in the window', '2017-01-10', '2017-01-10', ['r-part'], true],
    [
      'the withheld report alone in the window: empty, with the warning',
      '2016-03-01',
      '2016-03-01',
      [],
      true,
    ],
    ['nothing in the window: empty, no warning', '2016-03-02', '2017-01-09', [], false],
  ] as [string, string | undefined, string | undefined, string[], boolean][])(
    '%s',
    async (_label, start, end, expected, confidential) => {
      const bundle = await fetchBundle(app, NHS.patient1, investigations(start, end));
      expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.investigations]);
      const l = list(bundle, TITLE.investigations);
      expect(refsOf(l)).toEqual(expected.map((id) => `DiagnosticReport/${id}`));
      expect(warningCodes(l)).toEqual(confidential ? ['confidential-items'] : []);
      const texts = [
        ...(confidential ? [CONFIDENTIAL_NOTE] : []),
        ...(expected.length === 0 ? ['Information not available'] : []),
      ];
      expect(l.note).toEqual(texts.length > 0 ? [{ text: texts.join(' ') }] : undefined);
      expect(l.emptyReason).toEqual(expected.length === 0 ? EMPTY_REASON : undefined);
      expectCompleteReports(
        bundle,
        records.p.investigations.filter((r) => expected.includes(r.id)),
      );
      expect(JSON.stringify(bundle)).not.toMatch(/r-secret|r-part-hiv/);
    },
  );
});

describe('a partial issued date', () => {
  it('is refused when the practice is loaded (DiagnosticReport.issued is an instant), so it can never reach a Bundle', () => {
    const base = practiceWith({
      p: { investigations: [report('r-year', '2018'), report('r-month', '2018-03')] },
    });
    expect(() => new MemoryRepository(base)).toThrow(
      /investigation r-year has an issued time "2018" that is not a full timestamp/,
    );
    expect(() => new MemoryRepository(base)).toThrow(
      /investigation r-month has an issued time "2018-03" that is not a full timestamp/,
    );
  });
});
