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
 * A remembered resource is frozen (deeply) and its JSON written once, lazily, by the serialiser
 * (`rememberedJson`): the bytes are JSON.stringify of the same frozen object, so an answer is
 * byte-identical to one built fresh. Entries are held weakly by the item: a practice reloaded with
 * new data leaves the old entries to the garbage collector. Memory is bounded (`RESOURCE_MEMO_MB`): the
 * memo counts what it holds, estimated from each resource's JSON length, and starts afresh when over
 * its budget (everything is mapped again as it is asked for).
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
  readonly value: unknown;
  /** Its estimated resident bytes. */
  readonly bytes: number;
  readonly inputs: readonly unknown[];
  readonly calls: readonly Call[];
}

/** JSON of each remembered resource. */
const jsonOf = new WeakMap<object, string>();

/** The JSON text of a remembered resource, or undefined for any other object. */
export function rememberedJson(resource: object): string | undefined {
  return jsonOf.get(resource);
}

/**
 * Resident bytes per byte of a remembered resource's JSON (the frozen objects, the JSON, the recorded
 * calls): predefined search 2 over 1,000 synthetic patients, about 113 MB of answers, raised the
 * service's peak resident set by about 440 MB once every patient had been asked for.
 */
const RESIDENT_PER_JSON_BYTE = 4;

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

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
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
   * `build(ctx)` for `item`, or what it gave before when nothing it depends on has changed.
   * `slot` names the mapping (an item may map to several resources); `inputs` are its other inputs
   * (compared structurally); `resources` lists the resources in the value, whose JSON is remembered.
   */
  mapped<T>(
    item: object,
    slot: string,
    inputs: readonly unknown[],
    ctx: MappingContext,
    build: (ctx: MappingContext) => T,
    resources: (value: T) => readonly Resource[],
  ): T {
    return this.remember(item, slot, [ctx.patient, ctx.practiceId, ...inputs], ctx, build, resources);
  }

  /** A resource that depends only on `item` and `inputs` (an actor, the patient). */
  plain<T extends Resource | undefined>(
    item: object,
    slot: string,
    inputs: readonly unknown[],
    build: () => T,
  ): T {
    return this.remember(item, slot, inputs, undefined, build, (value) =>
      value === undefined ? [] : [value],
    );
  }

  private remember<T>(
    item: object,
    slot: string,
    inputs: readonly unknown[],
    ctx: MappingContext | undefined,
    build: (ctx: MappingContext) => T,
    resources: (value: T) => readonly Resource[],
  ): T {
    let slots = this.byItem.get(item);
    const before = slots?.get(slot);
    if (before && sameValue(before.inputs, inputs) && (ctx === undefined || replays(before.calls, ctx))) {
      this.counts.reused++;
      return before.value as T;
    }
    const calls: Call[] = [];
    const value = ctx === undefined ? (build as () => T)() : build(recording(ctx, calls));
    deepFreeze(value);
    let bytes = 0;
    for (const resource of resources(value)) {
      let json = jsonOf.get(resource);
      if (json === undefined) jsonOf.set(resource, (json = JSON.stringify(resource)));
      bytes += json.length * RESIDENT_PER_JSON_BYTE;
    }
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
