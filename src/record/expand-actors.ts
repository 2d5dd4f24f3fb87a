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
  const practitioners = pick(lookup.practitioners, ids.practitioners);
  const locations = pick(lookup.locations, ids.locations);
  const healthcareServices = pick(lookup.healthcareServices, ids.healthcareServices);
  // Requested organisations first, then those the actors name, each once, in that order.
  const organisationIds = new Set(ids.organisations);
  for (const id of namedOrganisations({ practitioners, locations, healthcareServices })) {
    organisationIds.add(id);
  }
  return {
    practitioners,
    organisations: pick(lookup.organisations, organisationIds),
    locations,
    healthcareServices,
    devices: pick(lookup.devices, ids.devices),
  };
}

/** The organisations these actors name (a role's, a location's manager, a service's provider), in order. */
export function namedOrganisations(
  actors: Pick<Actors, 'practitioners' | 'locations' | 'healthcareServices'>,
): string[] {
  const ids: string[] = [];
  for (const p of actors.practitioners) for (const r of p.roles) ids.push(r.organisationId);
  for (const l of actors.locations)
    if (l.managingOrganisationId !== undefined) ids.push(l.managingOrganisationId);
  for (const s of actors.healthcareServices) {
    if (s.providedByOrganisationId !== undefined) ids.push(s.providedByOrganisationId);
  }
  return ids;
}

/** The actors found, in the order of the ids asked for; unknown ids are left out. */
function pick<T>(map: ReadonlyMap<string, T>, wanted: Iterable<string>): T[] {
  const found: T[] = [];
  for (const id of wanted) {
    const actor = map.get(id);
    if (actor !== undefined) found.push(actor);
  }
  return found;
}
