/**
 * Supplementary actors that only some clinical items reach (Retrieve a patient’s structured record — Payload
 * response body): the HealthcareService a referral is sent to, and the Device (the GP system) that requested
 * a system-generated diary entry. Like the other actors they carry meta.versionId.
 */
import type { Device as FhirDevice, HealthcareService as FhirHealthcareService } from 'fhir/r3';

import type { Device, HealthcareService } from '../record/model/people';
import { ref } from './actors';
import { AREA_PROFILE, AREA_SYSTEM } from './areas/urls';
import { itemIdentifierSystem } from './core-urls';

/**
 * CareConnect-HealthcareService-1 requires one identifier: the service's directory identifier when the
 * record holds one (e.g. its e-RS service id), else the GP system's own id for it (D-33).
 */
export function healthcareServiceResource(hs: HealthcareService, odsCode: string): FhirHealthcareService {
  return {
    resourceType: 'HealthcareService',
    id: hs.id,
    meta: { versionId: hs.version, profile: [AREA_PROFILE.healthcareService] },
    identifier: [
      hs.identifier ?? { system: itemIdentifierSystem(odsCode, 'healthcare-service'), value: hs.id },
    ],
    ...(hs.providedByOrganisationId !== undefined && {
      providedBy: ref('Organization', hs.providedByOrganisationId),
    }),
    name: hs.name,
  };
}

/** SNOMED CT 706689003 |Application program software (physical object)|: what a GP clinical system is. */
const APPLICATION_SOFTWARE = { code: '706689003', display: 'Application program software' } as const;

export function deviceResource(d: Device): FhirDevice {
  return {
    resourceType: 'Device',
    id: d.id,
    meta: { versionId: d.version, profile: [AREA_PROFILE.device] },
    // GPConnect-Device-1: type is one SNOMED CT coding and no text (D-33); the device's own name is its model.
    type: {
      coding: [
        {
          system: AREA_SYSTEM.snomed,
          code: d.typeCode ?? APPLICATION_SOFTWARE.code,
          display: d.typeDisplay ?? APPLICATION_SOFTWARE.display,
        },
      ],
    },
    model: d.name,
    ...(d.manufacturer && { manufacturer: d.manufacturer }),
    ...(d.softwareVersion && { version: d.softwareVersion }),
  };
}
