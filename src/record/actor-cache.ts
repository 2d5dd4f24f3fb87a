/**
 * The actors a store read under its practice's version (FirstRound.actorsVersion, docs/decisions.md
 * D-PI4), so that a request whose first round saw the same version needs no read of its own: the
 * practitioners, organisations, locations, services and devices of a practice are shared by all its
 * patients and change only with the version.
 *
 * Kept only when the actor read itself saw the version the request's first round saw (Actors.
 * actorsVersion): a read replica behind the primary, or an import committed between the two reads,
 * cannot leave older actors under a newer version. An id asked for and not found is remembered as
 * absent, so a dangling reference costs no read either. Bounded: past `maxIds` ids it starts afresh.
 */
import { expandActors, namedOrganisations } from './expand-actors';
import type { ActorIds } from './item-refs';
import type { Device, HealthcareService, Location, Organisation, Practitioner } from './model/people';
import type { Actors } from './source';

const KINDS = ['practitioners', 'organisations', 'locations', 'healthcareServices', 'devices'] as const;
type Kind = (typeof KINDS)[number];

interface Known {
  readonly practitioners: Map<string, Practitioner>;
  readonly organisations: Map<string, Organisation>;
  readonly locations: Map<string, Location>;
  readonly healthcareServices: Map<string, HealthcareService>;
  readonly devices: Map<string, Device>;
}

function emptyKnown(): Known {
  return {
    practitioners: new Map(),
    organisations: new Map(),
    locations: new Map(),
    healthcareServices: new Map(),
    devices: new Map(),
  };
}

function emptyAbsent(): Record<Kind, Set<string>> {
  return {
    practitioners: new Set(),
    organisations: new Set(),
    locations: new Set(),
    healthcareServices: new Set(),
    devices: new Set(),
  };
}

export class ActorCache {
  private version: string | undefined;
  private found = emptyKnown();
  private absent = emptyAbsent();
  private ids = 0;

  constructor(private readonly maxIds = 100_000) {}

  private knows(kind: Kind, id: string): boolean {
    return this.found[kind].has(id) || this.absent[kind].has(id);
  }

  /** The actors for `ids` (as RecordSource.loadActors gives them) when every one is known under `version`. */
  lookup(version: string, ids: ActorIds): Actors | undefined {
    if (version !== this.version) return undefined;
    for (const kind of KINDS) for (const id of ids[kind]) if (!this.knows(kind, id)) return undefined;
    const actors = expandActors(ids, this.found);
    for (const id of namedOrganisations(actors)) if (!this.knows('organisations', id)) return undefined;
    return actors;
  }

  /** Takes in a read of `ids` made for a first round that saw `version`. */
  remember(version: string, ids: ActorIds, actors: Actors): void {
    // Read under another version than the round's (a replica behind, an import in between): not kept.
    if (actors.actorsVersion !== version) return;
    if (version !== this.version || this.ids > this.maxIds) this.startAfresh(version);
    const add = <T extends { readonly id: string }>(kind: Kind, map: Map<string, T>, list: readonly T[]) => {
      for (const actor of list) {
        if (!map.has(actor.id)) this.ids++;
        map.set(actor.id, actor);
        this.absent[kind].delete(actor.id);
      }
    };
    add('practitioners', this.found.practitioners, actors.practitioners);
    add('organisations', this.found.organisations, actors.organisations);
    add('locations', this.found.locations, actors.locations);
    add('healthcareServices', this.found.healthcareServices, actors.healthcareServices);
    add('devices', this.found.devices, actors.devices);
    const missing = (kind: Kind, wanted: Iterable<string>) => {
      for (const id of wanted) {
        if (this.knows(kind, id)) continue;
        this.absent[kind].add(id);
        this.ids++;
      }
    };
    for (const kind of KINDS) missing(kind, ids[kind]);
    missing('organisations', namedOrganisations(actors));
  }

  private startAfresh(version: string): void {
    this.version = version;
    this.found = emptyKnown();
    this.absent = emptyAbsent();
    this.ids = 0;
  }
}
