/**
 * The Foundations reads: Patient, Organization, Practitioner and Location by logical id, each mapped
 * exactly as in the structured record. A patient who may not be found (mayBeFound) is answered as
 * one who does not exist.
 */
import type {
  Location as FhirLocation,
  Organization,
  Patient as FhirPatient,
  Practitioner as FhirPractitioner,
} from 'fhir/r3';

import {
  locationResource,
  organizationResource,
  patientResource,
  practitionerResource,
} from '../../bundle/actors';
import { GpcError } from '../../fhir/gpc-error';
import type { Patient } from '../../record/model/people';
import { mayBeFound } from '../../record/patient-directory';
import type { ClinicalRepository } from '../../record/repository';

export interface ReadDeps {
  readonly repository: ClinicalRepository;
  readonly odsCode: string;
  readonly practiceId: string;
}

export async function readPatient(
  id: string,
  deps: ReadDeps,
): Promise<{ patient: Patient; resource: FhirPatient }> {
  const patient = await deps.repository.readPatient(deps.odsCode, id);
  if (!patient || !mayBeFound(patient)) {
    throw new GpcError('PATIENT_NOT_FOUND', `No patient with id ${id} is registered at this practice`);
  }
  return { patient, resource: patientResource(patient, deps.practiceId) };
}

export async function readOrganization(id: string, deps: ReadDeps): Promise<Organization> {
  const organisation = await deps.repository.readOrganisation(deps.odsCode, id);
  if (!organisation)
    throw new GpcError('ORGANISATION_NOT_FOUND', `No organisation with id ${id} is known at this practice`);
  return organizationResource(organisation);
}

export async function readPractitioner(id: string, deps: ReadDeps): Promise<FhirPractitioner> {
  const practitioner = await deps.repository.readPractitioner(deps.odsCode, id);
  if (!practitioner)
    throw new GpcError('PRACTITIONER_NOT_FOUND', `No practitioner with id ${id} is known at this practice`);
  return practitionerResource(practitioner);
}

export async function readLocation(id: string, deps: ReadDeps): Promise<FhirLocation> {
  const location = await deps.repository.readLocation(deps.odsCode, id);
  // GP Connect has no LOCATION_NOT_FOUND: the generic "no record" code (D-61).
  if (!location) throw new GpcError('NO_RECORD_FOUND', `No location with id ${id} is known at this practice`);
  return locationResource(location);
}
