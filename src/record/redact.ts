/**
 * Confidentiality (docs/spec-notes.md "Confidentiality"): which items are never shared, and copies of
 * returned items with every reference to them removed. References into switched-off areas are NOT removed
 * here: the bundle writes the "... items have been disabled" placeholder for them (Configuration for
 * supported clinical areas).
 */
import type { AreaItem, RecordArea } from './item-refs';
import type {
  Consultation,
  ConsultationEntry,
  DiaryEntry,
  InvestigationReport,
  ItemRef,
  MedicationPlan,
  Observation,
  Problem,
  Referral,
  TestGroup,
  TestResult,
  Topic,
} from './model';
import { withTopics } from './model/consultations';
import type { WithheldItem } from './source';

/** The keys of T whose value may be absent. */
type OptionalKey<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/** A copy of `item` without an optional property (absent rather than `undefined`, so output stays canonical). */
function without<T extends object>(item: T, key: OptionalKey<T>): T {
  const copy = { ...item };
  delete (copy as Record<PropertyKey, unknown>)[key];
  return copy;
}

/**
 * Which items are withheld, and why. Asked for every reference of every returned item, so held by kind
 * then id (no `kind:id` string built per question) and answered at once when nothing is withheld.
 */
export class WithheldIndex {
  private readonly reasons = new Map<ItemRef['kind'], Map<string, WithheldItem['reason']>>();

  constructor(items: readonly WithheldItem[]) {
    for (const { ref, reason } of items) this.mark(ref, reason);
  }

  /** Confidentiality wins over entered-in-error: it is the one that needs a warning. */
  mark(ref: ItemRef, reason: WithheldItem['reason']): void {
    this.markId(ref.kind, ref.id, reason);
  }

  markId(kind: ItemRef['kind'], id: string, reason: WithheldItem['reason']): void {
    let ofKind = this.reasons.get(kind);
    if (!ofKind) this.reasons.set(kind, (ofKind = new Map<string, WithheldItem['reason']>()));
    if (ofKind.get(id) !== 'confidential') ofKind.set(id, reason);
  }

  /** Everything another index withholds, with its reason. */
  markAll(other: WithheldIndex): void {
    for (const [kind, ofKind] of other.reasons)
      for (const [id, reason] of ofKind) this.markId(kind, id, reason);
  }

  /** Nothing is withheld (most patients): every question below answers at once. */
  get empty(): boolean {
    return this.reasons.size === 0;
  }

  reason(ref: ItemRef): WithheldItem['reason'] | undefined {
    return this.reasons.size === 0 ? undefined : this.reasons.get(ref.kind)?.get(ref.id);
  }

  isConfidential(ref: ItemRef): boolean {
    return this.reason(ref) === 'confidential';
  }

  isHidden(ref: ItemRef): boolean {
    return this.isHiddenId(ref.kind, ref.id);
  }

  isHiddenId(kind: ItemRef['kind'], id: string): boolean {
    return this.reasons.size !== 0 && (this.reasons.get(kind)?.has(id) ?? false);
  }
}

/** The reference kept, or undefined when its target is withheld. */
type Hidden = (ref: ItemRef) => boolean;

/**
 * The `hidden` of a record that withholds nothing (most patients): redaction then changes only
 * confidential parts that are not items (consultation notes, report groups and results), and hands
 * every other item back as it is without looking at its references.
 */
export const NOTHING_HIDDEN: Hidden = () => false;

/**
 * The array itself when every element is kept. Redaction changes nothing for most items, and an item
 * handed out unchanged stays the store's own object (the memory store's resource memo is keyed by it).
 * No new array is made until an element is dropped (most calls drop none).
 */
function kept<T>(list: readonly T[], keep: (t: T) => boolean): readonly T[] {
  for (let i = 0; i < list.length; i++) {
    if (keep(list[i])) continue;
    const out = list.slice(0, i);
    for (let j = i + 1; j < list.length; j++) if (keep(list[j])) out.push(list[j]);
    return out;
  }
  return list;
}

/** The array itself when mapping changed no element (each element's own object when unchanged). */
function mapped<T>(list: readonly T[], map: (t: T) => T): readonly T[] {
  for (let i = 0; i < list.length; i++) {
    const first = map(list[i]);
    if (first === list[i]) continue;
    const out = list.slice(0, i);
    out.push(first);
    for (let j = i + 1; j < list.length; j++) out.push(map(list[j]));
    return out;
  }
  return list;
}

const keepRefs = <R extends ItemRef>(refs: readonly R[], hidden: Hidden): readonly R[] =>
  kept(refs, (r) => !hidden(r));

/** Without its recording consultation when that consultation is withheld (no Encounter reference to it). */
function redactContext<T extends { readonly consultationId?: string }>(item: T, hidden: Hidden): T {
  return item.consultationId !== undefined && hidden({ kind: 'consultation', id: item.consultationId })
    ? without(item, 'consultationId' as OptionalKey<T>)
    : item;
}

/** A consultation with withheld references and confidential notes removed. */
export function redactConsultation(consultation: Consultation, hidden: Hidden): Consultation {
  const keepEntry = (e: ConsultationEntry) => (e.kind === 'note' ? e.confidential !== true : !hidden(e));
  const topics = mapped(consultation.topics, (topic): Topic => {
    let base = topic;
    if (topic.problemIds && hidden !== NOTHING_HIDDEN) {
      const problemIds = kept(topic.problemIds, (id) => !hidden({ kind: 'problem', id }));
      if (problemIds !== topic.problemIds) base = { ...topic, problemIds };
    }
    return withEntries(base, keepEntry);
  });
  return topics === consultation.topics ? consultation : withTopics(consultation, topics);
}

/**
 * A consultation sent as its Encounter only, narrowed (assemble-record.ts linkedRecord): just the
 * topics naming a problem that `keepProblem` keeps, each with only those of its problem links that
 * are kept and not withheld, and its item refs not withheld; no notes. One copy at most, made only
 * when something goes: it used to be copied twice per request (redaction, then narrowing).
 */
export function narrowConsultation(
  consultation: Consultation,
  hidden: Hidden,
  keepProblem: (id: string) => boolean,
): Consultation {
  const keepEntry = (e: ConsultationEntry) => e.kind !== 'note' && !hidden(e);
  const keepId = (id: string) => keepProblem(id) && !hidden({ kind: 'problem', id });
  const named = kept(
    consultation.topics,
    (t) => t.problemIds !== undefined && t.problemIds.some(keepProblem),
  );
  const topics = mapped(named, (topic): Topic => {
    const problemIds = kept(topic.problemIds ?? [], keepId);
    return withEntries(problemIds === topic.problemIds ? topic : { ...topic, problemIds }, keepEntry);
  });
  return topics === consultation.topics ? consultation : withTopics(consultation, topics);
}

/** A topic with only the entries `keep` keeps (under each heading, or directly); itself when all are. */
function withEntries(topic: Topic, keep: (e: ConsultationEntry) => boolean): Topic {
  if (topic.headings) {
    const headings = mapped(topic.headings, (h) => {
      const e = kept(h.entries, keep);
      return e === h.entries ? h : { ...h, entries: e };
    });
    return headings === topic.headings ? topic : { ...topic, headings };
  }
  if (!topic.entries) return topic;
  const e = kept(topic.entries, keep);
  return e === topic.entries ? topic : { ...topic, entries: e };
}

export function redactProblem(problem: Problem, hidden: Hidden): Problem {
  let p = redactContext(problem, hidden);
  if (p.relatedProblems) {
    const relatedProblems = kept(p.relatedProblems, (r) => !hidden({ kind: 'problem', id: r.problemId }));
    if (relatedProblems !== p.relatedProblems) p = { ...p, relatedProblems };
  }
  if (p.linkedItems) {
    const linkedItems = keepRefs(p.linkedItems, hidden);
    if (linkedItems !== p.linkedItems) p = { ...p, linkedItems };
  }
  if (p.actualProblem && hidden(p.actualProblem)) p = without(p, 'actualProblem');
  return p;
}

/** A plan without its confidential issues (and withheld references); `partsWithheld` when an issue went. */
export function redactPlan(
  plan: MedicationPlan,
  hidden: Hidden,
): { readonly item: MedicationPlan; readonly partsWithheld: boolean } {
  const issues = kept(plan.issues, (i) => !hidden({ kind: 'medicationIssue', id: i.id }));
  const open = mapped(issues, (i) => redactContext(i, hidden));
  let p = redactContext(plan, hidden);
  if (open !== plan.issues) p = { ...p, issues: open };
  if (p.priorPlanId !== undefined && hidden({ kind: 'medicationPlan', id: p.priorPlanId }))
    p = without(p, 'priorPlanId');
  return { item: p, partsWithheld: issues.length !== plan.issues.length };
}

const openResults = (results: readonly TestResult[]): readonly TestResult[] =>
  kept(results, (r) => r.confidential !== true);

/** A report without its confidential groups and results (docs/spec-notes.md "Confidentiality": "any part of a
 * DiagnosticReport"). */
export function redactReport(
  report: InvestigationReport,
  hidden: Hidden,
): { readonly item: InvestigationReport; readonly partsWithheld: boolean } {
  let r = redactContext(report, hidden);
  if (r.groups) {
    const groups = mapped(
      kept(r.groups, (g) => g.confidential !== true),
      (g): TestGroup => {
        const results = openResults(g.results);
        return results === g.results ? g : { ...g, results };
      },
    );
    if (groups !== r.groups) r = { ...r, groups };
  }
  if (r.results) {
    const results = openResults(r.results);
    if (results !== r.results) r = { ...r, results };
  }
  return { item: r, partsWithheld: hasConfidentialParts(report) };
}

/** Whether a report holds a confidential group or result. */
export function hasConfidentialParts(report: InvestigationReport): boolean {
  return (
    (report.groups ?? []).some(
      (g) => g.confidential === true || g.results.some((r) => r.confidential === true),
    ) || (report.results ?? []).some((r) => r.confidential === true)
  );
}

/** Any returned item with every reference to a withheld item removed (consultations: see redactConsultation). */
export function redactItem<A extends RecordArea>(area: A, item: AreaItem<A>, hidden: Hidden): AreaItem<A> {
  if (hidden === NOTHING_HIDDEN && area !== 'consultations' && area !== 'investigations') return item;
  switch (area) {
    case 'problems':
      return redactProblem(item as Problem, hidden);
    case 'consultations':
      return redactConsultation(item as Consultation, hidden);
    case 'medication':
      return redactPlan(item as MedicationPlan, hidden).item;
    case 'investigations':
      return redactReport(item as InvestigationReport, hidden).item;
    case 'referrals': {
      const r = redactContext(item as Referral, hidden);
      const supportingInfo = r.supportingInfo && keepRefs(r.supportingInfo, hidden);
      return supportingInfo !== r.supportingInfo ? { ...r, supportingInfo } : r;
    }
    case 'diaryEntries': {
      const d = redactContext(item as DiaryEntry, hidden);
      const supportingInfo = d.supportingInfo && keepRefs(d.supportingInfo, hidden);
      return supportingInfo !== d.supportingInfo ? { ...d, supportingInfo } : d;
    }
    case 'uncategorisedData': {
      const o = redactContext(item as Observation, hidden);
      if (
        o.kind !== 'bloodPressure' &&
        o.parentId !== undefined &&
        hidden({ kind: 'observation', id: o.parentId })
      ) {
        return without(o, 'parentId');
      }
      return o;
    }
    default:
      return redactContext(item as AreaItem<A> & { readonly consultationId?: string }, hidden);
  }
}
