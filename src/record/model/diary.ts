/** Diary (recall) entries, medication reviews included (Diary entries guidance; ProcedureRequest (diary
 * entry) page diary ProcedureRequest). */
import type { ItemRef } from '../../contract/item-ref';
import type { ActorRef, ClinicalItem, Concept, DatePeriod, PartialDate } from './common';

export interface DiaryEntry extends ClinicalItem {
  /** SNOMED where practical (314529007 "Medication review due" for reviews), else text. */
  readonly code: Concept;
  /** Planned date or range; filtered by `diaryEntriesSearchDate` on its start. Absent: unknown, always returned. */
  readonly planned?: PartialDate | DatePeriod;
  /**
   * Only incomplete (active) entries are returned by the diary search; completed ones referenced from
   * a consultation come out as text-only Observations (Linkages — FHIR profiles returned on query). Absent:
   * active.
   */
  readonly status?: 'active' | 'completed' | 'cancelled';
  readonly reasons?: readonly Concept[];
  /** A system-generated entry's requester. Absent: the recorder. */
  readonly requester?: ActorRef<'device' | 'organisation'>;
  /** Never a problem (→ supportingInfo). */
  readonly supportingInfo?: readonly Exclude<ItemRef, { readonly kind: 'problem' }>[];
  readonly note?: string;
}
