/** The areas-ii JSON Schemas (profiles/), loaded once into Ajv and picked by meta.profile[0]. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export const SCHEMA_FILES = [
  'CareConnect-GPC-Immunization-1',
  'CareConnect-GPC-Observation-1',
  'CareConnect-GPC-DiagnosticReport-1',
  'CareConnect-GPC-Specimen-1',
  'CareConnect-GPC-ProcedureRequest-1',
  'CareConnect-GPC-ReferralRequest-1',
  'CareConnect-GPC-DocumentReference-1',
  'CareConnect-HealthcareService-1',
  'GPConnect-Device-1',
] as const;

const PROFILES_DIR = join(__dirname, '..', '..', '..', 'profiles');

// strict: true turns on every strict check (strictRequired and strictTypes included): the schemas must
// compile under any validator settings the engine picks.
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
for (const name of SCHEMA_FILES) {
  ajv.addSchema(JSON.parse(readFileSync(join(PROFILES_DIR, `${name}.schema.json`), 'utf8')) as object);
}

export function schemaFor(profile: string): ValidateFunction {
  const validate = ajv.getSchema(profile);
  if (!validate) throw new Error(`no schema with $id ${profile}`);
  return validate;
}

/** The schema errors of a resource, chosen by its meta.profile[0]; [] when it conforms. */
export function schemaErrors(resource: unknown): string[] {
  const profile = (resource as { meta?: { profile?: string[] } }).meta?.profile?.[0];
  if (profile === undefined) return ['resource has no meta.profile'];
  const validate = schemaFor(profile);
  if (validate(resource)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Asserts conformance and returns the resource, for chaining. */
export function expectValid<T>(resource: T): T {
  expect(schemaErrors(resource)).toEqual([]);
  return resource;
}

/** Asserts non-conformance (the schema catches what it claims to catch). */
export function expectInvalid(resource: unknown): void {
  expect(schemaErrors(resource)).not.toEqual([]);
}
