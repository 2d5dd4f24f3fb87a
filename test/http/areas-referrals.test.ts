/**
 * Outbound referrals through HTTP (List page; List page — warning codes; List page — empty lists; Referrals
 * guidance; docs/decisions.md "Partial dates"; ReferralRequest page; Linkages — FHIR profiles returned on
 * query; docs/spec-notes.md "Confidentiality"; docs/spec-notes.md "Provider test pack — test patients"): the
 * exact Lists per suite patient with entry counts from the embedded record (and the same ids from the
 * repository), recipients and supporting items in the Bundle, empty lists, confidential-items (patient16) and
 * data-in-transit (patient13), and referralSearchPeriod at its boundaries on authoredOn: whole dates on
 * either bound, open-ended windows, undated referrals, and year-only and year-month referral dates against
 * windows that cut through them (overlap, docs/decisions.md "Partial dates").
 */
import type { Bundle, DocumentReference, HealthcareService, ReferralRequest } from 'fhir/r3';

import { addDays, type CalendarDate } from '../../src/fhir/dates';
import type { ItemRef, Referral } from '../../src/record/model';
import {
  CONFIDENTIAL_NOTE,
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
import { referral } from '../record/contract-fixtures';
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
const referrals = (start?: string, end?: string) =>
  periodArea('includeReferrals', 'referralSearchPeriod', start, end);

// ---- oracles ---------------------------------------------------------------------------------------

/** Referrals guidance: never entered in error; on authoredOn by overlap, undated always. */
function passes(r: Referral, start?: string, end?: string): boolean {
  if (r.status === 'entered-in-error') return false;
  if (r.authored === undefined) return true;
  const [from, to] = recordedDays(r.authored);
  return (start === undefined || to >= start) && (end === undefined || from <= end);
}

function expectedReferrals(nhs: string, start?: string, end?: string) {
  const passing = (raw(nhs).record.referrals ?? []).filter((r) => passes(r, start, end));
  return {
    referrals: shared(passing),
    entries: shared(passing).map((r) => `ReferralRequest/${r.id}`),
    refs: shared(passing).map((r): ItemRef => ({ kind: 'referral', id: r.id })),
    confidential: passing.some((r) => r.confidential === true),
  };
}

const referralsOf = (b: Bundle) => resources<ReferralRequest>(b, 'ReferralRequest');

/** Every returned referral: status unknown, intent order, its reason code, and its requester, recipients and supporting items in the Bundle. */
function expectReferralResources(bundle: Bundle, expected: readonly Referral[]): void {
  const byId = new Map(referralsOf(bundle).map((r) => [r.id, r]));
  const present = (ref: string | undefined) =>
    ref !== undefined &&
    (bundle.entry ?? []).some((e) => `${e.resource?.resourceType}/${e.resource?.id}` === ref);
  const TYPE = {
    healthcareService: 'HealthcareService',
    organisation: 'Organization',
    practitioner: 'Practitioner',
  } as const;
  for (const r of expected) {
    const rr = byId.get(r.id)!;
    expect({ status: rr.status, intent: rr.intent }).toEqual({ status: 'unknown', intent: 'order' });
    expect(rr.reasonCode?.[0].coding?.[0].code).toBe(r.reason.code);
    expect(rr.authoredOn).toBe(r.authored);
    expect(present(rr.requester?.agent.reference)).toBe(true);
    const actorRecipients = (r.recipients ?? []).filter((x) => x.kind !== 'text');
    expect(many(rr.recipient).map((x) => x.reference)).toEqual(
      actorRecipients.map((x) => `${TYPE[x.kind]}/${(x as { id: string }).id}`),
    );
    for (const x of many(rr.recipient)) expect(present(x.reference)).toBe(true);
    for (const text of (r.recipients ?? []).filter((x) => x.kind === 'text'))
      expect((rr.note ?? []).map((n) => n.text)).toContain(`Recipient: ${(text as { text: string }).text}`);
    for (const s of rr.supportingInfo ?? []) expect(present(s.reference)).toBe(true);
    if (r.ubrn)
      expect(rr.identifier).toContainEqual({ system: 'https://fhir.nhs.uk/Id/UBRN', value: r.ubrn });
  }
  // Each HealthcareService recipient brings the Organization that provides it.
  for (const hs of resources<HealthcareService>(bundle, 'HealthcareService'))
    expect(present(hs.providedBy?.reference)).toBe(true);
}

// ---- every suite patient ---------------------------------------------------------------------------

describe.each(SUITE_PATIENTS)('%s: includeReferrals (no period)', (_name, nhs) => {
  it('exact Lists, entries as the record and the repository say, recipients, empty/warning behaviour, no OperationOutcome', async () => {
    const bundle = await fetchBundle(t, nhs, referrals());
    const exp = expectedReferrals(nhs);
    const l = expectSingleAreaBundle(bundle, nhs, TITLE.referrals, exp);
    const repo = await fromRepository(t, nhs, { referrals: {} });
    expect(refsOf(l)).toEqual((repo.referrals?.items ?? []).map((r) => `ReferralRequest/${r.id}`));

    expect(idsOf(bundle, 'ReferralRequest')).toEqual(exp.entries);
    expectReferralResources(bundle, exp.referrals);
    // Supporting items come in (not expanded), and nothing else clinical does.
    const supporting = exp.referrals.flatMap((r) => r.supportingInfo ?? []);
    expect(idsOf(bundle, 'DocumentReference')).toEqual(
      supporting.filter((s) => s.kind === 'document').map((s) => `DocumentReference/${s.id}`),
    );
    expect(idsOf(bundle, 'Observation')).toEqual(
      supporting.filter((s) => s.kind === 'observation').map((s) => `Observation/${s.id}`),
    );
  });
});

describeRefusals(t, referrals());

// ---- the suite's named patients -------------------------------------------------------------------

describe('patient2: referrals linked to problems', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await fetchBundle(t, NHS.patient2, referrals());
  });

  it('2 Lists; a problem links a ReferralRequest in the Bundle; recipients are HealthcareServices in the Bundle', () => {
    expect([...listsByTitle(bundle).keys()].sort()).toEqual([TITLE.referrals, TITLE.linked].sort());
    expectAProblemLinks(bundle, 'ReferralRequest');
    expect(resources(bundle, 'HealthcareService').length).toBeGreaterThan(0);
    expect(referralsOf(bundle).every((r) => many(r.recipient).length > 0)).toBe(true);
  });

  it('a supporting document is a DocumentReference with metadata only (no inline data)', () => {
    const docs = resources<DocumentReference>(bundle, 'DocumentReference');
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) for (const c of d.content) expect(c.attachment.data).toBeUndefined();
  });

  it('period [today, today] (suite scenario) → 200, no OperationOutcome, exactly the referrals authored today', async () => {
    const b = await fetchBundle(t, NHS.patient2, referrals(TODAY, TODAY));
    expectAreaList(b, NHS.patient2, TITLE.referrals, expectedReferrals(NHS.patient2, TODAY, TODAY));
    expect(resources(b, 'OperationOutcome')).toEqual([]);
  });

  it('each referral is returned when the window starts or ends on its authored day, not from the next day or up to the day before', async () => {
    const refs = async (start?: string, end?: string) =>
      refsOf(list(await fetchBundle(t, NHS.patient2, referrals(start, end)), TITLE.referrals));
    const dated = shared(raw(NHS.patient2).record.referrals).filter(
      (r) => r.authored !== undefined && /^\d{4}-\d{2}-\d{2}/.test(r.authored),
    );
    expect(dated.length).toBeGreaterThan(0);
    for (const r of dated) {
      const day = r.authored!.slice(0, 10) as CalendarDate;
      const id = `ReferralRequest/${r.id}`;
      expect(await refs(day, day)).toContain(id);
      expect(await refs(day)).toContain(id);
      expect(await refs(undefined, day)).toContain(id);
      expect(await refs(addDays(day, 1))).not.toContain(id);
      expect(await refs(undefined, addDays(day, -1))).not.toContain(id);
    }
  });

  it.each([
    ['last year', rel(-365), TODAY],
    ['end only, 5 years ago', undefined, rel(-5 * 365)],
  ])(
    'window %s → exactly the referrals authored in it, and the problems linked to those only',
    async (_label, start, end) => {
      const b = await fetchBundle(t, NHS.patient2, referrals(start, end));
      const exp = expectedReferrals(NHS.patient2, start, end);
      expect(exp.entries.length).toBeGreaterThan(0);
      expect(exp.entries.length).toBeLessThan(expectedReferrals(NHS.patient2).entries.length);
      expect(refsOf(list(b, TITLE.referrals))).toEqual(exp.entries);
      expect(idsOf(b, 'Condition').sort()).toEqual(linkedProblems(NHS.patient2, exp.refs).ids.sort());
    },
  );
});

describe('patient3, patient13, patient16: exactly one List', () => {
  it('patient3: one "Outbound referral" List, a referral, no Conditions, no warnings', async () => {
    const bundle = await fetchBundle(t, NHS.patient3, referrals());
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.referrals]);
    expect(referralsOf(bundle).length).toBeGreaterThanOrEqual(1);
    expect(resources(bundle, 'Condition')).toEqual([]);
    expect(warningCodes(list(bundle, TITLE.referrals))).toEqual([]);
  });

  it('patient13: the List carries exactly one warning, data-in-transit, and its note', async () => {
    const bundle = await fetchBundle(t, NHS.patient13, referrals());
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.referrals]);
    const l = list(bundle, TITLE.referrals);
    expect(warningCodes(l)).toEqual(['data-in-transit']);
    expect(l.note).toHaveLength(1);
    expect(l.note?.[0].text).toMatch(
      /^Patient record transfer from previous GP practice not yet complete; information recorded before \d{2}-[A-Z][a-z]{2}-\d{4} may be missing\.$/,
    );
    expect(refsOf(l).length).toBeGreaterThan(0);
  });

  it('patient16: confidential-items and its note; the confidential referral is nowhere in the Bundle', async () => {
    const bundle = await fetchBundle(t, NHS.patient16, referrals());
    expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.referrals]);
    const l = list(bundle, TITLE.referrals);
    expect(warningCodes(l)).toEqual(['confidential-items']);
    expect(l.note).toEqual([{ text: CONFIDENTIAL_NOTE }]);
    const withheld = (raw(NHS.patient16).record.referrals ?? [])
      .filter((r) => r.confidential)
      .map((r) => r.id);
    expect(withheld.length).toBeGreaterThan(0);
    expect(JSON.stringify(bundle)).not.toMatch(new RegExp(withheld.join('|')));
    expect(refsOf(l)).toEqual(
      shared(raw(NHS.patient16).record.referrals).map((r) => `ReferralRequest/${r.id}`),
    );
  });

  it('patient16: a window that leaves the confidential referral out drops the warning', async () => {
    const secret = (raw(NHS.patient16).record.referrals ?? []).find((r) => r.confidential)!;
    const after = addDays(secret.authored as CalendarDate, 1);
    const l = list(await fetchBundle(t, NHS.patient16, referrals(after)), TITLE.referrals);
    expect(warningCodes(l)).toEqual([]);
    const upTo = list(
      await fetchBundle(t, NHS.patient16, referrals(undefined, secret.authored)),
      TITLE.referrals,
    );
    expect(warningCodes(upTo)).toEqual(['confidential-items']);
  });
});

describe('patient4: no referrals', () => {
  it('one empty List with emptyReason no-content-recorded and note "Information not available", whatever the period', async () => {
    for (const params of [referrals(), referrals(TODAY, TODAY)]) {
      expectOnlyEmptyList(await fetchBundle(t, NHS.patient4, params), TITLE.referrals);
    }
  });
});

// ---- referralSearchPeriod at its boundaries, on a purpose-made record ---------------------------

describe('referralSearchPeriod on a purpose-made record (overlap, inclusive, docs/decisions.md "Partial dates")', () => {
  const records = {
    p: {
      referrals: [
        referral('ref-year', '2018', { recipients: [{ kind: 'healthcareService', id: 'hs-cardio' }] }),
        referral('ref-month', '2018-03', { recipients: [{ kind: 'organisation', id: 'org-hospital' }] }),
        referral('ref-day', '2018-06-15', {
          recipients: [{ kind: 'practitioner', id: 'prac-hospital' }],
          ubrn: '000000000001',
        }),
        referral('ref-time', '2018-06-20T10:00:00+00:00', {
          recipients: [{ kind: 'text', text: 'Community physiotherapy' }],
        }),
        referral('ref-undated', undefined),
        referral('ref-error', '2018-06-15', { status: 'entered-in-error' }),
        referral('ref-cancelled', '2018-06-15', { status: 'cancelled' }),
        referral('ref-secret', '2016-01-01', { confidential: true }),
      ] as Referral[],
    },
  };
  const app = purposeMadeApp(records, { p: NHS.patient1 });

  it.each([
    [
      'no period: every shared referral, never entered in error',
      undefined,
      undefined,
      ['ref-year', 'ref-month', 'ref-day', 'ref-time', 'ref-undated', 'ref-cancelled'],
      true,
    ],
    [
      '2018-06-01..2018-06-30 cuts through the year',
      '2018-06-01',
      '2018-06-30',
      ['ref-year', 'ref-day', 'ref-time', 'ref-undated', 'ref-cancelled'],
      false,
    ],
    ['2019-01-01.. starts after the year', '2019-01-01', undefined, ['ref-undated'], false],
    ['..2017-12-31 ends before the year', undefined, '2017-12-31', ['ref-undated'], true],
    [
      '2018-03-31..2018-04-30 cuts through the month on its last day',
      '2018-03-31',
      '2018-04-30',
      ['ref-year', 'ref-month', 'ref-undated'],
      false,
    ],
    [
      '2018-04-01.. starts after the month',
      '2018-04-01',
      undefined,
      ['ref-year', 'ref-day', 'ref-time', 'ref-undated', 'ref-cancelled'],
      false,
    ],
    [
      'the full date is the start bound',
      '2018-06-15',
      '2018-06-19',
      ['ref-year', 'ref-day', 'ref-undated', 'ref-cancelled'],
      false,
    ],
    [
      'the full date is the end bound',
      '2018-06-10',
      '2018-06-15',
      ['ref-year', 'ref-day', 'ref-undated', 'ref-cancelled'],
      false,
    ],
    ['from the day after the full date', '2018-06-16', '2018-06-19', ['ref-year', 'ref-undated'], false],
    ['up to the day before the full date', '2018-06-01', '2018-06-14', ['ref-year', 'ref-undated'], false],
    ['a dateTime on its own day', '2018-06-20', '2018-06-20', ['ref-year', 'ref-time', 'ref-undated'], false],
    [
      'start only, on the full date',
      '2018-06-15',
      undefined,
      ['ref-year', 'ref-day', 'ref-time', 'ref-undated', 'ref-cancelled'],
      false,
    ],
    [
      'end only, on the full date',
      undefined,
      '2018-06-15',
      ['ref-year', 'ref-month', 'ref-day', 'ref-undated', 'ref-cancelled'],
      true,
    ],
  ] as [string, string | undefined, string | undefined, string[], boolean][])(
    '%s',
    async (_label, start, end, expected, confidential) => {
      const bundle = await fetchBundle(app, NHS.patient1, referrals(start, end));
      expect([...listsByTitle(bundle).keys()]).toEqual([TITLE.referrals]);
      const l = list(bundle, TITLE.referrals);
      expect(refsOf(l)).toEqual(expected.map((id) => `ReferralRequest/${id}`));
      expect(idsOf(bundle, 'ReferralRequest')).toEqual(expected.map((id) => `ReferralRequest/${id}`));
      expect(warningCodes(l)).toEqual(confidential ? ['confidential-items'] : []);
      expectReferralResources(
        bundle,
        records.p.referrals.filter((r) => expected.includes(r.id)),
      );
      expect(JSON.stringify(bundle)).not.toMatch(/ref-secret|ref-error/);
    },
  );

  it('recipients: HealthcareService (with its providing Organization), Organization and Practitioner resources; a text recipient in note; cancelled in note', async () => {
    const bundle = await fetchBundle(app, NHS.patient1, referrals());
    const byId = new Map(referralsOf(bundle).map((r) => [r.id, r]));
    expect(byId.get('ref-year')?.recipient).toEqual([{ reference: 'HealthcareService/hs-cardio' }]);
    expect(idsOf(bundle, 'HealthcareService')).toEqual(['HealthcareService/hs-cardio']);
    expect(idsOf(bundle, 'Organization')).toContain('Organization/org-hospital');
    expect(byId.get('ref-month')?.recipient).toEqual([{ reference: 'Organization/org-hospital' }]);
    expect(byId.get('ref-day')?.recipient).toEqual([{ reference: 'Practitioner/prac-hospital' }]);
    expect(idsOf(bundle, 'Practitioner')).toContain('Practitioner/prac-hospital');
    expect(byId.get('ref-time')?.recipient).toBeUndefined();
    expect(byId.get('ref-time')?.note).toEqual([{ text: 'Recipient: Community physiotherapy' }]);
    expect(byId.get('ref-cancelled')?.status).toBe('unknown');
    expect(byId.get('ref-cancelled')?.note).toEqual([{ text: 'Status: cancelled' }]);
    expect(byId.get('ref-year')?.authoredOn).toBe('2018');
    expect(byId.get('ref-month')?.authoredOn).toBe('2018-03');
    expect(byId.get('ref-undated')?.authoredOn).toBeUndefined();
  });
});
