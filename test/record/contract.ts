/**
 * The ClinicalRepository contract, written once and run against every store (memory now, PostgreSQL
 * later): `describeRepositoryContract('postgres', async (dataset, clock) => ...)`. Each block builds a
 * small purpose-made dataset (contract-fixtures.ts) so that every rule of the clinical area guidance pages;
 * Linkages — FHIR profiles returned on query; docs/spec-notes.md "Confidentiality" and Configuration for
 * supported clinical areas is tested at its boundaries.
 */
import { type Clock, fixedClock } from '../../src/clock';
import type { StructuredQuery } from '../../src/contract/structured-query';
import type { PracticeDataset } from '../../src/record/dataset';
import type { PatientClinicalRecord } from '../../src/record/model';
import type { ClinicalRepository, PatientRecord } from '../../src/record/repository';
import {
  allergy,
  consultation,
  d,
  diary,
  document,
  EVERY_AREA,
  flatTopic,
  given,
  headedTopic,
  ids,
  immunisationStatus,
  issue,
  nhsOf,
  note,
  notGiven,
  NOW,
  observation,
  plan,
  PRACTICE,
  practiceWith,
  problem,
  query,
  RECORDER,
  ref,
  referral,
  report,
  USUAL_GP,
} from './contract-fixtures';

export type MakeRepository = (dataset: PracticeDataset, clock: Clock) => Promise<ClinicalRepository>;

export function describeRepositoryContract(name: string, makeRepository: MakeRepository): void {
  const clock = fixedClock(NOW);

  /** A repository over `records` for the enclosing describe block; returns a loader by patient id. */
  function useRecords(records: Record<string, PatientClinicalRecord>) {
    let repository: ClinicalRepository | undefined;
    beforeAll(async () => {
      repository = await makeRepository(practiceWith(records), clock);
    });
    afterAll(async () => {
      await repository?.close();
    });
    return async (q: StructuredQuery, patientId = Object.keys(records)[0] ?? ''): Promise<PatientRecord> => {
      if (!repository) throw new Error('repository not created');
      const patient = await repository.findPatient(nhsOf(patientId));
      if (!patient) throw new Error(`no patient ${patientId}`);
      return repository.loadRecord(patient, { ...q, nhsNumber: patient.nhsNumber });
    };
  }

  describe(`${name}: repository contract`, () => {
    describe('patients and areas', () => {
      const load = useRecords({
        p1: { allergies: [allergy('a1')], medication: [plan('m1', '2020-01-01')] },
        p2: { allergies: [allergy('a2')] },
      });

      it('finds patients by NHS number and answers practice, readiness', async () => {
        const repository = await makeRepository(practiceWith({ p1: {} }), clock);
        try {
          expect((await repository.findPatient(nhsOf('p1')))?.id).toBe('p1');
          expect(await repository.findPatient('9999999999')).toBeUndefined();
          expect((await repository.practice()).id).toBe(PRACTICE.id);
          expect(await repository.isReady()).toBe(true);
        } finally {
          await repository.close();
        }
      });

      it('returns only the requested areas, and only the patient’s own items', async () => {
        const record = await load(query({ allergies: { includeResolved: false } }), 'p2');
        expect(record.patient.id).toBe('p2');
        expect(record.practice.id).toBe(PRACTICE.id);
        expect(ids(record.allergies?.active.items)).toEqual(['a2']);
        expect(record.allergies?.resolved).toBeUndefined();
        expect(record.medication).toBeUndefined();
        expect(record.consultations).toBeUndefined();
        expect(record.problems).toBeUndefined();
        expect(record.linked).toBeUndefined();
        expect(record.withheldLinks ?? []).toEqual([]);
      });

      it('returns an empty primary list (not absent) for a requested area with nothing recorded', async () => {
        const record = await load(
          query({ referrals: {}, diaryEntries: {}, problems: { filters: [] } }),
          'p2',
        );
        expect(record.referrals).toEqual({ items: [], withheldConfidential: false });
        expect(record.diaryEntries).toEqual({ items: [], withheldConfidential: false });
        expect(record.problems).toEqual({ items: [], withheldConfidential: false });
      });

      it('has the usual GP among the practitioners even when nothing is requested', async () => {
        const record = await load(query(), 'p2');
        expect(ids(record.practitioners)).toEqual([USUAL_GP]);
        expect(record.organisations.map((o) => o.id)).not.toContain(PRACTICE.id);
      });
    });

    describe('allergies (Allergies guidance)', () => {
      const load = useRecords({
        p: { allergies: [allergy('active'), allergy('resolved', { ended: { date: d('2020-01-01') } })] },
      });

      it('returns active allergies only, with no ended list, without includeResolvedAllergies', async () => {
        const record = await load(query({ allergies: { includeResolved: false } }));
        expect(ids(record.allergies?.active.items)).toEqual(['active']);
        expect(record.allergies?.resolved).toBeUndefined();
      });

      it('returns resolved allergies separately with includeResolvedAllergies', async () => {
        const record = await load(query({ allergies: { includeResolved: true } }));
        expect(ids(record.allergies?.active.items)).toEqual(['active']);
        expect(ids(record.allergies?.resolved?.items)).toEqual(['resolved']);
      });
    });

    describe('medication: active on or after medicationSearchFromDate (Medication guidance)', () => {
      const load = useRecords({
        p: {
          medication: [
            plan('acute-ended', '2018-02-01', {
              prescriptionType: 'acute',
              end: d('2018-02-28'),
              status: 'completed',
            }),
            plan('acute-open', '2018-02-01', { prescriptionType: 'acute' }),
            plan('delayed-open', '2018-02-01', { prescriptionType: 'delayed-prescribing' }),
            plan('repeat-open', '2015-01-01', { prescriptionType: 'repeat' }),
            plan('repeat-ended', '2018-01-01', {
              prescriptionType: 'repeat',
              end: d('2018-06-30'),
              status: 'completed',
            }),
            plan('notype-open', '2016-01-01', { prescriptionType: undefined }),
            plan('dispensing-open', '2016-01-01', { prescriptionType: 'repeat-dispensing' }),
            plan('other-org', '2010-01-01', {
              prescriptionType: 'acute',
              end: d('2010-01-31'),
              status: 'completed',
              prescribedElsewhere: { agency: 'prescribed-by-another-organisation', detail: 'Hospital' },
            }),
            plan('previous-practice', '2010-01-01', {
              end: d('2010-06-30'),
              status: 'completed',
              prescribedElsewhere: { agency: 'prescribed-by-previous-practice' },
            }),
            plan('stopped-issued', '2018-03-01', {
              status: 'stopped',
              discontinued: { date: d('2018-05-10'), reason: 'Side effects' },
              issues: [
                issue('stopped-issued-1', '2018-03-01'),
                issue('stopped-issued-2', '2018-04-01', { supplyDays: 28 }),
              ],
            }),
            plan('stopped-unissued', '2018-03-01', {
              status: 'stopped',
              discontinued: { date: d('2018-05-10'), reason: 'Changed' },
            }),
            plan('completed-unissued', '2018-03-01', { status: 'completed' }),
            plan('acute-year', '2018', { prescriptionType: 'acute' }),
          ],
        },
      });
      const returned = async (date?: string) =>
        ids(
          (
            await load(
              query({
                medication: { includePrescriptionIssues: true, ...(date && { searchFromDate: d(date) }) },
              }),
            )
          ).medication?.items,
        );

      it('returns every plan, with all its issues, when no date is given', async () => {
        const record = await load(query({ medication: { includePrescriptionIssues: false } }));
        expect(record.medication?.items).toHaveLength(13);
        expect(ids(record.medication?.items.find((p) => p.id === 'stopped-issued')?.issues)).toEqual([
          'stopped-issued-1',
          'stopped-issued-2',
        ]);
      });

      it('keeps an acute with an end while D is on or before its end (inclusive)', async () => {
        expect(await returned('2018-01-15')).toContain('acute-ended');
        expect(await returned('2018-02-28')).toContain('acute-ended');
        expect(await returned('2018-03-01')).not.toContain('acute-ended');
      });

      it('treats an acute (and delayed-prescribing) without an end as active on its start date only', async () => {
        expect(await returned('2018-02-01')).toEqual(expect.arrayContaining(['acute-open', 'delayed-open']));
        const after = await returned('2018-02-02');
        expect(after).not.toContain('acute-open');
        expect(after).not.toContain('delayed-open');
      });

      it('treats a repeat, repeat-dispensing or untyped plan without an end as ongoing', async () => {
        expect(await returned('2026-11-21')).toEqual(
          expect.arrayContaining(['repeat-open', 'notype-open', 'dispensing-open']),
        );
      });

      it('keeps a repeat with an end while D is on or before the end', async () => {
        expect(await returned('2018-06-30')).toContain('repeat-ended');
        expect(await returned('2018-07-01')).not.toContain('repeat-ended');
      });

      it('returns medication prescribed by another organisation whatever the date, but filters previous-practice items', async () => {
        const recent = await returned('2026-01-01');
        expect(recent).toContain('other-org');
        expect(recent).not.toContain('previous-practice');
        expect(await returned('2010-06-30')).toContain('previous-practice');
      });

      it('ends an ended plan with no recorded end at its last issue + supply days, else its stop date, else its start', async () => {
        expect(await returned('2018-04-29')).toContain('stopped-issued');
        expect(await returned('2018-04-30')).not.toContain('stopped-issued');
        expect(await returned('2018-05-10')).toContain('stopped-unissued');
        expect(await returned('2018-05-11')).not.toContain('stopped-unissued');
        expect(await returned('2018-03-01')).toContain('completed-unissued');
        expect(await returned('2018-03-02')).not.toContain('completed-unissued');
      });

      it('treats a year-only start as the whole year (overlap)', async () => {
        expect(await returned('2018-12-31')).toContain('acute-year');
        expect(await returned('2019-01-01')).not.toContain('acute-year');
      });

      it('returns exactly the expected set for one D, in dataset order', async () => {
        expect(await returned('2018-05-01')).toEqual([
          'repeat-open',
          'repeat-ended',
          'notype-open',
          'dispensing-open',
          'other-org',
          'stopped-unissued',
          'acute-year',
        ]);
      });
    });

    describe('date windows, partial and unknown dates (Uncategorised data guidance; docs/decisions.md "Partial dates")', () => {
      const load = useRecords({
        p: {
          uncategorisedData: [
            observation('day', '2018-06-15'),
            observation('year', '2018'),
            observation('month', '2018-03'),
            observation('timestamp', '2018-06-30T23:30:00+01:00'),
            observation('undated', undefined),
            observation('period', { start: '2018-01-10', end: '2018-02-10' }),
            observation('ongoing', { start: '2017-05-01' }),
          ],
        },
      });
      const within = async (start?: string, end?: string) =>
        ids(
          (
            await load(
              query({
                uncategorisedData: {
                  searchPeriod: { ...(start && { start: d(start) }), ...(end && { end: d(end) }) },
                },
              }),
            )
          ).uncategorisedData?.items,
        );

      it('returns everything with no search period', async () => {
        expect((await load(query({ uncategorisedData: {} }))).uncategorisedData?.items).toHaveLength(7);
      });

      it('keeps a year-only record for a window inside that year, and drops it for a window after it', async () => {
        expect(await within('2018-06-01', '2018-06-30')).toEqual([
          'day',
          'year',
          'timestamp',
          'undated',
          'ongoing',
        ]);
        expect(await within('2019-01-01')).toEqual(['undated', 'ongoing']);
      });

      it('compares year-month records as the whole month, both ends inclusive', async () => {
        expect(await within('2018-03-31', '2018-03-31')).toContain('month');
        expect(await within('2018-04-01', '2018-04-30')).not.toContain('month');
        expect(await within(undefined, '2018-03-01')).toEqual([
          'year',
          'month',
          'undated',
          'period',
          'ongoing',
        ]);
      });

      it('includes a whole date on either bound and excludes it one day off', async () => {
        expect(await within('2018-06-15', '2018-06-15')).toContain('day');
        expect(await within('2018-06-16', '2018-06-29')).toEqual(['year', 'undated', 'ongoing']);
        expect(await within('2018-06-30', '2018-06-30')).toContain('timestamp');
      });

      it('always returns undated records, and an open-ended period overlaps any later window', async () => {
        expect(await within('2030-01-01')).toEqual(['undated', 'ongoing']);
        expect(await within('2017-01-01', '2017-04-30')).toEqual(['undated']);
      });
    });

    describe('investigations and referrals (Investigations guidance; Referrals guidance)', () => {
      const load = useRecords({
        p: {
          investigations: [
            report('r-10th', '2019-05-10T09:00:00+01:00'),
            report('r-11th', '2019-05-11T00:10:00+01:00'),
          ],
          referrals: [
            referral('ref-dated', '2020-02-01'),
            referral('ref-undated', undefined),
            referral('ref-error', '2020-02-01', { status: 'entered-in-error' }),
            referral('ref-cancelled', '2020-02-01', { status: 'cancelled' }),
          ],
        },
      });

      it('filters reports on their issued date, inclusive', async () => {
        const record = await load(
          query({ investigations: { searchPeriod: { start: d('2019-05-10'), end: d('2019-05-10') } } }),
        );
        expect(ids(record.investigations?.items)).toEqual(['r-10th']);
        const next = await load(query({ investigations: { searchPeriod: { start: d('2019-05-11') } } }));
        expect(ids(next.investigations?.items)).toEqual(['r-11th']);
      });

      it('filters referrals on their authored date, returns undated and cancelled ones, never entered-in-error', async () => {
        const all = await load(query({ referrals: {} }));
        expect(ids(all.referrals?.items)).toEqual(['ref-dated', 'ref-undated', 'ref-cancelled']);
        const onDay = await load(
          query({ referrals: { searchPeriod: { start: d('2020-02-01'), end: d('2020-02-01') } } }),
        );
        expect(ids(onDay.referrals?.items)).toEqual(['ref-dated', 'ref-undated', 'ref-cancelled']);
        const after = await load(query({ referrals: { searchPeriod: { start: d('2020-02-02') } } }));
        expect(ids(after.referrals?.items)).toEqual(['ref-undated']);
      });
    });

    describe('consultations (Consultations guidance)', () => {
      const content = (id: string) => [ref.observation(`obs-${id}`)];
      const load = useRecords({
        p: {
          consultations: [
            consultation('c1', undefined, content('c1'), {
              period: { start: '2020-01-10T09:00:00+00:00', end: '2020-01-10T09:20:00+00:00' },
            }),
            consultation('c2', '2020-02-01', content('c2')),
            consultation('c3', '2020-03', content('c3')),
            consultation('c4-undated', undefined, content('c4')),
            consultation('c5', '2020-02-01', content('c5')),
            consultation('c-empty', '2020-04-01', []),
            consultation('c-span', undefined, content('cs'), {
              period: { start: '2020-01-31', end: '2020-02-02' },
            }),
            consultation('c-empty-topics', '2020-05-01', [], {
              topics: [headedTopic([[]]), flatTopic([], [])],
            }),
          ],
          uncategorisedData: ['c1', 'c2', 'c3', 'c4', 'c5', 'cs'].map((id) =>
            observation(`obs-${id}`, undefined),
          ),
        },
      });
      const period = async (start?: string, end?: string) =>
        ids(
          (
            await load(
              query({
                consultations: {
                  searchPeriod: { ...(start && { start: d(start) }), ...(end && { end: d(end) }) },
                },
              }),
            )
          ).consultations?.items,
        );
      const mostRecent = async (n: number) =>
        ids((await load(query({ consultations: { mostRecent: n } }))).consultations?.items);

      it('returns every consultation with content, undated included, empty ones never', async () => {
        expect(ids((await load(query({ consultations: {} }))).consultations?.items)).toEqual([
          'c1',
          'c2',
          'c3',
          'c4-undated',
          'c5',
          'c-span',
        ]);
      });

      it('checks the start bound on period.start (inclusive)', async () => {
        expect(await period('2020-02-01')).toEqual(['c2', 'c3', 'c4-undated', 'c5']);
      });

      it('checks the end bound on period.end, falling back to period.start (inclusive)', async () => {
        expect(await period(undefined, '2020-02-01')).toEqual(['c1', 'c2', 'c4-undated', 'c5']);
        expect(await period(undefined, '2020-02-02')).toContain('c-span');
      });

      it('treats a year-month start as the whole month (overlap)', async () => {
        expect(await period('2020-03-15', '2020-03-15')).toEqual(['c3', 'c4-undated']);
        expect(await period('2020-04-01')).toEqual(['c4-undated']);
      });

      it('returns the N most recent by period.start, plus every undated consultation (not counted), in dataset order', async () => {
        expect(await mostRecent(1)).toEqual(['c3', 'c4-undated']);
        expect(await mostRecent(10)).toEqual(['c1', 'c2', 'c3', 'c4-undated', 'c5', 'c-span']);
      });

      it('breaks ties at the N-th place by dataset order, returning exactly N dated consultations', async () => {
        expect(await mostRecent(2)).toEqual(['c2', 'c3', 'c4-undated']);
        expect(await mostRecent(3)).toEqual(['c2', 'c3', 'c4-undated', 'c5']);
      });

      it('brings the content of returned consultations only', async () => {
        const record = await load(query({ consultations: { mostRecent: 1 } }));
        expect(ids(record.linked?.uncategorisedData)).toEqual(['obs-c3', 'obs-c4']);
      });
    });

    describe('problems (Problems guidance and the project’s filterSignificance / union)', () => {
      const load = useRecords({
        p: {
          problems: [
            problem('active-major'),
            problem('active-minor', { significance: 'minor' }),
            problem('inactive-major', { status: 'inactive' }),
            problem('inactive-minor', { status: 'inactive', significance: 'minor' }),
          ],
        },
      });
      const matching = async (filters: NonNullable<StructuredQuery['problems']>['filters']) =>
        ids((await load(query({ problems: { filters } }))).problems?.items);

      it('returns every problem with no filter, an empty filter or an empty filter list', async () => {
        const all = ['active-major', 'active-minor', 'inactive-major', 'inactive-minor'];
        expect(await matching([])).toEqual(all);
        expect(await matching([{}])).toEqual(all);
        expect(await matching([{ status: 'active' }, {}])).toEqual(all);
      });

      it('filters on status and on significance', async () => {
        expect(await matching([{ status: 'active' }])).toEqual(['active-major', 'active-minor']);
        expect(await matching([{ status: 'inactive' }])).toEqual(['inactive-major', 'inactive-minor']);
        expect(await matching([{ significance: 'major' }])).toEqual(['active-major', 'inactive-major']);
      });

      it('needs every part of one filter, and returns the union of several filters', async () => {
        expect(await matching([{ status: 'inactive', significance: 'minor' }])).toEqual(['inactive-minor']);
        expect(
          await matching([
            { status: 'active', significance: 'minor' },
            { status: 'inactive', significance: 'major' },
          ]),
        ).toEqual(['active-minor', 'inactive-major']);
      });
    });

    describe('immunisations (Immunisations guidance)', () => {
      const load = useRecords({
        p: {
          immunisations: [given('given'), notGiven('not-given')],
          immunisationStatuses: [
            immunisationStatus('consent'),
            immunisationStatus('status-error', { enteredInError: true }),
          ],
        },
      });

      it('returns given vaccinations and status records by default, never entered-in-error statuses', async () => {
        const record = await load(query({ immunisations: { includeNotGiven: false, includeStatus: true } }));
        expect(ids(record.immunisations?.items)).toEqual(['given']);
        expect(ids(record.immunisations?.statuses)).toEqual(['consent']);
      });

      it('adds not-given vaccinations with includeNotGiven and drops statuses without includeStatus', async () => {
        const record = await load(query({ immunisations: { includeNotGiven: true, includeStatus: false } }));
        expect(ids(record.immunisations?.items)).toEqual(['given', 'not-given']);
        expect(record.immunisations?.statuses).toEqual([]);
      });

      it('never returns immunisation status records as uncategorised data', async () => {
        const record = await load(query({ uncategorisedData: {} }));
        expect(record.uncategorisedData?.items).toEqual([]);
      });
    });

    describe('diary entries: incomplete, planned on or before the search date (Diary entries guidance)', () => {
      const load = useRecords({
        p: {
          diaryEntries: [
            diary('overdue', d('2026-10-01')),
            diary('on-date', d('2026-12-01')),
            diary('period', { start: d('2026-12-05'), end: d('2026-12-20') }),
            diary('month', '2027-01'),
            diary('undated', undefined),
            diary('completed', d('2026-10-01'), { status: 'completed' }),
            diary('cancelled', d('2026-10-01'), { status: 'cancelled' }),
            diary('explicitly-active', d('2026-11-21'), { status: 'active' }),
          ],
        },
      });
      const onOrBefore = async (date?: string) =>
        ids(
          (await load(query({ diaryEntries: { ...(date && { searchDate: d(date) }) } }))).diaryEntries?.items,
        );

      it('returns every incomplete entry without a date, never completed or cancelled ones', async () => {
        expect(await onOrBefore()).toEqual([
          'overdue',
          'on-date',
          'period',
          'month',
          'undated',
          'explicitly-active',
        ]);
      });

      it('keeps entries planned on or before the date (overdue ones included), inclusive', async () => {
        expect(await onOrBefore('2026-11-30')).toEqual(['overdue', 'undated', 'explicitly-active']);
        expect(await onOrBefore('2026-12-01')).toEqual([
          'overdue',
          'on-date',
          'undated',
          'explicitly-active',
        ]);
      });

      it('reads a planned period on its start and a year-month as its first day', async () => {
        expect(await onOrBefore('2026-12-04')).not.toContain('period');
        expect(await onOrBefore('2026-12-05')).toContain('period');
        expect(await onOrBefore('2026-12-31')).not.toContain('month');
        expect(await onOrBefore('2027-01-01')).toContain('month');
      });
    });

    describe('confidentiality (docs/spec-notes.md "Confidentiality")', () => {
      const records: Record<string, PatientClinicalRecord> = {
        p: {
          allergies: [
            allergy('a-ok'),
            allergy('SECRET-allergy', { confidential: true }),
            allergy('a-ended', { ended: { date: d('2020-01-01') } }),
          ],
          medication: [
            plan('m-ok', '2020-01-01', {
              issues: [
                issue('mi-ok', '2020-01-01'),
                issue('SECRET-issue', '2020-02-01', { confidential: true }),
              ],
            }),
            plan('SECRET-old-plan', '2010-01-01', {
              prescriptionType: 'acute',
              status: 'completed',
              confidential: true,
            }),
          ],
          problems: [
            problem('p-ok', {
              linkedItems: [ref.observation('SECRET-obs-2'), ref.document('doc-ok')],
              relatedProblems: [{ type: 'child', problemId: 'SECRET-problem' }],
            }),
            problem('SECRET-problem', { confidential: true, linkedItems: [ref.observation('obs-lp')] }),
          ],
          consultations: [
            consultation('c-ok', '2020-03-01', [], {
              topics: [
                flatTopic(
                  [
                    ref.observation('SECRET-obs'),
                    note('SECRET-note', { confidential: true }),
                    note('note-ok'),
                    ref.observation('obs-ok'),
                  ],
                  ['SECRET-problem', 'p-ok'],
                ),
                flatTopic([ref.diary('SECRET-diary'), ref.referral('ref-error'), ref.diary('diary-ok')]),
              ],
            }),
            consultation('SECRET-consultation', '2020-04-01', [ref.observation('obs-ok')], {
              confidential: true,
            }),
          ],
          uncategorisedData: [
            observation('obs-ok', '2020-03-01'),
            observation('SECRET-obs', '2020-03-01', { confidential: true }),
            observation('SECRET-obs-2', '2020-03-01', { confidential: true }),
            observation('obs-lp', '2020-03-01'),
          ],
          investigations: [
            report('inv', '2020-03-01T10:00:00+00:00', {
              groups: [
                {
                  id: 'grp-ok',
                  code: { code: '26604007', display: 'Full blood count' },
                  results: [
                    { id: 'res-ok', code: { code: '1022431000000105', display: 'Haemoglobin' } },
                    {
                      id: 'SECRET-result',
                      code: { code: '1022451000000103', display: 'RBC' },
                      confidential: true,
                    },
                  ],
                },
                {
                  id: 'SECRET-group',
                  code: { code: '1000', display: 'Hidden' },
                  results: [],
                  confidential: true,
                },
              ],
              results: [
                { id: 'SECRET-loose-result', code: { code: '1001', display: 'Hidden' }, confidential: true },
              ],
            }),
          ],
          referrals: [referral('ref-error', '2020-01-01', { status: 'entered-in-error' })],
          diaryEntries: [
            diary('SECRET-diary', undefined, { confidential: true }),
            diary('diary-ok', undefined),
          ],
          documents: [document('doc-ok')],
        },
        q: {
          medication: [
            plan('q-plan', '2020-01-01'),
            plan('SECRET-q-plan', '2010-01-01', {
              prescriptionType: 'acute',
              status: 'completed',
              confidential: true,
            }),
          ],
          uncategorisedData: [
            observation('q-obs', '2020-06-01'),
            observation('SECRET-q-obs', '2010-06-01', { confidential: true }),
          ],
        },
      };
      const load = useRecords(records);
      const everything = query(EVERY_AREA);

      it('leaves out confidential items that passed the filter and flags their primary lists', async () => {
        const record = await load(everything);
        expect(ids(record.allergies?.active.items)).toEqual(['a-ok']);
        expect(record.allergies?.active.withheldConfidential).toBe(true);
        expect(record.allergies?.resolved?.withheldConfidential).toBe(false);
        expect(ids(record.problems?.items)).toEqual(['p-ok']);
        expect(record.problems?.withheldConfidential).toBe(true);
        expect(ids(record.consultations?.items)).toEqual(['c-ok']);
        expect(record.consultations?.withheldConfidential).toBe(true);
        expect(ids(record.uncategorisedData?.items)).toEqual(['obs-ok', 'obs-lp']);
        expect(record.uncategorisedData?.withheldConfidential).toBe(true);
        expect(ids(record.diaryEntries?.items)).toEqual(['diary-ok']);
        expect(record.diaryEntries?.withheldConfidential).toBe(true);
        expect(record.referrals).toEqual({ items: [], withheldConfidential: false });
      });

      it('withholds a plan’s confidential issue and flags the medication list', async () => {
        const record = await load(
          query({ medication: { includePrescriptionIssues: true, searchFromDate: d('2020-01-01') } }),
        );
        expect(ids(record.medication?.items)).toEqual(['m-ok']);
        expect(ids(record.medication?.items[0]?.issues)).toEqual(['mi-ok']);
        expect(record.medication?.withheldConfidential).toBe(true);
      });

      it('does not flag a list when the confidential item failed the filter', async () => {
        const filtered = await load(
          query({
            medication: { includePrescriptionIssues: true, searchFromDate: d('2020-01-01') },
            uncategorisedData: { searchPeriod: { start: d('2020-01-01') } },
          }),
          'q',
        );
        expect(filtered.medication).toEqual({
          items: [expect.objectContaining({ id: 'q-plan' })],
          withheldConfidential: false,
        });
        expect(filtered.uncategorisedData).toEqual({
          items: [expect.objectContaining({ id: 'q-obs' })],
          withheldConfidential: false,
        });
        const unfiltered = await load(
          query({ medication: { includePrescriptionIssues: true }, uncategorisedData: {} }),
          'q',
        );
        expect(unfiltered.medication?.withheldConfidential).toBe(true);
        expect(unfiltered.uncategorisedData?.withheldConfidential).toBe(true);
      });

      it('removes the confidential parts of a report and flags the investigations list', async () => {
        const record = await load(query({ investigations: {} }));
        const inv = record.investigations?.items[0];
        expect(ids(inv?.groups)).toEqual(['grp-ok']);
        expect(ids(inv?.groups?.[0]?.results)).toEqual(['res-ok']);
        expect(inv?.results).toEqual([]);
        expect(record.investigations?.withheldConfidential).toBe(true);
      });

      it('records a withheld link for confidential content of returned consultations, never loading it', async () => {
        const record = await load(query({ consultations: {} }));
        const topic = record.consultations?.items[0]?.topics[0];
        expect(topic?.problemIds).toEqual(['p-ok']);
        expect(topic?.entries).toEqual([note('note-ok'), ref.observation('obs-ok')]);
        expect(record.withheldLinks).toEqual(
          expect.arrayContaining([
            { via: 'consultation', kind: 'observation' },
            { via: 'consultation', kind: 'problem' },
            { via: 'consultation', kind: 'diaryEntry' },
          ]),
        );
        expect(ids(record.linked?.uncategorisedData)).toEqual(['obs-ok']);
      });

      it('drops references to entered-in-error items silently', async () => {
        const record = await load(query({ consultations: {} }));
        expect(record.consultations?.items[0]?.topics[1]?.entries).toEqual([ref.diary('diary-ok')]);
        expect(record.linked?.referrals).toBeUndefined();
      });

      it('records withheld links for a primary problem’s confidential links and related problems', async () => {
        const record = await load(query({ problems: { filters: [{ status: 'active' }] } }));
        const p = record.problems?.items[0];
        expect(p?.linkedItems).toEqual([ref.document('doc-ok')]);
        expect(p?.relatedProblems).toEqual([]);
        expect(record.withheldLinks).toEqual([
          { via: 'problem', kind: 'observation' },
          { via: 'problem', kind: 'problem' },
        ]);
        expect(ids(record.linked?.documents)).toEqual(['doc-ok']);
      });

      it('records a linkedProblem withheld link for a confidential problem linked to a primary item', async () => {
        const record = await load(query({ uncategorisedData: {} }));
        expect(record.withheldLinks).toEqual([{ via: 'linkedProblem' }]);
        expect(record.linked?.problems).toBeUndefined();
      });

      it('removes (and records) a confidential reference into a switched-off area instead of keeping it', async () => {
        const record = await load(query({ consultations: {}, disabled: ['diaryEntries'] }));
        expect(record.consultations?.items[0]?.topics[1]?.entries).toEqual([ref.diary('diary-ok')]);
        expect(record.withheldLinks).toContainEqual({ via: 'consultation', kind: 'diaryEntry' });
        expect(record.linked?.diaryEntries).toBeUndefined();
      });

      it('never returns a confidential item, nor any reference to one, whatever is asked', async () => {
        for (const q of [
          everything,
          query({ consultations: { mostRecent: 1 } }),
          query({ problems: { filters: [{ status: 'active' }] } }),
          query({ consultations: {}, disabled: ['uncategorisedData', 'problems', 'diaryEntries'] }),
        ]) {
          expect(JSON.stringify(await load(q))).not.toContain('SECRET');
        }
      });

      it('counts a confidential consultation among the N most recent, then withholds it', async () => {
        const record = await load(query({ consultations: { mostRecent: 1 } }));
        expect(record.consultations).toEqual({ items: [], withheldConfidential: true });
        const two = await load(query({ consultations: { mostRecent: 2 } }));
        expect(ids(two.consultations?.items)).toEqual(['c-ok']);
      });
    });

    describe('linkage from consultations (Linkages — FHIR profiles returned on query)', () => {
      const load = useRecords({
        p: {
          consultations: [
            consultation('c1', '2020-01-01', [], {
              topics: [
                headedTopic(
                  [
                    [ref.issue('m3-issue-a'), ref.observation('o2'), ref.problem('p6'), note('n1')],
                    [ref.diary('de1')],
                  ],
                  ['p5'],
                ),
                flatTopic([ref.referral('r1')]),
              ],
            }),
          ],
          medication: [
            plan('m3', '2010-01-01', {
              prescriptionType: 'acute',
              status: 'completed',
              issues: [issue('m3-issue-a', '2010-01-01'), issue('m3-issue-b', '2010-02-01')],
            }),
          ],
          uncategorisedData: [observation('o2', '2020-01-01'), observation('o9', '2020-01-01')],
          problems: [
            problem('p5'),
            problem('p6'),
            problem('p7', { linkedItems: [ref.observation('o2')] }),
            problem('p8', { linkedItems: [ref.plan('m3')] }),
            problem('p9', { linkedItems: [ref.observation('o9')] }),
          ],
          referrals: [referral('r1', '2020-01-01', { supportingInfo: [ref.document('doc1')] })],
          documents: [document('doc1')],
          diaryEntries: [diary('de1', d('2027-01-01'))],
        },
      });

      it('brings every referenced item, problems on topics and headings, and the problems linked to those items', async () => {
        const record = await load(query({ consultations: {} }));
        expect(ids(record.consultations?.items)).toEqual(['c1']);
        expect(ids(record.linked?.uncategorisedData)).toEqual(['o2']);
        expect(ids(record.linked?.problems)).toEqual(['p5', 'p6', 'p7', 'p8']);
        expect(ids(record.linked?.referrals)).toEqual(['r1']);
        expect(ids(record.linked?.documents)).toEqual(['doc1']);
        expect(ids(record.linked?.diaryEntries)).toEqual(['de1']);
        expect(record.linked?.consultations).toBeUndefined();
      });

      it('brings a referenced issue’s whole plan, whatever the medication filter (docs/spec-notes.md "Multi area searches — clinical risk")', async () => {
        const record = await load(
          query({
            consultations: {},
            medication: { includePrescriptionIssues: true, searchFromDate: d('2020-01-01') },
          }),
        );
        expect(record.medication?.items).toEqual([]);
        expect(ids(record.linked?.medication)).toEqual(['m3']);
        expect(ids(record.linked?.medication?.[0]?.issues)).toEqual(['m3-issue-a', 'm3-issue-b']);
      });

      it('never duplicates an item that is also in a primary list', async () => {
        const record = await load(
          query({
            consultations: {},
            medication: { includePrescriptionIssues: true },
            problems: { filters: [{}] },
          }),
        );
        expect(ids(record.medication?.items)).toEqual(['m3']);
        expect(record.linked?.medication).toBeUndefined();
        expect(ids(record.problems?.items)).toEqual(['p5', 'p6', 'p7', 'p8', 'p9']);
        expect(record.linked?.problems).toBeUndefined();
      });

      it('keeps references into switched-off areas but does not load their items', async () => {
        const record = await load(
          query({ consultations: {}, disabled: ['diaryEntries', 'problems', 'referrals'] }),
        );
        const topics = record.consultations?.items[0]?.topics;
        expect(topics?.[0]?.problemIds).toEqual(['p5']);
        expect(topics?.[0]?.headings?.[0]?.entries).toContainEqual(ref.problem('p6'));
        expect(topics?.[0]?.headings?.[1]?.entries).toEqual([ref.diary('de1')]);
        expect(topics?.[1]?.entries).toEqual([ref.referral('r1')]);
        expect(record.linked?.diaryEntries).toBeUndefined();
        expect(record.linked?.problems).toBeUndefined();
        expect(record.linked?.referrals).toBeUndefined();
        expect(record.linked?.documents).toBeUndefined();
        expect(ids(record.linked?.medication)).toEqual(['m3']);
      });
    });

    describe('linkage from problems (Linkages — FHIR profiles returned on query; ProblemHeader (Condition) page)', () => {
      const load = useRecords({
        p: {
          problems: [
            problem('p1', {
              actualProblem: ref.observation('o0'),
              linkedItems: [
                ref.allergy('a1'),
                ref.issue('m2-issue'),
                ref.observation('o1'),
                ref.consultation('c2'),
                ref.referral('r1'),
              ],
              relatedProblems: [{ type: 'child', problemId: 'p2' }],
            }),
            problem('p2', {
              status: 'inactive',
              linkedItems: [ref.observation('o3')],
              relatedProblems: [{ type: 'parent', problemId: 'p1' }],
            }),
            problem('p3', { linkedItems: [ref.allergy('a1')] }),
            problem('p4', { status: 'inactive', linkedItems: [ref.plan('m2')] }),
            problem('p5', { status: 'inactive', linkedItems: [ref.observation('o1')] }),
          ],
          allergies: [allergy('a1')],
          medication: [
            plan('m2', '2019-01-01', {
              issues: [issue('m2-issue', '2019-01-01'), issue('m2-other', '2019-02-01')],
            }),
          ],
          uncategorisedData: [
            observation('o0', '2019-01-01'),
            observation('o1', '2019-01-01', { consultationId: 'c3' }),
            observation('o3', '2019-01-01'),
          ],
          immunisations: [given('im1')],
          consultations: [
            consultation('c2', '2019-01-01', [ref.observation('o3')]),
            consultation('c3', '2019-02-01', [ref.observation('o1')], { locationId: 'loc-main' }),
            consultation('c4', '2019-03-01', [], {
              topics: [
                flatTopic([ref.immunisation('im1'), note('c4-note')], ['p1']),
                flatTopic([ref.observation('o3')]),
              ],
            }),
          ],
          referrals: [
            referral('r1', '2019-01-01', {
              supportingInfo: [ref.document('doc1')],
              recipients: [{ kind: 'healthcareService', id: 'hs-cardio' }],
            }),
          ],
          documents: [document('doc1')],
        },
      });
      const active = query({ problems: { filters: [{ status: 'active' }] } });

      it('returns only matching problems as primary, and related problems outside the filter as linked (not expanded)', async () => {
        const record = await load(active);
        expect(ids(record.problems?.items)).toEqual(['p1', 'p3']);
        expect(ids(record.linked?.problems)).toEqual(['p2', 'p5']);
        expect(ids(record.linked?.uncategorisedData)).not.toContain('o3');
      });

      it('brings linked and promoted items, a linked issue’s whole plan, and supporting items of linked referrals', async () => {
        const record = await load(active);
        expect(ids(record.linked?.allergies)).toEqual(['a1']);
        expect(ids(record.linked?.medication)).toEqual(['m2']);
        expect(ids(record.linked?.medication?.[0]?.issues)).toEqual(['m2-issue', 'm2-other']);
        expect(ids(record.linked?.uncategorisedData)).toEqual(['o0', 'o1']);
        expect(ids(record.linked?.referrals)).toEqual(['r1']);
        expect(ids(record.linked?.documents)).toEqual(['doc1']);
      });

      it('brings the problems linked to linked items, except for medication (Linkages — FHIR profiles returned on query, read literally)', async () => {
        const record = await load(active);
        // p5 is linked to o1 (linked to p1); p3 is linked to a1 but is primary; p4 is linked only to medication m2.
        expect(ids(record.linked?.problems)).toContain('p5');
        expect(ids(record.linked?.problems)).not.toContain('p4');
      });

      it('brings linked consultations, consultations naming the problem on a topic, and those in which linked items were recorded, as Encounters', async () => {
        const record = await load(active);
        expect(ids(record.linked?.consultations)).toEqual(['c2', 'c3', 'c4']);
        const byId = new Map((record.linked?.consultations ?? []).map((c) => [c.id, c]));
        // Only topics naming a primary problem are kept, with their item references.
        expect(byId.get('c2')?.topics).toEqual([]);
        expect(byId.get('c4')?.topics).toEqual([{ entries: [ref.immunisation('im1')], problemIds: ['p1'] }]);
        expect(ids(record.linked?.immunisations)).toEqual(['im1']);
      });

      it('collects the actors of every returned item, and the organisations they name', async () => {
        const record = await load(active);
        expect(ids(record.practitioners)).toEqual([RECORDER, USUAL_GP].sort());
        expect(ids(record.locations)).toEqual(['loc-main']);
        expect(ids(record.healthcareServices)).toEqual(['hs-cardio']);
        expect(ids(record.organisations)).toEqual(['org-hospital']);
      });

      it('keeps a primary problem’s references into switched-off areas without loading them', async () => {
        const record = await load(
          query({ problems: { filters: [{ status: 'active' }] }, disabled: ['referrals', 'consultations'] }),
        );
        expect(record.problems?.items[0]?.linkedItems).toContainEqual(ref.referral('r1'));
        expect(record.problems?.items[0]?.linkedItems).toContainEqual(ref.consultation('c2'));
        expect(record.linked?.referrals).toBeUndefined();
        expect(record.linked?.documents).toBeUndefined();
        expect(record.linked?.consultations).toBeUndefined();
        expect(record.linked?.immunisations).toBeUndefined();
      });
    });

    describe('linkage from other areas (Linkages — FHIR profiles returned on query)', () => {
      const load = useRecords({
        p: {
          allergies: [allergy('a1')],
          medication: [plan('m1', '2020-01-01', { issues: [issue('m1-issue', '2020-01-01')] })],
          investigations: [
            report('inv1', '2020-01-01T10:00:00+00:00', {
              performers: [{ kind: 'organisation', id: 'org-lab' }],
            }),
          ],
          diaryEntries: [
            diary('de1', undefined, {
              requester: { kind: 'device', id: 'device-gp' },
              supportingInfo: [ref.observation('o1')],
            }),
          ],
          uncategorisedData: [observation('o1', '2020-01-01'), observation('o5', '2020-01-01')],
          problems: [
            problem('pa', {
              linkedItems: [ref.allergy('a1'), ref.observation('o5')],
              relatedProblems: [{ type: 'sibling', problemId: 'px' }],
            }),
            problem('pm', { linkedItems: [ref.issue('m1-issue')] }),
            problem('pi', { actualProblem: ref.investigation('inv1') }),
            problem('px'),
          ],
        },
      });

      it('brings only the problems directly linked to returned items, nothing linked to those problems', async () => {
        const allergies = await load(query({ allergies: { includeResolved: false } }));
        expect(allergies.linked).toEqual({ problems: [expect.objectContaining({ id: 'pa' })] });
        const medication = await load(query({ medication: { includePrescriptionIssues: true } }));
        expect(ids(medication.linked?.problems)).toEqual(['pm']);
        const investigations = await load(query({ investigations: {} }));
        expect(ids(investigations.linked?.problems)).toEqual(['pi']);
        expect(ids(investigations.organisations)).toEqual(['org-lab']);
      });

      it('brings a diary entry’s supporting items, and its device requester', async () => {
        const record = await load(query({ diaryEntries: {} }));
        expect(ids(record.linked?.uncategorisedData)).toEqual(['o1']);
        expect(ids(record.devices)).toEqual(['device-gp']);
      });

      it('loads no linked problems when problems are switched off', async () => {
        const record = await load(query({ allergies: { includeResolved: false }, disabled: ['problems'] }));
        expect(record.linked).toBeUndefined();
      });
    });

    describe('determinism', () => {
      const load = useRecords({
        p: {
          consultations: [
            consultation('c1', '2020-01-01', [ref.observation('o1'), ref.issue('i1')], {
              topics: [flatTopic([ref.observation('o1'), ref.issue('i1')], ['p1'])],
            }),
          ],
          uncategorisedData: [observation('o1', '2020-01-01')],
          medication: [plan('m1', '2020-01-01', { issues: [issue('i1', '2020-01-01')] })],
          problems: [
            problem('p1', { linkedItems: [ref.observation('o1')] }),
            problem('p2', { relatedProblems: [{ type: 'child', problemId: 'p1' }] }),
          ],
        },
      });

      it('gives deep-equal (and byte-identical) results when asked twice', async () => {
        const q = query({
          consultations: {},
          problems: { filters: [{}] },
          medication: { includePrescriptionIssues: true },
          uncategorisedData: {},
        });
        const first = await load(q);
        const second = await load(q);
        expect(second).toEqual(first);
        expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      });
    });
  });
}
