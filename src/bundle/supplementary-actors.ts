/**
 * Supplementary actors that only some clinical items reach (Retrieve a patient’s structured record — Payload
 * response body): the HealthcareService a referral is sent to, and the Device (the GP system) that requested
 * a system-generated diary entry. Like the other actors they carry meta.versionId.
 */
import type { Device as FhirDevice, HealthcareService as FhirHealthcareService } from 'fhir/r3';
import type { Device, HealthcareService } from '../record/people';
import { ref } from './actors';
import { AREA_PROFILE } from './areas/urls';

export function healthcareServiceResource(hs: HealthcareService): FhirHealthcareService {
  return {
    resourceType: 'HealthcareService',
    id: hs.id,
    meta: { versionId: hs.version, profile: [AREA_PROFILE.healthcareService] },
    ...(hs.providedByOrganisationId !== undefined && { providedBy: ref('Organization', hs.providedByOrganisationId) }),
    name: hs.name,
  };
}

export function deviceResource(d: Device): FhirDevice {
  return {
    resourceType: 'Device',
    id: d.id,
    meta: { versionId: d.version, profile: [AREA_PROFILE.device] },
    type: { text: d.name },
    ...(d.manufacturer && { manufacturer: d.manufacturer }),
    ...(d.softwareVersion && { version: d.softwareVersion }),
  };
}
