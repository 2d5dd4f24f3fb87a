/**
 * Medication as a GP system holds it: an authorisation (plan) with its issues. One plan becomes a
 * MedicationStatement, a MedicationRequest (intent plan) and a Medication; each issue a MedicationRequest
 * (intent order) (Medication guidance; MedicationStatement page; MedicationRequest page; Medication page).
 */
import type { ClinicalItem, CodedConcept, OtherCode, PartialDate } from './common';

/**
 * CareConnect-PrescriptionType-1. The date filter treats `acute` and `delayed-prescribing` as acute and
 * everything else, including a plan with no type, as repeat (Medication guidance).
 */
export type PrescriptionType = 'acute' | 'repeat' | 'repeat-dispensing' | 'delayed-prescribing';

/**
 * Medication prescribed outside this practice (→ prescribingAgency). Items prescribed by another
 * organisation are returned whatever `medicationSearchFromDate` says (Medication guidance); whether
 * previous-practice items are too is a filter decision (docs/decisions.md).
 */
export interface PrescribedElsewhere {
  readonly agency: 'prescribed-by-another-organisation' | 'prescribed-by-previous-practice';
  /** More detail, e.g. "Hospital" (→ the agency's text). */
  readonly detail?: string;
}

/**
 * The product (→ Medication.code): normally a dm+d concept; a product only in the supplier's own drug
 * dictionary carries just `otherCodes`. Mixtures and degraded entries use 196421000000109 with the
 * original name in `text`.
 */
export type MedicinalProduct =
  | CodedConcept
  | {
      readonly otherCodes: readonly [OtherCode, ...OtherCode[]];
      readonly text?: string;
      readonly code?: never;
    };

/** A numeric quantity, or text only (→ the MedicationQuantityText extension, e.g. "28 capsule(s)"). */
export type MedicationQuantity =
  { readonly value: number; readonly unit: string } | { readonly text: string };

/** Notes at one level, joined into MedicationStatement.note with these labels (MedicationStatement page). */
export interface MedicationNotes {
  /** "Patient Notes:" */
  readonly patient?: string;
  /** "Prescriber Notes:" */
  readonly prescriber?: string;
  /** "Additional Information:" */
  readonly additional?: string;
}

/** Repeat information (→ MedicationRepeatInformation); the issued count is the number of `issues`. */
export interface RepeatInformation {
  /** Total number of issues authorised, only for repeats with a set number. */
  readonly allowed?: number;
  /** When the authorisation expires and must be reviewed. */
  readonly expiry?: PartialDate;
}

/** A plan's status; `stopped` needs its discontinuation (→ MedicationStatusReason), an expiry does not. */
export type PlanStatus =
  | { readonly status: 'active' | 'completed' }
  | {
      readonly status: 'stopped';
      readonly discontinued: { readonly date: PartialDate; readonly reason: string };
    };

/** What a plan and an issue share. */
export interface PrescriptionDetails {
  /** Dosage instruction text. Absent: the bundle writes "No information available". */
  readonly dosage?: string;
  readonly patientInstruction?: string;
  readonly quantity?: MedicationQuantity;
  /** Expected supply duration in days. */
  readonly supplyDays?: number;
  /** The attributed clinician (→ requester), when not the recorder. */
  readonly requesterId?: string;
  readonly notes?: MedicationNotes;
}

/** One issue (order) of a plan. Its own consultation, dates and quantities. */
export interface MedicationIssue extends ClinicalItem, PrescriptionDetails {
  /** Issue date (→ validity start). */
  readonly date: PartialDate;
  /** End of the issue's validity. Absent: the issue date. */
  readonly validUntil?: PartialDate;
  /** The issue's own status, never "stopped" just because the plan was. Absent: `completed`. */
  readonly status?: 'active' | 'completed' | 'stopped';
  /** Electronic Prescription Service ids (→ groupIdentifier and the order-item identifier). */
  readonly eps?: { readonly prescriptionId: string; readonly lineItemId?: string };
  /** The dispensing organisation, only if actually known. */
  readonly dispenserId?: string;
}

/** The plan fields; see MedicationPlan. Fields of PrescriptionDetails are the plan's own values. */
export interface MedicationPlanDetails extends ClinicalItem, PrescriptionDetails {
  readonly product: MedicinalProduct;
  /** Absent: a legacy record without a type (extension left out; filtered as repeat). */
  readonly prescriptionType?: PrescriptionType;
  /** Absent: prescribed at this GP practice. */
  readonly prescribedElsewhere?: PrescribedElsewhere;
  /**
   * Start of the effective period: the authorised date; when the GP system has none, the first issue
   * date, else the recorded date (MedicationStatement page). The date filter and the bundle both read this
   * one value.
   */
  readonly start: PartialDate;
  /**
   * End of the effective period as the GP system records it. Absent while active; for an ended plan
   * with no recorded end the bundle and filter fall back per MedicationStatement page (an acute with no end
   * ends on `start`).
   */
  readonly end?: PartialDate;
  /** Date of the latest dose change within the effective period (→ the WARNING appended to the dosage). */
  readonly dosageLastChanged?: PartialDate;
  /** For repeat and repeat-dispensing plans. */
  readonly repeat?: RepeatInformation;
  /** GP2GP-imported: the organisation the requester acted for (→ requester.onBehalfOf). */
  readonly onBehalfOfOrganisationId?: string;
  /** The earlier plan this one replaces: a re-authorisation or a split after a dose change (→ priorPrescription). */
  readonly priorPlanId?: string;
  /** Every issue of the plan, in date order; none for unissued or prescribed-elsewhere items. */
  readonly issues: readonly MedicationIssue[];
}

/** A medication authorisation. Item references point at the plan (`medicationPlan`) or one issue (`medicationIssue`). */
export type MedicationPlan = MedicationPlanDetails & PlanStatus;
