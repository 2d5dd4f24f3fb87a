/**
 * Parameters → StructuredQuery: parse and check the body, then apply the not-permitted combinations
 * unless the request is one of the predefined searches (D-27).
 */
import { AREAS, CLINICAL_AREAS } from '../../contract/areas';
import type { ClinicalArea, StructuredQuery } from '../../contract/structured-query';
import type { CalendarDate } from '../../fhir/dates';
import { GpcError } from '../../fhir/gpc-error';
import { describeRule, firstBrokenRule, type PresentParts } from './combinations';
import type { AreaParameterName } from './operation-definition';
import { parseParameters, type RecognisedParameters } from './parse-parameters';
import { matchPredefinedSearch, type MedicationDateTolerance } from './predefined-searches';

function presentParts(request: RecognisedParameters): PresentParts {
  const present = new Map<AreaParameterName, Set<string>>();
  for (const [name, occurrences] of request.areas) {
    present.set(name, new Set(occurrences.flatMap((o) => [...o.keys()])));
  }
  return present;
}

/** Each requested area's query, from the registry's row for it (defaults applied there). */
function toQuery(
  request: RecognisedParameters,
  today: CalendarDate,
  predefinedSearch?: 1 | 2,
): StructuredQuery {
  const areas: Partial<Record<ClinicalArea, unknown>> = {};
  for (const area of CLINICAL_AREAS) {
    const occurrences = request.areas.get(AREAS[area].parameter);
    if (occurrences) areas[area] = AREAS[area].query(occurrences);
  }
  return {
    nhsNumber: request.nhsNumber,
    today,
    warnings: request.warnings,
    disabledAreas: new Set(),
    ...(predefinedSearch && { predefinedSearch }),
    ...(areas as Partial<Pick<StructuredQuery, ClinicalArea>>),
  };
}

/** The whole operation-level validation of one request body. */
export function buildStructuredQuery(
  body: unknown,
  today: CalendarDate,
  tolerance: MedicationDateTolerance,
): StructuredQuery {
  const request = parseParameters(body, today);
  const broken = firstBrokenRule(presentParts(request));
  if (!broken) return toQuery(request, today);
  const match = matchPredefinedSearch(request, today, tolerance);
  if ('search' in match) return toQuery(request, today, match.search);
  throw new GpcError('INVALID_PARAMETER', `${describeRule(broken)}; ${match.mismatch}`);
}
