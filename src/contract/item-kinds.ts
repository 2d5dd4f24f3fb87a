/**
 * One row per kind of linked item ("Retrieve a patient's structured record — Linkages"): the record
 * area that holds it, the FHIR resource it becomes, and the secondary List a consultation or problem
 * files it under ("List resources — secondary lists"). The record assembly, the reference resolution
 * and the secondary Lists all read this table.
 */
import type { ItemKind } from './item-ref';
import { type ListDefinition, secondaryList } from './list-definition';
import type { RecordArea } from './record-areas';

/** The kinds of item a consultation or problem can hold, each with its secondary-list wording. */
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

export interface ItemKindDefinition {
  /** Where the item a reference names is held (a medication issue lives inside its plan). */
  readonly recordArea: RecordArea;
  /** The FHIR resource type the item becomes. */
  readonly target: string;
  /** The secondary List a link of this kind is filed under (resolved allergies: see the bundle). */
  readonly linkedAs: LinkedItemKind;
}

export const ITEM_KINDS = {
  allergy: { recordArea: 'allergies', target: 'AllergyIntolerance', linkedAs: 'allergies' },
  medicationPlan: { recordArea: 'medication', target: 'MedicationRequest', linkedAs: 'medication' },
  medicationIssue: { recordArea: 'medication', target: 'MedicationRequest', linkedAs: 'medication' },
  problem: { recordArea: 'problems', target: 'Condition', linkedAs: 'problems' },
  consultation: { recordArea: 'consultations', target: 'Encounter', linkedAs: 'consultations' },
  immunisation: { recordArea: 'immunisations', target: 'Immunization', linkedAs: 'immunisations' },
  immunisationStatus: {
    recordArea: 'immunisationStatuses',
    target: 'Observation',
    linkedAs: 'immunisations',
  },
  observation: { recordArea: 'uncategorisedData', target: 'Observation', linkedAs: 'uncategorisedData' },
  investigation: { recordArea: 'investigations', target: 'DiagnosticReport', linkedAs: 'investigations' },
  referral: { recordArea: 'referrals', target: 'ReferralRequest', linkedAs: 'referrals' },
  diaryEntry: { recordArea: 'diaryEntries', target: 'ProcedureRequest', linkedAs: 'diaryEntries' },
  document: { recordArea: 'documents', target: 'DocumentReference', linkedAs: 'documents' },
} as const satisfies { readonly [K in ItemKind]: ItemKindDefinition };

/** The reference kind of each record area's own items (issues are reached through their plan). */
export const AREA_KIND = {
  allergies: 'allergy',
  medication: 'medicationPlan',
  problems: 'problem',
  consultations: 'consultation',
  immunisations: 'immunisation',
  immunisationStatuses: 'immunisationStatus',
  uncategorisedData: 'observation',
  investigations: 'investigation',
  referrals: 'referral',
  diaryEntries: 'diaryEntry',
  documents: 'document',
} as const satisfies Record<RecordArea, ItemKind>;

/** The secondary Lists of each linked kind: `consultations-*` and `problems-*` (absent: none). */
export const LINKED_LISTS: Readonly<
  Record<LinkedItemKind, { readonly consultation?: ListDefinition; readonly problem?: ListDefinition }>
> = {
  allergies: {
    consultation: secondaryList('consultations-allergies-contained-in-consultations'),
    problem: secondaryList('problems-allergies-related-to-problems'),
  },
  endedAllergies: {
    consultation: secondaryList('consultations-allergies-that-have-been-ended-contained-in-consultations'),
    problem: secondaryList('problems-allergies-that-have-been-ended-related-to-problems'),
  },
  consultations: { problem: secondaryList('problems-consultations-related-to-problems') },
  diaryEntries: {
    consultation: secondaryList('consultations-diary-entries-contained-in-consultations'),
    problem: secondaryList('problems-diary-entries-related-to-problems'),
  },
  documents: {
    consultation: secondaryList('consultations-documents-contained-in-consultations'),
    problem: secondaryList('problems-documents-related-to-problems'),
  },
  immunisations: {
    consultation: secondaryList('consultations-immunisations-contained-in-consultations'),
    problem: secondaryList('problems-immunisations-related-to-problems'),
  },
  investigations: {
    consultation: secondaryList('consultations-investigations-contained-in-consultations'),
    problem: secondaryList('problems-investigations-related-to-problems'),
  },
  medication: {
    consultation: secondaryList('consultations-medications-contained-in-consultations'),
    problem: secondaryList('problems-medications-related-to-problems'),
  },
  referrals: {
    consultation: secondaryList('consultations-outbound-referrals-in-consultations'),
    problem: secondaryList('problems-outbound-referrals-related-to-problems'),
  },
  problems: { consultation: secondaryList('consultations-problems-contained-in-consultations') },
  uncategorisedData: {
    consultation: secondaryList('consultations-uncategorised-data-contained-in-consultations'),
    problem: secondaryList('problems-uncategorised-data-related-to-problems'),
  },
};
