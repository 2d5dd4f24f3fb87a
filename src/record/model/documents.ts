/**
 * Document metadata (Documents guidance DocumentReference): no include parameter of its own; reached only
 * through consultations, problems and referrals. The content itself is served by Access Document.
 */
import type { ClinicalItem, Concept, PartialDate } from './common';

export interface ClinicalDocument extends ClinicalItem {
  readonly type: Concept;
  readonly description?: string;
  /** When the document was written. Absent: unknown. */
  readonly created?: PartialDate;
  /** The author, as practitioner and/or organisation. */
  readonly authorId?: string;
  readonly authorOrganisationId?: string;
  readonly attachment: {
    /** Id of the Binary in the Access Document capability (→ content.attachment.url). */
    readonly binaryId: string;
    readonly contentType: string;
    readonly sizeBytes?: number;
    readonly title?: string;
  };
}
