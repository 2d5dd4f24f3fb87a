/**
 * Finding patients and reading the practice's people and places, for the Foundations reads and the
 * demographic search. No FHIR here: criteria arrive normalised, answers are domain objects. Both
 * stores use the predicates below, so they find and order patients identically.
 */
import type { CalendarDate } from '../fhir/dates';
import type { Location, Organisation, Patient, Practitioner } from './model/people';

/** FHIR date comparators the demographic search accepts on `birthdate`. */
export type DateComparator = 'eq' | 'ge' | 'le';

export interface BirthDateCondition {
  readonly comparator: DateComparator;
  readonly date: CalendarDate;
}

/**
 * What a patient search asks for; every present member must match (AND). Names are already
 * normalised (normaliseName): each is matched against the START of the family name, or of any given
 * name.
 */
export interface PatientCriteria {
  readonly nhsNumber?: string;
  readonly family?: string;
  readonly given?: string;
  readonly birthDate?: readonly BirthDateCondition[];
}

/**
 * Every read takes the practice's ODS code first: one deployment may serve several practices, and a
 * patient, organisation, practitioner or location of another practice is never found.
 */
export interface PatientDirectory {
  /**
   * Findable patients (mayBeFound) of the practice matching every criterion, in patient order
   * (comparePatients), at most `limit` of them.
   */
  searchPatients(odsCode: string, criteria: PatientCriteria, limit: number): Promise<Patient[]>;
  /** The patient with this logical id, whatever their state (the caller applies mayBeFound). */
  readPatient(odsCode: string, id: string): Promise<Patient | undefined>;
  /** The practice itself or an organisation its records refer to. */
  readOrganisation(odsCode: string, id: string): Promise<Organisation | undefined>;
  readPractitioner(odsCode: string, id: string): Promise<Practitioner | undefined>;
  readLocation(odsCode: string, id: string): Promise<Location | undefined>;
}

/** Letters that do not decompose into a base letter and a mark. */
const FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/**
 * The form names are compared in: compatibility-decomposed, marks removed, lower case, a few
 * letters folded, curly apostrophes made straight, runs of white space made one space.
 */
export function normaliseName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => FOLDS[c] ?? c)
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Who may be found by search or read (the Foundations "Find a patient" exclusions): not sensitive,
 * not deceased, an active Regular/GMS registration, a verified NHS number. A patient who may not be
 * found is answered exactly as one who is not on the system.
 */
export function mayBeFound(patient: Patient): boolean {
  return (
    !patient.sensitive &&
    patient.deceasedDate === undefined &&
    patient.registration.status === 'active' &&
    patient.registration.type === 'R' &&
    patient.nhsNumberStatus === '01'
  );
}

function birthDateMatches(birthDate: CalendarDate, condition: BirthDateCondition): boolean {
  switch (condition.comparator) {
    case 'eq':
      return birthDate === condition.date;
    case 'ge':
      return birthDate >= condition.date;
    case 'le':
      return birthDate <= condition.date;
  }
}

export function matchesCriteria(patient: Patient, criteria: PatientCriteria): boolean {
  if (criteria.nhsNumber !== undefined && patient.nhsNumber !== criteria.nhsNumber) return false;
  const { family, given } = criteria;
  if (family !== undefined && !normaliseName(patient.name.family).startsWith(family)) return false;
  if (given !== undefined && !patient.name.given.some((g) => normaliseName(g).startsWith(given)))
    return false;
  return (criteria.birthDate ?? []).every((c) => birthDateMatches(patient.birthDate, c));
}

/** The sort key of a patient: normalised family, first given name, birth date, NHS number. */
export function patientSortKey(patient: Patient): readonly string[] {
  return [
    normaliseName(patient.name.family),
    normaliseName(patient.name.given[0] ?? ''),
    patient.birthDate,
    patient.nhsNumber,
  ];
}

/** Code-unit order of the sort keys: what PostgreSQL's "C" collation gives, so both stores agree. */
export function comparePatients(a: Patient, b: Patient): number {
  const ka = patientSortKey(a);
  const kb = patientSortKey(b);
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  }
  return 0;
}
