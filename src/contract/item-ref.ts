/**
 * What a link between items of one patient's record can point at: one kind per FHIR reference
 * target of "Retrieve a patient's structured record — Linkages" (a medication link names the plan or
 * one of its issues; an investigation link names the report). Imports nothing, so the model files
 * that hold links do not import each other through it.
 */
export type ItemKind =
  | 'allergy'
  | 'medicationPlan'
  | 'medicationIssue'
  | 'problem'
  | 'consultation'
  | 'immunisation'
  | 'immunisationStatus'
  | 'observation'
  | 'investigation'
  | 'referral'
  | 'diaryEntry'
  | 'document';

/** A link to an item of the same patient's record, e.g. `{ kind: 'medicationPlan', id: 'p2-med-1' }`. */
export type ItemRef = { readonly [K in ItemKind]: { readonly kind: K; readonly id: string } }[ItemKind];
