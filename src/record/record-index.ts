/**
 * What record assembly (assemble-record.ts) knows of one patient's stored items whatever the query:
 * the items by reference, the problems and what links to them, the topic links and what is withheld.
 * Assembly builds one per request from the candidate round (the PostgreSQL store's case); a store
 * whose items live as long as it does (the memory store) builds one per patient when it loads them
 * and hands it over with every round (CandidateRound.index), so none of this is redone per request
 * (issue 15; docs/decisions.md D-RA1).
 */
import type { CalendarDate } from '../fhir/dates';
import {
  consultationRecency,
  hasContent,
  type ItemFacts,
  medicationLastDay,
  type RecencyKey,
} from './filters';
import {
  ActorIdSet,
  AREA_KIND,
  type AreaItem,
  collectActors,
  RECORD_AREAS,
  type RecordArea,
} from './item-refs';
import type { Consultation, ItemKind, ItemRef, MedicationPlan, Problem } from './model';
import { narrowConsultation, NOTHING_HIDDEN, WithheldIndex } from './redact';
import type { CandidateRound, Placed, PlacedItems, TopicLink } from './source';

/** An item of any area with its place, discriminated by area. */
export type AnyPlaced = {
  [A in RecordArea]: { readonly area: A; readonly seq: number; readonly item: AreaItem<A> };
}[RecordArea];

/**
 * A candidate round with the store's own RecordIndex.ofPatient of this patient's whole record, built
 * once from the same items, problems, topic links and withheld list as the round's, and never
 * changed: for a store whose items live as long as it does (the memory store). The assembly then
 * uses it instead of indexing the round on every request (docs/decisions.md D-RA1). A plain round
 * (the PostgreSQL store) is indexed per request, with the same result.
 */
export interface IndexedRound extends CandidateRound {
  readonly index: RecordIndex;
}

/** Values by reference, held by kind then id: no `kind:id` string is built per question. */
export class RefMap<V> {
  private readonly byKind = new Map<ItemKind, Map<string, V>>();

  get(kind: ItemKind, id: string): V | undefined {
    return this.byKind.get(kind)?.get(id);
  }

  set(kind: ItemKind, id: string, value: V): void {
    this.ofKind(kind).set(id, value);
  }

  /** The values of one kind, by id (made when first asked). */
  ofKind(kind: ItemKind): Map<string, V> {
    let ofKind = this.byKind.get(kind);
    if (!ofKind) this.byKind.set(kind, (ofKind = new Map<string, V>()));
    return ofKind;
  }

  /** Every entry, for copying. */
  *entries(): IterableIterator<readonly [ItemKind, string, V]> {
    for (const [kind, ofKind] of this.byKind) for (const [id, value] of ofKind) yield [kind, id, value];
  }
}

/** Actor ids an item names, flattened as `[field, id, field, id, ...]` without repeats. */
type ItemActors = readonly string[];
type ActorField = 'practitioners' | 'organisations' | 'locations' | 'healthcareServices' | 'devices';
const ACTOR_FIELDS: readonly ActorField[] = [
  'practitioners',
  'organisations',
  'locations',
  'healthcareServices',
  'devices',
];

/** What is kept of one stored item (null: derived, and there is none). */
class Remembered {
  actors: ItemActors | undefined = undefined;
  lastDay: CalendarDate | null | undefined = undefined;
  recency: RecencyKey | null | undefined = undefined;
  content: boolean | undefined = undefined;
  linking: readonly Placed<Problem>[] | undefined = undefined;
  /** Narrowed as a linked consultation when every problem it names is kept and nothing is withheld. */
  narrowed: Consultation | undefined = undefined;
}

const NONE: readonly Placed<Problem>[] = [];
const NO_ACTORS: ItemActors = [];

export class RecordIndex implements ItemFacts {
  readonly withheld: WithheldIndex;
  /** The patient's problems by id, in dataset order. */
  readonly problems = new Map<string, Placed<Problem>>();
  /** Problems whose links (linked items, promoted item) name a ref, in dataset order. */
  readonly problemsLinking = new RefMap<Placed<Problem>[]>();
  readonly topicLinks = new Map<string, TopicLink[]>();
  /** Every item indexed so far, under each ref that names it (a plan under each issue too). */
  readonly items = new RefMap<AnyPlaced>();
  /** What is derived from each stored item alone, for an index kept across requests (long-lived items). */
  private readonly remembered?: WeakMap<object, Remembered>;

  /**
   * From a round's hub; `longLived`: the items are the store's own objects, the same on every
   * request, so what is derived from one item alone is kept with the index.
   */
  constructor(hub: Pick<CandidateRound, 'problems' | 'topicLinks' | 'withheld'>, longLived = false) {
    this.withheld = new WithheldIndex(hub.withheld);
    if (longLived) this.remembered = new WeakMap();
    const problems = this.items.ofKind('problem');
    for (const placed of bySeq(hub.problems)) {
      const problem = placed.item;
      this.problems.set(problem.id, placed);
      this.observeOne({ area: 'problems', seq: placed.seq, item: problem }, problems);
      if (problem.actualProblem) this.linking(problem.actualProblem, placed);
      for (const ref of problem.linkedItems ?? []) this.linking(ref, placed);
    }
    for (const link of hub.topicLinks) {
      const list = this.topicLinks.get(link.problemId);
      if (list) list.push(link);
      else this.topicLinks.set(link.problemId, [link]);
    }
  }

  /**
   * A store's index of a whole patient, kept as long as the store holds the items: every area's
   * items are indexed and their own withheld flags marked, as if every item had been loaded.
   */
  static ofPatient(items: PlacedItems, hub: Pick<CandidateRound, 'topicLinks' | 'withheld'>): RecordIndex {
    const index = new RecordIndex({ ...hub, problems: items.problems ?? [] }, true);
    index.observe(items);
    index.whole = true;
    return index;
  }

  private whole = false;

  /** Holds every item of the patient (ofPatient): an item round could bring nothing new. */
  get complete(): boolean {
    return this.whole;
  }

  /** A copy that may be changed (of an index a store keeps, which must not be). */
  copy(round: Pick<CandidateRound, 'problems' | 'topicLinks' | 'withheld'>): RecordIndex {
    const copy = new RecordIndex(round);
    for (const [kind, id, entry] of this.items.entries()) copy.items.set(kind, id, entry);
    copy.withheld.markAll(this.withheld);
    return copy;
  }

  private linking(ref: ItemRef, problem: Placed<Problem>): void {
    const list = this.problemsLinking.get(ref.kind, ref.id);
    if (list) list.push(problem);
    else this.problemsLinking.set(ref.kind, ref.id, [problem]);
  }

  item(ref: ItemRef): AnyPlaced | undefined {
    return this.items.get(ref.kind, ref.id);
  }

  /** Indexes loaded items (a plan under its own ref and each issue's) and learns what is withheld. */
  observe(items: PlacedItems): void {
    for (const area of RECORD_AREAS) {
      const placed = items[area];
      if (placed === undefined) continue;
      if (placed.length === 0) continue;
      // The area's map looked up once, not once per item (the PostgreSQL store's rounds are indexed
      // per request).
      const ofKind = this.items.ofKind(AREA_KIND[area]);
      for (const p of placed) this.observeOne({ area, seq: p.seq, item: p.item } as AnyPlaced, ofKind);
    }
  }

  private observeOne(entry: AnyPlaced, ofKind: Map<string, AnyPlaced>): void {
    const kind = AREA_KIND[entry.area];
    const id = entry.item.id;
    ofKind.set(id, entry);
    // The store's withheld list is authoritative; the items' own flags back it up so nothing leaks.
    if (entry.item.confidential === true) this.withheld.markId(kind, id, 'confidential');
    if (entry.area === 'medication') {
      const issues = this.items.ofKind('medicationIssue');
      for (const issue of entry.item.issues) {
        issues.set(issue.id, entry);
        if (issue.confidential === true || entry.item.confidential === true)
          this.withheld.markId('medicationIssue', issue.id, 'confidential');
      }
    }
    if (entry.area === 'referrals' && entry.item.status === 'entered-in-error')
      this.withheld.markId(kind, id, 'enteredInError');
    if (entry.area === 'immunisationStatuses' && entry.item.enteredInError === true)
      this.withheld.markId(kind, id, 'enteredInError');
  }

  /**
   * What is kept of an item: only with long-lived items, and only of the store's own objects and the
   * narrowed copies kept with them (never of a copy redaction made for one request).
   */
  private kept(kind: ItemKind, item: { readonly id: string }): Remembered | undefined {
    if (!this.remembered) return undefined;
    let kept = this.remembered.get(item);
    if (kept === undefined && this.items.get(kind, item.id)?.item === item)
      this.remembered.set(item, (kept = new Remembered()));
    return kept;
  }

  /** Adds the actors a returned item names. */
  collectActors<A extends RecordArea>(area: A, item: AreaItem<A>, into: ActorIdSet): void {
    const kept = this.kept(AREA_KIND[area], item);
    if (!kept) {
      collectActors(area, item, into);
      return;
    }
    const list = (kept.actors ??= flatActors(area, item));
    for (let i = 0; i < list.length; i += 2) into[list[i] as ActorField].add(list[i + 1]);
  }

  /**
   * The problems whose links name an item (a plan: the plan or any of its issues not withheld), in
   * that order, each list in dataset order.
   */
  problemsLinkingItem<A extends RecordArea>(area: A, item: AreaItem<A>): readonly Placed<Problem>[] {
    // One lookup for any other item; a plan's issues are what is worth keeping.
    if (area !== 'medication') return this.problemsLinking.get(AREA_KIND[area], item.id) ?? NONE;
    const plan = item as AreaItem<'medication'>;
    const kept = this.kept('medicationPlan', plan);
    if (!kept) return this.problemsLinkingPlan(plan);
    return (kept.linking ??= this.problemsLinkingPlan(plan));
  }

  private problemsLinkingPlan(plan: MedicationPlan): readonly Placed<Problem>[] {
    const own = this.problemsLinking.get('medicationPlan', plan.id);
    let found: Placed<Problem>[] | undefined = own && [...own];
    for (const issue of plan.issues) {
      const linking = this.problemsLinking.get('medicationIssue', issue.id);
      if (linking === undefined || this.withheld.isHiddenId('medicationIssue', issue.id)) continue;
      (found ??= []).push(...linking);
    }
    return found ?? NONE;
  }

  medicationLastDay(plan: MedicationPlan): CalendarDate | undefined {
    const kept = this.kept('medicationPlan', plan);
    if (!kept) return medicationLastDay(plan);
    if (kept.lastDay === undefined) kept.lastDay = medicationLastDay(plan) ?? null;
    return kept.lastDay ?? undefined;
  }

  hasContent(consultation: Consultation): boolean {
    const kept = this.kept('consultation', consultation);
    if (!kept) return hasContent(consultation);
    return (kept.content ??= hasContent(consultation));
  }

  /**
   * A linked consultation narrowed (redact.ts narrowConsultation). With nothing withheld and every
   * problem it names kept (a problems list with no filter: the usual case), the narrowing does not
   * depend on the request, so a store with long-lived items keeps it with the consultation.
   */
  linkedConsultation(
    consultation: Consultation,
    hidden: (ref: ItemRef) => boolean,
    keepProblem: (id: string) => boolean,
  ): Consultation {
    const kept = hidden === NOTHING_HIDDEN ? this.kept('consultation', consultation) : undefined;
    if (!kept || !keepsEveryProblem(consultation, keepProblem))
      return narrowConsultation(consultation, hidden, keepProblem);
    if (kept.narrowed === undefined) {
      kept.narrowed = narrowConsultation(consultation, NOTHING_HIDDEN, KEEP_ALL);
      // The copy lives as long as the consultation: what is derived from it (its actors) is kept too.
      if (kept.narrowed !== consultation) this.remembered?.set(kept.narrowed, new Remembered());
    }
    return kept.narrowed;
  }

  recency(consultation: Consultation): RecencyKey | undefined {
    const kept = this.kept('consultation', consultation);
    if (!kept) return consultationRecency(consultation);
    if (kept.recency === undefined) kept.recency = consultationRecency(consultation) ?? null;
    return kept.recency ?? undefined;
  }
}

const KEEP_ALL = (): boolean => true;

function keepsEveryProblem(consultation: Consultation, keepProblem: (id: string) => boolean): boolean {
  for (const topic of consultation.topics) {
    if (topic.problemIds) for (const id of topic.problemIds) if (!keepProblem(id)) return false;
  }
  return true;
}

function flatActors<A extends RecordArea>(area: A, item: AreaItem<A>): ItemActors {
  const own = new ActorIdSet();
  collectActors(area, item, own);
  const flat: string[] = [];
  for (const field of ACTOR_FIELDS) for (const id of own[field]) flat.push(field, id);
  // Kept for the store's life: an array of its exact length (push leaves spare room).
  return flat.length === 0 ? NO_ACTORS : flat.slice();
}

/** The list itself when it is already in `compare`'s order (a store usually returns it so), else a sorted copy. */
export function inOrder<T>(items: readonly T[], compare: (a: T, b: T) => number): readonly T[] {
  for (let i = 1; i < items.length; i++) {
    if (compare(items[i - 1], items[i]) > 0) return [...items].sort(compare);
  }
  return items;
}

const seqOrder = (a: { readonly seq: number }, b: { readonly seq: number }) => a.seq - b.seq;

/** In dataset order; the list itself when it already is. */
export function bySeq<T extends { readonly seq: number }>(items: readonly T[]): readonly T[] {
  return inOrder(items, seqOrder);
}
