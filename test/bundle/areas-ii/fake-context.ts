/**
 * A small MappingContext for the area mapper tests: plain relative references, a fixed identifier
 * system, a chosen set of consultations whose Encounters are "in the Bundle", and display-only
 * placeholders for links into areas the test switches off. It records every call so tests can assert
 * that the mappers asked the context for each reference they wrote.
 */
import type { Identifier, Reference } from 'fhir/r3';

import { ITEM_TARGET, type MappingContext } from '../../../src/bundle/mapping-context';
import type { ActorKind, ActorRef, ItemKind, ItemRef } from '../../../src/record/model';

export const PATIENT_ID = 'pat-1';
export const PRACTICE_ID = 'org-practice';
export const IDENTIFIER_SYSTEM = 'https://fhir.nhs.uk/Id/cross-care-setting-identifier';

const ACTOR_TYPE: Readonly<Record<ActorKind, string>> = {
  practitioner: 'Practitioner',
  organisation: 'Organization',
  healthcareService: 'HealthcareService',
  device: 'Device',
};

/** The Configuration for supported clinical areas placeholder text of a switched-off area, keyed by the
 * linked item's kind. */
const DISABLED_TEXT: Partial<Record<ItemKind, string>> = {
  referral: 'Referral items have been disabled',
  document: 'Document items have been disabled',
  investigation: 'Investigation items have been disabled',
  observation: 'Uncategorised data items have been disabled',
  immunisation: 'Immunisation items have been disabled',
};

export interface FakeContextOptions {
  /** Consultations whose Encounter is in the Bundle. */
  readonly encounters?: readonly string[];
  /** Areas switched off: links to their items become display-only placeholders. */
  readonly disabled?: readonly ItemKind[];
  /** Resolved allergies, referenced inside the "Ended allergies" List as `List/<id>#<allergy id>` (Allergies
   * guidance — ended allergies). */
  readonly endedAllergies?: readonly string[];
}

export const ENDED_ALLERGIES_LIST_ID = 'ended-allergies';

export interface FakeContext extends MappingContext {
  readonly actors: ActorRef[];
  readonly items: ItemRef[];
  readonly identifiers: string[];
}

export function fakeContext(options: FakeContextOptions = {}): FakeContext {
  const encounters = new Set(options.encounters ?? []);
  const disabled = new Set(options.disabled ?? []);
  const ended = new Set(options.endedAllergies ?? []);
  const actors: ActorRef[] = [];
  const items: ItemRef[] = [];
  const identifiers: string[] = [];
  const actor = (a: ActorRef): Reference => {
    actors.push(a);
    return { reference: `${ACTOR_TYPE[a.kind]}/${a.id}` };
  };
  return {
    patient: { reference: `Patient/${PATIENT_ID}` },
    practiceId: PRACTICE_ID,
    actors,
    items,
    identifiers,
    identifier(id: string, guid?: string): Identifier {
      identifiers.push(id);
      return { system: IDENTIFIER_SYSTEM, value: guid ?? id };
    },
    actor,
    practitioner: (id) => actor({ kind: 'practitioner', id }),
    organisation: (id) => actor({ kind: 'organisation', id }),
    location: (id) => ({ reference: `Location/${id}` }),
    item(ref: ItemRef): Reference {
      items.push(ref);
      if (disabled.has(ref.kind))
        return { display: DISABLED_TEXT[ref.kind] ?? `${ref.kind} items have been disabled` };
      if (ref.kind === 'allergy' && ended.has(ref.id))
        return { reference: `List/${ENDED_ALLERGIES_LIST_ID}#${ref.id}` };
      return { reference: `${ITEM_TARGET[ref.kind]}/${ref.id}` };
    },
    encounter: (consultationId) =>
      consultationId !== undefined && encounters.has(consultationId)
        ? { reference: `Encounter/${consultationId}` }
        : undefined,
  };
}
