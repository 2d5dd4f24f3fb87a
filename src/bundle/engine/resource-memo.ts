/**
 * Mapped resources remembered across requests, for stores whose items are the same objects on every
 * request while their data is unchanged (ClinicalRepository.longLivedItems: the memory store, and
 * PostgreSQL sharing its documents, D-PI1). Mapping an item and serialising the result were over half
 * of a request's CPU (docs/decisions.md D-RM1); for such a store that work can be done once per item,
 * as the item is loaded once.
 *
 * A mapper is pure apart from the MappingContext calls it makes (mapping-context.ts), and those calls
 * are how one request's Bundle differs from another's (which Encounters are in it, switched-off areas,
 * which issues are emitted). So the first mapping of an item records every call with its arguments and
 * result; a later request replays the same calls, in order, against its own context, and reuses the
 * resource only when every result is the same (structurally, key order included) as before and the
 * other inputs (the patient reference, extra arguments) are the same too. The replay performs the
 * calls, so the request's state (actors used, issues to emit, …) changes exactly as a fresh mapping
 * would change it; when a result differs the item is mapped afresh (the calls already replayed are
 * the ones the mapper makes first, with the same arguments, and every one of them is idempotent).
 *
 * A remembered resource is kept as its JSON only, written (and encoded to UTF-8) once when it is
 * mapped: the Bundle holds a RememberedResource (its type and id, all the engine reads of an
 * emitted resource), the serialiser copies its bytes as they stand (`rememberedJson`, D-SJ1), and
 * any other JSON.stringify of it (a List that contains it) goes through its toJSON, which gives the
 * same bytes. Keeping JSON rather than the mapped objects matters: a memo of objects held millions
 * of small objects in the old generation, and marking them made garbage collection cost more than
 * the memo saved (D-RM1). FHIR XML is written from objects, so a request answered in XML maps
 * afresh (the caller gives no memo). Entries are held weakly by the item: a practice reloaded with
 * new data leaves the old entries to the garbage collector. Memory is bounded (`RESOURCE_MEMO_MB`):
 * the memo counts what it holds, estimated from each resource's JSON length in bytes, takes an
 * item's share off when the item is collected (D-MB2), and starts afresh when over its budget
 * (everything is mapped again as it is asked for).
 *
 * A consultation's structure Lists are remembered the same way (`structure`, docs/decisions.md D-LJ1),
 * with the StructureResolver's calls recorded and replayed beside the context's. A WrittenResource
 * stands for a query List written as JSON text for one request (D-LJ2): not remembered, only written.
 */
import type { List, Reference, Resource } from 'fhir/r3';

import type { Consultation, ItemRef } from '../../record/model';
import type { ConsultationStructure, StructureResolver } from '../areas/consultations';
import type { MappingContext } from '../mapping-context';

type Method = Exclude<keyof MappingContext, 'patient' | 'practiceId'>;

interface Call {
  readonly method: Method;
  readonly args: readonly unknown[];
  readonly result: unknown;
}

interface Remembered {
  readonly value: readonly RememberedResource[];
  /** Its estimated resident bytes. */
  readonly bytes: number;
  /** The context's patient reference and practice id when mapped (undefined for `plain`). */
  readonly patient: unknown;
  readonly practiceId: string | undefined;
  readonly inputs: readonly unknown[];
  readonly calls: readonly Call[];
  /** The context's `identifier` the calls were made with (undefined for `plain`). */
  readonly identifier: MappingContext['identifier'] | undefined;
  /** What the build gave besides its resources, handed back on reuse (a structure's notes). */
  readonly kept?: unknown;
}

/**
 * What one item's entries hold, counted in `ResourceMemo.held` while the item lives; the memo takes it
 * off when the garbage collector takes the item (a practice reloaded, a narrowed copy dropped), unless
 * the memo started afresh since (`generation`), which already took it off.
 */
interface Account {
  readonly generation: number;
  bytes: number;
}

/**
 * An item's mappings by slot. The first is held in fields beside the others: most items have one
 * mapping, which is then found without a Map lookup (some 100 per request).
 */
interface Entries {
  readonly firstSlot: string;
  first: Remembered;
  others?: Map<string, Remembered>;
  readonly account: Account;
}

function slotOf(entries: Entries | undefined, slot: string): Remembered | undefined {
  if (entries === undefined) return undefined;
  return entries.firstSlot === slot ? entries.first : entries.others?.get(slot);
}

/**
 * A remembered resource in a Bundle: its type and id, and its JSON, encoded to UTF-8 once when it is
 * mapped, so that writing an answer copies its bytes rather than joining and encoding them again on
 * every request. Small ones share Node's pooled slabs, as any small Buffer does (D-SJ1 has the
 * resident memory measured).
 */
class RememberedResource {
  readonly json: Buffer;

  constructor(
    readonly resourceType: string,
    readonly id: string | undefined,
    json: string,
  ) {
    this.json = Buffer.from(json, 'utf8');
    Object.freeze(this);
  }

  /** As JSON.stringify writes the resource it stands for (a List's `contained`). */
  toJSON(): unknown {
    return JSON.parse(this.json.toString('utf8'));
  }
}

/** The memo's slot for a consultation's structure Lists (ResourceMemo.structure). */
const STRUCTURE = 'structure';

/**
 * A remembered structure: its Lists stand in for List objects (the engine reads only their type and
 * id, the serialiser their JSON: see RememberedResource), with the notes the build found.
 */
function structureOf(before: Remembered): ConsultationStructure {
  return {
    lists: before.value as readonly Resource[] as List[],
    notes: (before.kept as KeptStructure).notes,
  };
}

/** What a remembered structure keeps besides its Lists: its notes, and its resolver's calls. */
interface KeptStructure {
  readonly notes: ConsultationStructure['notes'];
  readonly resolved: Resolved;
}

/**
 * A resource written as JSON text for one request, never remembered (a query List: its date and
 * entries are the request's; docs/decisions.md D-LJ2). It stands for the resource as a
 * RememberedResource does: its type and id, and JSON that the serialiser writes as it stands.
 */
export class WrittenResource {
  constructor(
    readonly resourceType: string,
    readonly id: string | undefined,
    readonly text: string,
  ) {
    Object.freeze(this);
  }

  /** As JSON.stringify writes the resource it stands for. */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * The JSON of a remembered resource as UTF-8 bytes, or of a written one as text; undefined for any
 * other object.
 */
export function rememberedJson(resource: object): Buffer | string | undefined {
  if (resource instanceof RememberedResource) return resource.json;
  return resource instanceof WrittenResource ? resource.text : undefined;
}

/**
 * Resident bytes per byte of a remembered resource's JSON (its bytes, the recorded calls and inputs),
 * a bound rather than a measure: D-RM1 gives the resident set measured.
 */
const RESIDENT_PER_JSON_BYTE = 2;

/**
 * Structural equality in which key order counts (it decides the JSON bytes). Arrays are compared by
 * index: Object.keys of an array writes out every index as a string, which made comparing inputs and
 * results the costliest step of a reused mapping.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const isArray = Array.isArray(a);
  if (isArray !== Array.isArray(b)) return false;
  if (isArray) return sameItems(a as readonly unknown[], b as readonly unknown[]);
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i] || !sameValue(ra[ka[i]], rb[ka[i]])) return false;
  }
  return true;
}

/** Same length, and sameValue index by index (a hole reads as undefined, as JSON writes both null). */
function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

/** A context that performs every call on `ctx` and writes it down. */
function recording(ctx: MappingContext, calls: Call[]): MappingContext {
  const rec =
    (method: Method) =>
    (...args: unknown[]): never => {
      const result = (ctx[method] as (...a: unknown[]) => unknown)(...args);
      calls.push({ method, args, result });
      return result as never;
    };
  return {
    patient: ctx.patient,
    practiceId: ctx.practiceId,
    identifier: rec('identifier'),
    actor: rec('actor'),
    practitioner: rec('practitioner'),
    organisation: rec('organisation'),
    location: rec('location'),
    item: rec('item'),
    ...(ctx.itemIfPresent && { itemIfPresent: rec('itemIfPresent') }),
    encounter: rec('encounter'),
  };
}

/**
 * A structure's resolver calls, flat: each call's argument then its result (a string argument is a
 * problem id, any other an item), with no object per call: a structure is kept for every consultation,
 * and every object the memo keeps is one more for the garbage collector to mark (D-RM1).
 */
type Resolved = unknown[];

/** A resolver that performs every call on `resolver` and writes it down in `resolved`. */
function recordingResolver(resolver: StructureResolver, resolved: Resolved): StructureResolver {
  return {
    item: (ref) => {
      const result = resolver.item(ref);
      resolved.push(ref, result);
      return result;
    },
    problem: (problemId) => {
      const result = resolver.problem(problemId);
      resolved.push(problemId, result);
      return result;
    },
  };
}

/** Performs the recorded resolver calls, in order; true when every one gives the recorded result. */
function replaysResolver(resolved: Resolved, resolver: StructureResolver): boolean {
  for (let i = 0; i < resolved.length; i += 2) {
    const arg = resolved[i];
    const result = typeof arg === 'string' ? resolver.problem(arg) : resolver.item(arg as ItemRef);
    if (!sameValue(result, resolved[i + 1])) return false;
  }
  return true;
}

/**
 * Performs the recorded calls on `ctx`; true when every one gives the recorded result. With
 * `sameIdentifier` (the context's `identifier` is the very function the calls were recorded with, a
 * practice's pure one: Interned.identifier) its calls are passed over: the same arguments give the
 * same result, and the call changes nothing.
 */
function replays(calls: readonly Call[], ctx: MappingContext, sameIdentifier: boolean): boolean {
  for (const call of calls) {
    if (sameIdentifier && call.method === 'identifier') continue;
    if (ctx[call.method] === undefined) return false;
    const result = (ctx[call.method] as (...args: unknown[]) => unknown)(...call.args);
    if (!sameValue(result, call.result)) return false;
  }
  return true;
}

/**
 * Whether a remembered mapping still holds under `ctx`: the same practice, patient and other inputs,
 * and every recorded context call gives the recorded result again (performed, so the request's state
 * changes as a fresh mapping would change it).
 */
function holdsUnder(before: Remembered, ctx: MappingContext, inputs: readonly unknown[]): boolean {
  return (
    before.practiceId === ctx.practiceId &&
    sameValue(before.patient, ctx.patient) &&
    sameItems(before.inputs, inputs) &&
    replays(before.calls, ctx, before.identifier === ctx.identifier)
  );
}

/** A structure's other inputs: none beyond the consultation, the context and the resolver. */
const NO_INPUTS: readonly unknown[] = [];

/** Resident bytes per interned reference beside its key (a bound, as RESIDENT_PER_JSON_BYTE). */
const INTERNED_ENTRY_BYTES = 160;

/**
 * The references to actors and the patient a practice's MappingContext hands out, one frozen object
 * for the same target: replaying a recorded call then gets the very object it recorded, and sameValue
 * answers at its first test instead of walking a fresh object (a request replays some 350 such
 * calls). Only an optimisation: a result made otherwise is compared structurally as before. Held per
 * practice object, counted like an item's entries, and let go with the practice or when the memo
 * starts afresh.
 */
export class Interned {
  private readonly references = new Map<string, Map<string, Reference>>();
  private identifierOf?: { readonly odsCode: string; readonly identifier: MappingContext['identifier'] };

  constructor(
    private readonly memo: ResourceMemo,
    private readonly account: Account,
  ) {}

  /** `{ reference: "<type>/<id>" }`. */
  reference(type: string, id: string): Reference {
    let table = this.references.get(type);
    if (!table) this.references.set(type, (table = new Map<string, Reference>()));
    let r = table.get(id);
    if (r === undefined) {
      table.set(id, (r = Object.freeze({ reference: `${type}/${id}` })));
      this.memo.holdInterned(this.account, INTERNED_ENTRY_BYTES + id.length * 2);
    }
    return r;
  }

  /**
   * The practice's `identifier` for a MappingContext, one function per ODS code: `make` must give a
   * pure function of its arguments and the code. A replay made with the very function a mapping was
   * recorded with passes over its identifier calls (`replays`).
   */
  identifier(odsCode: string, make: () => MappingContext['identifier']): MappingContext['identifier'] {
    if (this.identifierOf?.odsCode !== odsCode) this.identifierOf = { odsCode, identifier: make() };
    return this.identifierOf.identifier;
  }
}

export class ResourceMemo {
  private interning = new WeakMap<object, Interned>();
  private byItem = new WeakMap<object, Entries>();
  /** Estimated resident bytes held (RESIDENT_PER_JSON_BYTE) by items still alive. */
  private held = 0;
  /** Starts afresh (over budget) so far: an Account of an earlier generation is no longer counted. */
  private generation = 0;
  /** Takes an item's bytes off `held` once the garbage collector took the item. */
  private readonly collected = new FinalizationRegistry<Account>((account) => {
    if (account.generation === this.generation) this.held -= account.bytes;
  });
  /** Mappings reused and done, and how often the memo started afresh, for the tests and the bench. */
  readonly counts = { reused: 0, mapped: 0, cleared: 0 };

  /** `maxBytes`: the estimated resident memory it may hold before starting afresh. */
  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {}

  /** Estimated resident bytes held for items still alive (what the budget is compared with). */
  get heldBytes(): number {
    return this.held;
  }

  /** The interned references of a practice (its store object: one per load). */
  interned(practice: object): Interned {
    let interned = this.interning.get(practice);
    if (interned === undefined) {
      const account = { generation: this.generation, bytes: 0 };
      this.interning.set(practice, (interned = new Interned(this, account)));
      this.collected.register(practice, account);
    }
    return interned;
  }

  /** Counts an interned entry (Interned); past the budget the memo starts afresh at its next mapping. */
  holdInterned(account: Account, bytes: number): void {
    if (account.generation !== this.generation) return;
    account.bytes += bytes;
    this.held += bytes;
  }

  /**
   * The resources `build(ctx)` maps `item` to, or what it gave before when nothing it depends on has
   * changed, as RememberedResources. `slot` names the mapping (an item may map to several resources);
   * `inputs` are its other inputs (compared structurally).
   */
  mapped(
    item: object,
    slot: string,
    inputs: readonly unknown[],
    ctx: MappingContext,
    build: (ctx: MappingContext) => readonly Resource[],
  ): readonly Resource[] {
    const entries = this.byItem.get(item);
    const before = slotOf(entries, slot);
    if (before !== undefined && holdsUnder(before, ctx, inputs)) {
      this.counts.reused++;
      return before.value;
    }
    const calls: Call[] = [];
    const mapped = build(recording(ctx, calls));
    return this.remember(item, entries, slot, mapped, ctx, inputs, calls);
  }

  /**
   * The structure Lists of a consultation (the store's own object, never changed: its topics are read),
   * or what they were before when nothing they depend on has changed: the context's answers and the
   * resolver's, whose calls are recorded and replayed like the context's (replaying them files the
   * references in the consultations-* Lists as a fresh build does). The notes are the build's own,
   * handed back as they were (the consultation's note objects, which the comment notes are keyed by).
   */
  structure(
    c: Consultation,
    ctx: MappingContext,
    resolver: StructureResolver,
    build: (c: Consultation, ctx: MappingContext, resolver: StructureResolver) => ConsultationStructure,
  ): ConsultationStructure {
    const entries = this.byItem.get(c);
    const before = slotOf(entries, STRUCTURE);
    if (
      before !== undefined &&
      // The context's calls first: the structure asks the context for its Encounter before anything
      // else, and neither set of calls changes what the other answers (each adds to sets of its own).
      holdsUnder(before, ctx, NO_INPUTS) &&
      replaysResolver((before.kept as KeptStructure).resolved, resolver)
    ) {
      this.counts.reused++;
      return structureOf(before);
    }
    const calls: Call[] = [];
    const resolved: Resolved = [];
    const built = build(c, recording(ctx, calls), recordingResolver(resolver, resolved));
    const kept: KeptStructure = { notes: [...built.notes], resolved };
    const value = this.remember(c, entries, STRUCTURE, built.lists, ctx, NO_INPUTS, calls, kept);
    return { lists: value as readonly Resource[] as List[], notes: built.notes };
  }

  /** A resource that depends only on `item` and `inputs` (an actor, the patient). */
  plain<T extends Resource | undefined>(
    item: object,
    slot: string,
    inputs: readonly unknown[],
    build: () => T,
  ): T {
    const entries = this.byItem.get(item);
    const before = slotOf(entries, slot);
    let value: readonly RememberedResource[];
    if (before !== undefined && sameItems(before.inputs, inputs)) {
      this.counts.reused++;
      value = before.value;
    } else {
      const r = build();
      value = this.remember(item, entries, slot, r === undefined ? [] : [r], undefined, inputs, []);
    }
    // Stands in for T: only its type and id are read, and its JSON written (see RememberedResource).
    return value[0] as unknown as T;
  }

  /**
   * Writes `mapped` down as RememberedResources in `item`'s `slot` (`existing`: the item's entries,
   * if any), with what decides its reuse, counting its bytes; starts afresh when over budget.
   */
  private remember(
    item: object,
    existing: Entries | undefined,
    slot: string,
    mapped: readonly Resource[],
    /** The context it was mapped with (its patient, practice and identifier); undefined for `plain`. */
    ctx: MappingContext | undefined,
    // Inputs are items (never changed in place) or the request's own values, which are not changed
    // once handed to a mapper: kept as they are.
    inputs: readonly unknown[],
    calls: readonly Call[],
    kept?: unknown,
  ): readonly RememberedResource[] {
    const value = mapped.map((r) => new RememberedResource(r.resourceType, r.id, JSON.stringify(r)));
    let bytes = 0;
    for (const r of value) bytes += r.json.length * RESIDENT_PER_JSON_BYTE;
    let entries = existing;
    // A mapping that replaces an earlier one (something it depends on changed) takes its place.
    const before = slotOf(entries, slot);
    if (before !== undefined) {
      this.held -= before.bytes;
      entries!.account.bytes -= before.bytes;
    }
    if (this.held + bytes > this.maxBytes) {
      // Over budget: let everything go (the entries are only reachable through this map); accounts of
      // the old generation are no longer counted when their items are collected.
      this.byItem = new WeakMap();
      this.interning = new WeakMap();
      this.held = 0;
      this.generation++;
      entries = undefined;
      this.counts.cleared++;
    }
    const remembered: Remembered = {
      value,
      bytes,
      patient: ctx?.patient,
      practiceId: ctx?.practiceId,
      inputs,
      calls,
      // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to compare by identity, never called
      identifier: ctx?.identifier,
      ...(kept !== undefined && { kept }),
    };
    if (entries === undefined) {
      entries = {
        firstSlot: slot,
        first: remembered,
        account: { generation: this.generation, bytes: 0 },
      };
      this.byItem.set(item, entries);
      this.collected.register(item, entries.account);
    } else if (entries.firstSlot === slot) entries.first = remembered;
    else (entries.others ??= new Map()).set(slot, remembered);
    this.held += bytes;
    entries.account.bytes += bytes;
    this.counts.mapped++;
    return value;
  }
}
