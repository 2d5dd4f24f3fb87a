/**
 * Profile validation for every Bundle a test receives: each resource against the JSON Schema of its
 * meta.profile[0] (profiles/<ProfileName>.schema.json, ajv), plus the Bundle-level rules no single
 * schema can see (Bundle page; Retrieve a patient’s structured record — Payload response body): no duplicate
 * Type/id, no dangling reference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Bundle, FhirResource } from 'fhir/r3';

const PROFILES_DIR = join(__dirname, '..', '..', 'profiles');

let ajv: Ajv | undefined;

/** Every schema in profiles/, compiled once (strict, so a schema mistake fails loudly). */
function compiler(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  for (const file of readdirSync(PROFILES_DIR).filter((f) => f.endsWith('.schema.json')).sort()) {
    ajv.addSchema(JSON.parse(readFileSync(join(PROFILES_DIR, file), 'utf8')) as object);
  }
  return ajv;
}

export function schemaFor(profile: string): ValidateFunction {
  const validate = compiler().getSchema(profile);
  if (!validate) throw new Error(`no schema in profiles/ with $id ${profile}`);
  return validate;
}

type AnyResource = { resourceType?: string; id?: string; meta?: { profile?: string[] }; contained?: unknown[] };

function describe(resource: AnyResource): string {
  return `${resource.resourceType ?? '?'}/${resource.id ?? '(no id)'}`;
}

/** The schema errors of one resource (and of the resources it contains); [] when it conforms. */
export function resourceErrors(resource: unknown): string[] {
  const r = resource as AnyResource;
  const profile = r.meta?.profile?.[0];
  if (profile === undefined) return [`${describe(r)}: no meta.profile`];
  let validate: ValidateFunction;
  try {
    validate = schemaFor(profile);
  } catch (e) {
    return [`${describe(r)}: ${(e as Error).message}`];
  }
  const errors = validate(resource)
    ? []
    : (validate.errors ?? []).map((e) => `${describe(r)}${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  for (const inner of r.contained ?? []) errors.push(...resourceErrors(inner));
  return errors;
}

/** Fails the test unless the resource conforms to the schema of its meta.profile[0]. */
export function validateResource<T>(resource: T): T {
  expect(resourceErrors(resource)).toEqual([]);
  return resource;
}

/** Every `reference` string anywhere inside a value, with the path where it was found. */
function referencesIn(value: unknown, path: string, out: { path: string; reference: string }[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => referencesIn(v, `${path}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'contained') continue; // checked with their container
    if (key === 'reference' && typeof v === 'string') out.push({ path, reference: v });
    else referencesIn(v, `${path}.${key}`, out);
  }
}

/**
 * The Bundle-level problems: duplicate Type/id, and references that resolve to nothing. A reference
 * resolves when it is `Type/id` of an entry, `#id` of a resource contained in the same resource,
 * or `List/<id>#<contained id>` (an ended allergy inside its List). Display-only and logical
 * references (no `reference`) are never dangling.
 */
export function bundleIntegrityErrors(bundle: Bundle): string[] {
  const errors: string[] = [];
  const resources = (bundle.entry ?? []).map((e) => e.resource as FhirResource & AnyResource);
  const byKey = new Map<string, AnyResource>();
  for (const r of resources) {
    if (r.id === undefined) continue;
    const key = `${r.resourceType}/${r.id}`;
    if (byKey.has(key)) errors.push(`duplicate resource ${key}`);
    byKey.set(key, r);
  }
  const containedIds = (r: AnyResource | undefined) => new Set((r?.contained ?? []).map((c) => (c as AnyResource).id));
  for (const r of resources) {
    const own = containedIds(r);
    const checkIn = (container: AnyResource, refs: { path: string; reference: string }[], local: Set<string | undefined>) => {
      for (const { path, reference } of refs) {
        const m = /^(?:([A-Za-z]+)\/([^#/]+))?(?:#(.+))?$/.exec(reference);
        if (!m) {
          errors.push(`${describe(container)}${path}: malformed reference ${reference}`);
          continue;
        }
        const [, type, id, fragment] = m;
        if (type === undefined) {
          if (fragment === undefined || !local.has(fragment)) errors.push(`${describe(container)}${path}: dangling ${reference}`);
          continue;
        }
        const target = byKey.get(`${type}/${id}`);
        if (!target) errors.push(`${describe(container)}${path}: dangling ${reference}`);
        else if (fragment !== undefined && !containedIds(target).has(fragment)) errors.push(`${describe(container)}${path}: dangling ${reference}`);
      }
    };
    const refs: { path: string; reference: string }[] = [];
    referencesIn(r, '', refs);
    checkIn(r, refs, own);
    for (const inner of r.contained ?? []) {
      const innerRefs: { path: string; reference: string }[] = [];
      referencesIn(inner, '', innerRefs);
      checkIn(inner as AnyResource, innerRefs, own);
    }
  }
  return errors;
}

/** Every schema error of the Bundle and of each entry (contained resources included). */
export function bundleErrors(bundle: Bundle): string[] {
  const errors = resourceErrors(bundle);
  for (const entry of bundle.entry ?? []) errors.push(...resourceErrors(entry.resource));
  return [...errors, ...bundleIntegrityErrors(bundle)];
}

/** Fails the test unless the Bundle, every entry and every contained resource validate, with no duplicates and no dangling references. */
export function validateBundle(bundle: Bundle): Bundle {
  expect(bundleErrors(bundle)).toEqual([]);
  return bundle;
}
