/**
 * GPConnect-GetStructuredRecord-Operation-1 (1.16) as data: every parameter, its parts, their FHIR
 * types and cardinality (Retrieve a patient’s structured record — Payload request body). The parser, the
 * combination rules and the CapabilityStatement read this one declaration.
 */
import { type AreaParameterName, AREAS, CLINICAL_AREAS } from '../../contract/areas';
import type { PartDefinition } from '../../contract/parts';
import type { ClinicalArea } from '../../contract/structured-query';

export type { AreaParameterName } from '../../contract/areas';
export type { PartDefinition, PartType } from '../../contract/parts';

export interface AreaParameterDefinition {
  readonly area: ClinicalArea;
  /** Whether the parameter may repeat (includeProblems, for 1.6.0/1.6.1 consumers). */
  readonly repeats: boolean;
  readonly parts: Readonly<Record<string, PartDefinition>>;
}

export const NHS_NUMBER_PARAMETER = 'patientNHSNumber';

/** The area parameters by name, in the registry's order (src/contract/areas.ts). */
export const AREA_PARAMETERS = Object.fromEntries(
  CLINICAL_AREAS.map((area) => [
    AREAS[area].parameter,
    { area, repeats: AREAS[area].repeats, parts: AREAS[area].parts },
  ]),
) as unknown as Readonly<Record<AreaParameterName, AreaParameterDefinition>>;

export function isAreaParameter(name: string): name is AreaParameterName {
  return Object.prototype.hasOwnProperty.call(AREA_PARAMETERS, name);
}

/** The request parameter that asks for each clinical area (used in warnings and diagnostics). */
export const AREA_PARAMETER_NAME: Readonly<Record<ClinicalArea, AreaParameterName>> = Object.fromEntries(
  CLINICAL_AREAS.map((area) => [area, AREAS[area].parameter]),
) as Record<ClinicalArea, AreaParameterName>;
