/**
 * Pass 3b: the query Lists ("Retrieve a patient's structured record — List resources"): one primary
 * List per requested area (from the area registry), the consultations-* and problems-* secondary
 * Lists, the one linked-problems List and "Ended allergies". A List that lost an item to
 * confidentiality carries the confidential-items warning, even when empty.
 */
import type { List, Reference, Resource } from 'fhir/r3';

import { AREAS, CLINICAL_AREAS } from '../../contract/areas';
import { AREA_KIND, ITEM_KINDS, LINKED_LISTS, type LinkedItemKind } from '../../contract/item-kinds';
import type { ListDefinition } from '../../contract/list-definition';
import type { ClinicalArea } from '../../contract/structured-query';
import type { WithheldLink } from '../../record/model/loaded-record';
import { ref } from '../actors';
import { LINKED_PROBLEMS_LIST, type ListWarning, PRIMARY_LISTS } from '../list-definitions';
import { queryList, type QueryListParts, queryListWriter } from '../query-list';
import type { RefList } from './grouped-resources';
import { isCompleted } from './item-index';
import { WrittenResource } from './resource-memo';
import type { BundleState } from './state';

/** A primary List's entries and whether it lost an item to confidentiality. */
interface PrimaryContent {
  readonly entries: readonly Reference[];
  readonly confidential: boolean;
}

/** References to those of `ids` whose resource is in the Bundle. */
function present(state: BundleState, type: string, ids: readonly string[]): Reference[] {
  return ids.filter((id) => state.out.has(type, id)).map((id) => ref(type, id));
}

const ids = <T extends { readonly id: string }>(items: readonly T[]) => items.map((i) => i.id);

/**
 * Areas whose primary List is not simply "each item as the resource its kind becomes". Any other
 * area's List holds its items as ITEM_KINDS[its kind].target.
 */
const SPECIAL_ENTRIES: Partial<Record<ClinicalArea, (state: BundleState) => PrimaryContent>> = {
  allergies: (state) => {
    const result = state.record.allergies?.active ?? { items: [], withheldConfidential: false };
    const active = result.items.filter((a) => !a.ended);
    return {
      entries: present(state, 'AllergyIntolerance', ids(active)),
      confidential: result.withheldConfidential,
    };
  },
  medication: (state) => {
    const result = state.record.medication ?? { items: [], withheldConfidential: false };
    return {
      entries: present(state, 'MedicationStatement', ids(result.items)),
      confidential: result.withheldConfidential,
    };
  },
  immunisations: (state) => {
    const result = state.record.immunisations ?? { items: [], withheldConfidential: false, statuses: [] };
    const entries = [
      ...present(state, 'Immunization', ids(result.items)),
      ...present(state, 'Observation', ids(result.statuses)),
    ];
    return { entries, confidential: result.withheldConfidential };
  },
  diaryEntries: (state) => {
    const result = state.record.diaryEntries ?? { items: [], withheldConfidential: false };
    const active = result.items.filter((d) => !isCompleted(d));
    return {
      entries: present(state, 'ProcedureRequest', ids(active)),
      confidential: result.withheldConfidential,
    };
  },
};

function primaryContent(state: BundleState, area: ClinicalArea): PrimaryContent {
  const special = SPECIAL_ENTRIES[area];
  if (special) return special(state);
  const result = (state.record[area] as
    { items: readonly { id: string }[]; withheldConfidential: boolean } | undefined) ?? {
    items: [],
    withheldConfidential: false,
  };
  const target = ITEM_KINDS[AREA_KIND[AREAS[area].recordAreas[0]]].target;
  return { entries: present(state, target, ids(result.items)), confidential: result.withheldConfidential };
}

/** The warnings a query List carries: confidential-items when it lost an item, then the patient-level ones. */
function listWarnings(state: BundleState, confidential: boolean): ListWarning[] {
  const p = state.record.patient;
  return [
    ...(confidential ? [{ code: 'confidential-items' as const }] : []),
    ...(p.recordInTransit
      ? [{ code: 'data-in-transit' as const, since: p.recordInTransit.registeredOn }]
      : []),
    ...(p.dataAwaitingFiling
      ? [{ code: 'data-awaiting-filing' as const, since: p.dataAwaitingFiling.since }]
      : []),
  ];
}

/** Makes a query List of this request. */
type MakeList = (
  definition: ListDefinition,
  entries: readonly Reference[],
  confidential: boolean,
  extra?: { id?: string; contained?: Resource[] },
) => List;

/**
 * Query Lists as objects, or, when the answer is JSON (`jsonAnswer`, or a memo, which is only given
 * for JSON answers: resource-memo.ts), as their JSON text written directly (queryListWriter,
 * docs/decisions.md D-LJ2): the engine reads only a List's type and id, and the serialiser writes
 * the text as it stands.
 */
function listMaker(state: BundleState): MakeList {
  const patientId = state.record.patient.id;
  const date = state.context.date;
  const write =
    (state.context.memo !== undefined || state.context.jsonAnswer === true) &&
    queryListWriter(patientId, date);
  return (definition, entries, confidential, extra = {}) => {
    const parts: QueryListParts = {
      definition,
      entries,
      warnings: listWarnings(state, confidential),
      ...(extra.id !== undefined && { id: extra.id }),
      ...(extra.contained && { contained: extra.contained }),
    };
    if (!write) return queryList({ ...parts, patientId, date });
    // Stands in for the List, as a remembered resource does (WrittenResource).
    return new WrittenResource('List', parts.id, write(parts)) as unknown as List;
  };
}

function withheld(state: BundleState, match: (w: WithheldLink) => boolean): boolean {
  return (state.record.withheldLinks ?? []).some(match);
}

/** The consultations-* or problems-* Lists that hold something or lost something. */
function secondaryLists(
  state: BundleState,
  list: MakeList,
  via: 'consultation' | 'problem',
  filed: Map<LinkedItemKind, RefList>,
): List[] {
  const lists: List[] = [];
  for (const [kind, definitions] of Object.entries(LINKED_LISTS) as [
    LinkedItemKind,
    (typeof LINKED_LISTS)[LinkedItemKind],
  ][]) {
    const definition = definitions[via];
    if (!definition) continue;
    const entries = filed.get(kind)?.values() ?? [];
    const confidential = withheld(state, (w) => w.via === via && ITEM_KINDS[w.kind].linkedAs === kind);
    if (entries.length > 0 || confidential) lists.push(list(definition, entries, confidential));
  }
  return lists;
}

/** `contained`: the resolved allergies, which only the "Ended allergies" List holds. */
export function emitLists(state: BundleState, contained: Resource[]): void {
  const { query: q, record: r, out } = state;
  const list = listMaker(state);
  for (const area of CLINICAL_AREAS) {
    if (q[area] === undefined) continue;
    const group = AREAS[area].group;
    const { entries, confidential } = primaryContent(state, area);
    out.addList(group, list(PRIMARY_LISTS[area], entries, confidential));
    if (area === 'consultations') {
      for (const l of secondaryLists(state, list, 'consultation', state.links.consultationSecondary))
        out.addList(group, l);
    }
    if (area === 'problems') {
      for (const l of secondaryLists(state, list, 'problem', state.links.problemSecondary))
        out.addList(group, l);
    }
  }

  // The linked-problems List, whether or not problems were asked for; after the problems-* Lists.
  const linkedProblems = present(
    state,
    'Condition',
    [...state.index.problems.keys()].filter((id) => !state.primaryProblemIds.has(id)),
  );
  const linkedConfidential = withheld(
    state,
    (w) => w.via === 'linkedProblem' || (w.via === 'problem' && w.kind === 'problem'),
  );
  if (linkedProblems.length > 0 || linkedConfidential) {
    out.addList('problems', list(LINKED_PROBLEMS_LIST, linkedProblems, linkedConfidential));
  }

  // "Ended allergies": requested with includeResolvedAllergies, or needed because a returned
  // consultation or problem brought in a resolved allergy. Present even when empty if requested.
  if (q.allergies?.includeResolved || contained.length > 0) {
    out.addList(
      AREAS.allergies.group,
      list(
        PRIMARY_LISTS.endedAllergies,
        contained.map((a) => ({ reference: `#${a.id}` })),
        r.allergies?.resolved?.withheldConfidential ?? false,
        { ...(state.links.endedListReferenced && { id: state.endedListId }), contained },
      ),
    );
  }
}
