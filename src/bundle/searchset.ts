/**
 * The Foundations search answer: a `searchset` Bundle of CareConnect-GPC-Patient-1 resources, each
 * written by the same mapper as the structured record's Patient, so demographics are identical.
 */
import type { Bundle } from 'fhir/r3';

import type { Patient } from '../record/people';
import { patientResource } from './actors';

export interface SearchsetContext {
  readonly id: string;
  /** The response time (ISO dateTime): meta.lastUpdated. */
  readonly date: string;
  /** The practice's organisation id (each Patient's managingOrganization). */
  readonly practiceId: string;
}

export function patientSearchset(patients: readonly Patient[], context: SearchsetContext): Bundle {
  return {
    resourceType: 'Bundle',
    id: context.id,
    meta: { lastUpdated: context.date },
    type: 'searchset',
    total: patients.length,
    entry: patients.map((patient) => ({
      resource: patientResource(patient, context.practiceId),
      search: { mode: 'match' },
    })),
  };
}
