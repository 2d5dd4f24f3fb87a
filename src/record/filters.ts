/**
 * Every clinical area's primary-list filter (the clinical area guidance pages), as pure predicates over
 * domain items and the StructuredQuery, decided in this one place. The in-memory store, the PostgreSQL store
 * (which may push a superset down into SQL) and the assembly code all end with exactly these
 * predicates, so every store gives the same answer.
 *
 * Dates (docs/decisions.md "Partial dates"): a record's date stands for the days it may mean (`2018` →
 * 2018-01-01..2018-12-31, `2018-03` → the whole month, a dateTime → its own calendar day) and is compared
 * with the inclusive search window by OVERLAP: kept when recordEnd ≥ searchStart and recordStart ≤ searchEnd.
 * A record whose filter date is unknown (absent or unparseable) is always returned. Search bounds are whole
 * CalendarDates, which compare as strings.
 */
import type { DateWindow, ProblemFilter, StructuredQuery } from '../contract/structured-query';
import { type CalendarDate, instantMs, partialDateInterval } from '../fhir/dates';
import type {
  Allergy,
  Consultation,
  DatePeriod,
  DiaryEntry,
  Immunisation,
  ImmunisationStatusRecord,
  InvestigationReport,
  MedicationPlan,
  Observation,
  PartialDate,
  Problem,
  Referral,
} from './model';
import { effectiveEnd, isAcute } from './model/medication-period';

/** The days a record's date covers; `end` absent: open-ended (ongoing). */
export interface RecordSpan {
  readonly start: CalendarDate;
  readonly end?: CalendarDate;
}

/** The span of a date or period; undefined when the date is unknown or unparseable. */
export function spanOf(date: PartialDate | DatePeriod | undefined): RecordSpan | undefined {
  if (date === undefined) return undefined;
  if (typeof date === 'string') return partialDateInterval(date);
  const start = partialDateInterval(date.start);
  if (!start) return undefined;
  if (date.end === undefined) return { start: start.start };
  // An unparseable end is treated as not recorded (ongoing): the record errs towards being returned.
  const end = partialDateInterval(date.end);
  return end ? { start: start.start, end: end.end } : { start: start.start };
}

/** docs/decisions.md "Partial dates" overlap of a record span with an inclusive window; either window end may
 * be open. */
export function overlaps(span: RecordSpan, window: DateWindow): boolean {
  const afterStart = window.start === undefined || span.end === undefined || span.end >= window.start;
  const beforeEnd = window.end === undefined || span.start <= window.end;
  return afterStart && beforeEnd;
}

/** A dated record in a search window; no window, or an unknown date, always passes. */
export function inWindow(
  date: PartialDate | DatePeriod | undefined,
  window: DateWindow | undefined,
): boolean {
  if (window === undefined) return true;
  const span = spanOf(date);
  return span === undefined || overlaps(span, window);
}

// ── Allergies (Allergies guidance): no filter; resolved allergies only with includeResolvedAllergies ───────

/** An allergy is resolved when the GP system recorded its end. */
export function isResolvedAllergy(allergy: Allergy): boolean {
  return allergy.ended !== undefined;
}

// ── Medication (Medication guidance) ───────────────────────────────────────────────────────────────────────

/**
 * Items exempt from `medicationSearchFromDate`. DECISION (docs/decisions.md): only
 * `prescribed-by-another-organisation` (hospital or other provider medication that this practice does
 * not manage, often without reliable end dates). `prescribed-by-previous-practice` items are NOT
 * exempt: they arrive by GP2GP with the previous practice's authorisation dates and ends, so the date
 * filter is meaningful for them, and exempting them would return a transferred patient's whole
 * prescribing history on every request.
 */
export function isExemptFromMedicationDate(plan: MedicationPlan): boolean {
  return plan.prescribedElsewhere?.agency === 'prescribed-by-another-organisation';
}

/**
 * The plan's active interval (Medication guidance): from its start to its effective end
 * (medication-period.ts, which the bundle writes too); with no end an acute (or delayed-prescribing) plan is
 * active on its start date only, anything else (repeat, repeat-dispensing, no type) is ongoing. Undefined:
 * start unknown.
 */
export function medicationActiveSpan(plan: MedicationPlan): RecordSpan | undefined {
  const start = partialDateInterval(plan.start);
  if (!start) return undefined;
  const end = effectiveEnd(plan);
  if (end !== undefined) {
    const endDays = partialDateInterval(end);
    return endDays ? { start: start.start, end: endDays.end } : { start: start.start };
  }
  return isAcute(plan.prescriptionType) ? { start: start.start, end: start.end } : { start: start.start };
}

/**
 * The last day the medication date filter may keep a plan for (its active interval's end);
 * undefined: whatever the date, it passes (exempt, start unknown, or ongoing).
 */
export function medicationLastDay(plan: MedicationPlan): CalendarDate | undefined {
  return isExemptFromMedicationDate(plan) ? undefined : medicationActiveSpan(plan)?.end;
}

/**
 * "Active on or after D": the active interval ends on or after D (inclusive); no D: everything.
 * `facts`: where the plan's last day is taken from (kept per plan by a store with long-lived items).
 */
export function medicationMatches(
  plan: MedicationPlan,
  searchFromDate: CalendarDate | undefined,
  facts: ItemFacts = FRESH_FACTS,
): boolean {
  if (searchFromDate === undefined) return true;
  const last = facts.medicationLastDay(plan);
  return last === undefined || last >= searchFromDate;
}

// ── Consultations (Consultations guidance) ─────────────────────────────────────────────────────────────────

/** A consultation with no item or note anywhere in its structure is suppressed (Consultations guidance
 * "Suppress empty consultations"). */
export function hasContent(consultation: Consultation): boolean {
  return consultation.topics.some((topic) =>
    topic.headings ? topic.headings.some((h) => h.entries.length > 0) : topic.entries.length > 0,
  );
}

/**
 * `consultationSearchPeriod`: the start bound is checked on period.start and the end bound on
 * period.end, falling back to period.start when there is no end (docs/decisions.md), each partial date by
 * overlap. Undated consultations (no period, or an unparseable start) are always returned.
 */
export function consultationInPeriod(consultation: Consultation, window: DateWindow | undefined): boolean {
  const period = consultation.period;
  if (window === undefined || period === undefined) return true;
  const start = partialDateInterval(period.start);
  if (!start) return true;
  const last = (period.end !== undefined && partialDateInterval(period.end)) || start;
  const afterStart = window.start === undefined || start.end >= window.start;
  const beforeEnd = window.end === undefined || last.start <= window.end;
  return afterStart && beforeEnd;
}

/** A total order key for "most recent": the calendar day a start may first mean, then the instant. */
export type RecencyKey = readonly [CalendarDate, number];

/** A consultation's RecencyKey; undefined when it is undated. */
export function consultationRecency(consultation: Consultation): RecencyKey | undefined {
  return consultation.period && recencyKey(consultation.period.start);
}

function recencyKey(start: PartialDate): RecencyKey | undefined {
  const days = partialDateInterval(start);
  if (!days) return undefined;
  // instantMs: Date.parse's value, without its general parser for the usual dateTime form.
  const instant = start.length > 10 ? instantMs(start) : Number.NaN;
  return [days.start, Number.isNaN(instant) ? instantMs(`${days.start}T00:00:00Z`) : instant];
}

/**
 * `includeNumberOfMostRecent` = N: the N dated consultations with the latest period.start (a year or
 * month counts from its first day; the same day is ordered by time when both have one). Ties at the
 * N-th place are broken by dataset order, so exactly N dated consultations are kept. DECISION
 * (docs/decisions.md item 4): undated consultations are always returned (docs/decisions.md "Partial dates")
 * and do not count toward N.
 */
export function selectMostRecent(
  consultations: readonly Consultation[],
  n: number,
  facts: ItemFacts = FRESH_FACTS,
): Consultation[] {
  // Which to keep, by position: every undated one, and the N most recent dated ones.
  const keep = new Uint8Array(consultations.length);
  if (n > FEW) {
    const dated: { readonly key: RecencyKey; readonly index: number }[] = [];
    consultations.forEach((c, index) => {
      const key = facts.recency(c);
      if (key) dated.push({ key, index });
      else keep[index] = 1;
    });
    dated.sort((a, b) => (moreRecent(a.key, b.key) ? -1 : moreRecent(b.key, a.key) ? 1 : a.index - b.index));
    for (const d of dated.slice(0, n)) keep[d.index] = 1;
  } else {
    // A few (the usual N): the N most recent so far, most recent first, each newcomer placed by
    // insertion; one of the same recency as a kept one is later in dataset order, so it goes after it.
    const keys: RecencyKey[] = [];
    const at: number[] = [];
    for (let index = 0; index < consultations.length; index++) {
      const key = facts.recency(consultations[index]);
      if (!key) {
        keep[index] = 1;
        continue;
      }
      if (n === 0 || (keys.length === n && !moreRecent(key, keys[n - 1]))) continue;
      let i = Math.min(keys.length, n - 1);
      for (; i > 0 && moreRecent(key, keys[i - 1]); i--) {
        keys[i] = keys[i - 1];
        at[i] = at[i - 1];
      }
      keys[i] = key;
      at[i] = index;
    }
    for (const index of at) keep[index] = 1;
  }
  return consultations.filter((_, index) => keep[index] === 1);
}

/** Up to this N the most recent are picked by insertion, without sorting every dated consultation. */
const FEW = 16;

/** Strictly more recent: a later first day, or the same day at a later instant. */
function moreRecent(a: RecencyKey, b: RecencyKey): boolean {
  return a[0] !== b[0] ? a[0] > b[0] : a[1] > b[1];
}

/**
 * The consultations of the primary list, in the input (dataset) order: empty ones dropped first, then
 * the period or most-recent filter. Confidential consultations are selected like any other and then
 * withheld by the caller, so a confidential consultation among the N most recent leaves fewer than N
 * and the list carries `confidential-items` (filter first, then withhold, as in every area).
 */
export function selectConsultations(
  consultations: readonly Consultation[],
  filter: NonNullable<StructuredQuery['consultations']>,
  facts: ItemFacts = FRESH_FACTS,
): Consultation[] {
  const withContent = consultations.filter((c) => facts.hasContent(c));
  if (filter.mostRecent !== undefined) return selectMostRecent(withContent, filter.mostRecent, facts);
  return withContent.filter((c) => consultationInPeriod(c, filter.searchPeriod));
}

// ── Problems (Problems guidance; the 1.6.0/1.6.1 extras: docs/decisions.md "Deviations") ──────────

/** One filter: every part it gives must match; a filter with neither part matches every problem. */
export function problemPassesFilter(problem: Problem, filter: ProblemFilter): boolean {
  return (
    (filter.status === undefined || filter.status === problem.status) &&
    (filter.significance === undefined || filter.significance === problem.significance)
  );
}

/** The union of the request's filters; no filter at all (an empty list) means every problem. */
export function problemMatches(problem: Problem, filters: readonly ProblemFilter[]): boolean {
  return filters.length === 0 || filters.some((f) => problemPassesFilter(problem, f));
}

// ── Immunisations (Immunisations guidance): no date filter ─────────────────────────────────────────────────

export function immunisationMatches(immunisation: Immunisation, includeNotGiven: boolean): boolean {
  return includeNotGiven || immunisation.notGiven !== true;
}

/** Status records come only with includeStatus, and never when entered in error. */
export function immunisationStatusMatches(status: ImmunisationStatusRecord, includeStatus: boolean): boolean {
  return includeStatus && status.enteredInError !== true;
}

// ── Uncategorised data (Uncategorised data guidance), investigations (Investigations guidance), referrals
// (Referrals guidance) ──

/** On the effective date or period; no effective date: always returned. */
export function observationMatches(observation: Observation, window: DateWindow | undefined): boolean {
  return inWindow(observation.effective, window);
}

/** On the date the lab issued the report. */
export function investigationMatches(report: InvestigationReport, window: DateWindow | undefined): boolean {
  return inWindow(report.issued, window);
}

/** Entered-in-error referrals are never returned; the rest on their authored date (unknown: returned). */
export function referralMatches(referral: Referral, window: DateWindow | undefined): boolean {
  return !isEnteredInError('referrals', referral) && inWindow(referral.authored, window);
}

// ── Diary entries (Diary entries guidance) ─────────────────────────────────────────────────────────────────

/** Only incomplete entries: completed and cancelled ones are out of the diary search's scope. */
export function isIncompleteDiaryEntry(entry: DiaryEntry): boolean {
  return entry.status === undefined || entry.status === 'active';
}

/**
 * Incomplete entries planned on or before the search date (overdue ones included): the planned
 * date, or a planned period's start, may mean a day ≤ D. No planned date: always returned.
 */
export function diaryEntryMatches(entry: DiaryEntry, searchDate: CalendarDate | undefined): boolean {
  if (!isIncompleteDiaryEntry(entry)) return false;
  if (searchDate === undefined || entry.planned === undefined) return true;
  const start = typeof entry.planned === 'string' ? entry.planned : entry.planned.start;
  return inWindow(start, { end: searchDate });
}

// ── Entered in error (never part of the record as shared) ────────────────────────────────────────

/**
 * Items recorded as entered in error are not part of the record as GP Connect shares it: never in a
 * list, never loaded through a link, and references to them are dropped (without a warning, since
 * nothing was withheld).
 */
export function isEnteredInError(
  area: 'referrals' | 'immunisationStatuses',
  item: Referral | ImmunisationStatusRecord,
): boolean {
  return area === 'referrals'
    ? (item as Referral).status === 'entered-in-error'
    : (item as ImmunisationStatusRecord).enteredInError === true;
}

// ── What the filters derive from one item alone ──────────────────────────────────────────────────

/**
 * What the filters derive from one item alone, whatever the query. A store whose items are the same
 * objects on every request keeps these per item (RecordIndex); otherwise they are derived afresh.
 */
export interface ItemFacts {
  medicationLastDay(plan: MedicationPlan): CalendarDate | undefined;
  hasContent(consultation: Consultation): boolean;
  recency(consultation: Consultation): RecencyKey | undefined;
}

export const FRESH_FACTS: ItemFacts = {
  medicationLastDay,
  hasContent,
  recency: consultationRecency,
};

// ── The whole table: which items of each requested area pass its filter ───────────────────────────

/**
 * One predicate per primary list, reading only its own area's query part (the clinical area guidance pages
 * "each area's part parameters affect only that area"). Consultations are a selection over the whole set
 * (`selectConsultations`), not a per-item predicate, because of includeNumberOfMostRecent.
 */
export const PRIMARY_FILTERS = {
  activeAllergies: (a: Allergy) => !isResolvedAllergy(a),
  resolvedAllergies: (a: Allergy, q: NonNullable<StructuredQuery['allergies']>) =>
    q.includeResolved && isResolvedAllergy(a),
  medication: (p: MedicationPlan, q: NonNullable<StructuredQuery['medication']>) =>
    medicationMatches(p, q.searchFromDate),
  problems: (p: Problem, q: NonNullable<StructuredQuery['problems']>) => problemMatches(p, q.filters),
  immunisations: (i: Immunisation, q: NonNullable<StructuredQuery['immunisations']>) =>
    immunisationMatches(i, q.includeNotGiven),
  immunisationStatuses: (s: ImmunisationStatusRecord, q: NonNullable<StructuredQuery['immunisations']>) =>
    immunisationStatusMatches(s, q.includeStatus),
  uncategorisedData: (o: Observation, q: NonNullable<StructuredQuery['uncategorisedData']>) =>
    observationMatches(o, q.searchPeriod),
  investigations: (r: InvestigationReport, q: NonNullable<StructuredQuery['investigations']>) =>
    investigationMatches(r, q.searchPeriod),
  referrals: (r: Referral, q: NonNullable<StructuredQuery['referrals']>) =>
    referralMatches(r, q.searchPeriod),
  diaryEntries: (d: DiaryEntry, q: NonNullable<StructuredQuery['diaryEntries']>) =>
    diaryEntryMatches(d, q.searchDate),
} as const;

/**
 * The query parts under which a filter of PRIMARY_FILTERS keeps every item whatever it holds, so the
 * assembly need not ask each item (most requests give no date for some of their areas).
 */
export const KEEPS_EVERY: {
  readonly [K in keyof typeof PRIMARY_FILTERS]?: (
    query: Parameters<(typeof PRIMARY_FILTERS)[K]>[1],
  ) => boolean;
} = {
  medication: (q) => q.searchFromDate === undefined,
  immunisations: (q) => q.includeNotGiven,
  uncategorisedData: (q) => q.searchPeriod === undefined,
  investigations: (q) => q.searchPeriod === undefined,
};
