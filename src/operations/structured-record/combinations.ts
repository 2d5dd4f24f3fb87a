/**
 * The not-permitted parameter combinations (Retrieve a patient’s structured record — Not permitted parameter
 * combinations), one row per rule, checked line by line against the spec. A part counts as present whatever
 * its value. C14 is the 1.6.0/1.6.1 `filterSignificance` rule kept for earlier consumers (docs/decisions.md
 * "Deviations").
 */
import type { AreaParameterName } from './operation-definition';

export interface CombinationRule {
  readonly id: string;
  /** The top-level parameter whose presence forbids the part. */
  readonly when: AreaParameterName;
  readonly parameter: AreaParameterName;
  readonly part: string;
}

export const NOT_PERMITTED_COMBINATIONS: readonly CombinationRule[] = [
  {
    id: 'C1',
    when: 'includeConsultations',
    parameter: 'includeMedication',
    part: 'medicationSearchFromDate',
  },
  {
    id: 'C2',
    when: 'includeConsultations',
    parameter: 'includeUncategorisedData',
    part: 'uncategorisedDataSearchPeriod',
  },
  { id: 'C3', when: 'includeConsultations', parameter: 'includeProblems', part: 'filterStatus' },
  { id: 'C4', when: 'includeConsultations', parameter: 'includeReferrals', part: 'referralSearchPeriod' },
  {
    id: 'C5',
    when: 'includeConsultations',
    parameter: 'includeDiaryEntries',
    part: 'diaryEntriesSearchDate',
  },
  { id: 'C6', when: 'includeConsultations', parameter: 'includeImmunisations', part: 'includeNotGiven' },
  { id: 'C7', when: 'includeConsultations', parameter: 'includeImmunisations', part: 'includeStatus' },
  { id: 'C8', when: 'includeProblems', parameter: 'includeMedication', part: 'medicationSearchFromDate' },
  {
    id: 'C9',
    when: 'includeProblems',
    parameter: 'includeUncategorisedData',
    part: 'uncategorisedDataSearchPeriod',
  },
  { id: 'C10', when: 'includeProblems', parameter: 'includeReferrals', part: 'referralSearchPeriod' },
  { id: 'C11', when: 'includeProblems', parameter: 'includeDiaryEntries', part: 'diaryEntriesSearchDate' },
  { id: 'C12', when: 'includeProblems', parameter: 'includeImmunisations', part: 'includeNotGiven' },
  { id: 'C13', when: 'includeProblems', parameter: 'includeImmunisations', part: 'includeStatus' },
  { id: 'C14', when: 'includeConsultations', parameter: 'includeProblems', part: 'filterSignificance' },
];

/** Which recognised parts a request carries: `parameter` → set of part names (union over repeats). */
export type PresentParts = ReadonlyMap<AreaParameterName, ReadonlySet<string>>;

/** The first rule the request breaks, in table order, or undefined. */
export function firstBrokenRule(present: PresentParts): CombinationRule | undefined {
  return NOT_PERMITTED_COMBINATIONS.find(
    (rule) => present.has(rule.when) && (present.get(rule.parameter)?.has(rule.part) ?? false),
  );
}

export function describeRule(rule: CombinationRule): string {
  return `${rule.parameter}.${rule.part} is not permitted together with ${rule.when} (not-permitted combination ${rule.id})`;
}
