/**
 * The two predefined multi-area searches (Multi area searches) as an allow-list, and the matcher of
 * decision D-25: order and unrecognised names are ignored; anything else that differs means the
 * request is not predefined and the combination table applies.
 */
import { type CalendarDate, daysBetween } from '../../fhir/dates';
import type { AreaParameterName } from './operation-definition';
import type { PartValues, RecognisedParameters } from './parse-parameters';

/** How a part of a predefined search may be filled in. */
type PartRule =
  | { readonly kind: 'equals'; readonly value: number }
  | { readonly kind: 'anyBoolean' }
  | { readonly kind: 'yearBeforeToday' };

interface ParameterRule {
  readonly required: Readonly<Record<string, PartRule>>;
  readonly optional?: Readonly<Record<string, PartRule>>;
}

export interface PredefinedSearch {
  readonly id: 1 | 2;
  readonly title: string;
  readonly parameters: Readonly<Partial<Record<AreaParameterName, ParameterRule>>>;
}

const SEARCH_1_PARAMETERS = {
  includeConsultations: { required: { includeNumberOfMostRecent: { kind: 'equals', value: 3 } } },
  includeProblems: { required: {} },
  // D-25: includeResolvedAllergies does not bear on the medication-gap risk, so either value matches.
  includeAllergies: { required: { includeResolvedAllergies: { kind: 'anyBoolean' } } },
  includeMedication: {
    required: { medicationSearchFromDate: { kind: 'yearBeforeToday' } },
    optional: { includePrescriptionIssues: { kind: 'anyBoolean' } },
  },
} as const satisfies Partial<Record<AreaParameterName, ParameterRule>>;

export const PREDEFINED_SEARCHES: readonly PredefinedSearch[] = [
  {
    id: 1,
    title: 'predefined search 1 (last 3 consultations, last year of medication, allergies, problems)',
    parameters: SEARCH_1_PARAMETERS,
  },
  {
    id: 2,
    title: 'predefined search 2 (search 1 plus immunisations and uncategorised data)',
    parameters: {
      ...SEARCH_1_PARAMETERS,
      includeImmunisations: { required: {} },
      includeUncategorisedData: { required: {} },
    },
  },
];

/** D-25 tolerance: medicationSearchFromDate may be this many days before today (inclusive). */
export interface MedicationDateTolerance {
  readonly minDays: number;
  readonly maxDays: number;
}

export const DEFAULT_MEDICATION_DATE_TOLERANCE: MedicationDateTolerance = { minDays: 365, maxDays: 366 };

export type PredefinedMatch = { readonly search: 1 | 2 } | { readonly mismatch: string };

function partMatches(
  rule: PartRule,
  value: unknown,
  today: CalendarDate,
  tolerance: MedicationDateTolerance,
): string | undefined {
  switch (rule.kind) {
    case 'equals':
      return value === rule.value ? undefined : `is ${String(value)}, not ${rule.value}`;
    case 'anyBoolean':
      return typeof value === 'boolean' ? undefined : 'is not a boolean';
    case 'yearBeforeToday': {
      const days = daysBetween(value as CalendarDate, today);
      return days >= tolerance.minDays && days <= tolerance.maxDays
        ? undefined
        : `is ${days} days before today, not ${tolerance.minDays} to ${tolerance.maxDays}`;
    }
  }
}

function occurrenceMismatch(
  name: AreaParameterName,
  rule: ParameterRule,
  occurrence: PartValues,
  today: CalendarDate,
  tolerance: MedicationDateTolerance,
): string | undefined {
  for (const [part, partRule] of Object.entries(rule.required)) {
    if (!occurrence.has(part)) return `${name}.${part} is missing`;
    const why = partMatches(partRule, occurrence.get(part), today, tolerance);
    if (why) return `${name}.${part} ${why}`;
  }
  for (const [part, value] of occurrence) {
    if (part in rule.required) continue;
    const optional = rule.optional?.[part];
    if (!optional) return `${name}.${part} is not part of it`;
    const why = partMatches(optional, value, today, tolerance);
    if (why) return `${name}.${part} ${why}`;
  }
  return undefined;
}

function mismatchOf(
  search: PredefinedSearch,
  request: RecognisedParameters,
  today: CalendarDate,
  tolerance: MedicationDateTolerance,
): string | undefined {
  const expected = Object.keys(search.parameters) as AreaParameterName[];
  const missing = expected.find((name) => !request.areas.has(name));
  if (missing) return `${missing} is missing`;
  const extra = [...request.areas.keys()].find((name) => !expected.includes(name));
  if (extra) return `${extra} is not part of it`;
  for (const name of expected) {
    const rule = search.parameters[name] as ParameterRule;
    for (const occurrence of request.areas.get(name) ?? []) {
      const why = occurrenceMismatch(name, rule, occurrence, today, tolerance);
      if (why) return why;
    }
  }
  return undefined;
}

/**
 * Which predefined search the request is, or why it is not the nearest one (search 2 when the
 * request asks for immunisations or uncategorised data, else search 1).
 */
export function matchPredefinedSearch(
  request: RecognisedParameters,
  today: CalendarDate,
  tolerance: MedicationDateTolerance,
): PredefinedMatch {
  const results = PREDEFINED_SEARCHES.map((search) => ({
    search,
    why: mismatchOf(search, request, today, tolerance),
  }));
  const matched = results.find((r) => r.why === undefined);
  if (matched) return { search: matched.search.id };
  const wantsSearch2 =
    request.areas.has('includeImmunisations') || request.areas.has('includeUncategorisedData');
  const nearest = results[wantsSearch2 ? 1 : 0];
  return { mismatch: `it is not ${nearest.search.title}: ${nearest.why}` };
}
