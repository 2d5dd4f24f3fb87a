/**
 * Item references, done once: which area of the record each kind of reference points into, how refs
 * are keyed, which references an item holds, and which actors it names. The assembly code, the
 * load-time dataset check and the stores all read these, so they cannot disagree about what a link is.
 */
import { AREA_KIND, ITEM_KINDS } from '../contract/item-kinds';
import type { RecordArea } from '../contract/record-areas';
import type {
  ActorRef,
  Allergy,
  ClinicalDocument,
  Consultation,
  ConsultationEntry,
  DiaryEntry,
  Immunisation,
  ImmunisationStatusRecord,
  InvestigationReport,
  ItemKind,
  ItemRef,
  MedicationPlan,
  Observation,
  PatientClinicalRecord,
  Problem,
  Referral,
} from './model';
import { documentAuthor } from './model/documents';

export { SWITCHED_BY } from '../contract/areas';
export { AREA_KIND } from '../contract/item-kinds';
export { RECORD_AREAS, type RecordArea } from '../contract/record-areas';

/** The element type of one record area. */
export type AreaItem<A extends RecordArea> = NonNullable<PatientClinicalRecord[A]>[number];

/** Where the item a reference names is held (a medication issue lives inside its plan). */
export const KIND_AREA = Object.fromEntries(
  Object.entries(ITEM_KINDS).map(([kind, row]) => [kind, row.recordArea]),
) as { readonly [K in ItemKind]: (typeof ITEM_KINDS)[K]['recordArea'] };

// The registry's record areas are exactly the record's arrays.
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const recordAreasMatch: SameKeys<RecordArea, keyof PatientClinicalRecord> = true;
void recordAreasMatch;

/** `kind:id`: the identity of a reference (ids are unique per kind within a patient). */
export function refKey(ref: ItemRef): string {
  return `${ref.kind}:${ref.id}`;
}

export function sameRef(a: ItemRef, b: ItemRef): boolean {
  return a.kind === b.kind && a.id === b.id;
}

/** The reference to an area's item (a plan for medication). */
export function refTo<A extends RecordArea>(area: A, item: AreaItem<A>): ItemRef {
  return { kind: AREA_KIND[area], id: item.id };
}

/** Every item reference held in a consultation's structure (topic problem links and entries), notes excluded. */
export function consultationRefs(consultation: Consultation): ItemRef[] {
  const refs: ItemRef[] = [];
  for (const topic of consultation.topics) {
    for (const id of topic.problemIds ?? []) refs.push({ kind: 'problem', id });
    const entries = topic.headings ? topic.headings.flatMap((h) => h.entries) : topic.entries;
    for (const entry of entries) if (entry.kind !== 'note') refs.push(entry);
  }
  return refs;
}

/** The links a problem makes (ProblemHeader (Condition) page): related problems, the promoted item and the
 * directly linked items. */
export function problemLinkRefs(problem: Problem): ItemRef[] {
  return [
    ...(problem.relatedProblems ?? []).map((r): ItemRef => ({ kind: 'problem', id: r.problemId })),
    ...(problem.actualProblem ? [problem.actualProblem] : []),
    ...(problem.linkedItems ?? []),
  ];
}

/**
 * The references an item of an area holds to other items of the record, besides its recording
 * consultation: consultation structure, problem links, supporting info, prior plan, parent observation.
 */
export function itemRefsOf<A extends RecordArea>(area: A, item: AreaItem<A>): ItemRef[] {
  switch (area) {
    case 'consultations':
      return consultationRefs(item as Consultation);
    case 'problems':
      return problemLinkRefs(item as Problem);
    case 'referrals':
      return [...((item as Referral).supportingInfo ?? [])];
    case 'diaryEntries':
      return [...((item as DiaryEntry).supportingInfo ?? [])];
    case 'medication': {
      const prior = (item as MedicationPlan).priorPlanId;
      return prior === undefined ? [] : [{ kind: 'medicationPlan', id: prior }];
    }
    case 'uncategorisedData': {
      const o = item as Observation;
      const parent = o.kind === 'bloodPressure' ? undefined : o.parentId;
      return parent === undefined ? [] : [{ kind: 'observation', id: parent }];
    }
    default:
      return [];
  }
}

/** The supporting items a referral or diary entry carries (→ supportingInfo), loaded one level deep. */
export function supportingRefsOf<A extends RecordArea>(area: A, item: AreaItem<A>): ItemRef[] {
  if (area === 'referrals') return [...((item as Referral).supportingInfo ?? [])];
  if (area === 'diaryEntries') return [...((item as DiaryEntry).supportingInfo ?? [])];
  return [];
}

/** Actor ids by kind: what an item names, and what a store is asked for. */
export interface ActorIds {
  readonly practitioners: readonly string[];
  readonly organisations: readonly string[];
  readonly locations: readonly string[];
  readonly healthcareServices: readonly string[];
  readonly devices: readonly string[];
}

/** Collects actor ids without duplicates. */
export class ActorIdSet {
  readonly practitioners = new Set<string>();
  readonly organisations = new Set<string>();
  readonly locations = new Set<string>();
  readonly healthcareServices = new Set<string>();
  readonly devices = new Set<string>();

  practitioner(id: string | undefined): void {
    if (id !== undefined) this.practitioners.add(id);
  }
  organisation(id: string | undefined): void {
    if (id !== undefined) this.organisations.add(id);
  }
  location(id: string | undefined): void {
    if (id !== undefined) this.locations.add(id);
  }
  actor(ref: ActorRef | undefined): void {
    if (!ref) return;
    switch (ref.kind) {
      case 'practitioner':
        return this.practitioner(ref.id);
      case 'organisation':
        return this.organisation(ref.id);
      case 'healthcareService':
        this.healthcareServices.add(ref.id);
        return;
      case 'device':
        this.devices.add(ref.id);
        return;
    }
  }

  /** Sorted, so the request a store sees does not depend on discovery order. */
  toIds(): ActorIds {
    const sorted = (s: Set<string>) => [...s].sort();
    return {
      practitioners: sorted(this.practitioners),
      organisations: sorted(this.organisations),
      locations: sorted(this.locations),
      healthcareServices: sorted(this.healthcareServices),
      devices: sorted(this.devices),
    };
  }
}

/** Adds every actor an item names (recorder, performer, requester, location, organisation, service, device). */
export function collectActors<A extends RecordArea>(area: A, item: AreaItem<A>, into: ActorIdSet): void {
  into.practitioner(item.recorderId);
  switch (area) {
    case 'allergies':
      into.practitioner((item as Allergy).asserterId);
      return;
    case 'problems':
      into.practitioner((item as Problem).asserterId);
      return;
    case 'consultations': {
      const c = item as Consultation;
      into.location(c.locationId);
      into.practitioner(c.performerId);
      for (const id of c.participantIds ?? []) into.practitioner(id);
      into.organisation(c.organisationId);
      for (const topic of c.topics) {
        if (topic.headings) for (const h of topic.headings) noteRecorders(h.entries, into);
        else noteRecorders(topic.entries, into);
      }
      return;
    }
    case 'medication': {
      const plan = item as MedicationPlan;
      into.practitioner(plan.requesterId);
      into.organisation(plan.onBehalfOfOrganisationId);
      for (const issue of plan.issues) {
        into.practitioner(issue.recorderId);
        into.practitioner(issue.requesterId);
        into.organisation(issue.dispenserId);
      }
      return;
    }
    case 'immunisations': {
      const i = item as Immunisation;
      into.practitioner(i.administeredById);
      into.location(i.locationId);
      into.organisation(i.manufacturerId);
      return;
    }
    case 'immunisationStatuses':
    case 'uncategorisedData':
      for (const p of (item as ImmunisationStatusRecord | Observation).performers ?? []) into.actor(p);
      return;
    case 'investigations':
      collectReportActors(item as InvestigationReport, into);
      return;
    case 'referrals': {
      const r = item as Referral;
      for (const recipient of r.recipients ?? []) if (recipient.kind !== 'text') into.actor(recipient);
      into.practitioner(r.requesterId);
      into.organisation(r.onBehalfOfOrganisationId);
      return;
    }
    case 'diaryEntries':
      into.actor((item as DiaryEntry).requester);
      return;
    case 'documents': {
      const author = documentAuthor(item as ClinicalDocument);
      if (author?.kind === 'organisation') into.organisation(author.id);
      if (author?.kind === 'practitioner') into.practitioner(author.id);
      return;
    }
  }
}

function noteRecorders(entries: readonly ConsultationEntry[], into: ActorIdSet): void {
  for (const entry of entries) if (entry.kind === 'note') into.practitioner(entry.recorderId);
}

function collectReportActors(report: InvestigationReport, into: ActorIdSet): void {
  for (const p of report.performers ?? []) into.actor(p);
  into.practitioner(report.request?.requesterId);
  into.organisation(report.request?.performerId);
  for (const s of report.specimens ?? []) into.practitioner(s.collectorId);
  const comments = [
    ...(report.filingComments ?? []),
    ...(report.groups ?? []).flatMap((g) => [
      ...(g.filingComments ?? []),
      ...g.results.flatMap((r) => r.filingComments ?? []),
    ]),
    ...(report.results ?? []).flatMap((r) => r.filingComments ?? []),
  ];
  for (const c of comments) into.practitioner(c.filedById);
}
