/**
 * THE AREA REGISTRY: one row per clinical area of "Retrieve a patient's structured record", read by
 * the parser (parameter name, parts), the query builder (defaults), the record assembly (which record
 * areas hold the area's items), the bundle (primary List, placement group) and the practice switches
 * (switch name, disabled-area texts). Adding an area starts here: see docs/decisions.md, "Adding a
 * clinical area".
 */
import type { CalendarDate } from '../fhir/dates';
import type { BundleWarning } from '../fhir/operation-outcome';
import { type ListDefinition, snomedList } from './list-definition';
import { booleanOr, booleanPart, type PartDefinition, type PartValues, periodPart, sentPart } from './parts';
import type { RecordArea } from './record-areas';
import type {
  ClinicalArea,
  DateWindow,
  ProblemSignificance,
  ProblemStatus,
  StructuredQuery,
} from './structured-query';

/**
 * Where a resource goes in the Bundle, in Bundle order ("Retrieve a patient's structured record —
 * Bundle structure"): key actors, then the areas, supplementary actors and the OperationOutcome among them.
 */
export const PLACEMENT_ORDER = [
  'keyActors',
  'consultations',
  'problems',
  'immunisations',
  'uncategorisedData',
  'allergies',
  'medication',
  'actors',
  'outcome',
  'investigations',
  'referrals',
  'diaryEntries',
  'documents',
] as const;
export type PlacementGroup = (typeof PLACEMENT_ORDER)[number];

export interface AreaDefinition<A extends ClinicalArea> {
  /** The request parameter that asks for the area. */
  readonly parameter: string;
  /** Whether the parameter may repeat (includeProblems, for 1.6.0/1.6.1 consumers). */
  readonly repeats: boolean;
  readonly parts: Readonly<Record<string, PartDefinition>>;
  /** The area's query from its occurrences' parts (one, unless `repeats`), defaults applied. */
  readonly query: (occurrences: readonly PartValues[]) => NonNullable<StructuredQuery[A]>;
  /** The record areas (PatientClinicalRecord arrays) holding the area's own items; switched with it. */
  readonly recordAreas: readonly RecordArea[];
  readonly primaryList: ListDefinition;
  readonly group: PlacementGroup;
  /** What a link into the area becomes while it is switched off ("<Clinical area> items have been disabled"). */
  readonly disabledItemsText: string;
}

const dateWindow = (name: string) => (occurrences: readonly PartValues[]) =>
  sentPart<'searchPeriod', DateWindow>(occurrences[0], name, 'searchPeriod');

/** Rows in the OperationDefinition's parameter order (which the CapabilityStatement and queries keep). */
export const AREAS = {
  allergies: {
    parameter: 'includeAllergies',
    repeats: false,
    parts: { includeResolvedAllergies: booleanPart(1) },
    query: ([p]) => ({ includeResolved: booleanOr(p, 'includeResolvedAllergies', false) }),
    recordAreas: ['allergies'],
    primaryList: snomedList('886921000000105', 'Allergies and adverse reactions'),
    group: 'allergies',
    disabledItemsText: 'Allergy items have been disabled',
  },
  medication: {
    parameter: 'includeMedication',
    repeats: false,
    parts: {
      includePrescriptionIssues: booleanPart(),
      medicationSearchFromDate: { type: 'date', min: 0, dateRule: 'notAfterToday' },
    },
    query: ([p]) => ({
      includePrescriptionIssues: booleanOr(p, 'includePrescriptionIssues', true),
      ...sentPart<'searchFromDate', CalendarDate>(p, 'medicationSearchFromDate', 'searchFromDate'),
    }),
    recordAreas: ['medication'],
    primaryList: snomedList('933361000000108', 'Medications and medical devices'),
    group: 'medication',
    disabledItemsText: 'Medication items have been disabled',
  },
  consultations: {
    parameter: 'includeConsultations',
    repeats: false,
    parts: {
      consultationSearchPeriod: periodPart,
      includeNumberOfMostRecent: { type: 'positiveInt', min: 0 },
    },
    query: ([p]) => ({
      ...sentPart<'searchPeriod', DateWindow>(p, 'consultationSearchPeriod', 'searchPeriod'),
      ...sentPart<'mostRecent', number>(p, 'includeNumberOfMostRecent', 'mostRecent'),
    }),
    recordAreas: ['consultations'],
    primaryList: snomedList('1149501000000101', 'List of consultations'),
    group: 'consultations',
    disabledItemsText: 'Consultation items have been disabled',
  },
  problems: {
    parameter: 'includeProblems',
    repeats: true,
    parts: {
      filterStatus: { type: 'code', min: 0, codes: ['active', 'inactive'] },
      // Removed in 1.6.2; kept for 1.6.0/1.6.1 consumers (docs/decisions.md, "Deviations").
      filterSignificance: { type: 'code', min: 0, codes: ['major', 'minor'] },
    },
    query: (occurrences) => ({
      filters: occurrences.map((p) => ({
        ...sentPart<'status', ProblemStatus>(p, 'filterStatus', 'status'),
        ...sentPart<'significance', ProblemSignificance>(p, 'filterSignificance', 'significance'),
      })),
    }),
    recordAreas: ['problems'],
    primaryList: snomedList('717711000000103', 'Problems'),
    group: 'problems',
    disabledItemsText: 'Problem items have been disabled',
  },
  immunisations: {
    parameter: 'includeImmunisations',
    repeats: false,
    parts: { includeNotGiven: booleanPart(), includeStatus: booleanPart() },
    query: ([p]) => ({
      includeNotGiven: booleanOr(p, 'includeNotGiven', false),
      includeStatus: booleanOr(p, 'includeStatus', true),
    }),
    recordAreas: ['immunisations', 'immunisationStatuses'],
    primaryList: snomedList('1102181000000102', 'Immunisations'),
    group: 'immunisations',
    disabledItemsText: 'Immunisation items have been disabled',
  },
  uncategorisedData: {
    parameter: 'includeUncategorisedData',
    repeats: false,
    parts: { uncategorisedDataSearchPeriod: periodPart },
    query: dateWindow('uncategorisedDataSearchPeriod'),
    recordAreas: ['uncategorisedData'],
    primaryList: snomedList('826501000000100', 'Miscellaneous record', 'Uncategorised data'),
    group: 'uncategorisedData',
    disabledItemsText: 'Uncategorised data items have been disabled',
  },
  investigations: {
    parameter: 'includeInvestigations',
    repeats: false,
    parts: { investigationSearchPeriod: periodPart },
    query: dateWindow('investigationSearchPeriod'),
    recordAreas: ['investigations'],
    primaryList: snomedList('887191000000108', 'Investigations and results'),
    group: 'investigations',
    disabledItemsText: 'Investigation items have been disabled',
  },
  referrals: {
    parameter: 'includeReferrals',
    repeats: false,
    parts: { referralSearchPeriod: periodPart },
    query: dateWindow('referralSearchPeriod'),
    recordAreas: ['referrals'],
    primaryList: snomedList('792931000000107', 'Outbound referral'),
    group: 'referrals',
    disabledItemsText: 'Referral items have been disabled',
  },
  diaryEntries: {
    parameter: 'includeDiaryEntries',
    repeats: false,
    parts: { diaryEntriesSearchDate: { type: 'date', min: 0, dateRule: 'notBeforeToday' } },
    query: ([p]) => sentPart<'searchDate', CalendarDate>(p, 'diaryEntriesSearchDate', 'searchDate'),
    recordAreas: ['diaryEntries'],
    primaryList: snomedList('714311000000108', 'Patient recall administration'),
    group: 'diaryEntries',
    disabledItemsText: 'Diary entry items have been disabled',
  },
} as const satisfies { readonly [A in ClinicalArea]: AreaDefinition<A> };

/** Every clinical area, in registry order. */
export const CLINICAL_AREAS = Object.keys(AREAS) as readonly ClinicalArea[];

export type AreaParameterName = (typeof AREAS)[ClinicalArea]['parameter'];

/** The Documents switch: documents have no parameter, only links bring them ("Practice switches"). */
export const DOCUMENTS_SWITCH = {
  name: 'documents',
  recordArea: 'documents',
  group: 'documents',
  disabledItemsText: 'Document items have been disabled',
  /** Named after the resource, not a parameter. */
  warning: { text: 'DocumentReferences has been disabled', diagnostics: 'DocumentReferences' },
} as const satisfies {
  readonly name: string;
  readonly recordArea: RecordArea;
  readonly group: PlacementGroup;
  readonly disabledItemsText: string;
  readonly warning: BundleWarning;
};

/** Every name GPC_DISABLED_AREAS accepts: each area's key, then documents. */
export const SWITCH_NAMES: readonly string[] = [...CLINICAL_AREAS, DOCUMENTS_SWITCH.name];

/** The warning a requested-but-switched-off area (or a link into one) adds: "<parameter> has been disabled". */
export function disabledAreaWarning(area: ClinicalArea): BundleWarning {
  const name = AREAS[area].parameter;
  return { text: `${name} has been disabled`, diagnostics: name };
}

/** The clinical area whose switch covers a record area; undefined for documents (their own switch). */
export const SWITCHED_BY: Readonly<Record<RecordArea, ClinicalArea | undefined>> = Object.fromEntries([
  [DOCUMENTS_SWITCH.recordArea, undefined],
  ...CLINICAL_AREAS.flatMap((area) => AREAS[area].recordAreas.map((recordArea) => [recordArea, area])),
]) as Record<RecordArea, ClinicalArea | undefined>;
