/**
 * Pass 3c: the supplementary actors every resource referenced, and what those actors reference in
 * turn (a role's or site's organisation, a service's provider). At most one PractitionerRole per
 * Practitioner, and only when its organisation can be included too.
 */
import type { FhirResource } from 'fhir/r3';

import type { Organisation, Practitioner } from '../../record/model/people';
import { locationResource } from '../actors';
import { deviceResource, healthcareServiceResource } from '../supplementary-actors';
import { organizationResourceOf, practitionerResourceOf, practitionerRoleResourceOf } from './emit-resources';
import type { BundleState } from './state';

const ACTOR_ORDER = [
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'HealthcareService',
  'Location',
  'Device',
] as const;

export function emitActors(state: BundleState): void {
  const { record: r, used } = state;
  const orgs = new Map<string, Organisation>([
    [r.practice.id, r.practice],
    ...r.organisations.map((o): [string, Organisation] => [o.id, o]),
  ]);
  const practitioners = new Map<string, Practitioner>(r.practitioners.map((p) => [p.id, p]));
  const collected: Record<(typeof ACTOR_ORDER)[number], FhirResource[]> = {
    Organization: [],
    Practitioner: [],
    PractitionerRole: [],
    HealthcareService: [],
    Location: [],
    Device: [],
  };
  for (const id of used.practitioners) {
    const p = practitioners.get(id);
    if (!p) continue;
    collected.Practitioner.push(practitionerResourceOf(state, p));
    const role = practitionerRoleResourceOf(state, p);
    if (role && orgs.has(p.roles[0].organisationId)) {
      collected.PractitionerRole.push(role);
      used.organisations.add(p.roles[0].organisationId);
    }
  }
  const hasOrg = (orgId: string) => orgs.has(orgId);
  for (const id of used.locations) {
    const location = r.locations.find((l) => l.id === id);
    if (!location) continue;
    collected.Location.push(locationResource(location, hasOrg));
    const managing = location.managingOrganisationId;
    if (managing !== undefined && hasOrg(managing)) used.organisations.add(managing);
  }
  for (const id of used.healthcareServices) {
    const hs = (r.healthcareServices ?? []).find((h) => h.id === id);
    if (!hs) continue;
    collected.HealthcareService.push(healthcareServiceResource(hs, r.practice.odsCode));
    if (hs.providedByOrganisationId !== undefined) used.organisations.add(hs.providedByOrganisationId);
  }
  for (const id of used.devices) {
    const device = (r.devices ?? []).find((d) => d.id === id);
    if (device) collected.Device.push(deviceResource(device));
  }
  for (const id of used.organisations) {
    const org = orgs.get(id);
    if (org) collected.Organization.push(organizationResourceOf(state, org));
  }
  for (const type of ACTOR_ORDER) for (const resource of collected[type]) state.out.add('actors', resource);
}
