/**
 * The arrays of a patient's clinical record (the record layer's PatientClinicalRecord keys), in the
 * order output and indexes walk them. A clinical area's items live in one or more of them
 * (immunisations: the immunisations and their status records); documents are reached only by links.
 */
export const RECORD_AREAS = [
  'allergies',
  'medication',
  'problems',
  'consultations',
  'immunisations',
  'immunisationStatuses',
  'uncategorisedData',
  'investigations',
  'referrals',
  'diaryEntries',
  'documents',
] as const;

export type RecordArea = (typeof RECORD_AREAS)[number];
