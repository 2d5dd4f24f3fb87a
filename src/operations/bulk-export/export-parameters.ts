/**
 * The kick-off's parameters (FHIR Bulk Data Access, "Bulk Data Kick-off Request"): `_outputFormat`,
 * `_type` and `_since`, each checked and named when wrong; any other parameter is refused rather than
 * ignored, so a consumer never receives less than it thinks it asked for (docs/decisions.md D-B3).
 */
import { GpcError } from '../../fhir/gpc-error';
import { truncate } from '../../fhir/text';

/** The resource types a structured record (and so an export) can hold. */
export const EXPORT_TYPES: readonly string[] = [
  'Patient',
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'Location',
  'HealthcareService',
  'Device',
  'AllergyIntolerance',
  'Medication',
  'MedicationStatement',
  'MedicationRequest',
  'Condition',
  'Encounter',
  'Observation',
  'Immunization',
  'DiagnosticReport',
  'Specimen',
  'ProcedureRequest',
  'ReferralRequest',
  'DocumentReference',
  'List',
];

/** The Bulk Data spec's NDJSON names, all meaning the one format written. */
const OUTPUT_FORMATS: ReadonlySet<string> = new Set([
  'application/fhir+ndjson',
  'application/ndjson',
  'ndjson',
]);

/** A FHIR instant: a full date and time with seconds and a zone (FHIR STU3 datatypes, `instant`). */
const INSTANT =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$/;

const KNOWN = ['_outputFormat', '_type', '_since', '_format'];

export interface ExportParameters {
  readonly types?: readonly string[];
  readonly since?: string;
}

function invalid(diagnostics: string): GpcError {
  return new GpcError('INVALID_PARAMETER', diagnostics);
}

function parseTypes(values: readonly string[]): string[] {
  const types = values.flatMap((v) => v.split(',')).map((t) => t.trim());
  const unknown = types.find((t) => !EXPORT_TYPES.includes(t));
  if (unknown !== undefined) {
    throw invalid(
      unknown === ''
        ? '_type has an empty resource type; give a comma-separated list such as Patient,Condition'
        : `_type "${truncate(unknown)}" is not a resource type this export writes; use any of ${EXPORT_TYPES.join(', ')}`,
    );
  }
  return EXPORT_TYPES.filter((t) => types.includes(t));
}

function parseSince(raw: string, now: Date): string {
  const text = raw.trim();
  const at = INSTANT.test(text) ? new Date(text) : undefined;
  // Date accepts 2026-02-30; the round trip of the date part catches it.
  if (!at || Number.isNaN(at.getTime()) || !isRealDate(text)) {
    throw invalid(`_since "${truncate(raw)}" must be a FHIR instant such as 2026-01-31T09:30:00Z`);
  }
  if (at.getTime() > now.getTime()) throw invalid(`_since ${text} is in the future`);
  return at.toISOString();
}

/** Whether the written calendar date exists (Date itself rolls 2026-02-30 over into March). */
function isRealDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

/** The kick-off's query → what to export; throws a GpcError naming the parameter. */
export function parseExportParameters(params: URLSearchParams, now: Date): ExportParameters {
  const seen = new Map<string, string[]>();
  for (const [name, value] of params) {
    if (!KNOWN.includes(name)) {
      throw new GpcError(
        'BAD_REQUEST',
        `Patient/$export parameter "${truncate(name)}" is not supported; use _outputFormat, _type or _since`,
      );
    }
    seen.set(name, [...(seen.get(name) ?? []), value]);
  }
  for (const name of ['_outputFormat', '_since']) {
    if ((seen.get(name)?.length ?? 0) > 1)
      throw new GpcError('BAD_REQUEST', `Patient/$export parameter ${name} may appear only once`);
  }
  const format = seen.get('_outputFormat')?.[0];
  if (format !== undefined && !OUTPUT_FORMATS.has(format.trim())) {
    throw invalid(
      `_outputFormat "${truncate(format)}" is not supported; use application/fhir+ndjson (or application/ndjson, ndjson)`,
    );
  }
  const types = seen.get('_type');
  const since = seen.get('_since')?.[0];
  return {
    ...(types !== undefined && { types: parseTypes(types) }),
    ...(since !== undefined && { since: parseSince(since, now) }),
  };
}

/** `Prefer: respond-async` is required (Bulk Data kick-off): the export is never answered synchronously. */
export function checkPreferAsync(prefer: string | undefined): void {
  const tokens = (prefer ?? '').split(/[,;]/).map((t) => t.trim().toLowerCase());
  if (!tokens.includes('respond-async')) {
    throw new GpcError(
      'BAD_REQUEST',
      'Prefer header must be respond-async: Patient/$export runs asynchronously (poll the Content-Location)',
    );
  }
}
