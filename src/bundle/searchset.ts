/**
 * The Foundations search answer: a `searchset` Bundle of CareConnect-GPC-Patient-1 resources, each
 * written by the caller with the structured record's own Patient mapper (actors.ts), so demographics
 * are identical.
 */
import type { Bundle, Patient } from 'fhir/r3';

export interface SearchsetContext {
  readonly id: string;
  /** The response time (ISO dateTime): meta.lastUpdated. */
  readonly date: string;
}

export function patientSearchset(patients: readonly Patient[], context: SearchsetContext): Bundle {
  return {
    resourceType: 'Bundle',
    id: context.id,
    meta: { lastUpdated: context.date },
    type: 'searchset',
    total: patients.length,
    entry: patients.map((resource) => ({ resource, search: { mode: 'match' } })),
  };
}
