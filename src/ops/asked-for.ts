/**
 * What a getstructuredrecord request asked for, for the audit trail: the NHS number, the areas and
 * their filters. Read once from the parsed Parameters body so that a request which fails validation
 * or a patient check is still audited with what it asked for. Only parameter names and the
 * primitive filter values (booleans, dates, counts, codes, periods) are kept: never free text.
 */
import { isJsonObject, type JsonObject } from '../fhir/json';
import { truncate } from '../fhir/text';

export interface AskedFor {
  readonly nhsNumber: string | null;
  /** Top-level parameter names other than the NHS number, in request order (e.g. includeAllergies). */
  readonly areas: readonly string[];
  /** Per area parameter: its parts' names and values, e.g. { includeAllergies: { includeResolvedAllergies: true } }. */
  readonly filters: Readonly<Record<string, Readonly<Record<string, FilterValue>>>>;
}

export type FilterValue =
  boolean | number | string | { readonly start: string | null; readonly end: string | null } | null;

/** Bounds so that a hostile body cannot make one audit record large. */
const MAX_PARAMETERS = 20;
const MAX_PARTS = 10;
const MAX_TEXT = 40;

type Json = JsonObject;

function text(value: unknown): string | null {
  return typeof value === 'string' ? truncate(value, MAX_TEXT) : null;
}

function primitiveValue(part: Json): FilterValue {
  if (typeof part.valueBoolean === 'boolean') return part.valueBoolean;
  if (typeof part.valuePositiveInt === 'number') return part.valuePositiveInt;
  if (typeof part.valueDate === 'string') return text(part.valueDate);
  if (typeof part.valueCode === 'string') return text(part.valueCode);
  if (isJsonObject(part.valuePeriod))
    return { start: text(part.valuePeriod.start), end: text(part.valuePeriod.end) };
  return null;
}

export function askedFor(body: unknown): AskedFor {
  const parameters =
    isJsonObject(body) && Array.isArray(body.parameter) ? body.parameter.filter(isJsonObject) : [];
  let nhsNumber: string | null = null;
  const areas: string[] = [];
  const filters: Record<string, Record<string, FilterValue>> = {};
  for (const parameter of parameters.slice(0, MAX_PARAMETERS)) {
    const name = text(parameter.name);
    if (name === null) continue;
    if (name === 'patientNHSNumber') {
      nhsNumber = isJsonObject(parameter.valueIdentifier) ? text(parameter.valueIdentifier.value) : null;
      continue;
    }
    areas.push(name);
    const parts = Array.isArray(parameter.part)
      ? parameter.part.filter(isJsonObject).slice(0, MAX_PARTS)
      : [];
    if (parts.length === 0) continue;
    filters[name] = Object.fromEntries(
      parts.flatMap((part) => {
        const partName = text(part.name);
        return partName === null ? [] : [[partName, primitiveValue(part)]];
      }),
    );
  }
  return { nhsNumber, areas, filters };
}
