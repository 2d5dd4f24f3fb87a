/** Profile and extension URLs used across the service (one place, so a typo cannot hide in one module). */
const NHS_SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';

export const PROFILE = {
  bundle: `${NHS_SD}GPConnect-StructuredRecord-Bundle-1`,
  operationOutcome: `${NHS_SD}GPConnect-OperationOutcome-1`,
  patient: `${NHS_SD}CareConnect-GPC-Patient-1`,
  organization: `${NHS_SD}CareConnect-GPC-Organization-1`,
  practitioner: `${NHS_SD}CareConnect-GPC-Practitioner-1`,
  practitionerRole: `${NHS_SD}CareConnect-GPC-PractitionerRole-1`,
  location: `${NHS_SD}CareConnect-GPC-Location-1`,
  list: `${NHS_SD}CareConnect-GPC-List-1`,
} as const;

export const SYSTEM = {
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  odsOrganizationCode: 'https://fhir.nhs.uk/Id/ods-organization-code',
  odsSiteCode: 'https://fhir.nhs.uk/Id/ods-site-code',
  sdsUserId: 'https://fhir.nhs.uk/Id/sds-user-id',
  sdsRoleProfileId: 'https://fhir.nhs.uk/Id/sds-role-profile-id',
  snomed: 'http://snomed.info/sct',
  nhsNumberVerificationStatus:
    'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1',
  registrationType: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-RegistrationType-1',
  registrationStatus: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-RegistrationStatus-1',
  sdsJobRoleName: 'https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-SDSJobRoleName-1',
} as const;

export const EXTENSION = {
  nhsNumberVerificationStatus: `${NHS_SD}Extension-CareConnect-GPC-NHSNumberVerificationStatus-1`,
  registrationDetails: `${NHS_SD}Extension-CareConnect-GPC-RegistrationDetails-1`,
} as const;

export const OPERATION_DEFINITION_URL =
  'https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1/_history/1.16';
