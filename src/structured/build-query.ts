/**
 * Parameters → StructuredQuery: parse and check the body, then apply the not-permitted combinations
 * unless the request is one of the predefined searches (D-27).
 */
import type { CalendarDate } from '../fhir/dates';
import { GpcError } from '../fhir/gpc-error';
import { describeRule, firstBrokenRule, type PresentParts } from './combinations';
import type { AreaParameterName } from './operation-definition';
import { parseParameters, type PartValue, type PartValues, type RecognisedParameters } from './parse-parameters';
import { matchPredefinedSearch, type MedicationDateTolerance } from './predefined-searches';
import type { DateWindow, ProblemFilter, ProblemSignificance, ProblemStatus, StructuredQuery } from './structured-query';

function presentParts(request: RecognisedParameters): PresentParts {
  const present = new Map<AreaParameterName, Set<string>>();
  for (const [name, occurrences] of request.areas) {
    present.set(name, new Set(occurrences.flatMap((o) => [...o.keys()])));
  }
  return present;
}

/** The parts of a non-repeating area parameter (its single occurrence). */
function partsOf(request: RecognisedParameters, name: AreaParameterName): PartValues | undefined {
  return request.areas.get(name)?.[0];
}

const asBoolean = (value: PartValue | undefined, fallback: boolean): boolean =>
  typeof value === 'boolean' ? value : fallback;
const asDate = (value: PartValue | undefined) => value as CalendarDate | undefined;
const asWindow = (value: PartValue | undefined) => value as DateWindow | undefined;

function toQuery(request: RecognisedParameters, today: CalendarDate, predefinedSearch?: 1 | 2): StructuredQuery {
  const allergies = partsOf(request, 'includeAllergies');
  const medication = partsOf(request, 'includeMedication');
  const consultations = partsOf(request, 'includeConsultations');
  const immunisations = partsOf(request, 'includeImmunisations');
  const uncategorised = partsOf(request, 'includeUncategorisedData');
  const investigations = partsOf(request, 'includeInvestigations');
  const referrals = partsOf(request, 'includeReferrals');
  const diary = partsOf(request, 'includeDiaryEntries');
  const problems = request.areas.get('includeProblems');
  return {
    nhsNumber: request.nhsNumber,
    today,
    warnings: request.warnings,
    disabledAreas: new Set(),
    ...(predefinedSearch && { predefinedSearch }),
    ...(allergies && { allergies: { includeResolved: asBoolean(allergies.get('includeResolvedAllergies'), false) } }),
    ...(medication && {
      medication: {
        includePrescriptionIssues: asBoolean(medication.get('includePrescriptionIssues'), true),
        ...(medication.has('medicationSearchFromDate') && { searchFromDate: asDate(medication.get('medicationSearchFromDate')) }),
      },
    }),
    ...(consultations && {
      consultations: {
        ...(consultations.has('consultationSearchPeriod') && { searchPeriod: asWindow(consultations.get('consultationSearchPeriod')) }),
        ...(consultations.has('includeNumberOfMostRecent') && { mostRecent: consultations.get('includeNumberOfMostRecent') as number }),
      },
    }),
    ...(problems && {
      problems: {
        filters: problems.map((parts): ProblemFilter => ({
          ...(parts.has('filterStatus') && { status: parts.get('filterStatus') as ProblemStatus }),
          ...(parts.has('filterSignificance') && { significance: parts.get('filterSignificance') as ProblemSignificance }),
        })),
      },
    }),
    ...(immunisations && {
      immunisations: {
        includeNotGiven: asBoolean(immunisations.get('includeNotGiven'), false),
        includeStatus: asBoolean(immunisations.get('includeStatus'), true),
      },
    }),
    ...(uncategorised && { uncategorisedData: windowOf(uncategorised, 'uncategorisedDataSearchPeriod') }),
    ...(investigations && { investigations: windowOf(investigations, 'investigationSearchPeriod') }),
    ...(referrals && { referrals: windowOf(referrals, 'referralSearchPeriod') }),
    ...(diary && { diaryEntries: diary.has('diaryEntriesSearchDate') ? { searchDate: asDate(diary.get('diaryEntriesSearchDate')) } : {} }),
  };
}

function windowOf(parts: PartValues, name: string): { searchPeriod?: DateWindow } {
  return parts.has(name) ? { searchPeriod: asWindow(parts.get(name)) } : {};
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
