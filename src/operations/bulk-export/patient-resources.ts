/**
 * One patient's resources for a bulk export: exactly what the structured record returns for that
 * patient with every area requested (the same query builder, area switches, record load, Bundle engine
 * and mappers), so every rule of the structured record holds here too: a patient who may not be shared
 * (sensitive, deceased, not registered, dissented) gives nothing, and withheld items never appear
 * (docs/decisions.md D-B5).
 */
import type { FhirResource } from 'fhir/r3';

import { buildBundle } from '../../bundle/build-bundle';
import type { ClinicalArea, StructuredQuery } from '../../contract/structured-query';
import type { CalendarDate } from '../../fhir/dates';
import { GpcError } from '../../fhir/gpc-error';
import type { Patient } from '../../record/model/people';
import { checkPatientMayBeShared } from '../../record/patient-checks';
import type { ClinicalRepository, PatientRecord } from '../../record/repository';
import { applyAreaSwitches } from '../structured-record/area-switches';
import { buildStructuredQuery } from '../structured-record/build-query';
import type { MedicationDateTolerance } from '../structured-record/predefined-searches';

/**
 * The whole record as a Parameters body: every area, no filter, ended allergies included. No
 * includeImmunisations parts: includeNotGiven is not permitted beside includeConsultations (Retrieve a
 * patient's structured record — Not permitted parameter combinations).
 */
export function wholeRecordParameters(nhsNumber: string): object {
  const area = (name: string) => ({ name });
  return {
    resourceType: 'Parameters',
    parameter: [
      {
        name: 'patientNHSNumber',
        valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber },
      },
      { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
      area('includeMedication'),
      area('includeConsultations'),
      area('includeProblems'),
      area('includeImmunisations'),
      area('includeUncategorisedData'),
      area('includeInvestigations'),
      area('includeReferrals'),
      area('includeDiaryEntries'),
    ],
  };
}

export interface PatientResourcesDeps {
  readonly repository: ClinicalRepository;
  readonly today: CalendarDate;
  /** The Bundle's date (unused by the resources written) and generated ids. */
  readonly date: string;
  readonly traceId: string;
  readonly newId: () => string;
  readonly predefinedMedicationDays: MedicationDateTolerance;
  readonly disabledAreas: ReadonlySet<ClinicalArea>;
  readonly documentsDisabled: boolean;
  /** `_since`: only a patient with something changed after this instant gives resources. */
  readonly since?: Date;
  /** The lastUpdated of what has none of its own (the practice's import). */
  readonly importedAt: string;
}

/** Whether a patient may be shared at all (the structured record's own check, its error swallowed). */
export function mayBeShared(patient: Patient): boolean {
  try {
    checkPatientMayBeShared(patient);
    return true;
  } catch (error) {
    if (error instanceof GpcError) return false;
    throw error;
  }
}

/** The clinical areas' items of a loaded record and of its linked content (not the actors). */
function* itemsOf(record: PatientRecord): Generator<unknown> {
  const { patient: _p, practice: _pr, practitioners: _a, organisations: _o, locations: _l, ...rest } = record;
  const { healthcareServices: _h, devices: _d, withheldLinks: _w, ...clinical } = rest;
  const stack: unknown[] = [clinical];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const item of value as readonly unknown[]) stack.push(item);
    } else if (typeof value === 'object' && value !== null) {
      if ('recorded' in value && 'id' in value) yield value;
      for (const member of Object.values(value as Record<string, unknown>)) stack.push(member);
    }
  }
}

function lastUpdatedOf(value: unknown, importedAt: number): number {
  const stamp = (value as { lastUpdated?: unknown }).lastUpdated;
  const parsed = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
  return Number.isNaN(parsed) ? importedAt : parsed;
}

/**
 * `_since` (D-B6): the patient changed after `since` when their demographics or any item of their
 * shareable record (what the whole-record request returns, withheld items excluded) did.
 */
export function changedSince(record: PatientRecord, since: Date, importedAt: string): boolean {
  const imported = Date.parse(importedAt);
  const after = since.getTime();
  if (lastUpdatedOf(record.patient, imported) > after) return true;
  for (const item of itemsOf(record)) if (lastUpdatedOf(item, imported) > after) return true;
  return false;
}

/** The whole-record query for this patient, the practice's area switches applied. */
function wholeRecordQuery(patient: Patient, deps: PatientResourcesDeps): StructuredQuery {
  const parsed = buildStructuredQuery(
    wholeRecordParameters(patient.nhsNumber),
    deps.today,
    deps.predefinedMedicationDays,
  );
  return applyAreaSwitches(parsed, deps.disabledAreas, deps.documentsDisabled);
}

/** A shareable patient of a batch with their loaded whole record. */
export interface LoadedPatient {
  readonly patient: Patient;
  readonly query: StructuredQuery;
  readonly record: PatientRecord;
}

/**
 * The records of a batch's shareable patients, read together (a fixed number of statements for the
 * batch, docs/decisions.md D-EB1), by patient id; patients who may not be shared are not read. The
 * load's query is the first patient's: the queries differ only in the NHS number, which a load does
 * not use.
 */
export async function loadBatch(
  patients: readonly Patient[],
  deps: PatientResourcesDeps,
): Promise<ReadonlyMap<string, LoadedPatient>> {
  const shared = patients.filter(mayBeShared);
  if (shared.length === 0) return new Map();
  const queries = shared.map((patient) => wholeRecordQuery(patient, deps));
  const records = await deps.repository.loadRecords(shared, queries[0]);
  return new Map(
    shared.map((patient, i) => [patient.id, { patient, query: queries[i], record: records[i] }]),
  );
}

/**
 * A loaded patient's resources in Bundle order (warnings, an OperationOutcome about the request rather
 * than the record, left out), or none when (with `_since`) nothing of theirs has changed.
 */
export function patientResources(loaded: LoadedPatient, deps: PatientResourcesDeps): FhirResource[] {
  const { record, query } = loaded;
  if (deps.since && !changedSince(record, deps.since, deps.importedAt)) return [];
  const bundle = buildBundle(record, query, {
    traceId: deps.traceId,
    newId: deps.newId,
    date: deps.date,
    warnings: query.warnings,
  });
  return (bundle.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is FhirResource => r !== undefined && r.resourceType !== 'OperationOutcome');
}
