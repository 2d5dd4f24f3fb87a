/**
 * GET [base]/Patient?…: GP Connect's "Find a patient" by NHS number, and the demographic search on
 * family, given and birthdate. Excluded patients (sensitive, deceased, not registered, unverified)
 * are simply not among the matches: an empty Bundle, never an error that would reveal them.
 */
import type { Bundle } from 'fhir/r3';

import { patientResource } from '../../bundle/actors';
import { patientSearchset } from '../../bundle/searchset';
import { GpcError } from '../../fhir/gpc-error';
import type { Patient } from '../../record/model/people';
import type { ClinicalRepository } from '../../record/repository';
import { parsePatientSearch, type PatientSearchQuery, type SearchLimits } from './search-parameters';

export interface FindPatientsDeps {
  readonly repository: ClinicalRepository;
  readonly odsCode: string;
  readonly practiceId: string;
  readonly limits: SearchLimits;
  readonly newId: () => string;
  readonly now: () => Date;
}

export interface FindPatientsResult {
  readonly query: PatientSearchQuery;
  readonly patients: readonly Patient[];
  readonly bundle: Bundle;
}

export async function findPatients(
  params: URLSearchParams,
  deps: FindPatientsDeps,
): Promise<FindPatientsResult> {
  const query = parsePatientSearch(params, deps.limits);
  // One more than may be returned: enough to know the search must be narrowed, never a silent cut.
  const found = await deps.repository.searchPatients(deps.odsCode, query.criteria, query.count + 1);
  if (found.length > query.count) {
    throw new GpcError(
      'TOO_MANY_MATCHES',
      `More than ${query.count} patients match this search; narrow it ` +
        '(add given, birthdate or more of the family name)',
    );
  }
  const date = deps
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const resources = found.map((patient) => patientResource(patient, deps.practiceId));
  const bundle = patientSearchset(resources, { id: deps.newId(), date });
  return { query, patients: found, bundle };
}
