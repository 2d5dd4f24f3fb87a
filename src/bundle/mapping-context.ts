/**
 * The contract between the bundle engine and the per-area mappers. A mapper turns one domain item
 * into its GP Connect resource(s) and asks the context for every reference it writes, so that the
 * engine knows which actors to include and can replace links into disabled areas (Retrieve a patient’s
 * structured record — Payload response body; Configuration for supported clinical areas). Mappers are pure
 * apart from those calls.
 */
import type { Identifier, Reference } from 'fhir/r3';

import { ITEM_KINDS } from '../contract/item-kinds';
import type { ActorRef, ItemKind, ItemRef } from '../record/model';

/** The FHIR resource type each kind of linked item becomes (from the item-kind table). */
export const ITEM_TARGET = Object.fromEntries(
  Object.entries(ITEM_KINDS).map(([kind, row]) => [kind, row.target]),
) as {
  readonly [K in ItemKind]: (typeof ITEM_KINDS)[K]['target'];
};

export interface MappingContext {
  /** `Patient/<id>`: every subject and patient reference. */
  readonly patient: Reference;
  readonly practiceId: string;
  /** The supplier-scoped business identifier of an item (Bundle page: persistent, global). */
  identifier(id: string, guid?: string, namespace?: 'record-item' | 'medication-statement'): Identifier;
  /** A reference to an administrative actor; the engine includes that actor in the Bundle. */
  actor(ref: ActorRef): Reference;
  practitioner(id: string): Reference;
  organisation(id: string): Reference;
  location(id: string): Reference;
  /**
   * A reference to a clinical item. When the item's area is switched off the engine returns the
   * display-only placeholder of Configuration for supported clinical areas instead; when the item is in no
   * area of this Bundle (out of scope), a display-only reference saying so, so that no reference dangles. A
   * resolved allergy is referenced inside the "Ended allergies" List (`List/<id>#<allergy id>`, see
   * build-bundle.ts).
   */
  item(ref: ItemRef): Reference;
  /**
   * A reference to a clinical item only when that item is in this Bundle (for optional links such as
   * `priorPrescription` or supporting information); undefined otherwise, so no reference dangles.
   * Optional so that existing test contexts stay valid; a context without it means "not present".
   */
  itemIfPresent?(ref: ItemRef): Reference | undefined;
  /** `Encounter/<id>` when that consultation's Encounter is in this Bundle; otherwise undefined (leave context out). */
  encounter(consultationId: string | undefined): Reference | undefined;
}
