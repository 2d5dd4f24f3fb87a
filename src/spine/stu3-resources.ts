/**
 * Just enough of FHIR STU3 (3.0.1) to judge the resources a GP Connect JWT carries: every resource
 * type name, and the elements of the three claim resources (base STU3, not the GP Connect profiles).
 */
export const STU3_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'Account', 'ActivityDefinition', 'AdverseEvent', 'AllergyIntolerance', 'Appointment', 'AppointmentResponse',
  'AuditEvent', 'Basic', 'Binary', 'BodySite', 'Bundle', 'CapabilityStatement', 'CarePlan', 'CareTeam',
  'ChargeItem', 'Claim', 'ClaimResponse', 'ClinicalImpression', 'CodeSystem', 'Communication',
  'CommunicationRequest', 'CompartmentDefinition', 'Composition', 'ConceptMap', 'Condition', 'Consent',
  'Contract', 'Coverage', 'DataElement', 'DetectedIssue', 'Device', 'DeviceComponent', 'DeviceMetric',
  'DeviceRequest', 'DeviceUseStatement', 'DiagnosticReport', 'DocumentManifest', 'DocumentReference',
  'EligibilityRequest', 'EligibilityResponse', 'Encounter', 'Endpoint', 'EnrollmentRequest',
  'EnrollmentResponse', 'EpisodeOfCare', 'ExpansionProfile', 'ExplanationOfBenefit', 'FamilyMemberHistory',
  'Flag', 'Goal', 'GraphDefinition', 'Group', 'GuidanceResponse', 'HealthcareService', 'ImagingManifest',
  'ImagingStudy', 'Immunization', 'ImmunizationRecommendation', 'ImplementationGuide', 'Library', 'Linkage',
  'List', 'Location', 'Measure', 'MeasureReport', 'Media', 'Medication', 'MedicationAdministration',
  'MedicationDispense', 'MedicationRequest', 'MedicationStatement', 'MessageDefinition', 'MessageHeader',
  'NamingSystem', 'NutritionOrder', 'Observation', 'OperationDefinition', 'OperationOutcome', 'Organization',
  'Parameters', 'Patient', 'PaymentNotice', 'PaymentReconciliation', 'Person', 'PlanDefinition',
  'Practitioner', 'PractitionerRole', 'Procedure', 'ProcedureRequest', 'ProcessRequest', 'ProcessResponse',
  'Provenance', 'Questionnaire', 'QuestionnaireResponse', 'ReferralRequest', 'RelatedPerson', 'RequestGroup',
  'ResearchStudy', 'ResearchSubject', 'RiskAssessment', 'Schedule', 'SearchParameter', 'Sequence',
  'ServiceDefinition', 'Slot', 'Specimen', 'StructureDefinition', 'StructureMap', 'Subscription', 'Substance',
  'SupplyDelivery', 'SupplyRequest', 'Task', 'TestReport', 'TestScript', 'ValueSet', 'VisionPrescription',
]);

const DOMAIN_RESOURCE = [
  'resourceType', 'id', 'meta', 'implicitRules', 'language', 'text', 'contained', 'extension', 'modifierExtension',
];

/** Elements (with any `_element` primitive-extension twins) defined by base STU3 for each claim resource. */
export const STU3_ELEMENTS: Readonly<Record<'Device' | 'Organization' | 'Practitioner', ReadonlySet<string>>> = {
  Device: withPrimitiveTwins([
    ...DOMAIN_RESOURCE, 'identifier', 'udi', 'status', 'type', 'lotNumber', 'manufacturer', 'manufactureDate',
    'expirationDate', 'model', 'version', 'patient', 'owner', 'contact', 'location', 'url', 'note', 'safety',
  ]),
  Organization: withPrimitiveTwins([
    ...DOMAIN_RESOURCE, 'identifier', 'active', 'type', 'name', 'alias', 'telecom', 'address', 'partOf', 'contact',
    'endpoint',
  ]),
  Practitioner: withPrimitiveTwins([
    ...DOMAIN_RESOURCE, 'identifier', 'active', 'name', 'telecom', 'address', 'gender', 'birthDate', 'photo',
    'qualification', 'communication',
  ]),
};

function withPrimitiveTwins(names: string[]): ReadonlySet<string> {
  return new Set(names.flatMap((n) => [n, `_${n}`]));
}
