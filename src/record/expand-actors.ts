/** Which actors a request needs, done once for every store (Retrieve a patient’s structured record — Payload
 * response body). */
import type { ActorIds } from './item-refs';
import type { Device, HealthcareService, Location, Organisation, Practitioner } from './model/people';
import type { Actors } from './source';

export interface ActorLookup {
  readonly practitioners: ReadonlyMap<string, Practitioner>;
  readonly organisations: ReadonlyMap<string, Organisation>;
  readonly locations: ReadonlyMap<string, Location>;
  readonly healthcareServices: ReadonlyMap<string, HealthcareService>;
  readonly devices: ReadonlyMap<string, Device>;
}

/** The requested actors plus the organisations they name (Retrieve a patient’s structured record — Payload
 * response body), in a fixed order. */
export function expandActors(ids: ActorIds, lookup: ActorLookup): Actors {
  const pick = <T>(map: ReadonlyMap<string, T>, wanted: readonly string[]): T[] =>
    wanted.flatMap((id) => {
      const found = map.get(id);
      return found === undefined ? [] : [found];
    });
  const practitioners = pick(lookup.practitioners, ids.practitioners);
  const locations = pick(lookup.locations, ids.locations);
  const healthcareServices = pick(lookup.healthcareServices, ids.healthcareServices);
  const organisationIds = new Set([
    ...ids.organisations,
    ...practitioners.flatMap((p) => p.roles.map((r) => r.organisationId)),
    ...locations.flatMap((l) => (l.managingOrganisationId === undefined ? [] : [l.managingOrganisationId])),
    ...healthcareServices.flatMap((s) =>
      s.providedByOrganisationId === undefined ? [] : [s.providedByOrganisationId],
    ),
  ]);
  return {
    practitioners,
    organisations: pick(lookup.organisations, [...organisationIds]),
    locations,
    healthcareServices,
    devices: pick(lookup.devices, ids.devices),
  };
}
