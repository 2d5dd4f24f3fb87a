/**
 * Validates FHIR STU3 JSON against the official GP Connect profiles (compiled by assets.ts): each
 * resource against the snapshot of its meta.profile[0], walking every element: cardinality (slices
 * included), unknown elements, choice types, primitive values, fixed values, required bindings whose
 * value set is in the assets, extensions (URL declared, value checked against the extension's own
 * definition), reference target types; and a Bundle as a whole: no duplicate Type/id, every reference
 * resolves inside it. Departures from the 1.5.0 assets are only those in known-differences.ts.
 */
import { type CompiledAssets, type CompiledElement, type CompiledStructure, loadAssets } from './assets';
import {
  canonicalExtensionUrl,
  EXTRA_REFERENCE_TARGETS,
  MISSING_EXTENSION_DEFINITIONS,
  SUBSTITUTE_TYPES,
  targetType,
  UNCHECKABLE_VALUE_SETS,
} from './known-differences';
import { DATATYPES, PRIMITIVES, typeSuffix } from './stu3';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A reference met during the walk, with the resource types its element allows (undefined: any). */
interface ReferenceSeen {
  path: string;
  reference: string;
  allowed?: ReadonlySet<string>;
}

interface Walk {
  assets: CompiledAssets;
  /** The definition whose element ids are in play (the resource profile, or an extension's). */
  sd: CompiledStructure;
  errors: string[];
  references: ReferenceSeen[];
}

const datatypeElements = new Map<string, Record<string, CompiledElement>>();

/** The children of an element the snapshot did not expand, from the STU3 datatype. */
function childrenOf(element: CompiledElement, type: string): Record<string, CompiledElement> {
  if (Object.keys(element.children).length > 0) return element.children;
  const cached = datatypeElements.get(type);
  if (cached) return cached;
  const out: Record<string, CompiledElement> = {};
  for (const [key, c] of Object.entries(DATATYPES[type] ?? {})) {
    out[key] = {
      id: `${type}.${key}`,
      key,
      min: c.min,
      max: c.max,
      array: c.max !== 1,
      types: c.types.map((code) => ({ code, profiles: [], targets: [] })),
      children: {},
      slices: [],
    };
  }
  datatypeElements.set(type, out);
  return out;
}

function typeCodes(element: CompiledElement): string[] {
  return [...new Set(element.types.map((t) => t.code))];
}

/** The child element a JSON key names, and the type a choice key selects. */
function findChild(
  children: Record<string, CompiledElement>,
  key: string,
): { element: CompiledElement; type?: string } | undefined {
  const direct = children[key];
  if (direct) return { element: direct };
  for (const element of Object.values(children)) {
    if (!element.key.endsWith('[x]')) continue;
    const prefix = element.key.slice(0, -3);
    if (!key.startsWith(prefix)) continue;
    const type = typeCodes(element).find((code) => prefix + typeSuffix(code) === key);
    if (type !== undefined) return { element, type };
  }
  return undefined;
}

function describe(resource: unknown): string {
  const r = isObject(resource) ? resource : {};
  const type = typeof r.resourceType === 'string' ? r.resourceType : '?';
  return `${type}/${typeof r.id === 'string' ? r.id : '(no id)'}`;
}

const codeSets = new Map<string, { all: Set<string>; bare: Set<string> }>();

/** A value set's `system|code` entries as a set, built once per value set. */
function codeSet(url: string, codes: string[]): Set<string> {
  return codeSets.get(url)?.all ?? codeSetsFor(url, codes).all;
}

function codeSetsFor(url: string, codes: string[]): { all: Set<string>; bare: Set<string> } {
  const sets = { all: new Set(codes), bare: new Set(codes.map((sc) => sc.slice(sc.lastIndexOf('|') + 1))) };
  codeSets.set(url, sets);
  return sets;
}

function checkBinding(
  value: unknown,
  type: string,
  element: CompiledElement,
  path: string,
  walk: Walk,
): void {
  const binding = element.binding;
  if (!binding || binding.strength !== 'required') return;
  const valueSet = walk.assets.valueSets[binding.valueSet];
  if (!valueSet) return; // a base FHIR value set: not in the assets
  if (valueSet.uncheckable !== undefined) {
    if (!UNCHECKABLE_VALUE_SETS.has(valueSet.url)) {
      const why = valueSet.uncheckable;
      walk.errors.push(`${path}: required value set ${valueSet.url} cannot be checked (${why})`);
    }
    return;
  }
  const codes = codeSet(valueSet.url, valueSet.codes);
  const codingIn = (c: unknown) => isObject(c) && codes.has(`${String(c.system)}|${String(c.code)}`);
  let ok: boolean;
  let shown: string;
  if (type === 'code') {
    const sets = codeSets.get(valueSet.url) ?? codeSetsFor(valueSet.url, valueSet.codes);
    ok = typeof value === 'string' && sets.bare.has(value);
    shown = String(value);
  } else if (type === 'Coding') {
    ok = codingIn(value);
    shown = isObject(value) ? `${String(value.system)}|${String(value.code)}` : '?';
  } else if (type === 'CodeableConcept') {
    const codings = isObject(value) && Array.isArray(value.coding) ? value.coding : [];
    ok = codings.some(codingIn);
    const each = codings.map((c) => (isObject(c) ? `${String(c.system)}|${String(c.code)}` : '?'));
    shown = each.join(', ') || 'no coding';
  } else return;
  if (!ok) walk.errors.push(`${path}: ${shown} is not in the required value set ${valueSet.url}`);
}

const targetCache = new Map<string, ReadonlySet<string> | undefined>();

function allowedTargets(element: CompiledElement, walk: Walk): ReadonlySet<string> | undefined {
  const key = `${walk.sd.url} ${element.id}`;
  if (targetCache.has(key)) return targetCache.get(key);
  const allowed = computeTargets(element, walk);
  targetCache.set(key, allowed);
  return allowed;
}

function computeTargets(element: CompiledElement, walk: Walk): ReadonlySet<string> | undefined {
  const targets = element.types.filter((t) => t.code === 'Reference').flatMap((t) => t.targets);
  if (targets.length === 0) return undefined;
  const allowed = new Set<string>();
  for (const target of targets) {
    const type = targetType(target, (url) => walk.assets.structures[url]?.type);
    if (type === undefined || type === 'Resource') return undefined;
    allowed.add(type);
  }
  for (const extra of EXTRA_REFERENCE_TARGETS[walk.sd.url]?.[element.id] ?? []) allowed.add(extra);
  return allowed;
}

function checkPrimitive(
  value: unknown,
  type: string,
  element: CompiledElement,
  path: string,
  walk: Walk,
): void {
  if (!PRIMITIVES[type](value)) {
    walk.errors.push(`${path}: ${JSON.stringify(value)} is not a valid ${type}`);
    return;
  }
  if (element.fixed !== undefined && value !== element.fixed) {
    walk.errors.push(`${path}: must be ${JSON.stringify(element.fixed)}, is ${JSON.stringify(value)}`);
  }
  checkBinding(value, type, element, path, walk);
}

/** The value at a discriminator path (`system`, `coding.system`) of an instance, all of them. */
function valuesAt(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [value];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => (isObject(item) ? valuesAt(item[path[0]], path.slice(1)) : []));
}

/** The fixed value a slice requires at a discriminator path, if it fixes one. */
function fixedAt(slice: CompiledElement, path: string[]): unknown {
  let element: CompiledElement | undefined = slice;
  for (const segment of path) element = element?.children[segment];
  return element?.fixed;
}

function extensionUrl(slice: CompiledElement): string | undefined {
  const fixed = slice.children.url?.fixed;
  if (typeof fixed === 'string') return fixed;
  return slice.types[0]?.profiles[0];
}

function matchSlice(item: unknown, base: CompiledElement): CompiledElement | undefined {
  const paths = base.slicing?.paths ?? ['url'];
  return base.slices.find((slice) => {
    if (paths.length === 1 && paths[0] === 'url') {
      const declared = extensionUrl(slice);
      return (
        isObject(item) &&
        typeof item.url === 'string' &&
        declared !== undefined &&
        canonicalExtensionUrl(item.url) === canonicalExtensionUrl(declared)
      );
    }
    return paths.every((p) => {
      const fixed = fixedAt(slice, p.split('.'));
      return fixed !== undefined && valuesAt(item, p.split('.')).includes(fixed);
    });
  });
}

function checkExtension(item: unknown, element: CompiledElement, path: string, walk: Walk): void {
  if (!isObject(item) || typeof item.url !== 'string') {
    walk.errors.push(`${path}: an extension needs a url`);
    return;
  }
  const url = item.url;
  const definition = walk.assets.structures[canonicalExtensionUrl(url)];
  if (definition) {
    // Walked under the definition's own URL, so that its fixed url accepts the documented alias.
    const asDefined = { ...item, url: definition.url };
    checkObject(asDefined, definition.root, 'Extension', path, { ...walk, sd: definition });
    return;
  }
  // A sub-extension of a complex extension has a short name for url, spelled out by its parent.
  if (element.sliceName !== undefined && !url.includes(':')) {
    checkObject(item, element, 'Extension', path, walk);
    return;
  }
  if (element.sliceName === undefined) {
    walk.errors.push(
      `${path}: extension ${url} is neither declared by the profile here nor defined in the assets`,
    );
    return;
  }
  if (!MISSING_EXTENSION_DEFINITIONS.has(url)) {
    walk.errors.push(`${path}: the definition of extension ${url} is not in the assets`);
  }
  checkObject(item, element, 'Extension', path, walk);
}

/** One occurrence of an element (an array item, or the single value). */
function checkItem(item: unknown, element: CompiledElement, type: string, path: string, walk: Walk): void {
  if (item === null || item === undefined) {
    walk.errors.push(`${path}: null is not a FHIR value`);
    return;
  }
  if (type in PRIMITIVES) {
    checkPrimitive(item, type, element, path, walk);
    return;
  }
  if (type === 'Resource') return; // contained and entry resources are validated against their own profile
  if (type === 'Extension') {
    checkExtension(item, element, path, walk);
    return;
  }
  if (!isObject(item)) {
    walk.errors.push(`${path}: must be a ${type} object, is ${JSON.stringify(item)}`);
    return;
  }
  checkBinding(item, type, element, path, walk);
  if (type === 'Reference' && typeof item.reference === 'string') {
    walk.references.push({ path, reference: item.reference, allowed: allowedTargets(element, walk) });
  }
  checkObject(item, element, type, path, walk);
}

/** Every occurrence of an element: JSON shape, cardinality, slices, then each value. */
function checkElement(raw: unknown, element: CompiledElement, path: string, walk: Walk, type?: string): void {
  if (element.array !== Array.isArray(raw)) {
    walk.errors.push(`${path}: must be ${element.array ? 'an array' : 'a single value, not an array'}`);
  }
  const items = Array.isArray(raw) ? raw : [raw];
  const max = element.max;
  if (items.length < element.min || (max >= 0 && items.length > max)) {
    const allowed = max < 0 ? `${element.min}..*` : `${element.min}..${max}`;
    walk.errors.push(`${path}: ${items.length} found, cardinality ${allowed}`);
  }
  const codes = typeCodes(element);
  const itemType = type ?? (codes.length === 1 ? codes[0] : undefined);
  if (itemType === undefined) {
    walk.errors.push(`${path}: cannot tell the type among ${codes.join(', ')}`);
    return;
  }
  const sliced = element.slices.length > 0 || itemType === 'Extension';
  if (!sliced) {
    items.forEach((item, i) => {
      checkItem(item, element, itemType, Array.isArray(raw) ? `${path}[${i}]` : path, walk);
    });
    return;
  }
  const counts = new Map<CompiledElement, number>();
  items.forEach((item, i) => {
    const at = Array.isArray(raw) ? `${path}[${i}]` : path;
    const slice = matchSlice(item, element);
    if (slice) counts.set(slice, (counts.get(slice) ?? 0) + 1);
    else if (element.slicing?.rules === 'closed') {
      walk.errors.push(`${at}: matches no slice of a closed slicing`);
    }
    checkItem(item, slice ?? element, itemType, at, walk);
  });
  for (const slice of element.slices) {
    const n = counts.get(slice) ?? 0;
    if (n < slice.min || (slice.max >= 0 && n > slice.max)) {
      const allowed = slice.max < 0 ? `${slice.min}..*` : `${slice.min}..${slice.max}`;
      walk.errors.push(`${path}:${slice.sliceName ?? '?'}: ${n} found, cardinality ${allowed}`);
    }
  }
}

/**
 * A key naming an element under the type known-differences.ts substitutes for the asset's
 * (`valueUnsignedInt` for a `valuePositiveInt` element).
 */
function substituted(
  children: Record<string, CompiledElement>,
  key: string,
  walk: Walk,
): { element: CompiledElement; type: string } | undefined {
  const substitutes = SUBSTITUTE_TYPES[walk.sd.url] ?? {};
  for (const element of Object.values(children)) {
    const type = substitutes[element.id];
    const declared = typeCodes(element)[0];
    if (type === undefined || declared === undefined || !element.key.endsWith(typeSuffix(declared))) continue;
    const prefix = element.key.slice(0, -typeSuffix(declared).length);
    if (key === prefix + typeSuffix(type)) return { element, type };
  }
  return undefined;
}

/** The members of a complex value (or a resource): known names, types, required members. */
function checkObject(value: Json, element: CompiledElement, type: string, path: string, walk: Walk): void {
  const children = childrenOf(element, type);
  const seenChoices = new Set<CompiledElement>();
  for (const [key, member] of Object.entries(value)) {
    if (key === 'resourceType' && path === walk.sd.type) continue;
    if (key.startsWith('_')) {
      const twin = findChild(children, key.slice(1));
      const twinType = twin ? (twin.type ?? typeCodes(twin.element)[0]) : undefined;
      if (!twin || twinType === undefined || !(twinType in PRIMITIVES)) {
        walk.errors.push(`${path}.${key}: no primitive element ${key.slice(1)} here`);
      }
      continue;
    }
    const found = findChild(children, key) ?? substituted(children, key, walk);
    if (!found) {
      walk.errors.push(`${path}.${key}: unknown element`);
      continue;
    }
    if (found.type !== undefined || key !== found.element.key) {
      if (seenChoices.has(found.element)) {
        walk.errors.push(`${path}.${key}: a second value for ${found.element.key}`);
      }
      seenChoices.add(found.element);
    }
    checkElement(member, found.element, `${path}.${key}`, walk, found.type);
  }
  for (const child of Object.values(children)) {
    if (child.min === 0) continue;
    const present =
      seenChoices.has(child) || value[child.key] !== undefined || value[`_${child.key}`] !== undefined;
    const max = child.max < 0 ? '*' : child.max;
    if (!present) walk.errors.push(`${path}.${child.key}: missing (cardinality ${child.min}..${max})`);
  }
}

/** The profile a resource claims (meta.profile[0]) and the walk of it, without its contained resources. */
function walkResource(
  resource: unknown,
  assets: CompiledAssets,
): { errors: string[]; references: ReferenceSeen[] } {
  const label = describe(resource);
  if (!isObject(resource)) return { errors: [`${label}: not a resource`], references: [] };
  const meta = isObject(resource.meta) ? resource.meta : {};
  const profile: unknown = Array.isArray(meta.profile) ? meta.profile[0] : undefined;
  if (typeof profile !== 'string') return { errors: [`${label}: no meta.profile`], references: [] };
  const sd = assets.structures[profile];
  if (!sd) return { errors: [`${label}: profile ${profile} is not in the assets`], references: [] };
  if (resource.resourceType !== sd.type) {
    const claimed = String(resource.resourceType);
    return { errors: [`${label}: resourceType ${claimed} is not ${sd.type} (${profile})`], references: [] };
  }
  const walk: Walk = { assets, sd, errors: [], references: [] };
  checkObject(resource, sd.root, sd.type, sd.type, walk);
  return { errors: walk.errors.map((e) => `${label} ${e}`), references: walk.references };
}

type Resolve = (container: Json, reference: string) => Json | undefined;

function containedById(container: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const c of Array.isArray(container.contained) ? container.contained : []) {
    if (isObject(c) && typeof c.id === 'string') out.set(c.id, c);
  }
  return out;
}

/** Reference types of a resource and of its contained resources, resolved by `resolve`. */
function resourceErrorsWith(resource: unknown, assets: CompiledAssets, resolve: Resolve): string[] {
  const { errors, references } = walkResource(resource, assets);
  const label = describe(resource);
  if (isObject(resource)) {
    for (const { path, reference, allowed } of references) {
      if (!allowed) continue;
      const target = resolve(resource, reference);
      const type = target ? target.resourceType : /^([A-Za-z]+)\/[^#]+$/.exec(reference)?.[1];
      if (typeof type === 'string' && !allowed.has(type)) {
        const list = [...allowed].join(', ');
        errors.push(`${label} ${path}: reference to ${type} (${reference}), allowed ${list}`);
      }
    }
    for (const inner of Array.isArray(resource.contained) ? resource.contained : []) {
      errors.push(...resourceErrorsWith(inner, assets, (_c, ref) => resolve(resource, ref)));
    }
  }
  return errors;
}

const localResolve: Resolve = (container, reference) =>
  reference.startsWith('#') ? containedById(container).get(reference.slice(1)) : undefined;

/** The profile violations of one resource (contained resources included); [] when it conforms. */
export function resourceErrors(resource: unknown): string[] {
  return resourceErrorsWith(resource, loadAssets(), localResolve);
}

/** Every `reference` string anywhere inside a value, with the path where it was found. */
function referencesIn(value: unknown, path: string, out: { path: string; reference: string }[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => referencesIn(v, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'contained') continue; // checked with their container
    if (key === 'reference' && typeof v === 'string') out.push({ path, reference: v });
    else referencesIn(v, `${path}.${key}`, out);
  }
}

const REFERENCE = /^(?:([A-Za-z]+)\/([^#/]+))?(?:#(.+))?$/;

/**
 * The Bundle-level problems: duplicate Type/id, and references that resolve to nothing. A reference
 * resolves when it is `Type/id` of an entry, `#id` of a resource contained in the same resource, or
 * `List/<id>#<contained id>` (an ended allergy inside its List). Display-only and logical references
 * (no `reference`) are never dangling.
 */
export function bundleIntegrityErrors(bundle: unknown): string[] {
  const errors: string[] = [];
  const resources = entryResources(bundle);
  const byKey = new Map<string, Json>();
  for (const r of resources) {
    if (typeof r.id !== 'string') continue;
    const key = `${String(r.resourceType)}/${r.id}`;
    if (byKey.has(key)) errors.push(`duplicate resource ${key}`);
    byKey.set(key, r);
  }
  const check = (container: Json, value: unknown, own: Map<string, Json>) => {
    const refs: { path: string; reference: string }[] = [];
    referencesIn(value, '', refs);
    for (const { path, reference } of refs) {
      const m = REFERENCE.exec(reference);
      if (!m) {
        errors.push(`${describe(container)}${path}: malformed reference ${reference}`);
        continue;
      }
      const [, type, id, fragment] = m;
      const target = type === undefined ? undefined : byKey.get(`${type}/${id}`);
      const resolved =
        type === undefined
          ? fragment !== undefined && own.has(fragment)
          : target !== undefined && (fragment === undefined || containedById(target).has(fragment));
      if (!resolved) errors.push(`${describe(container)}${path}: dangling ${reference}`);
    }
  };
  for (const r of resources) {
    const own = containedById(r);
    check(r, r, own);
    for (const inner of own.values()) check(inner, inner, own);
  }
  return errors;
}

function entryResources(bundle: unknown): Json[] {
  const entries = isObject(bundle) && Array.isArray(bundle.entry) ? bundle.entry : [];
  return entries.map((e) => (isObject(e) && isObject(e.resource) ? e.resource : {}));
}

/** Every violation in a Bundle: the Bundle's profile, each entry's, reference types, integrity. */
export function bundleErrors(bundle: unknown): string[] {
  const assets = loadAssets();
  const resources = entryResources(bundle);
  const byKey = new Map(resources.map((r) => [`${String(r.resourceType)}/${String(r.id)}`, r]));
  const resolve: Resolve = (container, reference) => {
    const m = REFERENCE.exec(reference);
    if (!m) return undefined;
    const [, type, id, fragment] = m;
    const holder = type === undefined ? container : byKey.get(`${type}/${id}`);
    if (!holder || fragment === undefined) return holder;
    return containedById(holder).get(fragment);
  };
  const errors = resourceErrorsWith(bundle, assets, resolve);
  for (const r of resources) errors.push(...resourceErrorsWith(r, assets, resolve));
  return [...errors, ...bundleIntegrityErrors(bundle)];
}
