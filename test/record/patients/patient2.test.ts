/**
 * patient2 (9690937286), the "everything, linked to problems" patient (docs/spec-notes.md "Provider test pack
 * — test patients"), checked through the repository contract: what the memory store returns for each area's
 * query, not what the record module happens to contain.
 */
import { londonDate } from '../../../src/clock';
import type { ProblemFilter } from '../../../src/contract/structured-query';
import { addDays, addMonths, type CalendarDate, partialDateInterval } from '../../../src/fhir/dates';
import { testPractice } from '../../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../../src/record/memory/memory-repository';
import type {
  Consultation,
  ConsultationEntry,
  DiaryEntry,
  ItemKind,
  MedicationPlan,
  PartialDate,
  PatientClinicalRecord,
  Problem,
} from '../../../src/record/model';
import type { PatientRecord } from '../../../src/record/repository';
import { type AreaQuery, EVERY_AREA, query } from '../contract-fixtures';

const NHS_NUMBER = '9690937286';
const TODAY = londonDate(new Date());

async function load(today: CalendarDate, areas: AreaQuery): Promise<PatientRecord> {
  const repository = new MemoryRepository(testPractice(today));
  const patient = await repository.findPatient(NHS_NUMBER);
  if (!patient) throw new Error('patient2 not found');
  return repository.loadRecord(patient, query({ nhsNumber: NHS_NUMBER, today, ...areas }));
}

/** First and last calendar day a clinical date stands for. */
function interval(date: PartialDate): { start: CalendarDate; end: CalendarDate } {
  const days = partialDateInterval(date);
  if (!days) throw new Error(`unparseable date ${date}`);
  return days;
}

const isAcute = (plan: MedicationPlan) =>
  plan.prescriptionType === 'acute' || plan.prescriptionType === 'delayed-prescribing';

/** Last day of a plan's active interval (Medication guidance); undefined = ongoing. */
function activeUntil(plan: MedicationPlan): CalendarDate | undefined {
  if (plan.end !== undefined) return interval(plan.end).end;
  return isAcute(plan) ? interval(plan.start).end : undefined;
}

function entriesOf(consultation: Consultation): ConsultationEntry[] {
  return consultation.topics.flatMap((topic) => [
    ...(topic.entries ?? []),
    ...(topic.headings ?? []).flatMap((h) => h.entries),
  ]);
}

function plannedStart(entry: DiaryEntry): CalendarDate | undefined {
  if (entry.planned === undefined) return undefined;
  return interval(typeof entry.planned === 'object' ? entry.planned.start : entry.planned).start;
}

/** Ids of every item in one area's primary list or in `linked`, by the kind a link would name. */
function idsOf(record: PatientClinicalRecord | undefined, kind: ItemKind): Set<string> {
  if (!record) return new Set();
  switch (kind) {
    case 'allergy':
      return new Set(record.allergies?.map((x) => x.id));
    case 'medicationPlan':
      return new Set(record.medication?.map((x) => x.id));
    case 'medicationIssue':
      return new Set(record.medication?.flatMap((x) => x.issues.map((i) => i.id)));
    case 'problem':
      return new Set(record.problems?.map((x) => x.id));
    case 'consultation':
      return new Set(record.consultations?.map((x) => x.id));
    case 'immunisation':
      return new Set(record.immunisations?.map((x) => x.id));
    case 'immunisationStatus':
      return new Set(record.immunisationStatuses?.map((x) => x.id));
    case 'observation':
      return new Set(record.uncategorisedData?.map((x) => x.id));
    case 'investigation':
      return new Set(record.investigations?.map((x) => x.id));
    case 'referral':
      return new Set(record.referrals?.map((x) => x.id));
    case 'diaryEntry':
      return new Set(record.diaryEntries?.map((x) => x.id));
    case 'document':
      return new Set(record.documents?.map((x) => x.id));
  }
}

const linkedProblems = (record: PatientRecord): readonly Problem[] => record.linked?.problems ?? [];

/** A problem (primary or linked) linking to an item of `kind` whose id is in `ids`. */
function problemLinking(problems: readonly Problem[], kind: ItemKind, ids: Set<string>): Problem | undefined {
  return problems.find((p) => p.linkedItems?.some((l) => l.kind === kind && ids.has(l.id)));
}

/** The characteristics the suite relies on; run for today and for a year from now. */
async function checkKeyCharacteristics(today: CalendarDate): Promise<void> {
  const threeYearsAgo = addMonths(today, -36);
  const yesterday = addDays(today, -1);

  const allergies = await load(today, { allergies: { includeResolved: true } });
  expect(allergies.allergies?.active.items.length).toBeGreaterThanOrEqual(1);
  expect(allergies.allergies?.resolved?.items.length).toBeGreaterThanOrEqual(1);

  const meds = await load(today, {
    medication: { includePrescriptionIssues: true, searchFromDate: threeYearsAgo },
  });
  const plans = meds.medication?.items ?? [];
  expect(plans.length).toBeGreaterThanOrEqual(1);
  expect(meds.medication?.withheldConfidential).toBe(true);
  expect(plans.some((p) => interval(p.start).start >= threeYearsAgo)).toBe(true);
  for (const plan of plans) expect((activeUntil(plan) ?? '9999-12-31') >= threeYearsAgo).toBe(true);

  const consultations = await load(today, {
    consultations: { searchPeriod: { start: threeYearsAgo, end: yesterday } },
  });
  const inWindow = consultations.consultations?.items ?? [];
  expect(inWindow.length).toBeGreaterThanOrEqual(4);
  for (const c of inWindow) {
    expect(c.topics.length).toBeGreaterThanOrEqual(1);
    if (c.period) {
      expect(interval(c.period.start).start >= threeYearsAgo).toBe(true);
      expect(interval(c.period.end ?? c.period.start).end <= yesterday).toBe(true);
    }
  }
  expect(
    inWindow.some((c) =>
      c.topics.some((t) => (t.problemIds?.length ?? 0) > 0 && (t.headings?.length ?? 0) > 0),
    ),
  ).toBe(true);

  const diary = await load(today, { diaryEntries: { searchDate: today } });
  const due = diary.diaryEntries?.items ?? [];
  expect(due.some((e) => (plannedStart(e) ?? today) <= today)).toBe(true);
  expect(due.every((e) => (e.status ?? 'active') === 'active')).toBe(true);
  const farFuture = await load(today, { diaryEntries: { searchDate: addMonths(today, 120) } });
  expect(farFuture.diaryEntries?.items.some((e) => (plannedStart(e) ?? today) > addMonths(today, 108))).toBe(
    true,
  );

  const problems = await load(today, {
    problems: {
      filters: [
        { status: 'active', significance: 'major' },
        { status: 'active', significance: 'minor' },
      ],
    },
  });
  const primary = problems.problems?.items ?? [];
  expect(primary.some((p) => p.significance === 'major')).toBe(true);
  expect(primary.some((p) => p.significance === 'minor')).toBe(true);
}

describe('patient2: the "everything, linked to problems" patient, through the memory repository', () => {
  const today = TODAY;
  const threeYearsAgo = addMonths(today, -36);
  const yesterday = addDays(today, -1);

  it('is found by NHS number', async () => {
    const repository = new MemoryRepository(testPractice(today));
    const patient = await repository.findPatient(NHS_NUMBER);
    expect(patient?.id).toBe('patient2');
    expect(patient?.name.family).toBe('Hughes');
    expect(patient?.usualGpId).toBe('prac-sharma');
  });

  it('returns no clinical area that was not asked for', async () => {
    const record = await load(today, {});
    for (const area of [
      'allergies',
      'medication',
      'consultations',
      'problems',
      'immunisations',
      'uncategorisedData',
      'investigations',
      'referrals',
      'diaryEntries',
    ] as const) {
      expect(record[area]).toBeUndefined();
    }
    expect(record.patient.nhsNumber).toBe(NHS_NUMBER);
  });

  describe('allergies', () => {
    it('excluding resolved: active allergies only, each with a recorder, at least one linked from a problem', async () => {
      const record = await load(today, { allergies: { includeResolved: false } });
      const active = record.allergies?.active.items ?? [];
      expect(active.length).toBeGreaterThanOrEqual(1);
      expect(record.allergies?.resolved).toBeUndefined();
      for (const allergy of active) {
        expect(allergy.ended).toBeUndefined();
        expect(allergy.recorderId).toEqual(expect.any(String));
        expect(allergy.recorded).toEqual(expect.any(String));
        expect(allergy.confidential).toBeFalsy();
      }
      expect(
        problemLinking(linkedProblems(record), 'allergy', idsOf({ allergies: active }, 'allergy')),
      ).toBeDefined();
      expect(record.practitioners.map((p) => p.id)).toEqual(
        expect.arrayContaining(active.map((a) => a.recorderId)),
      );
    });

    it('including resolved: ended allergies, one with an end reason and one legacy without', async () => {
      const record = await load(today, { allergies: { includeResolved: true } });
      const resolved = record.allergies?.resolved?.items ?? [];
      expect(resolved.length).toBeGreaterThanOrEqual(2);
      for (const allergy of resolved) {
        expect(allergy.ended).toBeDefined();
        expect(allergy.recorderId).toEqual(expect.any(String));
      }
      expect(resolved.some((a) => a.ended?.reason !== undefined)).toBe(true);
      expect(resolved.some((a) => a.ended?.reason === undefined)).toBe(true);
      expect(record.allergies?.active.items.length).toBeGreaterThanOrEqual(1);
      const activeIds = idsOf({ allergies: record.allergies?.active.items }, 'allergy');
      expect(resolved.every((a) => !activeIds.has(a.id))).toBe(true);
    });
  });

  describe('medication', () => {
    it('current, repeat and past plans; acutes with at most one issue; repeats with repeat information; a confidential plan withheld', async () => {
      const record = await load(today, { medication: { includePrescriptionIssues: true } });
      const plans = record.medication?.items ?? [];
      expect(record.medication?.withheldConfidential).toBe(true);
      expect(plans.every((p) => !p.confidential && p.issues.every((i) => !i.confidential))).toBe(true);
      expect(plans.some((p) => p.status === 'active')).toBe(true);
      expect(plans.some((p) => p.status !== 'active')).toBe(true);
      const repeats = plans.filter((p) => p.prescriptionType === 'repeat');
      expect(repeats.length).toBeGreaterThanOrEqual(1);
      expect(repeats.some((p) => p.repeat !== undefined && p.issues.length >= 2)).toBe(true);
      expect(repeats.some((p) => p.status === 'active')).toBe(true);
      const acutes = plans.filter(isAcute);
      expect(acutes.length).toBeGreaterThanOrEqual(1);
      for (const acute of acutes) expect(acute.issues.length).toBeLessThanOrEqual(1);
      expect(acutes.some((p) => p.issues.length === 1)).toBe(true);
      expect(plans.some((p) => p.status === 'stopped')).toBe(true);
      // Data older than 3 years as well as plans started within them.
      expect(plans.some((p) => (activeUntil(p) ?? '9999-12-31') < threeYearsAgo)).toBe(true);
      expect(plans.some((p) => interval(p.start).start >= threeYearsAgo)).toBe(true);
      // A problem links to a plan of the primary list.
      expect(
        problemLinking(
          linkedProblems(record),
          'medicationPlan',
          idsOf({ medication: plans }, 'medicationPlan'),
        ),
      ).toBeDefined();
    });

    it('medicationSearchFromDate today-3y: only plans active on or after that date, fewer than without it', async () => {
      const all =
        (await load(today, { medication: { includePrescriptionIssues: false } })).medication?.items ?? [];
      const record = await load(today, {
        medication: { includePrescriptionIssues: false, searchFromDate: threeYearsAgo },
      });
      const plans = record.medication?.items ?? [];
      expect(plans.length).toBeGreaterThanOrEqual(1);
      expect(plans.length).toBeLessThan(all.length);
      for (const plan of plans)
        expect({ id: plan.id, returned: (activeUntil(plan) ?? '9999-12-31') >= threeYearsAgo }).toEqual({
          id: plan.id,
          returned: true,
        });
      expect(plans.some((p) => interval(p.start).start >= threeYearsAgo)).toBe(true);
      // The confidential repeat is current, so it would have matched.
      expect(record.medication?.withheldConfidential).toBe(true);
    });
  });

  describe('problems', () => {
    it('all problems: a reciprocal parent/child pair, the significance/status combinations, and context in a consultation', async () => {
      const record = await load(today, { problems: { filters: [] } });
      const problems = record.problems?.items ?? [];
      expect(problems.length).toBeGreaterThanOrEqual(2);
      const byId = new Map(problems.map((p) => [p.id, p]));
      const pair = problems.find((p) =>
        p.relatedProblems?.some(
          (r) =>
            r.type === 'child' &&
            byId
              .get(r.problemId)
              ?.relatedProblems?.some((back) => back.type === 'parent' && back.problemId === p.id),
        ),
      );
      expect(pair).toBeDefined();
      expect(problems.some((p) => p.status === 'active' && p.significance === 'major')).toBe(true);
      expect(problems.some((p) => p.status === 'active' && p.significance === 'minor')).toBe(true);
      expect(problems.some((p) => p.status === 'inactive')).toBe(true);
      for (const problem of problems) {
        expect(problem.recorderId).toEqual(expect.any(String));
        expect(problem.recorded).toEqual(expect.any(String));
      }
      const withContext = problems.find((p) => p.consultationId !== undefined);
      expect(withContext).toBeDefined();
      expect(idsOf(record.linked, 'consultation').has(withContext!.consultationId!)).toBe(true);
    });

    it('links to every kind of item, and each linked item is loaded', async () => {
      const record = await load(today, { problems: { filters: [] } });
      const problems = record.problems?.items ?? [];
      const kinds: ItemKind[] = [
        'medicationPlan',
        'medicationIssue',
        'observation',
        'allergy',
        'immunisation',
        'investigation',
        'referral',
        'diaryEntry',
        'consultation',
        'document',
      ];
      for (const kind of kinds) {
        const links = problems.flatMap((p) => p.linkedItems ?? []).filter((l) => l.kind === kind);
        expect({ kind, linked: links.length > 0 }).toEqual({ kind, linked: true });
        const loaded = idsOf(record.linked, kind);
        for (const link of links)
          expect({ kind, id: link.id, loaded: loaded.has(link.id) }).toEqual({
            kind,
            id: link.id,
            loaded: true,
          });
      }
    });

    it('a confidential medication and observation linked from a problem are withheld and reported', async () => {
      const record = await load(today, { problems: { filters: [] } });
      const withheld = record.withheldLinks ?? [];
      expect(withheld).toEqual(expect.arrayContaining([{ via: 'problem', kind: 'medicationPlan' }]));
      expect(withheld).toEqual(expect.arrayContaining([{ via: 'problem', kind: 'observation' }]));
      const loadedPlans = idsOf(record.linked, 'medicationPlan');
      const loadedObservations = idsOf(record.linked, 'observation');
      for (const problem of record.problems?.items ?? []) {
        for (const link of problem.linkedItems ?? []) {
          if (link.kind === 'medicationPlan') expect(loadedPlans.has(link.id)).toBe(true);
          if (link.kind === 'observation') expect(loadedObservations.has(link.id)).toBe(true);
        }
      }
      expect((record.linked?.medication ?? []).every((p) => !p.confidential)).toBe(true);
      expect((record.linked?.uncategorisedData ?? []).every((o) => !o.confidential)).toBe(true);
    });

    const filters: ProblemFilter[] = [
      { status: 'active' },
      { status: 'inactive' },
      { significance: 'major' },
      { significance: 'minor' },
      { status: 'active', significance: 'major' },
      { status: 'active', significance: 'minor' },
    ];
    // The suite asserts "Condition count == primary list entries" for the significance outlines, so no
    // problem outside the filter may come in through a related problem or a shared linked item.
    it.each(filters.map((f) => [f]))(
      'filter %o: at least one problem, all matching, no other problem pulled in',
      async (filter: ProblemFilter) => {
        const record = await load(today, { problems: { filters: [filter] } });
        const problems = record.problems?.items ?? [];
        expect(problems.length).toBeGreaterThanOrEqual(1);
        for (const p of problems) {
          if (filter.status) expect(p.status).toBe(filter.status);
          if (filter.significance) expect(p.significance).toBe(filter.significance);
        }
        expect(record.linked?.problems ?? []).toEqual([]);
      },
    );

    it('active+major: the parent/child pair comes back together in the primary list', async () => {
      const record = await load(today, {
        problems: { filters: [{ status: 'active', significance: 'major' }] },
      });
      const primary = record.problems?.items ?? [];
      const primaryIds = new Set(primary.map((p) => p.id));
      const related = primary.flatMap((p) => p.relatedProblems ?? []);
      expect(related.length).toBeGreaterThanOrEqual(2);
      for (const r of related) expect(primaryIds.has(r.problemId)).toBe(true);
    });

    it('two includeProblems (active+minor, inactive+major): the union of both filters', async () => {
      const record = await load(today, {
        problems: {
          filters: [
            { status: 'active', significance: 'minor' },
            { status: 'inactive', significance: 'major' },
          ],
        },
      });
      const problems = record.problems?.items ?? [];
      expect(problems.some((p) => p.status === 'active' && p.significance === 'minor')).toBe(true);
      expect(problems.some((p) => p.status === 'inactive' && p.significance === 'major')).toBe(true);
      expect(
        problems.every(
          (p) =>
            (p.status === 'active' && p.significance === 'minor') ||
            (p.status === 'inactive' && p.significance === 'major'),
        ),
      ).toBe(true);
      expect(record.linked?.problems ?? []).toEqual([]);
    });
  });

  describe('consultations', () => {
    it('all: topics and headings, a topic linked to a problem, headings naming observations and medication, a flat topic, notes', async () => {
      const record = await load(today, { consultations: {} });
      const consultations = record.consultations?.items ?? [];
      expect(consultations.length).toBeGreaterThanOrEqual(4);
      for (const c of consultations) {
        expect(c.topics.length).toBeGreaterThanOrEqual(1);
        expect(entriesOf(c).length).toBeGreaterThanOrEqual(1);
        expect(c.recorderId).toEqual(expect.any(String));
      }
      expect(consultations.some((c) => c.topics.some((t) => t.headings && t.headings.length >= 2))).toBe(
        true,
      );
      expect(consultations.some((c) => c.topics.some((t) => t.entries !== undefined))).toBe(true);
      const titles = consultations.flatMap((c) =>
        c.topics.flatMap((t) => (t.headings ?? []).map((h) => h.title)),
      );
      expect(titles).toEqual(expect.arrayContaining(['History', 'Examination', 'Plan']));

      const topicProblems = consultations.flatMap((c) => c.topics.flatMap((t) => t.problemIds ?? []));
      expect(topicProblems.length).toBeGreaterThanOrEqual(1);
      const problemIds = idsOf(record.linked, 'problem');
      for (const id of topicProblems) expect(problemIds.has(id)).toBe(true);

      // One topic names both an Observation and a medication plan or issue; all such items are loaded.
      const mixed = consultations
        .flatMap((c) => c.topics)
        .find((t) => {
          const entries = [...(t.entries ?? []), ...(t.headings ?? []).flatMap((h) => h.entries)];
          return (
            entries.some((e) => e.kind === 'observation') &&
            entries.some((e) => e.kind === 'medicationPlan' || e.kind === 'medicationIssue')
          );
        });
      expect(mixed).toBeDefined();
      const entries = consultations.flatMap(entriesOf);
      const observations = idsOf(record.linked, 'observation');
      const plans = idsOf(record.linked, 'medicationPlan');
      const issues = idsOf(record.linked, 'medicationIssue');
      for (const e of entries) {
        if (e.kind === 'observation') expect(observations.has(e.id)).toBe(true);
        if (e.kind === 'medicationPlan') expect(plans.has(e.id)).toBe(true);
        if (e.kind === 'medicationIssue') expect(issues.has(e.id)).toBe(true);
      }
      expect(entries.some((e) => e.kind === 'medicationPlan')).toBe(true);
      expect(entries.some((e) => e.kind === 'observation')).toBe(true);
      expect(entries.some((e) => e.kind === 'note')).toBe(true);
      expect(entries.some((e) => e.kind === 'document')).toBe(true);
      expect(idsOf(record.linked, 'document').size).toBeGreaterThanOrEqual(1);
      expect(record.locations.map((l) => l.id)).toContain('loc-riverside-main');
    });

    it('confidential items recorded in a consultation are left out of its structure and reported', async () => {
      const record = await load(today, { consultations: {} });
      const withheld = record.withheldLinks ?? [];
      expect(withheld).toEqual(expect.arrayContaining([{ via: 'consultation', kind: 'medicationPlan' }]));
      expect(withheld).toEqual(expect.arrayContaining([{ via: 'consultation', kind: 'observation' }]));
      const entries = (record.consultations?.items ?? []).flatMap(entriesOf);
      expect(entries.every((e) => e.kind !== 'note' || !e.confidential)).toBe(true);
      const plans = idsOf(record.linked, 'medicationPlan');
      expect(entries.filter((e) => e.kind === 'medicationPlan').every((e) => plans.has(e.id))).toBe(true);
    });

    it('search period [today-3y, today-1d]: at least four consultations, all inside it', async () => {
      const record = await load(today, {
        consultations: { searchPeriod: { start: threeYearsAgo, end: yesterday } },
      });
      const consultations = record.consultations?.items ?? [];
      expect(consultations.length).toBeGreaterThanOrEqual(4);
      for (const c of consultations) {
        if (!c.period) continue;
        expect(interval(c.period.start).start >= threeYearsAgo).toBe(true);
        expect(interval(c.period.end ?? c.period.start).end <= yesterday).toBe(true);
        expect(c.topics.some((t) => t.headings !== undefined || t.entries !== undefined)).toBe(true);
      }
      expect(consultations.some((c) => c.topics.some((t) => (t.headings?.length ?? 0) > 0))).toBe(true);
    });

    it('start date only / end date only', async () => {
      const fromStart =
        (await load(today, { consultations: { searchPeriod: { start: threeYearsAgo } } })).consultations
          ?.items ?? [];
      expect(fromStart.length).toBeGreaterThanOrEqual(1);
      expect(fromStart.every((c) => !c.period || interval(c.period.start).start >= threeYearsAgo)).toBe(true);
      const toEnd =
        (await load(today, { consultations: { searchPeriod: { end: yesterday } } })).consultations?.items ??
        [];
      expect(toEnd.length).toBeGreaterThanOrEqual(1);
      expect(toEnd.every((c) => !c.period || interval(c.period.end ?? c.period.start).end <= yesterday)).toBe(
        true,
      );
    });

    it('most recent 3: exactly the three latest', async () => {
      const all = (await load(today, { consultations: {} })).consultations?.items ?? [];
      const recent = (await load(today, { consultations: { mostRecent: 3 } })).consultations?.items ?? [];
      expect(recent).toHaveLength(3);
      const latest = [...all]
        .filter((c) => c.period)
        .sort((a, b) => (String(a.period!.start) < String(b.period!.start) ? 1 : -1))
        .slice(0, 3)
        .map((c) => c.id);
      expect(recent.map((c) => c.id).sort()).toEqual([...latest].sort());
    });

    it('consultations and problems together: a problem whose consultation context is one of the consultations', async () => {
      const record = await load(today, { consultations: {}, problems: { filters: [] } });
      const consultationIds = idsOf({ consultations: record.consultations?.items }, 'consultation');
      const withContext = (record.problems?.items ?? []).filter((p) => p.consultationId !== undefined);
      expect(withContext.length).toBeGreaterThanOrEqual(1);
      for (const p of withContext) expect(consultationIds.has(p.consultationId!)).toBe(true);
    });
  });

  describe('immunisations', () => {
    it('default parts: given vaccinations only, status records included, one linked from a problem', async () => {
      const record = await load(today, { immunisations: { includeNotGiven: false, includeStatus: true } });
      const given = record.immunisations?.items ?? [];
      expect(given.length).toBeGreaterThanOrEqual(1);
      expect(given.every((i) => !i.notGiven)).toBe(true);
      const statuses = record.immunisations?.statuses ?? [];
      expect(statuses.length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => !s.enteredInError)).toBe(true);
      expect(
        problemLinking(
          linkedProblems(record),
          'immunisation',
          idsOf({ immunisations: given }, 'immunisation'),
        ),
      ).toBeDefined();
    });

    it('includeNotGiven: a vaccination not given, with its reason', async () => {
      const record = await load(today, { immunisations: { includeNotGiven: true, includeStatus: true } });
      const notGiven = (record.immunisations?.items ?? []).filter((i) => i.notGiven);
      expect(notGiven.length).toBeGreaterThanOrEqual(1);
      expect(notGiven.some((i) => i.notGiven && i.reasonNotGiven !== undefined)).toBe(true);
    });

    it('includeStatus false: no status records', async () => {
      const record = await load(today, { immunisations: { includeNotGiven: false, includeStatus: false } });
      expect(record.immunisations?.items.length).toBeGreaterThanOrEqual(1);
      expect(record.immunisations?.statuses).toEqual([]);
    });
  });

  describe('uncategorised data', () => {
    it('all: a blood pressure triple, an undated item, one linked from a problem, a confidential item withheld', async () => {
      const record = await load(today, { uncategorisedData: {} });
      const observations = record.uncategorisedData?.items ?? [];
      expect(observations.length).toBeGreaterThanOrEqual(3);
      expect(record.uncategorisedData?.withheldConfidential).toBe(true);
      expect(observations.every((o) => !o.confidential)).toBe(true);
      const bp = observations.find((o) => o.kind === 'bloodPressure');
      expect(bp?.code.code).toBe('163020007');
      expect(bp?.kind === 'bloodPressure' && bp.systolic !== undefined && bp.diastolic !== undefined).toBe(
        true,
      );
      expect(observations.some((o) => o.effective === undefined)).toBe(true);
      expect(observations.some((o) => o.kind !== 'bloodPressure' && o.value?.type === 'quantity')).toBe(true);
      expect(
        problemLinking(
          linkedProblems(record),
          'observation',
          idsOf({ uncategorisedData: observations }, 'observation'),
        ),
      ).toBeDefined();
    });

    it('period [today, today]: only items of today and undated items', async () => {
      const record = await load(today, { uncategorisedData: { searchPeriod: { start: today, end: today } } });
      const observations = record.uncategorisedData?.items ?? [];
      expect(observations.some((o) => o.effective === undefined)).toBe(true);
      for (const o of observations) {
        if (o.effective === undefined) continue;
        const start = typeof o.effective === 'object' ? o.effective.start : o.effective;
        const end = typeof o.effective === 'object' ? (o.effective.end ?? today) : o.effective;
        expect(interval(start).start <= today && interval(end).end >= today).toBe(true);
      }
    });
  });

  describe('investigations', () => {
    it('a report with request, specimen, test group, standalone result and filing comment, linked from a problem', async () => {
      const record = await load(today, { investigations: {} });
      const reports = record.investigations?.items ?? [];
      expect(reports.length).toBeGreaterThanOrEqual(1);
      const full = reports.find(
        (r) =>
          r.request !== undefined &&
          (r.specimens?.length ?? 0) >= 1 &&
          (r.groups ?? []).some(
            (g) =>
              g.results.length >= 2 &&
              g.results.every((x) => x.referenceRange !== undefined && x.interpretation !== undefined),
          ) &&
          (r.results?.length ?? 0) >= 1 &&
          (r.filingComments?.length ?? 0) >= 1,
      );
      expect(full).toBeDefined();
      const specimenIds = new Set(full!.specimens!.map((s) => s.id));
      for (const result of [...full!.groups!.flatMap((g) => g.results), ...full!.results!]) {
        if (result.specimenId) expect(specimenIds.has(result.specimenId)).toBe(true);
      }
      expect(
        problemLinking(
          linkedProblems(record),
          'investigation',
          idsOf({ investigations: reports }, 'investigation'),
        ),
      ).toBeDefined();
      expect(record.organisations.map((o) => o.id)).toContain('org-leeds-pathology');
    });

    it('period [today, today]: nothing issued today', async () => {
      const record = await load(today, { investigations: { searchPeriod: { start: today, end: today } } });
      for (const r of record.investigations?.items ?? []) expect(r.issued.slice(0, 10)).toBe(today);
    });
  });

  describe('referrals', () => {
    it('outbound referrals with priority and a recipient, one with a UBRN, one linked from a problem', async () => {
      const record = await load(today, { referrals: {} });
      const referrals = record.referrals?.items ?? [];
      expect(referrals.length).toBeGreaterThanOrEqual(1);
      expect(referrals.every((r) => r.status !== 'entered-in-error')).toBe(true);
      expect(referrals.some((r) => r.ubrn !== undefined)).toBe(true);
      expect(referrals.every((r) => r.priority !== undefined && (r.recipients?.length ?? 0) >= 1)).toBe(true);
      expect(
        referrals.some((r) =>
          r.recipients?.some((x) => x.kind === 'healthcareService' && x.id === 'hs-cardiology'),
        ),
      ).toBe(true);
      expect((record.healthcareServices ?? []).map((h) => h.id)).toContain('hs-cardiology');
      expect(
        problemLinking(linkedProblems(record), 'referral', idsOf({ referrals }, 'referral')),
      ).toBeDefined();
      const documents = idsOf(record.linked, 'document');
      const supporting = referrals
        .flatMap((r) => r.supportingInfo ?? [])
        .filter((s) => s.kind === 'document');
      expect(supporting.length).toBeGreaterThanOrEqual(1);
      for (const s of supporting) expect(documents.has(s.id)).toBe(true);
    });

    it('period [today, today]: only referrals authored today (none)', async () => {
      const record = await load(today, { referrals: { searchPeriod: { start: today, end: today } } });
      for (const r of record.referrals?.items ?? [])
        if (r.authored) expect(interval(r.authored).start <= today).toBe(true);
    });
  });

  describe('diary entries', () => {
    it('search date today: the overdue entry, never a completed one, one linked from a problem', async () => {
      const record = await load(today, { diaryEntries: { searchDate: today } });
      const entries = record.diaryEntries?.items ?? [];
      expect(entries.length).toBeGreaterThanOrEqual(1);
      expect(entries.some((e) => plannedStart(e) !== undefined && plannedStart(e)! <= today)).toBe(true);
      for (const e of entries) {
        expect(e.status ?? 'active').toBe('active');
        const start = plannedStart(e);
        if (start) expect(start <= today).toBe(true);
      }
      expect(
        problemLinking(linkedProblems(record), 'diaryEntry', idsOf({ diaryEntries: entries }, 'diaryEntry')),
      ).toBeDefined();
    });

    it('search date today+10y: future entries up to ten years ahead', async () => {
      const searchDate = addMonths(today, 120);
      const entries = (await load(today, { diaryEntries: { searchDate } })).diaryEntries?.items ?? [];
      const nearer = (await load(today, { diaryEntries: { searchDate: today } })).diaryEntries?.items ?? [];
      expect(entries.length).toBeGreaterThan(nearer.length);
      expect(entries.some((e) => (plannedStart(e) ?? today) > addMonths(today, 108))).toBe(true);
      expect(entries.every((e) => (plannedStart(e) ?? today) <= searchDate)).toBe(true);
    });

    it('no search date: every incomplete entry, none completed', async () => {
      const entries = (await load(today, { diaryEntries: {} })).diaryEntries?.items ?? [];
      expect(entries.length).toBeGreaterThanOrEqual(3);
      expect(entries.every((e) => (e.status ?? 'active') === 'active')).toBe(true);
    });
  });

  it('every item of the full record has an id, a recorder and a recorded time, and ids are unique', async () => {
    const record = await load(today, EVERY_AREA);
    const items = [
      ...(record.allergies?.active.items ?? []),
      ...(record.allergies?.resolved?.items ?? []),
      ...(record.medication?.items ?? []),
      ...(record.medication?.items ?? []).flatMap((p) => p.issues),
      ...(record.consultations?.items ?? []),
      ...(record.problems?.items ?? []),
      ...(record.immunisations?.items ?? []),
      ...(record.immunisations?.statuses ?? []),
      ...(record.uncategorisedData?.items ?? []),
      ...(record.investigations?.items ?? []),
      ...(record.referrals?.items ?? []),
      ...(record.diaryEntries?.items ?? []),
      ...(record.linked?.documents ?? []),
    ];
    expect(items.length).toBeGreaterThan(50);
    const seen = new Set<string>();
    for (const item of items) {
      expect(item.id.startsWith('p2-')).toBe(true);
      expect(item.recorderId).toEqual(expect.any(String));
      expect(item.recorded).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(seen.has(item.id)).toBe(false);
      seen.add(item.id);
    }
  });

  it('stays valid with today pinned one year later', async () => {
    await checkKeyCharacteristics(addMonths(today, 12));
  });

  it('key characteristics hold today', async () => {
    await checkKeyCharacteristics(today);
  });
});
