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
    /** Required: CareConnect-GPC-DocumentReference-1 has content.attachment.size 1..1 (D-33). */
    readonly sizeBytes: number;
    readonly title?: string;
  };
}

/**
 * The document's one author (CareConnect-GPC-DocumentReference-1 allows 0..1): the organisation the
 * document came from when known, else the practitioner who wrote it (D-33).
 */
export function documentAuthor(
  doc: ClinicalDocument,
): { kind: 'organisation' | 'practitioner'; id: string } | undefined {
  if (doc.authorOrganisationId !== undefined) return { kind: 'organisation', id: doc.authorOrganisationId };
  if (doc.authorId !== undefined) return { kind: 'practitioner', id: doc.authorId };
  return undefined;
}
