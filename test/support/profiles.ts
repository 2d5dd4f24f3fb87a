/**
 * Profile validation for every Bundle and OperationOutcome a test receives, against the official GP
 * Connect StructureDefinitions in profiles/gpconnect-fhir-1.5.0 (tools/validator): each resource
 * against its meta.profile[0], plus the Bundle-level rules (no duplicate Type/id, no dangling
 * reference). The only departures from the 1.5.0 assets are the documented ones in
 * tools/validator/known-differences.ts (docs/decisions.md, D-32).
 */
import type { Bundle } from 'fhir/r3';

import { bundleErrors, bundleIntegrityErrors, resourceErrors } from '../../tools/validator';

export { bundleErrors, bundleIntegrityErrors, resourceErrors };

/** Fails the test unless the resource (and its contained resources) conforms to its meta.profile[0]. */
export function validateResource<T>(resource: T): T {
  expect(resourceErrors(resource)).toEqual([]);
  return resource;
}

/** Fails the test unless the Bundle, every entry and every contained resource conform, with no duplicates and no dangling references. */
export function validateBundle(bundle: Bundle): Bundle {
  expect(bundleErrors(bundle)).toEqual([]);
  return bundle;
}
