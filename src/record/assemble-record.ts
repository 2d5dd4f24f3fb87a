/**
 * The shared `loadRecord`: turns a RecordSource's bulk reads into the PatientRecord of repository.ts.
 * Every rule lives here or in filters.ts / redact.ts, never in a store:
 *
 * 1. Primary lists: each requested area's candidates through its filter (filters.ts), in dataset
 * order; confidential items that passed are withheld and flag the list (docs/spec-notes.md
 * "Confidentiality"); so do confidential
 *    parts of a report or confidential issues of a plan (their part is removed).
 * 2. Linkage (Linkages — FHIR profiles returned on query), never transitive:
 *    - a primary consultation brings every item in its structure, the problems on its topics and in
 * its headings, and the problems linked to those items (medications included, Linkages — FHIR profiles
 * returned on query);
 *    - a primary problem brings its related problems (even those outside the filter; not expanded),
 * its linked and promoted items, the items filed under a topic naming it (ProblemHeader (Condition) page),
 * the consultations
 *      linked to it or naming it on a topic, the consultations in which its linked items were recorded
 * (Encounters only), and the problems linked to its items EXCEPT for medication: Linkages — FHIR profiles
 * returned on query's
 *      medication bullet, unlike every other, has no "plus linked problems", and we follow it literally;
 * - any other primary item brings the problems directly linked to it (Linkages — FHIR profiles returned on
 * query);
 *    - referrals and diary entries reached anywhere bring their supporting items (not expanded).
 *    A medication issue reached by a link brings its whole plan. Everything reached only through links
 *    goes into `linked`, never duplicating a primary item.
 * 3. Redaction: no confidential item is loaded, and every reference to one is removed; where it would
 *    have been in a consultation's or primary problem's secondary list, or the linked-problems list,
 *    a WithheldLink says so. Entered-in-error items are treated as absent (no warning). References
 *    into switched-off areas are kept but their items are not loaded (confidential ones: removed).
 * 4. Actors: every one any returned item names, with the organisations they name in turn.
 */
import { CLINICAL_AREAS } from '../contract/areas';
import type { ClinicalArea, StructuredQuery } from '../contract/structured-query';
import { timeSlice } from '../ops/time-slice';
import type { ActorCache } from './actor-cache';
import { expandActors } from './expand-actors';
import { KEEPS_EVERY, medicationMatches, PRIMARY_FILTERS, selectConsultations } from './filters';
import {
  ActorIdSet,
  type AreaItem,
  KIND_AREA,
  RECORD_AREAS,
  type RecordArea,
  refKey,
  supportingRefsOf,
  SWITCHED_BY,
} from './item-refs';
import type {
  Allergy,
  Consultation,
  ConsultationEntry,
  ImmunisationStatusRecord,
  ItemRef,
  MedicationPlan,
  PatientClinicalRecord,
  Problem,
} from './model';
import type { Patient, Practice } from './model/people';
import { type AnyPlaced, bySeq, type IndexedRound, inOrder, RecordIndex, RefMap } from './record-index';
import { hasConfidentialParts, NOTHING_HIDDEN, redactItem, redactPlan } from './redact';
import type { AreaResult, PatientRecord, WithheldLink } from './repository';
import type {
  Actors,
  CandidateRound,
  FirstRound,
  PatientRefs,
  Placed,
  PlacedItems,
  RecordSource,
} from './source';

/** What a linked item was reached as, which decides what it brings in turn. */
type Role =
  /** In a primary consultation's structure. */
  | 'content'
  /** Linked to a primary problem (directly, as its promoted item, or under a topic naming it). */
  | 'problemItem'
  /** A consultation sent as its Encounter only. */
  | 'encounter'
  /** A referral's or diary entry's supporting item. */
  | 'supporting';

const ROLE_BIT: Readonly<Record<Role, number>> = { content: 1, problemItem: 2, encounter: 4, supporting: 8 };

interface Pending {
  readonly ref: ItemRef;
  readonly role: Role;
}

interface Selected<T> {
  readonly items: readonly Placed<T>[];
  readonly withheldConfidential: boolean;
}

/**
 * The areas with rules of their own below (allergies: active and ended; consultations: a selection;
 * problems: from the hub; immunisations: two record areas). Every other area in the registry is
 * plain: its items are in the record area of the same name and pass PRIMARY_FILTERS[area].
 */
type SpecialArea = 'allergies' | 'consultations' | 'problems' | 'immunisations';
type PlainArea = Exclude<ClinicalArea, SpecialArea>;
const SPECIAL_AREAS: readonly ClinicalArea[] = ['allergies', 'consultations', 'problems', 'immunisations'];
const PLAIN_AREAS = CLINICAL_AREAS.filter((area): area is PlainArea => !SPECIAL_AREAS.includes(area));

/** Item rounds after the candidate round; see source.ts for why two are enough. */
const LINK_ROUNDS = 2;

/**
 * `first`: item round 1, when already read with the patient (RecordSource.findPatientWithCandidates);
 * `actorCache`: the actors read before under the practice's version (D-PI4).
 */
export async function loadRecord(
  source: RecordSource,
  patient: Patient,
  query: StructuredQuery,
  first?: FirstRound,
  actorCache?: ActorCache,
): Promise<PatientRecord> {
  const candidates = first ?? (await source.loadCandidates(patient, query));
  const practice = candidates.practice ?? (await source.practice());
  const assembly = new Assembly(query, candidates);
  let pending = assembly.linkFromPrimary();
  for (let round = 0; round < LINK_ROUNDS && pending.length > 0; round++) {
    const wanted = assembly.refsToLoad(pending);
    if (wanted.length > 0) assembly.observe(await source.loadItems(patient, wanted));
    pending = assembly.follow(pending);
  }
  if (pending.length > 0) throw new Error('record assembly: linkage deeper than the round limit');
  const ids = assembly.actorIds(patient).toIds();
  const version = candidates.actorsVersion;
  const cached = version !== undefined ? actorCache?.lookup(version, ids) : undefined;
  if (cached) return assembly.toRecord(patient, practice, cached);
  const actors = await source.loadActors(ids);
  if (version !== undefined) actorCache?.remember(version, ids, actors);
  return assembly.toRecord(patient, practice, actors);
}

/**
 * The records of many patients with one query, a fixed number of round trips for the whole batch
 * when the store has the batched reads (docs/decisions.md D-EB1): the practice and every patient's
 * candidates, each item round for all patients at once, and one actor read for the union of their
 * actors, each patient's share then picked from it as the store itself would (expandActors). Every
 * patient goes through the same Assembly as loadRecord, so each record equals what loadRecord
 * gives. `query.nhsNumber` is not used: each patient is their own. A store without the batched reads
 * is read one patient at a time.
 */
export async function loadRecords(
  source: RecordSource,
  patients: readonly Patient[],
  query: StructuredQuery,
): Promise<PatientRecord[]> {
  const { loadCandidatesBatch, loadItemsBatch } = source;
  if (patients.length === 0) return [];
  if (!loadCandidatesBatch || !loadItemsBatch) {
    const records: PatientRecord[] = [];
    for (const patient of patients) records.push(await loadRecord(source, patient, query));
    return records;
  }
  const [practice, rounds] = await Promise.all([
    source.practice(),
    loadCandidatesBatch.call(source, patients, query),
  ]);
  // A batch's assembly is much CPU: it gives the event loop back every few ms, between patients.
  const slice = timeSlice();
  const assemblies: Assembly[] = [];
  let pending: Pending[][] = [];
  for (const patient of patients) {
    const round = rounds.get(patient.id);
    if (!round) throw new Error(`record source returned no candidates for patient ${patient.id}`);
    const assembly = new Assembly(query, round);
    assemblies.push(assembly);
    pending.push(assembly.linkFromPrimary());
    await slice.pause();
  }
  for (let round = 0; round < LINK_ROUNDS && pending.some((p) => p.length > 0); round++) {
    const wanted: PatientRefs[] = [];
    pending.forEach((p, i) => {
      const refs = p.length > 0 ? assemblies[i].refsToLoad(p) : [];
      if (refs.length > 0) wanted.push({ patient: patients[i], refs });
    });
    const loaded: ReadonlyMap<string, PlacedItems> =
      wanted.length > 0 ? await loadItemsBatch.call(source, wanted) : new Map();
    const next: Pending[][] = [];
    for (const [i, assembly] of assemblies.entries()) {
      if (pending[i].length === 0) {
        next.push([]);
        continue;
      }
      const items = loaded.get(patients[i].id);
      if (items) assembly.observe(items);
      next.push(assembly.follow(pending[i]));
      await slice.pause();
    }
    pending = next;
  }
  if (pending.some((p) => p.length > 0))
    throw new Error('record assembly: linkage deeper than the round limit');
  const ids: ActorIdSet[] = [];
  for (const [i, assembly] of assemblies.entries()) {
    ids.push(assembly.actorIds(patients[i]));
    await slice.pause();
  }
  const union = new ActorIdSet();
  for (const set of ids) {
    for (const kind of ACTOR_KINDS) for (const id of set[kind]) union[kind].add(id);
  }
  const all = await source.loadActors(union.toIds());
  const lookup = {
    practitioners: mapById(all.practitioners),
    organisations: mapById(all.organisations),
    locations: mapById(all.locations),
    healthcareServices: mapById(all.healthcareServices),
    devices: mapById(all.devices),
  };
  return assemblies.map((assembly, i) =>
    assembly.toRecord(patients[i], practice, expandActors(ids[i].toIds(), lookup)),
  );
}

const ACTOR_KINDS = ['practitioners', 'organisations', 'locations', 'healthcareServices', 'devices'] as const;

function mapById<T extends { readonly id: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

class Assembly {
  /** The store's index (CandidateRound.index) or this request's own; see `own`. */
  private index: RecordIndex;
  /** Whether `index` is this request's: a store's is shared by every request and copied before a change. */
  private own: boolean;
  /** Ids of the primary lists' items, by record area. */
  private readonly primaryIds = new Map<RecordArea, Set<string>>();
  /** The primary lists of each record area, from which `primaryIds` is built when first asked. */
  private readonly primaryLists = new Map<RecordArea, (readonly Placed<{ readonly id: string }>[])[]>();
  private readonly linked = new Map<RecordArea, Map<string, AnyPlaced>>();
  private readonly withheldLinks = new Map<string, WithheldLink>();
  private readonly primary: {
    allergies?: { readonly active: Selected<Allergy>; readonly resolved?: Selected<Allergy> };
    consultations?: Selected<Consultation>;
    problems?: Selected<Problem>;
    immunisations?: Selected<AreaItem<'immunisations'>> & {
      readonly statuses: Selected<ImmunisationStatusRecord>;
    };
    /** Every other requested area: one record area of the same name, one per-item filter. */
    plain: Map<PlainArea, Selected<AreaItem<PlainArea>>>;
  } = { plain: new Map() };

  constructor(
    private readonly query: StructuredQuery,
    private readonly round: CandidateRound,
  ) {
    const shared = (round as Partial<IndexedRound>).index;
    if (shared) {
      // The store's index holds every item of the patient, the candidates among them.
      this.index = shared;
      this.own = false;
    } else {
      this.index = new RecordIndex(round);
      this.own = true;
      this.index.observe(round.candidates);
    }
    this.selectPrimary(round.candidates);
  }

  private get withheld() {
    return this.index.withheld;
  }

  // ── 1. primary lists ───────────────────────────────────────────────────────────────────────────

  private selectPrimary(c: PlacedItems): void {
    const q = this.query;
    if (q.allergies) {
      const allergies = c.allergies ?? [];
      const allergyQuery = q.allergies;
      this.primary.allergies = {
        active: this.select('allergies', allergies, (a) => PRIMARY_FILTERS.activeAllergies(a)),
        ...(allergyQuery.includeResolved && {
          resolved: this.select('allergies', allergies, (a) =>
            PRIMARY_FILTERS.resolvedAllergies(a, allergyQuery),
          ),
        }),
      };
    }
    if (q.consultations) {
      const all = bySeq(c.consultations ?? []);
      const chosen = selectConsultations(
        all.map((p) => p.item),
        q.consultations,
        this.index,
      );
      // `chosen` is a subsequence of `all`, which select walks in the same order: no Set needed.
      let next = 0;
      this.primary.consultations = this.select('consultations', all, (item) => {
        if (item !== chosen[next]) return false;
        next++;
        return true;
      });
    }
    if (q.problems) {
      const pq = q.problems;
      this.primary.problems = this.select('problems', [...this.index.problems.values()], (p) =>
        PRIMARY_FILTERS.problems(p, pq),
      );
    }
    if (q.immunisations) {
      const iq = q.immunisations;
      const given = this.select(
        'immunisations',
        c.immunisations ?? [],
        KEEPS_EVERY.immunisations?.(iq) === true ? undefined : (i) => PRIMARY_FILTERS.immunisations(i, iq),
      );
      const statuses = this.select('immunisationStatuses', c.immunisationStatuses ?? [], (s) =>
        PRIMARY_FILTERS.immunisationStatuses(s, iq),
      );
      this.primary.immunisations = {
        ...given,
        withheldConfidential: given.withheldConfidential || statuses.withheldConfidential,
        statuses,
      };
    }
    for (const area of PLAIN_AREAS) {
      const areaQuery = q[area];
      if (areaQuery === undefined) continue;
      const passes = (area === 'medication' ? this.medicationFilter : PRIMARY_FILTERS[area]) as (
        item: AreaItem<PlainArea>,
        query: typeof areaQuery,
      ) => boolean;
      const candidates = (c[area] ?? []) as readonly Placed<AreaItem<PlainArea>>[];
      const keepsEvery = KEEPS_EVERY[area] as ((query: typeof areaQuery) => boolean) | undefined;
      this.primary.plain.set(
        area,
        this.select<PlainArea>(
          area,
          candidates,
          keepsEvery?.(areaQuery) === true ? undefined : (item) => passes(item, areaQuery),
        ),
      );
    }
  }

  /** PRIMARY_FILTERS.medication, with each plan's active interval kept by the index. */
  private readonly medicationFilter = (
    plan: AreaItem<'medication'>,
    q: NonNullable<StructuredQuery['medication']>,
  ): boolean => medicationMatches(plan, q.searchFromDate, this.index);

  /**
   * The items of one primary list: those passing the filter, in dataset order, confidential ones
   * withheld. A confidential part (a plan's issue, a report's group or result) also flags the list.
   * No `passes`: the query's filter keeps every item (KEEPS_EVERY).
   */
  private select<A extends RecordArea>(
    area: A,
    candidates: readonly Placed<AreaItem<A>>[],
    passes: ((item: AreaItem<A>) => boolean) | undefined,
  ): Selected<AreaItem<A>> {
    const items: Placed<AreaItem<A>>[] = [];
    let withheldConfidential = false;
    for (const placed of bySeq(candidates)) {
      if (passes && !passes(placed.item)) continue;
      if (placed.item.confidential === true) {
        withheldConfidential = true;
        continue;
      }
      withheldConfidential ||= this.partsWithheld(area, placed.item);
      items.push(placed);
    }
    const lists = this.primaryLists.get(area);
    if (lists) lists.push(items);
    else this.primaryLists.set(area, [items]);
    return { items, withheldConfidential };
  }

  /** A returned item loses a confidential part (a plan's issue, a report's group or result). */
  private partsWithheld<A extends RecordArea>(area: A, item: AreaItem<A>): boolean {
    // Nothing withheld (most patients): no issue can be.
    if (area === 'medication')
      return !this.withheld.empty && redactPlan(item as MedicationPlan, this.isHidden).partsWithheld;
    if (area === 'investigations') return hasConfidentialParts(item as AreaItem<'investigations'>);
    return false;
  }

  private isPrimary(area: RecordArea, id: string): boolean {
    // Built when first asked (after the primary lists are chosen): many areas never are.
    let ids = this.primaryIds.get(area);
    if (!ids) {
      ids = new Set<string>();
      for (const list of this.primaryLists.get(area) ?? []) for (const { item } of list) ids.add(item.id);
      this.primaryIds.set(area, ids);
    }
    return ids.has(id);
  }

  // ── 2. linkage ─────────────────────────────────────────────────────────────────────────────────

  /** Walks the primary lists; returns what round 2 must load. */
  linkFromPrimary(): Pending[] {
    const next: Pending[] = [];
    for (const { item } of this.primary.consultations?.items ?? []) this.linkConsultation(item, next);
    for (const { item } of this.primary.problems?.items ?? []) this.linkProblem(item, next);
    const p = this.primary;
    const other = <A extends RecordArea>(area: A, items: readonly Placed<AreaItem<A>>[] | undefined) => {
      for (const placed of items ?? []) {
        this.linkProblemsOf(area, placed.item, { via: 'linkedProblem' });
        this.linkSupporting(area, placed.item, next);
      }
    };
    other('allergies', p.allergies?.active.items);
    other('allergies', p.allergies?.resolved?.items);
    other('immunisations', p.immunisations?.items);
    other('immunisationStatuses', p.immunisations?.statuses.items);
    for (const [area, selected] of p.plain) other(area, selected.items);
    return next;
  }

  /** Linkages — FHIR profiles returned on query: a primary consultation's structure. */
  private linkConsultation(consultation: Consultation, next: Pending[]): void {
    for (const topic of consultation.topics) {
      for (const id of topic.problemIds ?? [])
        this.consider({ kind: 'problem', id }, 'content', 'consultation', next);
      if (topic.headings) {
        for (const heading of topic.headings) this.linkEntries(heading.entries, next);
      } else this.linkEntries(topic.entries, next);
    }
  }

  private linkEntries(entries: readonly ConsultationEntry[], next: Pending[]): void {
    for (const entry of entries) {
      if (entry.kind !== 'note') this.consider(entry, 'content', 'consultation', next);
      else if (entry.confidential === true) this.recordWithheld({ via: 'consultation', kind: 'observation' });
    }
  }

  /** Linkages — FHIR profiles returned on query; ProblemHeader (Condition) page: a primary problem's
   * links. */
  private linkProblem(problem: Problem, next: Pending[]): void {
    for (const related of problem.relatedProblems ?? [])
      this.consider({ kind: 'problem', id: related.problemId }, 'problemItem', 'problem', next);
    if (problem.actualProblem) this.consider(problem.actualProblem, 'problemItem', 'problem', next);
    for (const ref of problem.linkedItems ?? []) this.consider(ref, 'problemItem', 'problem', next);
    if (this.disabled('consultations')) return;
    for (const link of this.index.topicLinks.get(problem.id) ?? []) {
      const consultation: ItemRef = { kind: 'consultation', id: link.consultationId };
      if (this.withheld.isHidden(consultation)) {
        if (this.withheld.isConfidential(consultation))
          this.recordWithheld({ via: 'problem', kind: 'consultation' });
        continue;
      }
      this.consider(consultation, 'encounter', 'problem', next);
      for (const ref of link.refs) this.consider(ref, 'problemItem', 'problem', next);
    }
  }

  /**
   * One reference reached from a primary item: withheld ones are recorded (when a secondary list
   * would have shown them) and dropped; problems come from the hub; references into switched-off
   * areas are left unloaded; the rest is queued for the next round.
   */
  private consider(
    ref: ItemRef,
    role: Role,
    via: 'consultation' | 'problem' | undefined,
    next: Pending[],
  ): void {
    const reason = this.withheld.reason(ref);
    if (reason !== undefined) {
      if (reason === 'confidential' && via) this.recordWithheld({ via, kind: ref.kind });
      return;
    }
    if (this.disabled(KIND_AREA[ref.kind])) return;
    if (ref.kind === 'problem') {
      const problem = this.index.problems.get(ref.id);
      if (problem) this.addLinkedProblem(problem);
      return;
    }
    next.push({ ref, role: ref.kind === 'consultation' ? 'encounter' : role });
  }

  /** The refs of a round not loaded yet, each once, in a stable order. */
  refsToLoad(pending: readonly Pending[]): ItemRef[] {
    if (this.index.complete) return [];
    let wanted: Map<string, ItemRef> | undefined;
    for (const { ref } of pending) {
      if (this.index.item(ref)) continue;
      const key = refKey(ref);
      wanted ??= new Map<string, ItemRef>();
      if (!wanted.has(key)) wanted.set(key, ref);
    }
    if (!wanted) return [];
    return [...wanted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, ref]) => ref);
  }

  /** Indexes a loaded round (a store's own index is copied first: it is shared by every request). */
  observe(items: PlacedItems): void {
    if (!this.own) {
      this.index = this.index.copy(this.round);
      this.own = true;
    }
    this.index.observe(items);
  }

  /** Takes a loaded round into `linked` and returns what the next round must load. */
  follow(pending: readonly Pending[]): Pending[] {
    const next: Pending[] = [];
    // A ref reached again in the same role does the same (idempotent) work again: in a large record
    // most pending refs are such repeats (an item under many topics), so each is followed once.
    // The roles each ref was followed in, as bits (ROLE_BIT).
    const done = new RefMap<number>();
    for (const { ref, role } of pending) {
      const roles = done.get(ref.kind, ref.id) ?? 0;
      if ((roles & ROLE_BIT[role]) !== 0) continue;
      done.set(ref.kind, ref.id, roles | ROLE_BIT[role]);
      const entry = this.index.item(ref);
      if (!entry) throw new Error(`record source returned no ${ref.kind} ${ref.id}`);
      this.addLinked(entry);
      if (role === 'content') {
        this.linkProblemsOf(entry.area, entry.item, { via: 'consultation', kind: 'problem' });
        if (entry.area === 'investigations' && hasConfidentialParts(entry.item))
          this.recordWithheld({ via: 'consultation', kind: 'investigation' });
        this.linkSupporting(entry.area, entry.item, next);
      } else if (role === 'problemItem') {
        if (entry.area !== 'medication')
          this.linkProblemsOf(entry.area, entry.item, { via: 'problem', kind: 'problem' });
        if (entry.area === 'investigations' && hasConfidentialParts(entry.item))
          this.recordWithheld({ via: 'problem', kind: 'investigation' });
        const recordedIn = this.recordingConsultation(entry, ref);
        if (recordedIn !== undefined)
          this.consider({ kind: 'consultation', id: recordedIn }, 'encounter', 'problem', next);
        this.linkSupporting(entry.area, entry.item, next);
      }
    }
    return next;
  }

  /** The problems linked to an item (for a plan: to the plan or any of its shared issues). */
  private linkProblemsOf<A extends RecordArea>(area: A, item: AreaItem<A>, withheldAs: WithheldLink): void {
    if (this.disabled('problems')) return;
    for (const problem of this.index.problemsLinkingItem(area, item)) {
      if (problem.item.confidential === true) this.recordWithheld(withheldAs);
      else this.addLinkedProblem(problem);
    }
  }

  /** The consultation in which a linked item (or the linked issue of a plan) was recorded. */
  private recordingConsultation(entry: AnyPlaced, ref: ItemRef): string | undefined {
    if (entry.area === 'consultations' || entry.area === 'problems') return undefined;
    if (entry.area === 'medication' && ref.kind === 'medicationIssue')
      return entry.item.issues.find((i) => i.id === ref.id)?.consultationId;
    return entry.item.consultationId;
  }

  private linkSupporting<A extends RecordArea>(area: A, item: AreaItem<A>, next: Pending[]): void {
    if (area !== 'referrals' && area !== 'diaryEntries') return;
    for (const ref of supportingRefsOf(area, item)) this.consider(ref, 'supporting', undefined, next);
  }

  private addLinked(entry: AnyPlaced): void {
    if (this.isPrimary(entry.area, entry.item.id)) return;
    let area = this.linked.get(entry.area);
    if (!area) this.linked.set(entry.area, (area = new Map<string, AnyPlaced>()));
    area.set(entry.item.id, entry);
  }

  private addLinkedProblem(problem: Placed<Problem>): void {
    // The problem's own entry, once: the same object each time it is reached.
    if (!this.linked.get('problems')?.has(problem.item.id)) this.addLinked({ area: 'problems', ...problem });
  }

  private recordWithheld(link: WithheldLink): void {
    this.withheldLinks.set(link.via === 'linkedProblem' ? link.via : `${link.via}:${link.kind}`, link);
  }

  private disabled(area: RecordArea): boolean {
    if (this.query.disabledAreas.size === 0) return false;
    const switched: ClinicalArea | undefined = SWITCHED_BY[area];
    return switched !== undefined && this.query.disabledAreas.has(switched);
  }
  // ── 3. output ──────────────────────────────────────────────────────────────────────────────────

  private readonly isHidden = (ref: ItemRef): boolean => this.withheld.isHidden(ref);

  /** Redaction's question; NOTHING_HIDDEN lets it hand most items back at once. */
  private get hidden(): (ref: ItemRef) => boolean {
    return this.withheld.empty ? NOTHING_HIDDEN : this.isHidden;
  }

  private result<A extends RecordArea>(area: A, selected: Selected<AreaItem<A>>): AreaResult<AreaItem<A>> {
    return {
      items: selected.items.map((p) => redactItem(area, p.item, this.hidden)),
      withheldConfidential: selected.withheldConfidential,
    };
  }

  /**
   * Linked content in dataset order. A linked consultation is sent as its Encounter only; it keeps
   * just the topics that name a primary problem (their item refs and those problem links), so the
   * bundle can write a problem's indirect links (ProblemHeader (Condition) page "items under a consultation
   * topic linked to the problem") without dangling references.
   */
  private linkedRecord(): PatientClinicalRecord | undefined {
    const record: { [A in RecordArea]?: AreaItem<A>[] } = {};
    for (const area of RECORD_AREAS) {
      const entries = [...(this.linked.get(area)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
      if (entries.length === 0) continue;
      const items = entries.map((e): AreaItem<RecordArea> => {
        if (e.area !== 'consultations') return redactItem(e.area, e.item, this.hidden);
        // Its header stays the store's consultation (withTopics): its Encounter is remembered.
        return this.index.linkedConsultation(e.item, this.hidden, this.isPrimaryProblem);
      });
      (record as Record<RecordArea, AreaItem<RecordArea>[]>)[area] = items;
    }
    return Object.keys(record).length > 0 ? record : undefined;
  }

  private readonly isPrimaryProblem = (id: string): boolean => this.isPrimary('problems', id);

  actorIds(patient: Patient): ActorIdSet {
    this.output ??= this.buildOutput();
    const ids = new ActorIdSet();
    ids.practitioner(patient.usualGpId);
    const { areas, linked } = this.output;
    const add = (area: RecordArea, items: readonly AreaItem<RecordArea>[] | undefined) => {
      if (items) for (const item of items) this.index.collectActors(area, item, ids);
    };
    add('allergies', areas.allergies?.active.items);
    add('allergies', areas.allergies?.resolved?.items);
    add('consultations', areas.consultations?.items);
    add('problems', areas.problems?.items);
    add('immunisations', areas.immunisations?.items);
    add('immunisationStatuses', areas.immunisations?.statuses);
    for (const area of this.primary.plain.keys()) add(area, areas[area]?.items);
    if (linked) for (const area of RECORD_AREAS) add(area, linked[area]);
    return ids;
  }

  private output?: {
    readonly areas: Partial<Pick<PatientRecord, ClinicalArea>>;
    readonly linked?: PatientClinicalRecord;
  };

  private buildOutput(): NonNullable<Assembly['output']> {
    const p = this.primary;
    const areas: Partial<Pick<PatientRecord, ClinicalArea>> = {
      ...(p.allergies && {
        allergies: {
          active: this.result('allergies', p.allergies.active),
          ...(p.allergies.resolved && { resolved: this.result('allergies', p.allergies.resolved) }),
        },
      }),
      ...(p.consultations && { consultations: this.result('consultations', p.consultations) }),
      ...(p.problems && { problems: this.result('problems', p.problems) }),
      ...(p.immunisations && {
        immunisations: {
          ...this.result('immunisations', p.immunisations),
          statuses: this.result('immunisationStatuses', p.immunisations.statuses).items,
        },
      }),
      ...Object.fromEntries([...p.plain].map(([area, selected]) => [area, this.result(area, selected)])),
    };
    const linked = this.linkedRecord();
    return { areas, ...(linked && { linked }) };
  }

  toRecord(patient: Patient, practice: Practice, actors: Actors): PatientRecord {
    this.output ??= this.buildOutput();
    const withheldLinks = [...this.withheldLinks.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, l]) => l);
    return {
      patient,
      practice,
      ...this.output.areas,
      practitioners: byId(actors.practitioners),
      organisations: byId(actors.organisations.filter((o) => o.id !== practice.id)),
      locations: byId(actors.locations),
      healthcareServices: byId(actors.healthcareServices),
      devices: byId(actors.devices),
      ...(this.output.linked && { linked: this.output.linked }),
      ...(withheldLinks.length > 0 && { withheldLinks }),
    };
  }
}

const idOrder = (a: { readonly id: string }, b: { readonly id: string }) =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** Actors in id order: stores may return rows in any order, output must not depend on it. */
function byId<T extends { readonly id: string }>(items: readonly T[]): T[] {
  return [...inOrder(items, idOrder)];
}
