/**
 * The Foundations search answer: a GPConnect-Searchset-Bundle-1 of CareConnect-GPC-Patient-1 resources,
 * each written by the caller with the structured record's own Patient mapper (actors.ts), so demographics
 * are identical. The profile forbids `total` and `entry.search` (both 0..0), so neither is sent (D-60).
 */
import type { Bundle, Patient } from 'fhir/r3';

const SEARCHSET_BUNDLE_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Searchset-Bundle-1';

export interface SearchsetContext {
  readonly id: string;
  /** The response time (ISO dateTime): meta.lastUpdated. */
  readonly date: string;
}

export function patientSearchset(patients: readonly Patient[], context: SearchsetContext): Bundle {
  return {
    resourceType: 'Bundle',
    id: context.id,
    meta: { lastUpdated: context.date, profile: [SEARCHSET_BUNDLE_PROFILE] },
    type: 'searchset',
    entry: patients.map((resource) => ({ resource })),
  };
}
