/** Parameters bodies for tests, written the way the spec writes them. */
export type Part = Record<string, unknown> & { name: string };
export type Parameter = Record<string, unknown> & { name: string };

export const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

export function nhsNumber(value: string, system = NHS_SYSTEM): Parameter {
  return { name: 'patientNHSNumber', valueIdentifier: { system, value } };
}

export function area(name: string, ...parts: Part[]): Parameter {
  return parts.length > 0 ? { name, part: parts } : { name };
}

export const bool = (name: string, value: boolean): Part => ({ name, valueBoolean: value });
export const date = (name: string, value: string): Part => ({ name, valueDate: value });
export const int = (name: string, value: number): Part => ({ name, valuePositiveInt: value });
export const code = (name: string, value: string): Part => ({ name, valueCode: value });
export const period = (name: string, start?: string, end?: string): Part => ({
  name,
  valuePeriod: { ...(start !== undefined && { start }), ...(end !== undefined && { end }) },
});

/** An area with its search-period part, or with no part at all when neither bound is given. */
export function periodArea(name: string, part: string, start?: string, end?: string): Parameter {
  return start === undefined && end === undefined ? area(name) : area(name, period(part, start, end));
}

export function parameters(...parameter: Parameter[]): Record<string, unknown> {
  return { resourceType: 'Parameters', parameter };
}

/** Predefined search 1 (Multi area searches) for a patient, with the medication date given. */
export function predefinedSearch1(nhs: string, medicationFrom: string): Parameter[] {
  return [
    nhsNumber(nhs),
    area('includeConsultations', int('includeNumberOfMostRecent', 3)),
    area('includeProblems'),
    area('includeAllergies', bool('includeResolvedAllergies', true)),
    area('includeMedication', date('medicationSearchFromDate', medicationFrom)),
  ];
}

/** Predefined search 2: search 1 plus immunisations and uncategorised data. */
export function predefinedSearch2(nhs: string, medicationFrom: string): Parameter[] {
  return [
    ...predefinedSearch1(nhs, medicationFrom),
    area('includeImmunisations'),
    area('includeUncategorisedData'),
  ];
}

/**
 * The whole record: all nine clinical areas with no filter, ended allergies included. No
 * includeImmunisations parts: includeNotGiven is not permitted alongside includeConsultations.
 */
export function everyArea(): Parameter[] {
  return [
    area('includeAllergies', bool('includeResolvedAllergies', true)),
    area('includeMedication'),
    area('includeConsultations'),
    area('includeProblems'),
    area('includeImmunisations'),
    area('includeUncategorisedData'),
    area('includeInvestigations'),
    area('includeReferrals'),
    area('includeDiaryEntries'),
  ];
}

/** The whole-record request for a patient: patientNHSNumber and every area (everyArea). */
export function allAreas(nhs: string): Parameter[] {
  return [nhsNumber(nhs), ...everyArea()];
}
