/**
 * Every List the structured Bundle can carry, as one table of codes and titles (List page; List page —
 * consultation structure), the warning codes with their note texts (List page — warning codes), and the
 * empty-list reason (List page — empty lists). A reviewer can check each row against the spec.
 */
import { AREAS, CLINICAL_AREAS, DOCUMENTS_SWITCH } from '../contract/areas';
import { LINKED_LISTS, type LinkedItemKind } from '../contract/item-kinds';
import {
  type ListCode,
  type ListDefinition,
  secondaryList,
  SNOMED,
  snomedList,
} from '../contract/list-definition';
import type { ClinicalArea } from '../contract/structured-query';
import { type CalendarDate, displayDate } from '../fhir/dates';

export type { LinkedItemKind } from '../contract/item-kinds';
export type { ListCode, ListDefinition } from '../contract/list-definition';
export { SECONDARY_LIST_SYSTEM } from '../contract/list-definition';

/** Primary lists, one per clinical area (from the area registry), plus "Ended allergies". */
export const PRIMARY_LISTS: Readonly<Record<ClinicalArea | 'endedAllergies', ListDefinition>> = {
  ...(Object.fromEntries(CLINICAL_AREAS.map((area) => [area, AREAS[area].primaryList])) as Record<
    ClinicalArea,
    ListDefinition
  >),
  endedAllergies: snomedList('1103671000000101', 'Ended allergies'),
};

const secondaryLists = (owner: 'consultation' | 'problem'): Partial<Record<LinkedItemKind, ListDefinition>> =>
  Object.fromEntries(
    Object.entries(LINKED_LISTS).flatMap(([kind, lists]) => (lists[owner] ? [[kind, lists[owner]]] : [])),
  );

/** `consultations-*` secondary lists, by the kind of item they hold. */
export const CONSULTATION_SECONDARY_LISTS: Readonly<Partial<Record<LinkedItemKind, ListDefinition>>> =
  secondaryLists('consultation');

/** `problems-*` secondary lists, by the kind of item they hold. */
export const PROBLEM_SECONDARY_LISTS: Readonly<Partial<Record<LinkedItemKind, ListDefinition>>> =
  secondaryLists('problem');

/** The one list of problems linked from any area's items ("special" secondary list). */
export const LINKED_PROBLEMS_LIST = secondaryList(
  'problems-linked-problems-not-relating-to-the-primary-query',
);

/** Consultation-structure lists (List page — consultation structure). */
export const STRUCTURE_LIST_CODES = {
  consultation: { system: SNOMED, code: '325851000000107', display: 'Consultation' },
  topic: { system: SNOMED, code: '25851000000105', display: 'Topic (EHR)' },
  heading: { system: SNOMED, code: '24781000000107', display: 'Category (EHR)' },
} as const satisfies Record<string, ListCode>;

export type ListWarning =
  | { readonly code: 'confidential-items' }
  | { readonly code: 'data-in-transit'; readonly since: CalendarDate }
  | { readonly code: 'data-awaiting-filing'; readonly since: CalendarDate };

/** The note text the spec gives each warning code (List page — warning codes). */
export function warningNote(warning: ListWarning): string {
  switch (warning.code) {
    case 'confidential-items':
      return 'Items excluded due to confidentiality and/or patient preferences.';
    case 'data-in-transit':
      return `Patient record transfer from previous GP practice not yet complete; information recorded before ${displayDate(warning.since)} may be missing.`;
    case 'data-awaiting-filing':
      return `Patient record contains some items in the GP practice workflow that have not been reviewed for inclusion in this message; information recorded before ${displayDate(warning.since)} may be missing.`;
  }
}

export const EMPTY_LIST_NOTE = 'Information not available';
export const EMPTY_REASON = {
  coding: [
    {
      system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-ListEmptyReasonCode-1',
      code: 'no-content-recorded',
      display: 'No Content Recorded',
    },
  ],
};
export const WARNING_CODE_EXTENSION =
  'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1';
export const CLINICAL_SETTING_EXTENSION = {
  url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ClinicalSetting-1',
  valueCodeableConcept: {
    coding: [{ system: SNOMED, code: '1060971000000108', display: 'General practice service' }],
  },
};

/** The display-only entry that replaces a link into a switched-off area (from the area registry). */
export const DISABLED_ITEMS_TEXT: Readonly<Record<ClinicalArea, string>> = Object.fromEntries(
  CLINICAL_AREAS.map((area) => [area, AREAS[area].disabledItemsText]),
) as Record<ClinicalArea, string>;

/** A link to a document while the Documents switch is off. */
export const DOCUMENTS_DISABLED_TEXT = DOCUMENTS_SWITCH.disabledItemsText;

/** What a mapper's link to an item that is in no area of the Bundle becomes (withheld or out of scope). */
export const ITEM_NOT_INCLUDED_TEXT = 'Item not included in this record extract';
