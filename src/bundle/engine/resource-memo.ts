/**
 * Mapped resources remembered across requests, for stores whose items are the same objects on every
 * request while their data is unchanged (the memory store: ClinicalRepository.longLivedItems). Mapping
 * an item and serialising the result were over half of a request's CPU (docs/decisions.md D-RM1); for
 * such a store that work can be done once per item, as the item is loaded once.
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
 * the memo counts what it holds, estimated from each resource's JSON length in bytes, and starts
 * afresh when over its budget (everything is mapped again as it is asked for).
 */
import type { Resource } from 'fhir/r3';

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
  readonly inputs: readonly unknown[];
  readonly calls: readonly Call[];
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

/** The JSON of a remembered resource as UTF-8 bytes, or undefined for any other object. */
export function rememberedJson(resource: object): Buffer | undefined {
  return resource instanceof RememberedResource ? resource.json : undefined;
}

/**
 * Resident bytes per byte of a remembered resource's JSON (its bytes, the recorded calls and inputs),
 * a bound rather than a measure: D-RM1 gives the resident set measured.
 */
const RESIDENT_PER_JSON_BYTE = 2;

/** Structural equality in which key order counts (it decides the JSON bytes). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
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

/** Performs the recorded calls on `ctx`; true when every one gives the recorded result. */
function replays(calls: readonly Call[], ctx: MappingContext): boolean {
  for (const call of calls) {
    if (ctx[call.method] === undefined) return false;
    const result = (ctx[call.method] as (...args: unknown[]) => unknown)(...call.args);
    if (!sameValue(result, call.result)) return false;
  }
  return true;
}

export class ResourceMemo {
  private byItem = new WeakMap<object, Map<string, Remembered>>();
  /** Estimated resident bytes held (RESIDENT_PER_JSON_BYTE). */
  private held = 0;
  /** Mappings reused and done, and how often the memo started afresh, for the tests and the bench. */
  readonly counts = { reused: 0, mapped: 0, cleared: 0 };

  /** `maxBytes`: the estimated resident memory it may hold before starting afresh. */
  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {}

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
    return this.remember(item, slot, [ctx.patient, ctx.practiceId, ...inputs], ctx, build);
  }

  /** A resource that depends only on `item` and `inputs` (an actor, the patient). */
  plain<T extends Resource | undefined>(
    item: object,
    slot: string,
    inputs: readonly unknown[],
    build: () => T,
  ): T {
    const value = this.remember(item, slot, inputs, undefined, () => {
      const r = build();
      return r === undefined ? [] : [r];
    });
    // Stands in for T: only its type and id are read, and its JSON written (see RememberedResource).
    return value[0] as unknown as T;
  }

  private remember(
    item: object,
    slot: string,
    inputs: readonly unknown[],
    ctx: MappingContext | undefined,
    build: (ctx: MappingContext) => readonly Resource[],
  ): readonly Resource[] {
    let slots = this.byItem.get(item);
    const before = slots?.get(slot);
    if (before && sameValue(before.inputs, inputs) && (ctx === undefined || replays(before.calls, ctx))) {
      this.counts.reused++;
      return before.value;
    }
    const calls: Call[] = [];
    const mapped = ctx === undefined ? (build as () => readonly Resource[])() : build(recording(ctx, calls));
    const value = mapped.map((r) => new RememberedResource(r.resourceType, r.id, JSON.stringify(r)));
    let bytes = 0;
    for (const r of value) bytes += r.json.length * RESIDENT_PER_JSON_BYTE;
    // A mapping that replaces an earlier one (something it depends on changed) takes its place.
    if (before) this.held -= before.bytes;
    if (this.held + bytes > this.maxBytes) {
      // Over budget: let everything go (the entries are only reachable through this map).
      this.byItem = new WeakMap();
      this.held = 0;
      slots = undefined;
      this.counts.cleared++;
    }
    this.held += bytes;
    if (!slots) this.byItem.set(item, (slots = new Map<string, Remembered>()));
    // Inputs are items (never changed in place) or the request's own values, which are not changed
    // once handed to a mapper: kept as they are.
    slots.set(slot, { value, bytes, inputs, calls });
    this.counts.mapped++;
    return value;
  }
}
