/**
 * What the record layer hands the bundle for one request: each requested area's primary list, the
 * items reached through links, what was withheld, and the actors they name. Already filtered and
 * redacted (src/record/assemble-record.ts).
 */
import type { ClinicalArea } from '../../contract/structured-query';
import type {
  Allergy,
  Consultation,
  DiaryEntry,
  Immunisation,
  ImmunisationStatusRecord,
  InvestigationReport,
  ItemKind,
  MedicationPlan,
  Observation,
  PatientClinicalRecord,
  Problem,
  Referral,
} from '.';
import type {
  Device,
  HealthcareService,
  Location,
  Organisation,
  Patient,
  Practice,
  Practitioner,
} from './people';

/** One primary list's content: the items that passed the area's filters, confidential ones left out. */
export interface AreaResult<T> {
  readonly items: readonly T[];
  /**
   * An item that passed the filters (or part of such an investigation report) was confidential and left
   * out: the primary list carries `confidential-items` (List page — warning codes; docs/spec-notes.md
   * "Confidentiality"), even when `items` is empty.
   */
  readonly withheldConfidential: boolean;
}

/** What each requested area's primary list holds, one member per ClinicalArea. */
export interface AreaResults {
  /** `resolved` is present only with `includeResolvedAllergies` ("Ended allergies", Allergies guidance). */
  readonly allergies: { readonly active: AreaResult<Allergy>; readonly resolved?: AreaResult<Allergy> };
  /**
   * Plans passing `medicationSearchFromDate`, each with all its issues (the issue count and last issue
   * date need them); the bundle emits orders only with `includePrescriptionIssues`.
   */
  readonly medication: AreaResult<MedicationPlan>;
  /** After `consultationSearchPeriod` or `includeNumberOfMostRecent`; empty consultations already dropped. */
  readonly consultations: AreaResult<Consultation>;
  /** Problems matching any `includeProblems` filter: the primary Problems list only. */
  readonly problems: AreaResult<Problem>;
  /** Not-given vaccinations only with `includeNotGiven`; `statuses` empty without `includeStatus`. */
  readonly immunisations: AreaResult<Immunisation> & {
    readonly statuses: readonly ImmunisationStatusRecord[];
  };
  readonly uncategorisedData: AreaResult<Observation>;
  readonly investigations: AreaResult<InvestigationReport>;
  /** Entered-in-error referrals never included. */
  readonly referrals: AreaResult<Referral>;
  /** Incomplete entries only. */
  readonly diaryEntries: AreaResult<DiaryEntry>;
}

/**
 * Where a confidential item was left out of linked content, so the bundle can put `confidential-items`
 * on the secondary list it would have been in (List page — warning codes; docs/spec-notes.md
 * "Confidentiality"):
 * - `consultation`: referenced from a returned consultation's structure (a topic's problem link counts
 *   as kind `problem`; a confidential free-text note as kind `observation`; a confidential problem
 *   linked to an item of the structure as kind `problem`; a report with a confidential part as kind
 *   `investigation`) → `consultations-*`;
 * - `problem`: linked from a problem in the primary Problems list (kind `problem`: a related problem)
 *   → `problems-*` (a related problem → the linked-problems list; a consultation in which a linked item
 *   was recorded, or one naming the problem on a topic, as kind `consultation`);
 * - `linkedProblem`: a confidential problem linked to an item in a primary list → the linked-problems list.
 */
export type WithheldLink =
  { readonly via: 'consultation' | 'problem'; readonly kind: ItemKind } | { readonly via: 'linkedProblem' };

/**
 * What one request needs from the store: the patient, the practice, the clinical data of each
 * requested area, the items pulled in through links, and the actors all of them refer to.
 *
 * The store redacts: no item here is confidential, and every reference to a confidential item (in a
 * consultation structure, a problem's links, a referral's or diary entry's supporting info) has been
 * removed; `withheldConfidential` and `withheldLinks` say where something was left out. Items of
 * switched-off areas are not loaded, but references to them are kept (unless the item is confidential)
 * so the bundle can write the "... items have been disabled" placeholder (Configuration for supported
 * clinical areas).
 */
export interface PatientRecord extends Partial<Pick<AreaResults, ClinicalArea>> {
  readonly patient: Patient;
  readonly practice: Practice;
  /** Every practitioner referenced by the patient (usual GP) or by a returned item. */
  readonly practitioners: readonly Practitioner[];
  /** Every organisation other than the practice referenced by a returned item. */
  readonly organisations: readonly Organisation[];
  readonly locations: readonly Location[];
  readonly healthcareServices?: readonly HealthcareService[];
  readonly devices?: readonly Device[];
  /**
   * Items reached only through links (Linkages — FHIR profiles returned on query), none of which is in a
   * primary list above: the content of returned consultations, items linked to primary problems, problems
   * linked to primary-list items, related problems outside the problem filter, the plans (with all issues) of
   * linked issues, the supporting items of returned referrals and diary entries, and the consultations linked
   * to primary problems, naming one on a topic, or in which their linked items were recorded (for those, only
   * the Encounter is sent; their topics are narrowed to the topics naming a primary problem, holding only
   * item references, so the bundle can write a problem's indirect links, ProblemHeader (Condition) page).
   * Problems outside the primary list keep their own links, which may name items not loaded (their content is
   * not expanded, Problems guidance). Absent: nothing linked.
   */
  readonly linked?: PatientClinicalRecord;
  /** Absent or empty: nothing was left out of linked content. */
  readonly withheldLinks?: readonly WithheldLink[];
}
