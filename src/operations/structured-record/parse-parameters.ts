/**
 * Raw Parameters JSON → the recognised parameters, checked in the order of D-27
 * (steps 5 to 9): shape (V1), duplicates (V7, V17), recognised and patient parameters (V2 to V6),
 * then each part's type, value and date rules (V8 to V19). Unknown names become warnings (API Version
 * Compatibility — Forwards compatibility).
 */
import type { PartValue, PartValues } from '../../contract/parts';
import { type CalendarDate, parseWholeDate } from '../../fhir/dates';
import { GpcError } from '../../fhir/gpc-error';
import { isJsonObject, type JsonObject } from '../../fhir/json';
import type { BundleWarning } from '../../fhir/operation-outcome';
import { SYSTEM } from '../../fhir/profiles';
import { truncate } from '../../fhir/text';
import { isValidNhsNumber } from './nhs-number';
import {
  AREA_PARAMETERS,
  type AreaParameterName,
  isAreaParameter,
  NHS_NUMBER_PARAMETER,
  type PartDefinition,
  type PartType,
} from './operation-definition';

export type { PartValue, PartValues } from '../../contract/parts';

export interface RecognisedParameters {
  readonly nhsNumber: string;
  /** Area parameters in request order; only includeProblems may have more than one occurrence. */
  readonly areas: ReadonlyMap<AreaParameterName, readonly PartValues[]>;
  readonly warnings: readonly BundleWarning[];
}

type Json = JsonObject;

interface RawPart {
  readonly name: string;
  readonly entry: Json;
}

interface RawParameter {
  readonly name: string;
  readonly entry: Json;
  readonly parts: readonly RawPart[];
}

const VALUE_ELEMENT: Readonly<Record<PartType, string>> = {
  boolean: 'valueBoolean',
  date: 'valueDate',
  Period: 'valuePeriod',
  positiveInt: 'valuePositiveInt',
  code: 'valueCode',
};

const invalidResource = (diagnostics: string) => new GpcError('INVALID_RESOURCE', diagnostics);
const invalidParameter = (diagnostics: string) => new GpcError('INVALID_PARAMETER', diagnostics);

/**
 * Bounds on a Parameters body (docs/decisions.md, "Bounded input"). A valid request has at most the
 * NHS number, nine area parameters and a few repeats of includeProblems, each with at most four parts;
 * the bounds are far above that and keep every step below linear in a small number.
 */
export const PARAMETER_LIMITS = {
  parameters: 100,
  partsPerParameter: 20,
  nameLength: 100,
  valueLength: 256,
  /** FHIR integer and positiveInt: a signed 32-bit integer. */
  maxInteger: 2_147_483_647,
  /** Unrecognised-parameter warnings in one Bundle; the last one says how many more were left out. */
  warnings: 10,
  warningNameLength: 100,
} as const;

function valueKeys(entry: Json): string[] {
  return Object.keys(entry).filter((k) => k.startsWith('value'));
}

function checkNameLength(name: string, label: string): string {
  if (name.length > PARAMETER_LIMITS.nameLength) {
    const most = PARAMETER_LIMITS.nameLength;
    throw invalidResource(`${label} is ${name.length} characters long; at most ${most} are accepted`);
  }
  return name;
}

/** V1: a Parameters resource whose parameters and parts each have a name. */
function readShape(body: unknown): RawParameter[] {
  if (!isJsonObject(body))
    throw invalidResource('Request body must be a FHIR Parameters resource (a JSON object)');
  if (body.resourceType !== 'Parameters') {
    const found = typeof body.resourceType === 'string' ? `"${truncate(body.resourceType)}"` : 'missing';
    throw invalidResource(`Request body must be a Parameters resource; resourceType is ${found}`);
  }
  const list = body.parameter ?? [];
  if (!Array.isArray(list)) throw invalidResource('Parameters.parameter must be an array');
  if (list.length > PARAMETER_LIMITS.parameters) {
    throw invalidResource(
      `Parameters has ${list.length} parameters; ` +
        `this provider accepts at most ${PARAMETER_LIMITS.parameters}`,
    );
  }
  return list.map((entry, i): RawParameter => {
    if (!isJsonObject(entry)) throw invalidResource(`Parameters.parameter[${i}] must be an object`);
    if (typeof entry.name !== 'string' || entry.name.trim() === '') {
      throw invalidResource(`Parameters.parameter[${i}].name must be a non-empty string`);
    }
    const name = checkNameLength(entry.name, `Parameters.parameter[${i}].name`);
    const rawParts = entry.part ?? [];
    if (!Array.isArray(rawParts)) throw invalidResource(`${truncate(name)}.part must be an array`);
    if (rawParts.length > PARAMETER_LIMITS.partsPerParameter) {
      throw invalidResource(
        `${truncate(name)} has ${rawParts.length} parts; ` +
          `this provider accepts at most ${PARAMETER_LIMITS.partsPerParameter}`,
      );
    }
    const parts = rawParts.map((part, j): RawPart => {
      if (!isJsonObject(part)) throw invalidResource(`${truncate(name)}.part[${j}] must be an object`);
      if (typeof part.name !== 'string' || part.name.trim() === '') {
        throw invalidResource(`${truncate(name)}.part[${j}].name must be a non-empty string`);
      }
      return { name: checkNameLength(part.name, `${truncate(name)}.part[${j}].name`), entry: part };
    });
    return { name, entry, parts };
  });
}

/** V7 (0..1 everywhere except the repeatable includeProblems) and V17. */
function checkConformance(parameters: readonly RawParameter[]): void {
  const seen = new Set<string>();
  for (const p of parameters) {
    const known = p.name === NHS_NUMBER_PARAMETER || isAreaParameter(p.name);
    if (known && seen.has(p.name) && !(isAreaParameter(p.name) && AREA_PARAMETERS[p.name].repeats)) {
      throw invalidResource(`${p.name} must not appear more than once`);
    }
    seen.add(p.name);
    if (!isAreaParameter(p.name)) continue;
    const definition = AREA_PARAMETERS[p.name];
    const partNames = new Set<string>();
    for (const part of p.parts) {
      if (!Object.prototype.hasOwnProperty.call(definition.parts, part.name)) continue;
      if (partNames.has(part.name))
        throw invalidResource(`${p.name}.${part.name} must not appear more than once`);
      if (valueKeys(part.entry).length > 1) {
        throw invalidResource(`${p.name}.${part.name} must have exactly one value[x] element`);
      }
      partNames.add(part.name);
    }
    if (partNames.has('consultationSearchPeriod') && partNames.has('includeNumberOfMostRecent')) {
      throw invalidResource(
        'includeConsultations.consultationSearchPeriod and includeConsultations.includeNumberOfMostRecent must not both be sent',
      );
    }
  }
}

/** Unrecognised names, reported at the coarsest level (API Version Compatibility — Forwards
 * compatibility). */
function collectWarnings(parameters: readonly RawParameter[]): BundleWarning[] {
  const names: string[] = [];
  for (const p of parameters) {
    if (p.name === NHS_NUMBER_PARAMETER) continue;
    if (!isAreaParameter(p.name)) {
      names.push(p.name);
      continue;
    }
    const parts = AREA_PARAMETERS[p.name].parts;
    for (const part of p.parts) {
      if (!Object.prototype.hasOwnProperty.call(parts, part.name)) names.push(`${p.name}.${part.name}`);
    }
  }
  const distinct = [...new Set(names)];
  const { warnings: cap, warningNameLength } = PARAMETER_LIMITS;
  const shownNames = distinct.length > cap ? distinct.slice(0, cap - 1) : distinct;
  const warnings: BundleWarning[] = shownNames.map((name) => {
    const short = truncate(name, warningNameLength);
    return { text: `${short} is an unrecognised parameter`, diagnostics: short };
  });
  const omitted = distinct.length - shownNames.length;
  if (omitted > 0) {
    warnings.push({
      text: `${omitted} more unrecognised parameters were omitted from these warnings`,
      diagnostics: `${omitted} more unrecognised parameters omitted`,
    });
  }
  return warnings;
}

/** V3 to V6. */
function readNhsNumber(parameters: readonly RawParameter[]): string {
  const parameter = parameters.find((p) => p.name === NHS_NUMBER_PARAMETER);
  if (!parameter) throw invalidParameter(`${NHS_NUMBER_PARAMETER} parameter is missing`);
  const keys = valueKeys(parameter.entry);
  const identifier = parameter.entry.valueIdentifier;
  if (keys.length !== 1 || !isJsonObject(identifier)) {
    throw invalidParameter(`${NHS_NUMBER_PARAMETER} must have a valueIdentifier`);
  }
  if (identifier.system !== SYSTEM.nhsNumber) {
    const found =
      typeof identifier.system === 'string' && identifier.system !== ''
        ? `"${truncate(identifier.system)}"`
        : 'missing';
    throw new GpcError(
      'INVALID_IDENTIFIER_SYSTEM',
      `${NHS_NUMBER_PARAMETER}.valueIdentifier.system must be ${SYSTEM.nhsNumber}; it is ${found}`,
    );
  }
  const value = identifier.value;
  if (typeof value !== 'string' || value.length > PARAMETER_LIMITS.valueLength || !isValidNhsNumber(value)) {
    const shown = typeof value === 'string' ? `"${truncate(value)}"` : 'missing';
    throw new GpcError(
      'INVALID_NHS_NUMBER',
      `${NHS_NUMBER_PARAMETER}.valueIdentifier.value ${shown} is not a valid NHS number (10 digits with a Modulus 11 check digit)`,
    );
  }
  return value;
}

/** A client value for diagnostics: short, and safe for any JSON (a deep or huge value is never echoed). */
function shown(raw: unknown): string {
  if (typeof raw === 'string') return `"${truncate(raw)}"`;
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'object' && raw !== null) return 'an object';
  return String(raw);
}

function wholeDate(raw: unknown, label: string): CalendarDate {
  const date = typeof raw === 'string' ? parseWholeDate(raw) : undefined;
  if (!date) {
    throw invalidParameter(`${label}: ${shown(raw)} must be a full date (YYYY-MM-DD) with no time or offset`);
  }
  return date;
}

function notAfterToday(date: CalendarDate, today: CalendarDate, label: string): void {
  if (date > today) throw invalidParameter(`${label}: ${date} is after the current date (${today})`);
}

/** V9, V10, V11 to V16, V18, V19 for one recognised part. */
function readPart(label: string, definition: PartDefinition, entry: Json, today: CalendarDate): PartValue {
  const keys = valueKeys(entry);
  const expected = VALUE_ELEMENT[definition.type];
  if (keys.length === 0 || entry[keys[0]] === null) throw invalidParameter(`${label} has no value`);
  if (keys[0] !== expected)
    throw invalidParameter(`${label} must be a ${expected} (found ${truncate(keys[0])})`);
  const raw = entry[expected];
  if (typeof raw === 'string' && raw.length > PARAMETER_LIMITS.valueLength) {
    const most = PARAMETER_LIMITS.valueLength;
    throw invalidParameter(
      `${label}: ${expected} is ${raw.length} characters long; at most ${most} are accepted`,
    );
  }
  switch (definition.type) {
    case 'boolean':
      if (typeof raw !== 'boolean') throw invalidParameter(`${label}: ${expected} must be true or false`);
      return raw;
    case 'positiveInt':
      // FHIR positiveInt is 1 to 2147483647; beyond it a store could not take the value either.
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > PARAMETER_LIMITS.maxInteger) {
        const most = PARAMETER_LIMITS.maxInteger;
        throw invalidParameter(`${label}: ${expected} must be a whole number from 1 to ${most}`);
      }
      return raw;
    case 'code':
      if (typeof raw !== 'string' || !(definition.codes ?? []).includes(raw)) {
        throw invalidParameter(
          `${label}: ${shown(raw)} must be one of ${(definition.codes ?? []).join(', ')}`,
        );
      }
      return raw;
    case 'date': {
      const date = wholeDate(raw, label);
      if (definition.dateRule === 'notAfterToday') notAfterToday(date, today, label);
      if (definition.dateRule === 'notBeforeToday' && date < today) {
        throw invalidParameter(`${label}: ${date} is before the current date (${today})`);
      }
      return date;
    }
    case 'Period': {
      if (!isJsonObject(raw)) throw invalidParameter(`${label}: ${expected} must be a Period object`);
      const hasStart = raw.start !== undefined && raw.start !== null;
      const hasEnd = raw.end !== undefined && raw.end !== null;
      if (!hasStart && !hasEnd)
        throw invalidParameter(`${label} has no value: the period needs a start, an end or both`);
      const start = hasStart ? wholeDate(raw.start, `${label}.start`) : undefined;
      const end = hasEnd ? wholeDate(raw.end, `${label}.end`) : undefined;
      if (start) notAfterToday(start, today, `${label}.start`);
      if (end) notAfterToday(end, today, `${label}.end`);
      if (start && end && start > end) throw invalidParameter(`${label}: start ${start} is after end ${end}`);
      return { ...(start && { start }), ...(end && { end }) };
    }
  }
}

/** Parse and check a Parameters body against "today" (Europe/London). Throws the first failure. */
export function parseParameters(body: unknown, today: CalendarDate): RecognisedParameters {
  const parameters = readShape(body);
  checkConformance(parameters);
  const recognised = parameters.filter((p) => p.name === NHS_NUMBER_PARAMETER || isAreaParameter(p.name));
  if (recognised.length === 0) {
    throw invalidParameter('The request has no recognised parameters; patientNHSNumber is required');
  }
  const nhsNumber = readNhsNumber(parameters);

  const areas = new Map<AreaParameterName, PartValues[]>();
  for (const p of parameters) {
    if (!isAreaParameter(p.name)) continue;
    const definition = AREA_PARAMETERS[p.name];
    const values = new Map<string, PartValue>();
    for (const part of p.parts) {
      if (!Object.prototype.hasOwnProperty.call(definition.parts, part.name)) continue;
      const partDefinition: PartDefinition = definition.parts[part.name];
      values.set(part.name, readPart(`${p.name}.${part.name}`, partDefinition, part.entry, today));
    }
    for (const [partName, partDefinition] of Object.entries<PartDefinition>(definition.parts)) {
      if (partDefinition.min === 1 && !values.has(partName)) {
        throw invalidParameter(`${p.name}.${partName} is mandatory when ${p.name} is requested`);
      }
    }
    // Appended in place: copying the list per repeat made a body of many repeats quadratic.
    const occurrences = areas.get(p.name);
    if (occurrences) occurrences.push(values);
    else areas.set(p.name, [values]);
  }
  return { nhsNumber, areas, warnings: collectWarnings(parameters) };
}
