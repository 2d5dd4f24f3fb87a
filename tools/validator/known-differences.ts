/**
 * The only places where the validator departs from the 1.5.0 assets: where they differ from the
 * GP Connect 1.6.2 specification, which wins. Each entry names the 1.6.2 page and is recorded in
 * docs/decisions.md (D-32). Nothing else is relaxed.
 */

const HL7UK_SD = 'https://fhir.hl7.org.uk/STU3/StructureDefinition/';
const NHS_SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const NHS_VS = 'https://fhir.nhs.uk/STU3/ValueSet/';

/**
 * Extra reference targets (resource types) allowed beyond those the 1.5.0 element lists, by profile
 * URL and element id. "Problems" (1.6.2, Condition: relatedClinicalContent) links a problem to
 * medication, investigations, documents and referrals, which the 1.5.0 extension does not list.
 */
type TargetsByElement = Readonly<Record<string, readonly string[]>>;

export const EXTRA_REFERENCE_TARGETS: Readonly<Record<string, TargetsByElement>> = {
  /**
   * "Diary entry" (1.6.2, ProcedureRequest: supportingInfo) links a diary entry to other clinical items
   * (never the problem); the 1.5.0 profile allows Observation only.
   */
  [`${NHS_SD}CareConnect-GPC-ProcedureRequest-1`]: {
    'ProcedureRequest.supportingInfo': [
      'MedicationRequest',
      'MedicationStatement',
      'AllergyIntolerance',
      'Immunization',
      'DiagnosticReport',
      'ReferralRequest',
      'DocumentReference',
      'ProcedureRequest',
      'Encounter',
    ],
  },
  [`${NHS_SD}CareConnect-GPC-ProblemHeader-Condition-1`]: {
    'Condition.extension:relatedClinicalContent.value[x]': [
      'MedicationRequest',
      'DiagnosticReport',
      'DocumentReference',
      'ReferralRequest',
    ],
  },
};

/**
 * Reference targets are checked by resource type only. The 1.5.0 profiles name UK-core
 * `CareConnect-<Type>-1` profiles (e.g. Encounter.location.location, Condition.asserter), which the
 * GP Connect resources, deriving from the base resources, cannot formally claim; 1.6.2 ("Retrieve a
 * patient's structured record", the per-resource pages) references the GP Connect resources.
 */
export function targetType(
  profileUrl: string,
  typeOf: (url: string) => string | undefined,
): string | undefined {
  const known = typeOf(profileUrl);
  if (known !== undefined) return known;
  const careConnect = /\/CareConnect-(?:GPC-)?([A-Za-z]+)-1$/.exec(profileUrl);
  if (careConnect) return careConnect[1];
  const base = /^http:\/\/hl7\.org\/fhir\/StructureDefinition\/([A-Za-z]+)$/.exec(profileUrl);
  return base ? base[1] : undefined;
}

/**
 * Primitive types accepted in place of the one the 1.5.0 assets give, by the element's id suffix.
 * "Medication and medical devices" (1.6.2, MedicationRequest: repeatInformation) counts repeats with
 * `unsignedInt`: a plan with no repeat issued yet has `numberOfRepeatPrescriptionsIssued` 0, which
 * the 1.5.0 `positiveInt` cannot hold.
 */
export const SUBSTITUTE_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  [`${NHS_SD}Extension-CareConnect-GPC-MedicationRepeatInformation-1`]: {
    'Extension.extension:numberOfRepeatPrescriptionsAllowed.valuePositiveInt:valuePositiveInt': 'unsignedInt',
    'Extension.extension:numberOfRepeatPrescriptionsIssued.valuePositiveInt:valuePositiveInt': 'unsignedInt',
  },
};

/**
 * Extensions 1.6.2 uses whose definition is not in the 1.5.0 set: checked only as far as the resource
 * profile spells them out (the slice's url, cardinality and value[x] element). Any other missing
 * definition is reported.
 */
export const MISSING_EXTENSION_DEFINITIONS: ReadonlySet<string> = new Set([
  `${HL7UK_SD}Extension-CareConnect-ProblemSignificance-1`,
  `${HL7UK_SD}Extension-CareConnect-RelatedClinicalContent-1`,
  `${HL7UK_SD}Extension-CareConnect-DateRecorded-1`,
  `${HL7UK_SD}Extension-CareConnect-VaccinationProcedure-1`,
  `${HL7UK_SD}Extension-CareConnect-FastingStatus-1`,
  `${HL7UK_SD}Extension-CareConnect-ParentPresent-1`,
  `${HL7UK_SD}Extension-CareConnect-MedicationDosageLastChanged-1`,
]);

/**
 * Required bindings whose value set is defined by a SNOMED CT filter: membership needs a terminology
 * server, so only the rest of the element is checked. Any other value set that cannot be expanded from
 * these files is reported.
 */
export const UNCHECKABLE_VALUE_SETS: ReadonlySet<string> = new Set([
  'https://fhir.hl7.org.uk/STU3/ValueSet/CareConnect-ConditionCode-1',
  `${NHS_VS}CareConnect-AllergyCertainty-1`,
  `${NHS_VS}CareConnect-AllergySeverity-1`,
  `${NHS_VS}CareConnect-CareSettingType-1`,
  `${NHS_VS}CareConnect-MedicationCode-1`,
  `${NHS_VS}CareConnect-MedicationForm-1`,
  `${NHS_VS}CareConnect-ReligiousAffiliation-1`,
  `${NHS_VS}ReasonForReferralSnCT-1`,
]);

/**
 * One extension under two URLs. The 1.5.0 set defines the SNOMED CT description-id extension at
 * fhir.nhs.uk, yet half its profiles (Condition problem header, DiagnosticReport, Encounter,
 * Immunization, ProcedureRequest, Specimen) declare it at fhir.hl7.org.uk, which is the URL 1.6.2 uses
 * ("Populating CodeableConcept", and every 1.6.x example). Both name the same definition.
 */
const EXTENSION_URL_ALIASES: Readonly<Record<string, string>> = {
  [`${HL7UK_SD}Extension-coding-sctdescid`]: `${NHS_SD}Extension-coding-sctdescid`,
};

export function canonicalExtensionUrl(url: string): string {
  return EXTENSION_URL_ALIASES[url] ?? url;
}
