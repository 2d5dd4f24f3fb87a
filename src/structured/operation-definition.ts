/**
 * GPConnect-GetStructuredRecord-Operation-1 (1.16) as data: every parameter, its parts, their FHIR
 * types and cardinality (Retrieve a patient’s structured record — Payload request body). The parser, the
 * combination rules and the CapabilityStatement read this one declaration.
 */
import type { ClinicalArea } from './structured-query';

export type PartType = 'boolean' | 'date' | 'Period' | 'positiveInt' | 'code';

export interface PartDefinition {
  readonly type: PartType;
  /** 1 when the part is mandatory whenever its parent is sent. */
  readonly min: 0 | 1;
  /** Allowed codes for `code` parts (case-sensitive). */
  readonly codes?: readonly string[];
  /** Date rule against today for `date` parts: not after today, or not before today. */
  readonly dateRule?: 'notAfterToday' | 'notBeforeToday';
}

export interface AreaParameterDefinition {
  readonly area: ClinicalArea;
  /** Whether the parameter may repeat (includeProblems, for 1.6.0/1.6.1 consumers; docs/decisions.md
   * "Deviations"). */
  readonly repeats: boolean;
  readonly parts: Readonly<Record<string, PartDefinition>>;
}

export const NHS_NUMBER_PARAMETER = 'patientNHSNumber';

const boolean = (min: 0 | 1 = 0): PartDefinition => ({ type: 'boolean', min });
const period: PartDefinition = { type: 'Period', min: 0 };

export const AREA_PARAMETERS = {
  includeAllergies: {
    area: 'allergies',
    repeats: false,
    parts: { includeResolvedAllergies: boolean(1) },
  },
  includeMedication: {
    area: 'medication',
    repeats: false,
    parts: {
      includePrescriptionIssues: boolean(),
      medicationSearchFromDate: { type: 'date', min: 0, dateRule: 'notAfterToday' },
    },
  },
  includeConsultations: {
    area: 'consultations',
    repeats: false,
    parts: { consultationSearchPeriod: period, includeNumberOfMostRecent: { type: 'positiveInt', min: 0 } },
  },
  includeProblems: {
    area: 'problems',
    repeats: true,
    parts: {
      filterStatus: { type: 'code', min: 0, codes: ['active', 'inactive'] },
      // Removed in 1.6.2; kept for 1.6.0/1.6.1 consumers (docs/decisions.md "Deviations").
      filterSignificance: { type: 'code', min: 0, codes: ['major', 'minor'] },
    },
  },
  includeImmunisations: {
    area: 'immunisations',
    repeats: false,
    parts: { includeNotGiven: boolean(), includeStatus: boolean() },
  },
  includeUncategorisedData: {
    area: 'uncategorisedData',
    repeats: false,
    parts: { uncategorisedDataSearchPeriod: period },
  },
  includeInvestigations: {
    area: 'investigations',
    repeats: false,
    parts: { investigationSearchPeriod: period },
  },
  includeReferrals: {
    area: 'referrals',
    repeats: false,
    parts: { referralSearchPeriod: period },
  },
  includeDiaryEntries: {
    area: 'diaryEntries',
    repeats: false,
    parts: { diaryEntriesSearchDate: { type: 'date', min: 0, dateRule: 'notBeforeToday' } },
  },
} as const satisfies Record<string, AreaParameterDefinition>;

export type AreaParameterName = keyof typeof AREA_PARAMETERS;

export function isAreaParameter(name: string): name is AreaParameterName {
  return Object.prototype.hasOwnProperty.call(AREA_PARAMETERS, name);
}

/** The request parameter that asks for each clinical area (used in warnings and diagnostics). */
export const AREA_PARAMETER_NAME: Readonly<Record<ClinicalArea, AreaParameterName>> = Object.fromEntries(
  Object.entries(AREA_PARAMETERS).map(([name, def]) => [def.area, name]),
) as Record<ClinicalArea, AreaParameterName>;
