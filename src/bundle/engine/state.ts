/**
 * One request's bundle state, created by buildBundle and passed to each pass as a value (no module
 * state): the inputs, the item index, the output, and what the link passes decided.
 */
import type { LinkedItemKind } from '../../contract/item-kinds';
import type { ClinicalArea, StructuredQuery } from '../../contract/structured-query';
import type { BundleWarning } from '../../fhir/operation-outcome';
import type { Topic } from '../../record/model';
import type { PatientRecord } from '../../record/model/loaded-record';
import { GroupedResources, type RefList } from './grouped-resources';
import { indexRecord, type ItemIndex } from './item-index';
import type { ResourceMemo } from './resource-memo';

export interface BundleContext {
  /** The request's Ssp-TraceID: the Bundle id. */
  readonly traceId: string;
  /** Id for the warnings OperationOutcome; injected so a response is reproducible in tests. */
  readonly newId: () => string;
  /** The response time (ISO dateTime, from the injected clock): `date` of every query List. */
  readonly date: string;
  /** Unrecognised parameters and requested-but-disabled areas (query.warnings). */
  readonly warnings: readonly BundleWarning[];
  /**
   * Mapped resources remembered across requests, given only when the store's items are the same
   * objects on every request (resource-memo.ts); absent: every resource is mapped afresh.
   */
  readonly memo?: ResourceMemo;
  /**
   * The answer is written as JSON (not FHIR XML, not the bulk export's objects), so the query Lists may
   * be built as their JSON text (docs/decisions.md D-LJ2), with or without a memo.
   */
  readonly jsonAnswer?: boolean;
}

/** What the reference and link passes found, read by the emit passes. */
export interface LinkState {
  /** Medication issues that become MedicationRequest orders. */
  readonly issuesToEmit: Set<string>;
  /** Completed diary entries referenced from a consultation: text-only notes there. */
  readonly diaryAsNote: Set<string>;
  /** Switched-off areas a link reached (each adds a warning). */
  readonly disabledReached: Set<ClinicalArea>;
  /** A link reached a document while the Documents switch is off. */
  documentsReached: boolean;
  /** Something outside "Ended allergies" referenced a resolved allergy, so the List needs an id. */
  endedListReferenced: boolean;
  readonly consultationSecondary: Map<LinkedItemKind, RefList>;
  readonly problemSecondary: Map<LinkedItemKind, RefList>;
}

/** Actor ids the resources referenced, by kind. */
export interface UsedActors {
  readonly practitioners: Set<string>;
  readonly organisations: Set<string>;
  readonly locations: Set<string>;
  readonly healthcareServices: Set<string>;
  readonly devices: Set<string>;
}

export interface BundleState {
  readonly record: PatientRecord;
  readonly query: StructuredQuery;
  readonly context: BundleContext;
  readonly index: ItemIndex;
  readonly out: GroupedResources;
  readonly links: LinkState;
  readonly used: UsedActors;
  /** `<patient id>-ended-allergies`: the "Ended allergies" List's id when something references into it. */
  readonly endedListId: string;
  readonly primaryProblemIds: ReadonlySet<string>;
  /** The consultation topics naming each problem, indexed on first use (problem-links.ts). */
  topicsByProblem?: Map<string, { readonly consultationId: string; readonly topic: Topic }[]>;
}

export function newBundleState(
  record: PatientRecord,
  query: StructuredQuery,
  context: BundleContext,
): BundleState {
  return {
    record,
    query,
    context,
    index: indexRecord(record),
    out: new GroupedResources(),
    links: {
      issuesToEmit: new Set(),
      diaryAsNote: new Set(),
      disabledReached: new Set(),
      documentsReached: false,
      endedListReferenced: false,
      consultationSecondary: new Map(),
      problemSecondary: new Map(),
    },
    used: {
      practitioners: new Set(),
      organisations: new Set(),
      locations: new Set(),
      healthcareServices: new Set(),
      devices: new Set(),
    },
    endedListId: `${record.patient.id}-ended-allergies`,
    primaryProblemIds: new Set((record.problems?.items ?? []).map((p) => p.id)),
  };
}
