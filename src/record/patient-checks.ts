/**
 * Who may be shared (docs/spec-notes.md "Retrieve a patient’s structured record — Who may be shared"). A
 * patient who may not be shared is reported exactly as one who is not on the system, so a consumer cannot
 * learn that a sensitive or deceased patient exists.
 */
import { GpcError } from '../fhir/gpc-error';
import type { Patient } from './model/people';
import { mayBeFound } from './patient-directory';

const NOT_FOUND = 'No patient with this NHS number is registered at this practice';

/** Throws PATIENT_NOT_FOUND or NO_PATIENT_CONSENT; returns the patient when the record may be shared. */
export function checkPatientMayBeShared(patient: Patient | undefined): Patient {
  if (!patient || !mayBeFound(patient)) {
    throw new GpcError('PATIENT_NOT_FOUND', NOT_FOUND);
  }
  if (patient.sharingConsent === 'dissented') {
    throw new GpcError('NO_PATIENT_CONSENT', 'The patient has dissented from sharing their record');
  }
  return patient;
}
