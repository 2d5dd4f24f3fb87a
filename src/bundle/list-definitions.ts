/**
 * Every List the structured Bundle can carry, as one table of codes and titles (List page; List page —
 * consultation structure), the warning codes with their note texts (List page — warning codes), and the
 * empty-list reason (List page — empty lists). A reviewer can check each row against the spec.
 */
import { displayDate, type CalendarDate } from '../fhir/dates';
import type { ClinicalArea } from '../structured/structured-query';

export interface ListCode {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

export interface ListDefinition {
  readonly title: string;
  readonly code: ListCode;
}

const SNOMED = 'http://snomed.info/sct';
export const SECONDARY_LIST_SYSTEM = 'https://fhir.hl7.org.uk/STU3/CodeSystem/GPConnect-SecondaryListValues-1';

const snomedList = (code: string, display: string, title = display): ListDefinition => ({
  title,
  code: { system: SNOMED, code, display },
});

/** Primary lists, one per clinical area, plus "Ended allergies" (List page). */
export const PRIMARY_LISTS = {
  allergies: snomedList('886921000000105', 'Allergies and adverse reactions'),
  endedAllergies: snomedList('1103671000000101', 'Ended allergies'),
  consultations: snomedList('1149501000000101', 'List of consultations'),
  diaryEntries: snomedList('714311000000108', 'Patient recall administration'),
  immunisations: snomedList('1102181000000102', 'Immunisations'),
  investigations: snomedList('887191000000108', 'Investigations and results'),
  medication: snomedList('933361000000108', 'Medications and medical devices'),
  referrals: snomedList('792931000000107', 'Outbound referral'),
  problems: snomedList('717711000000103', 'Problems'),
  uncategorisedData: snomedList('826501000000100', 'Miscellaneous record', 'Uncategorised data'),
} as const satisfies Record<string, ListDefinition>;

/** The kinds of item a consultation or problem can hold, each with its secondary-list wording (List page). */
export type LinkedItemKind =
  | 'allergies'
  | 'endedAllergies'
  | 'consultations'
  | 'diaryEntries'
  | 'documents'
  | 'immunisations'
  | 'investigations'
  | 'medication'
  | 'referrals'
  | 'problems'
  | 'uncategorisedData';

const secondary = (code: string): ListDefinition => {
  const words = code.split('-');
  const owner = words[0] === 'consultations' ? 'Consultations' : 'Problems';
  const display = `${owner} - ${words.slice(1).join(' ')}`;
  return { title: display, code: { system: SECONDARY_LIST_SYSTEM, code, display } };
};

/** `consultations-*` secondary lists, by the kind of item they hold. */
export const CONSULTATION_SECONDARY_LISTS: Readonly<Partial<Record<LinkedItemKind, ListDefinition>>> = {
  allergies: secondary('consultations-allergies-contained-in-consultations'),
  endedAllergies: secondary('consultations-allergies-that-have-been-ended-contained-in-consultations'),
  diaryEntries: secondary('consultations-diary-entries-contained-in-consultations'),
  documents: secondary('consultations-documents-contained-in-consultations'),
  immunisations: secondary('consultations-immunisations-contained-in-consultations'),
  investigations: secondary('consultations-investigations-contained-in-consultations'),
  medication: secondary('consultations-medications-contained-in-consultations'),
  referrals: secondary('consultations-outbound-referrals-in-consultations'),
  problems: secondary('consultations-problems-contained-in-consultations'),
  uncategorisedData: secondary('consultations-uncategorised-data-contained-in-consultations'),
};

/** `problems-*` secondary lists, by the kind of item they hold. */
export const PROBLEM_SECONDARY_LISTS: Readonly<Partial<Record<LinkedItemKind, ListDefinition>>> = {
  allergies: secondary('problems-allergies-related-to-problems'),
  endedAllergies: secondary('problems-allergies-that-have-been-ended-related-to-problems'),
  consultations: secondary('problems-consultations-related-to-problems'),
  diaryEntries: secondary('problems-diary-entries-related-to-problems'),
  documents: secondary('problems-documents-related-to-problems'),
  immunisations: secondary('problems-immunisations-related-to-problems'),
  investigations: secondary('problems-investigations-related-to-problems'),
  medication: secondary('problems-medications-related-to-problems'),
  referrals: secondary('problems-outbound-referrals-related-to-problems'),
  uncategorisedData: secondary('problems-uncategorised-data-related-to-problems'),
};

/** The one list of problems linked from any area's items (List page, "special"). */
export const LINKED_PROBLEMS_LIST = secondary('problems-linked-problems-not-relating-to-the-primary-query');

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
export const WARNING_CODE_EXTENSION = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1';
export const CLINICAL_SETTING_EXTENSION = {
  url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ClinicalSetting-1',
  valueCodeableConcept: { coding: [{ system: SNOMED, code: '1060971000000108', display: 'General practice service' }] },
};

/**
 * The display-only entry that replaces a link into a switched-off area (Configuration for supported clinical
 * areas: "<Clinical area> items have been disabled", e.g. "Referral items have been disabled").
 */
export const DISABLED_ITEMS_TEXT: Readonly<Record<ClinicalArea, string>> = {
  allergies: 'Allergy items have been disabled',
  medication: 'Medication items have been disabled',
  consultations: 'Consultation items have been disabled',
  problems: 'Problem items have been disabled',
  immunisations: 'Immunisation items have been disabled',
  uncategorisedData: 'Uncategorised data items have been disabled',
  investigations: 'Investigation items have been disabled',
  referrals: 'Referral items have been disabled',
  diaryEntries: 'Diary entry items have been disabled',
};

/** A link to a document while the Documents switch is off (Configuration for supported clinical areas). */
export const DOCUMENTS_DISABLED_TEXT = 'Document items have been disabled';

/** What a mapper's link to an item that is in no area of the Bundle becomes (withheld or out of scope). */
export const ITEM_NOT_INCLUDED_TEXT = 'Item not included in this record extract';
