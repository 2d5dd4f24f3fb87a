/**
 * Reference resolution: what a link to an item becomes in this Bundle ("Retrieve a patient's
 * structured record — Linkages" and "Practice switches"), and the MappingContext the per-area mappers
 * call for every reference they write.
 *
 * - A resolved allergy is only ever `contained` in the "Ended allergies" List: a reference from
 *   outside that List is `List/<patient id>-ended-allergies#<allergy id>`, and the List then gets that id.
 * - Encounter references are written only when that consultation's Encounter is in the Bundle.
 * - Links into switched-off areas become `{ display: "<Area> items have been disabled" }` and warn
 *   once per area; links into nothing (withheld, out of scope) are left out.
 */
import type { Reference } from 'fhir/r3';

import { SWITCHED_BY } from '../../contract/areas';
import { ITEM_KINDS, type LinkedItemKind } from '../../contract/item-kinds';
import type { ActorRef, ItemRef } from '../../record/model';
import { ref } from '../actors';
import { itemIdentifierSystem } from '../core-urls';
import { DISABLED_ITEMS_TEXT, DOCUMENTS_DISABLED_TEXT, ITEM_NOT_INCLUDED_TEXT } from '../list-definitions';
import { ITEM_TARGET, type MappingContext } from '../mapping-context';
import { RefList } from './grouped-resources';
import { isCompleted, type ItemIndex } from './item-index';
import type { BundleState } from './state';

export interface RefOptions {
  /** Write disabled-area placeholders and bring in linked issues (returned consultations, primary problems, mappers). */
  readonly expand: boolean;
  /** The link comes from a consultation structure (completed diary entries become text notes there). */
  readonly inConsultation: boolean;
}

/**
 * The reference a link becomes, or undefined when the item is not in this Bundle and its area is
 * not switched off (withheld by the store, or out of scope).
 */
export function refFor(state: BundleState, link: ItemRef, options: RefOptions): Reference | undefined {
  const { id } = link;
  const { index: ix, links, query } = state;
  switch (link.kind) {
    case 'allergy': {
      const allergy = ix.allergies.get(id);
      if (!allergy) break;
      if (allergy.ended) {
        links.endedListReferenced = true;
        return { reference: `List/${state.endedListId}#${id}` };
      }
      return ref('AllergyIntolerance', id);
    }
    case 'medicationIssue':
      if (!ix.issues.has(id)) break;
      if (!options.expand && !links.issuesToEmit.has(id)) return undefined;
      links.issuesToEmit.add(id);
      return ref('MedicationRequest', id);
    case 'diaryEntry': {
      const entry = ix.diaryEntries.get(id);
      if (!entry) break;
      if (!isCompleted(entry)) return ref('ProcedureRequest', id);
      // Out of the diary's scope: only inside a consultation, as a text-only note.
      if (!options.inConsultation || (!options.expand && !links.diaryAsNote.has(id))) return undefined;
      links.diaryAsNote.add(id);
      return ref('Observation', id);
    }
    case 'document':
      if (!ix.documents.has(id)) break;
      if (!query.documentsDisabled) return ref('DocumentReference', id);
      if (!options.expand) return undefined;
      links.documentsReached = true;
      return { display: DOCUMENTS_DISABLED_TEXT };
    default:
      if (ix.byKind[link.kind].has(id)) return ref(ITEM_TARGET[link.kind], id);
  }
  const area = SWITCHED_BY[ITEM_KINDS[link.kind].recordArea];
  if (options.expand && area !== undefined && query.disabledAreas.has(area)) {
    links.disabledReached.add(area);
    return { display: DISABLED_ITEMS_TEXT[area] };
  }
  return undefined;
}

/** The secondary list a (real, in-Bundle) link is filed under; undefined for text-only notes. */
export function secondaryKind(index: ItemIndex, link: ItemRef): LinkedItemKind | undefined {
  if (link.kind === 'allergy') return index.allergies.get(link.id)?.ended ? 'endedAllergies' : 'allergies';
  if (link.kind === 'diaryEntry') {
    const entry = index.diaryEntries.get(link.id);
    if (entry && isCompleted(entry)) return undefined;
  }
  return ITEM_KINDS[link.kind].linkedAs;
}

/** The consultation an item was recorded in, when the Bundle knows the item. */
export function consultationOf(index: ItemIndex, link: ItemRef): string | undefined {
  if (link.kind === 'consultation') return undefined;
  if (link.kind === 'medicationIssue') return index.issues.get(link.id)?.issue.consultationId;
  return index.byKind[link.kind].get(link.id)?.consultationId;
}

/** Files a resolved reference under its secondary list (text-only references are never filed). */
export function fileRef(
  lists: Map<LinkedItemKind, RefList>,
  kind: LinkedItemKind | undefined,
  r: Reference,
): void {
  if (kind === undefined || r.reference === undefined) return;
  let list = lists.get(kind);
  if (!list) lists.set(kind, (list = new RefList()));
  list.add(r);
}

/** A practice's item identifiers: a pure function of its arguments and the ODS code. */
function identifierOf(odsCode: string): MappingContext['identifier'] {
  const systems = {
    'record-item': itemIdentifierSystem(odsCode, 'record-item'),
    'medication-statement': itemIdentifierSystem(odsCode, 'medication-statement'),
  };
  return (id, guid, namespace = 'record-item') => ({ system: systems[namespace], value: guid ?? id });
}

/** The context every mapper writes its references through, for this request. */
export function mappingContext(state: BundleState): MappingContext {
  const { record, used, index } = state;
  // With a memo (the memory store), a reference to an actor or the patient is the practice's one
  // frozen object for it, so that replaying a remembered mapping's calls compares by identity
  // (resource-memo.ts Interned). Only these: a practice has few of them, where interning every
  // item's references (tables of 100,000s of ids) cost more than the comparisons it saved.
  const interned = state.context.memo?.interned(record.practice);
  const actorRef = interned ? (type: string, id: string) => interned.reference(type, id) : ref;
  const practitioner = (id: string): Reference => {
    used.practitioners.add(id);
    return actorRef('Practitioner', id);
  };
  const organisation = (id: string): Reference => {
    used.organisations.add(id);
    return actorRef('Organization', id);
  };
  const { odsCode } = record.practice;
  return {
    patient: actorRef('Patient', record.patient.id),
    practiceId: record.practice.id,
    // With a memo, the practice's one function (a replay then passes over its calls: resource-memo.ts).
    identifier: interned ? interned.identifier(odsCode, () => identifierOf(odsCode)) : identifierOf(odsCode),
    actor: (actor: ActorRef): Reference => {
      switch (actor.kind) {
        case 'practitioner':
          return practitioner(actor.id);
        case 'organisation':
          return organisation(actor.id);
        case 'healthcareService':
          used.healthcareServices.add(actor.id);
          return actorRef('HealthcareService', actor.id);
        case 'device':
          used.devices.add(actor.id);
          return actorRef('Device', actor.id);
      }
    },
    practitioner,
    organisation,
    location: (id) => {
      used.locations.add(id);
      return actorRef('Location', id);
    },
    item: (link) =>
      refFor(state, link, { expand: true, inConsultation: false }) ?? { display: ITEM_NOT_INCLUDED_TEXT },
    itemIfPresent: (link) => {
      const r = refFor(state, link, { expand: false, inConsultation: false });
      return r?.reference !== undefined ? r : undefined;
    },
    encounter: (consultationId) =>
      consultationId !== undefined && index.consultations.has(consultationId)
        ? ref('Encounter', consultationId)
        : undefined,
  };
}
