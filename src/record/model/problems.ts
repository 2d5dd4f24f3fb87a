/** Problems (Problems guidance; ProblemHeader (Condition) page ProblemHeader Condition). Links run from the
 * problem, as in the profile. */
import type { ItemRef } from '../../contract/item-ref';
import type { ClinicalItem, CodedConcept, PartialDate } from './common';

/** How another problem relates to this one (→ relatedProblemHeader.type). */
export interface RelatedProblem {
  readonly type: 'parent' | 'child' | 'sibling';
  readonly problemId: string;
}

export interface Problem extends ClinicalItem {
  /** Same code and text as the actual-problem item, when there is one. */
  readonly code: CodedConcept;
  /** Filtered by `filterStatus`. */
  readonly status: 'active' | 'inactive';
  /** Filtered by `filterSignificance`; any level above minor is major. */
  readonly significance: 'major' | 'minor';
  readonly onset?: PartialDate;
  /** Abatement: when the problem ended. */
  readonly end?: PartialDate;
  /** The clinician who asserted it, when not the recorder. */
  readonly asserterId?: string;
  readonly note?: string;
  /** The item promoted to this problem (→ actualProblem; for an investigation, the report). */
  readonly actualProblem?: Exclude<ItemRef, { readonly kind: 'problem' | 'consultation' }>;
  /**
   * Related problems as recorded on this problem. The GP system records both sides of a relation
   * (a parent lists its child and the child its parent), so each problem carries its own.
   */
  readonly relatedProblems?: readonly RelatedProblem[];
  /**
   * Items and consultations linked directly to the problem (→ relatedClinicalContent). The bundle adds
   * what is linked indirectly (ProblemHeader (Condition) page): items in topics linked to the problem, and
   * the consultations in which linked items were recorded.
   */
  readonly linkedItems?: readonly Exclude<ItemRef, { readonly kind: 'problem' }>[];
}
