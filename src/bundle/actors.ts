/** The key actors of every Bundle (Retrieve a patient’s structured record — Payload response body): Patient,
 * practice, usual GP and their role. */
import type {
  Address,
  ContactPoint as FhirContactPoint,
  HumanName,
  Location as FhirLocation,
  Organization,
  Patient as FhirPatient,
  Practitioner as FhirPractitioner,
  PractitionerRole,
  Reference,
} from 'fhir/r3';

import { EXTENSION, PROFILE, SYSTEM } from '../fhir/profiles';
import {
  type ContactPoint,
  type Location,
  NHS_NUMBER_STATUS_DISPLAY,
  type Organisation,
  type Patient,
  type PersonName,
  type PostalAddress,
  type Practitioner,
  REGISTRATION_TYPE_DISPLAY,
} from '../record/model/people';

export const ref = (type: string, id: string): Reference => ({ reference: `${type}/${id}` });

function humanName(name: PersonName): HumanName {
  return {
    use: 'official',
    family: name.family,
    given: [...name.given],
    ...(name.prefix && name.prefix.length > 0 && { prefix: [...name.prefix] }),
  };
}

function address(a: PostalAddress): Address {
  return {
    use: 'work',
    type: 'physical',
    line: [...a.lines],
    ...(a.city && { city: a.city }),
    ...(a.district && { district: a.district }),
    ...(a.postcode && { postalCode: a.postcode }),
  };
}

function telecom(points: readonly ContactPoint[] | undefined): { telecom?: FhirContactPoint[] } {
  return points && points.length > 0
    ? { telecom: points.map((p) => ({ system: p.system, value: p.value, ...(p.use && { use: p.use }) })) }
    : {};
}

export function patientResource(patient: Patient, practiceId: string): FhirPatient {
  const registration = patient.registration;
  return {
    resourceType: 'Patient',
    id: patient.id,
    meta: { versionId: patient.version, profile: [PROFILE.patient] },
    extension: [
      {
        url: EXTENSION.registrationDetails,
        extension: [
          {
            url: 'registrationPeriod',
            valuePeriod: {
              start: registration.startDate,
              ...(registration.endDate && { end: registration.endDate }),
            },
          },
          {
            url: 'registrationType',
            valueCodeableConcept: {
              coding: [
                {
                  system: SYSTEM.registrationType,
                  code: registration.type,
                  display: REGISTRATION_TYPE_DISPLAY[registration.type],
                },
              ],
            },
          },
        ],
      },
    ],
    identifier: [
      {
        extension: [
          {
            url: EXTENSION.nhsNumberVerificationStatus,
            valueCodeableConcept: {
              coding: [
                {
                  system: SYSTEM.nhsNumberVerificationStatus,
                  code: patient.nhsNumberStatus,
                  display: NHS_NUMBER_STATUS_DISPLAY[patient.nhsNumberStatus],
                },
              ],
            },
          },
        ],
        system: SYSTEM.nhsNumber,
        value: patient.nhsNumber,
      },
    ],
    active: patient.registration.status === 'active',
    name: [humanName(patient.name)],
    ...telecom(patient.telecom),
    gender: patient.gender,
    birthDate: patient.birthDate,
    ...(patient.address && { address: [{ ...address(patient.address), use: 'home' }] }),
    // One reference (CareConnect-GPC-Patient-1 has 0..1): the usual GP, else the registered practice,
    // which managingOrganization names in any case (D-33).
    generalPractitioner: [
      patient.usualGpId ? ref('Practitioner', patient.usualGpId) : ref('Organization', practiceId),
    ],
    managingOrganization: ref('Organization', practiceId),
  };
}

export function organizationResource(org: Organisation): Organization {
  return {
    resourceType: 'Organization',
    id: org.id,
    meta: { versionId: org.version, profile: [PROFILE.organization] },
    identifier: [{ system: SYSTEM.odsOrganizationCode, value: org.odsCode }],
    name: org.name,
    ...telecom(org.telecom),
    ...(org.address && { address: [address(org.address)] }),
  };
}

export function practitionerResource(practitioner: Practitioner): FhirPractitioner {
  return {
    resourceType: 'Practitioner',
    id: practitioner.id,
    meta: { versionId: practitioner.version, profile: [PROFILE.practitioner] },
    ...(practitioner.sdsUserId && {
      identifier: [{ system: SYSTEM.sdsUserId, value: practitioner.sdsUserId }],
    }),
    name: [humanName(practitioner.name)],
    ...(practitioner.gender && { gender: practitioner.gender }),
  };
}

/**
 * The practitioner's one role, or none: GP Connect's known issue means at most one PractitionerRole
 * per Practitioner, and none when several are in play (Retrieve a patient’s structured record — Payload
 * response body).
 */
export function practitionerRoleResource(practitioner: Practitioner): PractitionerRole | undefined {
  if (practitioner.roles.length !== 1) return undefined;
  const role = practitioner.roles[0];
  return {
    resourceType: 'PractitionerRole',
    id: role.id,
    meta: { profile: [PROFILE.practitionerRole] },
    practitioner: ref('Practitioner', practitioner.id),
    organization: ref('Organization', role.organisationId),
    code: [
      { coding: [{ system: SYSTEM.sdsJobRoleName, code: role.jobRole.code, display: role.jobRole.display }] },
    ],
  };
}

/**
 * A site (CareConnect-GPC-Location-1, Retrieve a patient’s structured record — Payload response body):
 * versioned like the other administrative actors. The managing organisation is written only when the caller
 * can include it (`hasOrganisation`), so the reference never dangles.
 */
export function locationResource(
  location: Location,
  hasOrganisation: (id: string) => boolean = () => true,
): FhirLocation {
  const managing = location.managingOrganisationId;
  return {
    resourceType: 'Location',
    id: location.id,
    meta: { versionId: location.version, profile: [PROFILE.location] },
    ...(location.odsSiteCode && {
      identifier: [{ system: SYSTEM.odsSiteCode, value: location.odsSiteCode }],
    }),
    name: location.name,
    ...(location.address && { address: address(location.address) }),
    ...(managing !== undefined &&
      hasOrganisation(managing) && { managingOrganization: ref('Organization', managing) }),
  };
}
