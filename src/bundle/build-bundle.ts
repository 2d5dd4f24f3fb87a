/**
 * The bundle engine (Retrieve a patient’s structured record — Payload response body; List page; the clinical
 * area guidance pages; Linkages — FHIR profiles returned on query; docs/spec-notes.md "Confidentiality";
 * Configuration for supported clinical areas): takes what the store loaded for one request (PatientRecord:
 * primary-list items, linked items, what was withheld) and writes the GP Connect structured Bundle: key
 * actors, one primary List per requested area, the "Ended allergies" List, the single linked-problems List,
 * the consultations-* and problems-* secondary Lists, consultation structure Lists, every clinical resource
 * once, the actors they reference, and one OperationOutcome for the warnings.
 *
 * It works in three passes, so that every reference it writes resolves:
 * 1. index: every item the store returned (primary lists first, then linked items) by kind and id;
 *    all of them go into the Bundle;
 * 2. links: consultation structures and problem links, which decide the orders (issues) that come
 *    in through links, the completed diary entries that become text notes, and whether a resolved
 *    allergy is referenced from outside its List;
 * 3. resources, lists, actors and warnings, placed in the order of Retrieve a patient’s structured record —
 * Bundle population illustrated.
 *
 * Decisions (docs/decisions.md):
 * - Ended allergies (Allergies guidance — ended allergies; docs/decisions.md): a resolved allergy is only
 * ever `contained` in the "Ended
 *   allergies" List, whose entries reference it as `#<id>`. When something outside that List refers
 *   to it (a problem's relatedClinicalContent/actualProblem, a consultation Topic or Heading, the
 *   consultations-/problems- "allergies that have been ended" secondary Lists) the List gets an id,
 *   `<patient id>-ended-allergies`, and those references are `List/<that id>#<allergy id>` (the
 *   form NHS consumers such as the GP2GP adaptor resolve). Without outside references the List keeps
 *   no id, as Bundle page asks of query Lists.
 * - Encounter references (`context`, the allergy's associatedEncounter, Condition.context, …) are
 *   written only when that consultation's Encounter is in the Bundle; otherwise left out (never a
 *   dangling reference, never an Encounter pulled in just for a context link).
 * - A Condition outside the primary Problems list (linked from another area, or a related problem
 * outside the filter) is not expanded (Problems guidance; Linkages — FHIR profiles returned on query): its
 * relatedClinicalContent, actualProblem and
 *   relatedProblemHeader keep only the links to resources that are in the Bundle. Every such
 *   Condition is referenced from the one linked-problems List.
 * - Links into switched-off areas from returned consultations and from primary problems (and from
 *   mappers' `ctx.item`) become `{ display: "<Area> items have been disabled" }` and add one
 * "… has been disabled" warning per area (Configuration for supported clinical areas); links into nothing
 * (withheld, out of scope) are
 *   left out.
 * - Free-text consultation notes become Comment note Observations but are not "uncategorised data":
 *   they are in no consultations-* secondary List (Uncategorised data guidance).
 * - Ordering (Retrieve a patient’s structured record — Bundle population illustrated): key actors,
 * consultations, problems, immunisations, uncategorised data,
 *   allergies, medication, supplementary actors, OperationOutcome, investigations, referrals, diary
 *   entries, documents; Lists first within each group; items in store order (primary, then linked).
 */
import type { Bundle, FhirResource, List, Reference, Resource } from 'fhir/r3';
import type { BundleWarning } from '../fhir/operation-outcome';
import { warningOutcome } from '../fhir/operation-outcome';
import { PROFILE } from '../fhir/profiles';
import type {
  ActorRef,
  Allergy,
  ClinicalDocument,
  Consultation,
  DiaryEntry,
  Immunisation,
  ImmunisationStatusRecord,
  InvestigationReport,
  ItemKind,
  ItemRef,
  MedicationIssue,
  MedicationPlan,
  Observation,
  Problem,
  Referral,
} from '../record/model';
import type { Organisation, Practitioner } from '../record/people';
import type { AreaResult, PatientRecord, WithheldLink } from '../record/repository';
import { disabledAreaWarning, DOCUMENTS_DISABLED_WARNING } from '../structured/area-switches';
import type { ClinicalArea, StructuredQuery } from '../structured/structured-query';
import {
  locationResource,
  organizationResource,
  patientResource,
  practitionerResource,
  practitionerRoleResource,
  ref,
} from './actors';
import { allergyResource } from './areas/allergies';
import { commentNoteResource, completedDiaryEntryNoteResource, consultationStructure, encounterResource, type ConsultationStructure } from './areas/consultations';
import { diaryEntryResource } from './areas/diary';
import { documentReferenceResource } from './areas/documents';
import { immunisationStatusResource, immunizationResource } from './areas/immunisations';
import { investigationResources } from './areas/investigations';
import { medicationOrderResource, medicationPlanRequestResource, medicationResource, medicationStatementResource } from './areas/medication';
import { childObservationIds, observationResource } from './areas/observations';
import { problemResource, type ProblemLinks } from './areas/problems';
import { referralResource } from './areas/referrals';
import { itemIdentifierSystem } from './core-urls';
import {
  CONSULTATION_SECONDARY_LISTS,
  DISABLED_ITEMS_TEXT,
  DOCUMENTS_DISABLED_TEXT,
  ITEM_NOT_INCLUDED_TEXT,
  LINKED_PROBLEMS_LIST,
  PRIMARY_LISTS,
  PROBLEM_SECONDARY_LISTS,
  type LinkedItemKind,
  type ListDefinition,
  type ListWarning,
} from './list-definitions';
import { KIND_AREA, SWITCHED_BY } from '../record/item-refs';
import { ITEM_TARGET, type MappingContext } from './mapping-context';
import { queryList } from './query-list';
import { deviceResource, healthcareServiceResource } from './supplementary-actors';

export interface BundleContext {
  /** The request's Ssp-TraceID: the Bundle id (Bundle page). */
  readonly traceId: string;
  /** Id for the warnings OperationOutcome; injected so a response is reproducible in tests. */
  readonly newId: () => string;
  /** The response time (ISO dateTime, from the injected clock): `date` of every query List. */
  readonly date: string;
  /** Unrecognised parameters and requested-but-disabled areas (query.warnings). */
  readonly warnings: readonly BundleWarning[];
}

export function buildBundle(record: PatientRecord, query: StructuredQuery, context: BundleContext): Bundle {
  return new BundleEngine(record, query, context).build();
}

/** The placement groups of Retrieve a patient’s structured record — Bundle population illustrated, in Bundle
 * order. */
const GROUPS = [
  'keyActors',
  'consultations',
  'problems',
  'immunisations',
  'uncategorisedData',
  'allergies',
  'medication',
  'actors',
  'outcome',
  'investigations',
  'referrals',
  'diaryEntries',
  'documents',
] as const;
type Group = (typeof GROUPS)[number];

/** The switchable area a link of this kind points into (documents have their own switch). */
const kindSwitch = (kind: ItemKind): ClinicalArea | undefined => SWITCHED_BY[KIND_AREA[kind]];

/** The secondary list (consultations-* / problems-*) each kind of link is filed under (List page). */
const SECONDARY_KIND: Readonly<Record<ItemKind, LinkedItemKind>> = {
  allergy: 'allergies',
  medicationPlan: 'medication',
  medicationIssue: 'medication',
  problem: 'problems',
  consultation: 'consultations',
  immunisation: 'immunisations',
  immunisationStatus: 'immunisations',
  observation: 'uncategorisedData',
  investigation: 'investigations',
  referral: 'referrals',
  diaryEntry: 'diaryEntries',
  document: 'documents',
};

/** Resources once each (dedup on Type/id, Retrieve a patient’s structured record — Payload response body),
 * Lists first, grouped for the Retrieve a patient’s structured record — Bundle population illustrated
 * order. */
class GroupedResources {
  private readonly seen = new Set<string>();
  private readonly lists = new Map<Group, List[]>(GROUPS.map((g) => [g, []]));
  private readonly resources = new Map<Group, Resource[]>(GROUPS.map((g) => [g, []]));

  add(group: Group, resource: Resource): void {
    const key = `${resource.resourceType}/${resource.id ?? ''}`;
    if (resource.id !== undefined) {
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    this.resources.get(group)!.push(resource);
  }

  addList(group: Group, list: List): void {
    if (list.id !== undefined) this.seen.add(`List/${list.id}`);
    this.lists.get(group)!.push(list);
  }

  has(type: string, id: string): boolean {
    return this.seen.has(`${type}/${id}`);
  }

  all(): Resource[] {
    return GROUPS.flatMap((g) => [...this.lists.get(g)!, ...this.resources.get(g)!]);
  }
}

/** References in first-seen order, each once (a List may repeat nothing; Retrieve a patient’s structured
 * record — Payload response body lets Lists share targets). */
class RefList {
  private readonly byKey = new Map<string, Reference>();

  add(r: Reference): void {
    const key = r.reference ?? `display:${r.display ?? ''}`;
    if (!this.byKey.has(key)) this.byKey.set(key, r);
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): Reference[] {
    return [...this.byKey.values()];
  }
}

/** Every item this Bundle carries, by kind and id, primary-list items first. */
class ItemIndex {
  readonly allergies = new Map<string, Allergy>();
  readonly plans = new Map<string, MedicationPlan>();
  readonly issues = new Map<string, { readonly plan: MedicationPlan; readonly issue: MedicationIssue }>();
  readonly problems = new Map<string, Problem>();
  readonly consultations = new Map<string, Consultation>();
  readonly immunisations = new Map<string, Immunisation>();
  readonly immunisationStatuses = new Map<string, ImmunisationStatusRecord>();
  readonly observations = new Map<string, Observation>();
  readonly investigations = new Map<string, InvestigationReport>();
  readonly referrals = new Map<string, Referral>();
  readonly diaryEntries = new Map<string, DiaryEntry>();
  readonly documents = new Map<string, ClinicalDocument>();

  static add<T extends { readonly id: string }>(map: Map<string, T>, items: readonly T[] | undefined): void {
    for (const item of items ?? []) if (!map.has(item.id)) map.set(item.id, item);
  }

  /** The item maps by link kind (issues live inside their plans: see `issues`). */
  readonly byKind: Readonly<Record<Exclude<ItemKind, 'medicationIssue'>, ReadonlyMap<string, { readonly id: string; readonly consultationId?: string }>>> = {
    allergy: this.allergies,
    medicationPlan: this.plans,
    problem: this.problems,
    consultation: this.consultations,
    immunisation: this.immunisations,
    immunisationStatus: this.immunisationStatuses,
    observation: this.observations,
    investigation: this.investigations,
    referral: this.referrals,
    diaryEntry: this.diaryEntries,
    document: this.documents,
  };

  addPlans(plans: readonly MedicationPlan[] | undefined): void {
    for (const plan of plans ?? []) {
      if (this.plans.has(plan.id)) continue;
      this.plans.set(plan.id, plan);
      for (const issue of plan.issues) if (!this.issues.has(issue.id)) this.issues.set(issue.id, { plan, issue });
    }
  }
}

const EMPTY: AreaResult<never> = { items: [], withheldConfidential: false };

function isCompleted(entry: DiaryEntry): boolean {
  return entry.status === 'completed' || entry.status === 'cancelled';
}

function topicRefs(topic: Consultation['topics'][number]): ItemRef[] {
  const entries = topic.headings ? topic.headings.flatMap((h) => h.entries) : topic.entries;
  return entries.filter((e): e is ItemRef => e.kind !== 'note');
}

interface RefOptions {
  /** Write disabled-area placeholders and bring in linked issues (returned consultations, primary problems, mappers). */
  readonly expand: boolean;
  /** The link comes from a consultation structure (completed diary entries become text notes there). */
  readonly inConsultation: boolean;
}

class BundleEngine implements MappingContext {
  readonly patient: Reference;
  readonly practiceId: string;

  private readonly index = new ItemIndex();
  private readonly out = new GroupedResources();
  private readonly primaryProblemIds: ReadonlySet<string>;
  private readonly issuesToEmit = new Set<string>();
  private readonly diaryAsNote = new Set<string>();
  private readonly disabledReached = new Set<ClinicalArea>();
  /** A link reached a document while the Documents switch is off. */
  private documentsReached = false;
  private readonly endedListId: string;
  private endedListReferenced = false;
  private readonly consultationSecondary = new Map<LinkedItemKind, RefList>();
  private readonly problemSecondary = new Map<LinkedItemKind, RefList>();
  private readonly used = {
    practitioners: new Set<string>(),
    organisations: new Set<string>(),
    locations: new Set<string>(),
    healthcareServices: new Set<string>(),
    devices: new Set<string>(),
  };

  constructor(
    private readonly record: PatientRecord,
    private readonly query: StructuredQuery,
    private readonly context: BundleContext,
  ) {
    this.patient = ref('Patient', record.patient.id);
    this.practiceId = record.practice.id;
    this.endedListId = `${record.patient.id}-ended-allergies`;
    this.primaryProblemIds = new Set((record.problems?.items ?? []).map((p) => p.id));
  }

  // ---- MappingContext ------------------------------------------------------------------------

  identifier(id: string, guid?: string, namespace: 'record-item' | 'medication-statement' = 'record-item') {
    return { system: itemIdentifierSystem(this.record.practice.odsCode, namespace), value: guid ?? id };
  }

  actor(actor: ActorRef): Reference {
    switch (actor.kind) {
      case 'practitioner':
        return this.practitioner(actor.id);
      case 'organisation':
        return this.organisation(actor.id);
      case 'healthcareService':
        this.used.healthcareServices.add(actor.id);
        return ref('HealthcareService', actor.id);
      case 'device':
        this.used.devices.add(actor.id);
        return ref('Device', actor.id);
    }
  }

  practitioner(id: string): Reference {
    this.used.practitioners.add(id);
    return ref('Practitioner', id);
  }

  organisation(id: string): Reference {
    this.used.organisations.add(id);
    return ref('Organization', id);
  }

  location(id: string): Reference {
    this.used.locations.add(id);
    return ref('Location', id);
  }

  item(link: ItemRef): Reference {
    return this.refFor(link, { expand: true, inConsultation: false }) ?? { display: ITEM_NOT_INCLUDED_TEXT };
  }

  itemIfPresent(link: ItemRef): Reference | undefined {
    const r = this.refFor(link, { expand: false, inConsultation: false });
    return r?.reference !== undefined ? r : undefined;
  }

  encounter(consultationId: string | undefined): Reference | undefined {
    return consultationId !== undefined && this.index.consultations.has(consultationId) ? ref('Encounter', consultationId) : undefined;
  }

  // ---- references ----------------------------------------------------------------------------

  /**
   * The reference a link becomes, or undefined when the item is not in this Bundle and its area is
   * not switched off (withheld by the store, or out of scope).
   */
  private refFor(link: ItemRef, options: RefOptions): Reference | undefined {
    const { id } = link;
    const ix = this.index;
    switch (link.kind) {
      case 'allergy': {
        const allergy = ix.allergies.get(id);
        if (!allergy) break;
        if (allergy.ended) {
          this.endedListReferenced = true;
          return { reference: `List/${this.endedListId}#${id}` };
        }
        return ref('AllergyIntolerance', id);
      }
      case 'medicationIssue':
        if (!ix.issues.has(id)) break;
        if (!options.expand && !this.issuesToEmit.has(id)) return undefined;
        this.issuesToEmit.add(id);
        return ref('MedicationRequest', id);
      case 'diaryEntry': {
        const entry = ix.diaryEntries.get(id);
        if (!entry) break;
        if (!isCompleted(entry)) return ref('ProcedureRequest', id);
        // Out of the diary's scope: only inside a consultation, as a text-only note (Linkages — FHIR profiles
        // returned on query).
        if (!options.inConsultation || (!options.expand && !this.diaryAsNote.has(id))) return undefined;
        this.diaryAsNote.add(id);
        return ref('Observation', id);
      }
      case 'document':
        if (!ix.documents.has(id)) break;
        if (!this.query.documentsDisabled) return ref('DocumentReference', id);
        if (!options.expand) return undefined;
        this.documentsReached = true;
        return { display: DOCUMENTS_DISABLED_TEXT };
      default:
        if (ix.byKind[link.kind].has(id)) return ref(ITEM_TARGET[link.kind], id);
    }
    const area = kindSwitch(link.kind);
    if (options.expand && area !== undefined && this.query.disabledAreas.has(area)) {
      this.disabledReached.add(area);
      return { display: DISABLED_ITEMS_TEXT[area] };
    }
    return undefined;
  }

  /** The secondary list a (real, in-Bundle) link is filed under; undefined for text-only notes. */
  private secondaryKind(link: ItemRef): LinkedItemKind | undefined {
    if (link.kind === 'allergy') return this.index.allergies.get(link.id)?.ended ? 'endedAllergies' : 'allergies';
    if (link.kind === 'diaryEntry') {
      const entry = this.index.diaryEntries.get(link.id);
      if (entry && isCompleted(entry)) return undefined;
    }
    return SECONDARY_KIND[link.kind];
  }

  /** The consultation an item was recorded in, when the Bundle knows the item. */
  private consultationOf(link: ItemRef): string | undefined {
    if (link.kind === 'consultation') return undefined;
    if (link.kind === 'medicationIssue') return this.index.issues.get(link.id)?.issue.consultationId;
    return this.index.byKind[link.kind].get(link.id)?.consultationId;
  }

  private static file(lists: Map<LinkedItemKind, RefList>, kind: LinkedItemKind | undefined, r: Reference): void {
    if (kind === undefined || r.reference === undefined) return;
    let list = lists.get(kind);
    if (!list) lists.set(kind, (list = new RefList()));
    list.add(r);
  }

  // ---- pass 1: index -------------------------------------------------------------------------

  private indexRecord(): void {
    const r = this.record;
    const linked = r.linked ?? {};
    const ix = this.index;
    ItemIndex.add(ix.allergies, r.allergies?.active.items);
    ItemIndex.add(ix.allergies, r.allergies?.resolved?.items);
    ItemIndex.add(ix.allergies, linked.allergies);
    ix.addPlans(r.medication?.items);
    ix.addPlans(linked.medication);
    ItemIndex.add(ix.problems, r.problems?.items);
    ItemIndex.add(ix.problems, linked.problems);
    ItemIndex.add(ix.consultations, r.consultations?.items);
    ItemIndex.add(ix.consultations, linked.consultations);
    ItemIndex.add(ix.immunisations, r.immunisations?.items);
    ItemIndex.add(ix.immunisations, linked.immunisations);
    ItemIndex.add(ix.immunisationStatuses, r.immunisations?.statuses);
    ItemIndex.add(ix.immunisationStatuses, linked.immunisationStatuses);
    ItemIndex.add(ix.observations, r.uncategorisedData?.items);
    ItemIndex.add(ix.observations, linked.uncategorisedData);
    ItemIndex.add(ix.investigations, r.investigations?.items);
    ItemIndex.add(ix.investigations, linked.investigations);
    ItemIndex.add(ix.referrals, r.referrals?.items);
    ItemIndex.add(ix.referrals, linked.referrals);
    ItemIndex.add(ix.diaryEntries, r.diaryEntries?.items);
    ItemIndex.add(ix.diaryEntries, linked.diaryEntries);
    ItemIndex.add(ix.documents, linked.documents);
  }

  // ---- pass 2: links -------------------------------------------------------------------------

  private structures(): Map<string, ConsultationStructure> {
    const structures = new Map<string, ConsultationStructure>();
    for (const c of this.record.consultations?.items ?? []) {
      structures.set(
        c.id,
        consultationStructure(c, this, {
          item: (link) => {
            const r = this.refFor(link, { expand: true, inConsultation: true });
            if (r) BundleEngine.file(this.consultationSecondary, this.secondaryKind(link), r);
            return r;
          },
          problem: (problemId) => {
            const r = this.refFor({ kind: 'problem', id: problemId }, { expand: true, inConsultation: true });
            if (r) BundleEngine.file(this.consultationSecondary, 'problems', r);
            return r;
          },
        }),
      );
    }
    return structures;
  }

  /**
   * A problem's links (ProblemHeader (Condition) page): directly linked items and consultations, the items of
   * topics linked to it and those topics' consultations, and the consultations in which linked items were
   * recorded. A primary problem (`expand`) also files them in the problems-* Lists and writes placeholders.
   */
  private problemLinks(problem: Problem, expand: boolean): ProblemLinks {
    const options: RefOptions = { expand, inConsultation: false };
    const content = new RefList();
    const recordedIn: string[] = [];
    const file = (link: ItemRef, r: Reference): void => {
      if (expand) BundleEngine.file(this.problemSecondary, this.secondaryKind(link), r);
    };
    const add = (link: ItemRef): void => {
      const r = this.refFor(link, options);
      if (!r) return;
      content.add(r);
      file(link, r);
      const cid = this.consultationOf(link);
      if (cid !== undefined) recordedIn.push(cid);
    };
    for (const link of problem.linkedItems ?? []) add(link);
    for (const c of this.index.consultations.values()) {
      for (const topic of c.topics) {
        if (!(topic.problemIds ?? []).includes(problem.id)) continue;
        add({ kind: 'consultation', id: c.id });
        for (const link of topicRefs(topic)) if (link.kind !== 'problem') add(link);
      }
    }
    let actualProblem: Reference | undefined;
    const actual = problem.actualProblem;
    if (actual) {
      // The report, through relatedClinicalContent (ProblemHeader (Condition) page).
      if (actual.kind === 'investigation') add(actual);
      else {
        actualProblem = this.refFor(actual, options);
        if (actualProblem) {
          file(actual, actualProblem);
          const cid = this.consultationOf(actual);
          if (cid !== undefined) recordedIn.push(cid);
        }
      }
    }
    for (const cid of recordedIn) add({ kind: 'consultation', id: cid });
    const relatedProblems = (problem.relatedProblems ?? []).flatMap((rp) => {
      const target = this.refFor({ kind: 'problem', id: rp.problemId }, { expand: false, inConsultation: false });
      return target ? [{ type: rp.type, target }] : [];
    });
    return {
      ...(actualProblem && { actualProblem }),
      relatedProblems,
      relatedClinicalContent: content.values(),
    };
  }

  // ---- pass 3: resources ---------------------------------------------------------------------

  private emitKeyActors(): void {
    const r = this.record;
    this.out.add('keyActors', patientResource(r.patient, r.practice.id));
    this.out.add('keyActors', organizationResource(r.practice));
    const usualGp = r.practitioners.find((p) => p.id === r.patient.usualGpId);
    if (usualGp) {
      this.out.add('keyActors', practitionerResource(usualGp));
      const role = practitionerRoleResource(usualGp);
      if (role) this.out.add('keyActors', role);
    }
  }

  /** Every clinical resource; returns the resolved allergies, which only the "Ended allergies" List contains. */
  private emitClinical(structures: Map<string, ConsultationStructure>, links: Map<string, ProblemLinks>): Resource[] {
    const ix = this.index;
    const out = this.out;
    for (const c of ix.consultations.values()) {
      out.add('consultations', encounterResource(c, this));
      const structure = structures.get(c.id);
      if (!structure) continue;
      for (const list of structure.lists) out.add('consultations', list);
      for (const note of structure.notes) out.add('consultations', commentNoteResource(note, c, this));
    }
    for (const p of ix.problems.values()) out.add('problems', problemResource(p, this, links.get(p.id)!));
    for (const i of ix.immunisations.values()) out.add('immunisations', immunizationResource(i, this));
    for (const s of ix.immunisationStatuses.values()) out.add('immunisations', immunisationStatusResource(s, this));
    const observations = [...ix.observations.values()];
    const members = childObservationIds(observations);
    for (const o of observations) out.add('uncategorisedData', observationResource(o, this, members.get(o.id) ?? []));
    const contained: Resource[] = [];
    for (const a of ix.allergies.values()) {
      if (a.ended) contained.push(allergyResource(a, this));
      else out.add('allergies', allergyResource(a, this));
    }
    for (const plan of ix.plans.values()) {
      out.add('medication', medicationStatementResource(plan, this));
      out.add('medication', medicationPlanRequestResource(plan, this));
      out.add('medication', medicationResource(plan));
      for (const issue of plan.issues) if (this.issuesToEmit.has(issue.id)) out.add('medication', medicationOrderResource(plan, issue, this));
    }
    for (const report of ix.investigations.values()) {
      const mapped = investigationResources(report, this);
      out.add('investigations', mapped.report);
      for (const r of mapped.related) out.add('investigations', r);
    }
    for (const referral of ix.referrals.values()) out.add('referrals', referralResource(referral, this));
    for (const entry of ix.diaryEntries.values()) {
      if (!isCompleted(entry)) out.add('diaryEntries', diaryEntryResource(entry, this));
      else if (this.diaryAsNote.has(entry.id)) out.add('consultations', completedDiaryEntryNoteResource(entry, this));
    }
    if (!this.query.documentsDisabled) {
      for (const doc of ix.documents.values()) out.add('documents', documentReferenceResource(doc, this));
    }
    // Issues a mapper linked to after the medication pass (e.g. a referral's supporting info).
    for (const id of this.issuesToEmit) {
      const found = ix.issues.get(id)!;
      out.add('medication', medicationOrderResource(found.plan, found.issue, this));
    }
    return contained;
  }

  // ---- pass 3: lists -------------------------------------------------------------------------

  /** The warnings a query List carries: confidential-items when it lost an item, then the patient-level ones
   * (List page — warning codes). */
  private listWarnings(confidential: boolean): ListWarning[] {
    const p = this.record.patient;
    return [
      ...(confidential ? [{ code: 'confidential-items' as const }] : []),
      ...(p.recordInTransit ? [{ code: 'data-in-transit' as const, since: p.recordInTransit.registeredOn }] : []),
      ...(p.dataAwaitingFiling ? [{ code: 'data-awaiting-filing' as const, since: p.dataAwaitingFiling.since }] : []),
    ];
  }

  private list(definition: ListDefinition, entries: readonly Reference[], confidential: boolean, extra: { id?: string; contained?: Resource[] } = {}): List {
    return queryList({
      definition,
      patientId: this.record.patient.id,
      date: this.context.date,
      entries,
      warnings: this.listWarnings(confidential),
      ...(extra.id !== undefined && { id: extra.id }),
      ...(extra.contained && { contained: extra.contained }),
    });
  }

  /** References to those of `ids` whose resource is in the Bundle. */
  private present(type: string, ids: readonly string[]): Reference[] {
    return ids.filter((id) => this.out.has(type, id)).map((id) => ref(type, id));
  }

  private withheld(match: (w: WithheldLink) => boolean): boolean {
    return (this.record.withheldLinks ?? []).some(match);
  }

  private withheldKind(via: 'consultation' | 'problem', kind: LinkedItemKind): boolean {
    return this.withheld((w) => w.via === via && SECONDARY_KIND[w.kind] === kind);
  }

  private emitLists(contained: Resource[]): void {
    const q = this.query;
    const r = this.record;
    const out = this.out;
    const ids = <T extends { readonly id: string }>(items: readonly T[]) => items.map((i) => i.id);

    if (q.consultations) {
      const result = r.consultations ?? EMPTY;
      out.addList('consultations', this.list(PRIMARY_LISTS.consultations, this.present('Encounter', ids(result.items)), result.withheldConfidential));
      for (const [kind, definition] of Object.entries(CONSULTATION_SECONDARY_LISTS) as [LinkedItemKind, ListDefinition][]) {
        const entries = this.consultationSecondary.get(kind)?.values() ?? [];
        const confidential = this.withheldKind('consultation', kind);
        if (entries.length > 0 || confidential) out.addList('consultations', this.list(definition, entries, confidential));
      }
    }

    if (q.problems) {
      const result = r.problems ?? EMPTY;
      out.addList('problems', this.list(PRIMARY_LISTS.problems, this.present('Condition', ids(result.items)), result.withheldConfidential));
      for (const [kind, definition] of Object.entries(PROBLEM_SECONDARY_LISTS) as [LinkedItemKind, ListDefinition][]) {
        const entries = this.problemSecondary.get(kind)?.values() ?? [];
        const confidential = this.withheldKind('problem', kind);
        if (entries.length > 0 || confidential) out.addList('problems', this.list(definition, entries, confidential));
      }
    }
    const linkedProblems = this.present(
      'Condition',
      [...this.index.problems.keys()].filter((id) => !this.primaryProblemIds.has(id)),
    );
    const linkedConfidential = this.withheld((w) => w.via === 'linkedProblem' || (w.via === 'problem' && w.kind === 'problem'));
    if (linkedProblems.length > 0 || linkedConfidential) out.addList('problems', this.list(LINKED_PROBLEMS_LIST, linkedProblems, linkedConfidential));

    if (q.immunisations) {
      const result = r.immunisations ?? { ...EMPTY, statuses: [] };
      const entries = [...this.present('Immunization', ids(result.items)), ...this.present('Observation', ids(result.statuses))];
      out.addList('immunisations', this.list(PRIMARY_LISTS.immunisations, entries, result.withheldConfidential));
    }
    if (q.uncategorisedData) {
      const result = r.uncategorisedData ?? EMPTY;
      out.addList('uncategorisedData', this.list(PRIMARY_LISTS.uncategorisedData, this.present('Observation', ids(result.items)), result.withheldConfidential));
    }

    if (q.allergies) {
      const result = r.allergies?.active ?? EMPTY;
      const active = result.items.filter((a) => !a.ended);
      out.addList('allergies', this.list(PRIMARY_LISTS.allergies, this.present('AllergyIntolerance', ids(active)), result.withheldConfidential));
    }
    // "Ended allergies": requested with includeResolvedAllergies, or needed because a returned
    // consultation or problem brought in a resolved allergy (Allergies guidance — ended allergies). Present
    // even when empty if requested.
    if (q.allergies?.includeResolved || contained.length > 0) {
      out.addList(
        'allergies',
        this.list(
          PRIMARY_LISTS.endedAllergies,
          contained.map((a) => ({ reference: `#${a.id}` })),
          r.allergies?.resolved?.withheldConfidential ?? false,
          { ...(this.endedListReferenced && { id: this.endedListId }), contained },
        ),
      );
    }

    if (q.medication) {
      const result = r.medication ?? EMPTY;
      out.addList('medication', this.list(PRIMARY_LISTS.medication, this.present('MedicationStatement', ids(result.items)), result.withheldConfidential));
    }
    if (q.investigations) {
      const result = r.investigations ?? EMPTY;
      out.addList('investigations', this.list(PRIMARY_LISTS.investigations, this.present('DiagnosticReport', ids(result.items)), result.withheldConfidential));
    }
    if (q.referrals) {
      const result = r.referrals ?? EMPTY;
      out.addList('referrals', this.list(PRIMARY_LISTS.referrals, this.present('ReferralRequest', ids(result.items)), result.withheldConfidential));
    }
    if (q.diaryEntries) {
      const result = r.diaryEntries ?? EMPTY;
      const active = result.items.filter((d) => !isCompleted(d));
      out.addList('diaryEntries', this.list(PRIMARY_LISTS.diaryEntries, this.present('ProcedureRequest', ids(active)), result.withheldConfidential));
    }
  }

  // ---- pass 3: actors and warnings -----------------------------------------------------------

  /**
   * Every actor a resource referenced, and what those actors reference in turn (a role's or site's
   * organisation, a service's provider). At most one PractitionerRole per Practitioner (Retrieve a patient’s
   * structured record — Payload response body), and only when its organisation can be included too.
   */
  private emitActors(): void {
    const r = this.record;
    const orgs = new Map<string, Organisation>([[r.practice.id, r.practice], ...r.organisations.map((o): [string, Organisation] => [o.id, o])]);
    const practitioners = new Map<string, Practitioner>(r.practitioners.map((p) => [p.id, p]));
    const collected: Record<'Organization' | 'Practitioner' | 'PractitionerRole' | 'HealthcareService' | 'Location' | 'Device', FhirResource[]> = {
      Organization: [],
      Practitioner: [],
      PractitionerRole: [],
      HealthcareService: [],
      Location: [],
      Device: [],
    };
    for (const id of this.used.practitioners) {
      const p = practitioners.get(id);
      if (!p) continue;
      collected.Practitioner.push(practitionerResource(p));
      const role = practitionerRoleResource(p);
      if (role && orgs.has(p.roles[0].organisationId)) {
        collected.PractitionerRole.push(role);
        this.used.organisations.add(p.roles[0].organisationId);
      }
    }
    for (const id of this.used.locations) {
      const location = r.locations.find((l) => l.id === id);
      if (!location) continue;
      const hasOrg = (orgId: string) => orgs.has(orgId);
      collected.Location.push(locationResource(location, hasOrg));
      if (location.managingOrganisationId !== undefined && hasOrg(location.managingOrganisationId)) this.used.organisations.add(location.managingOrganisationId);
    }
    for (const id of this.used.healthcareServices) {
      const hs = (r.healthcareServices ?? []).find((h) => h.id === id);
      if (!hs) continue;
      collected.HealthcareService.push(healthcareServiceResource(hs));
      if (hs.providedByOrganisationId !== undefined) this.used.organisations.add(hs.providedByOrganisationId);
    }
    for (const id of this.used.devices) {
      const device = (r.devices ?? []).find((d) => d.id === id);
      if (device) collected.Device.push(deviceResource(device));
    }
    for (const id of this.used.organisations) {
      const org = orgs.get(id);
      if (org) collected.Organization.push(organizationResource(org));
    }
    for (const type of ['Organization', 'Practitioner', 'PractitionerRole', 'HealthcareService', 'Location', 'Device'] as const) {
      for (const resource of collected[type]) this.out.add('actors', resource);
    }
  }

  private emitWarnings(): void {
    const warnings = [...this.context.warnings];
    for (const area of this.disabledReached) {
      const warning = disabledAreaWarning(area);
      if (!warnings.some((w) => w.diagnostics === warning.diagnostics)) warnings.push(warning);
    }
    if (this.documentsReached) warnings.push(DOCUMENTS_DISABLED_WARNING);
    if (warnings.length > 0) this.out.add('outcome', warningOutcome(this.context.newId(), warnings));
  }

  // ---- assembly ------------------------------------------------------------------------------

  build(): Bundle {
    this.indexRecord();
    this.emitKeyActors();
    const structures = this.structures();
    const links = new Map<string, ProblemLinks>();
    for (const p of this.record.problems?.items ?? []) links.set(p.id, this.problemLinks(p, true));
    if (this.query.medication?.includePrescriptionIssues ?? false) {
      for (const plan of this.record.medication?.items ?? []) for (const issue of plan.issues) this.issuesToEmit.add(issue.id);
    }
    for (const p of this.index.problems.values()) if (!links.has(p.id)) links.set(p.id, this.problemLinks(p, false));
    const contained = this.emitClinical(structures, links);
    this.emitLists(contained);
    this.emitActors();
    this.emitWarnings();
    return {
      resourceType: 'Bundle',
      id: this.context.traceId,
      meta: { profile: [PROFILE.bundle] },
      type: 'collection',
      entry: this.out.all().map((resource) => ({ resource: resource as FhirResource })),
    };
  }
}
