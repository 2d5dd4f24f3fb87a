/**
 * Profile, extension and code-system URLs of the engine, the four core areas (allergies, medication,
 * problems, consultations) and Location (List page; ProblemHeader (Condition) page; MedicationStatement page;
 * MedicationRequest page; Medication page; AllergyIntolerance page; Encounter page). Kept beside the mappers
 * so that a typo cannot hide in one module; the other areas' URLs are in areas/urls.ts.
 */
const NHS_SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const HL7UK_SD = 'https://fhir.hl7.org.uk/STU3/StructureDefinition/';

export const CORE_PROFILE = {
  allergyIntolerance: `${NHS_SD}CareConnect-GPC-AllergyIntolerance-1`,
  medication: `${NHS_SD}CareConnect-GPC-Medication-1`,
  medicationStatement: `${NHS_SD}CareConnect-GPC-MedicationStatement-1`,
  medicationRequest: `${NHS_SD}CareConnect-GPC-MedicationRequest-1`,
  problemHeader: `${NHS_SD}CareConnect-GPC-ProblemHeader-Condition-1`,
  encounter: `${NHS_SD}CareConnect-GPC-Encounter-1`,
  /** Shared by every Observation use, the consultation comment note included (Observation pages). */
  observation: `${NHS_SD}CareConnect-GPC-Observation-1`,
} as const;

export const CORE_EXTENSION = {
  /** AllergyIntolerance page: the Encounter where the allergy was first recorded. */
  associatedEncounter: 'http://hl7.org/fhir/StructureDefinition/encounter-associatedEncounter',
  /** AllergyIntolerance page: sub-extensions `endDate` and `reasonEnded` (the profile's name, not the page's
   * `endReason`). */
  allergyEnd: `${NHS_SD}Extension-CareConnect-GPC-AllergyIntoleranceEnd-1`,
  prescribingAgency: `${NHS_SD}Extension-CareConnect-GPC-PrescribingAgency-1`,
  lastIssueDate: `${NHS_SD}Extension-CareConnect-GPC-MedicationStatementLastIssueDate-1`,
  prescriptionType: `${NHS_SD}Extension-CareConnect-GPC-PrescriptionType-1`,
  repeatInformation: `${NHS_SD}Extension-CareConnect-GPC-MedicationRepeatInformation-1`,
  /** MedicationRequest page: sub-extensions `statusChangeDate` and `statusReason` (profile names). */
  statusReason: `${NHS_SD}Extension-CareConnect-GPC-MedicationStatusReason-1`,
  quantityText: `${NHS_SD}Extension-CareConnect-GPC-MedicationQuantityText-1`,
  /** ProblemHeader (Condition) page: valueCode major|minor (not a CodeableConcept). */
  problemSignificance: `${HL7UK_SD}Extension-CareConnect-ProblemSignificance-1`,
  /** ProblemHeader (Condition) page / docs/decisions.md: the profile's fhir.nhs.uk URL, not the examples'
   * hl7.org.uk variant. */
  actualProblem: `${NHS_SD}Extension-CareConnect-GPC-ActualProblem-1`,
  relatedProblemHeader: `${HL7UK_SD}Extension-CareConnect-RelatedProblemHeader-1`,
  relatedClinicalContent: `${HL7UK_SD}Extension-CareConnect-RelatedClinicalContent-1`,
} as const;

export const CORE_SYSTEM = {
  snomed: 'http://snomed.info/sct',
  ucum: 'http://unitsofmeasure.org',
  nullFlavor: 'http://hl7.org/fhir/v3/NullFlavor',
  prescribingAgency: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-PrescribingAgency-1',
  prescriptionType: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-PrescriptionType-1',
  conditionCategory: 'https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-ConditionCategory-1',
  gpcParticipantType: 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-ParticipantType-1',
  v3ParticipationType: 'http://hl7.org/fhir/v3/ParticipationType',
  prescriptionOrderNumber: 'https://fhir.nhs.uk/Id/prescription-order-number',
  prescriptionOrderItemNumber: 'https://fhir.nhs.uk/Id/prescription-order-item-number',
  listOrder: 'http://hl7.org/fhir/list-order',
} as const;

/**
 * The supplier namespace of business identifiers (Bundle page: globally unique, persistent, scoped by a
 * supplier-specific system). One namespace per practice; a MedicationStatement, which shares its
 * plan's record id, has a namespace of its own so that the two identifiers never collide.
 */
export function itemIdentifierSystem(
  odsCode: string,
  kind: 'record-item' | 'medication-statement' | 'healthcare-service' = 'record-item',
): string {
  return `urn:gpconnect-structured:${odsCode}:${kind}`;
}
