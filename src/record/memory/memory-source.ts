/**
 * The embedded store's bulk reads: a practice dataset held in memory, checked once at construction
 * (validate-dataset.ts) and indexed once, so a patient is found by NHS number and an item by reference
 * in O(1). It hands every requested area's items over unfiltered (a valid superset); the shared
 * assembly code applies the filters.
 */
import { AREAS, CLINICAL_AREAS } from '../../contract/areas';
import type { ClinicalArea, StructuredQuery } from '../../contract/structured-query';
import type { PatientData, PracticeDataset } from '../dataset';
import { expandActors } from '../expand-actors';
import { type ActorIds, type AreaItem, RECORD_AREAS, type RecordArea } from '../item-refs';
import { topicLinksOf, withheldItemsOf } from '../link-hub';
import type { ItemRef } from '../model';
import type {
  Device,
  HealthcareService,
  Location,
  Organisation,
  Patient,
  Practice,
  Practitioner,
} from '../model/people';
import { comparePatients, matchesCriteria, mayBeFound, type PatientCriteria } from '../patient-directory';
import { type IndexedRound, RecordIndex } from '../record-index';
import type {
  Actors,
  CandidateRound,
  DeletedResource,
  PatientRefs,
  Placed,
  PlacedItems,
  PlacedPatient,
  RecordSource,
  TopicLink,
  WithheldItem,
} from '../source';
import { validateDataset } from '../validate-dataset';

/** The record areas that hold each requested area's primary candidates (problems come from the hub). */
const CANDIDATE_AREAS: Readonly<Record<ClinicalArea, readonly RecordArea[]>> = Object.fromEntries(
  CLINICAL_AREAS.map((area) => [area, area === 'problems' ? [] : [...AREAS[area].recordAreas]]),
) as unknown as Record<ClinicalArea, readonly RecordArea[]>;

/** CANDIDATE_AREAS as entries, made once (read on every request). */
const CANDIDATE_ENTRIES = Object.entries(CANDIDATE_AREAS) as [ClinicalArea, readonly RecordArea[]][];

/** One patient's record, indexed at construction. */
interface PatientIndex {
  readonly data: PatientData;
  readonly placed: PlacedItems;
  readonly topicLinks: readonly TopicLink[];
  readonly withheld: readonly WithheldItem[];
  /**
   * Items by ref (a plan also under each of its issues' refs), problems, topic links and withheld
   * items, as the assembly reads them: built with the items, handed over with every round.
   */
  readonly index: RecordIndex;
}

export class MemorySource implements RecordSource {
  private readonly byNhsNumber = new Map<string, PatientIndex>();
  private readonly byPatientId = new Map<string, PatientIndex>();
  readonly practitioners: ReadonlyMap<string, Practitioner>;
  readonly organisations: ReadonlyMap<string, Organisation>;
  readonly locations: ReadonlyMap<string, Location>;
  readonly healthcareServices: ReadonlyMap<string, HealthcareService>;
  readonly devices: ReadonlyMap<string, Device>;
  private readonly loadedAt = new Date().toISOString();

  constructor(private readonly dataset: PracticeDataset) {
    validateDataset(dataset);
    for (const data of dataset.patients) {
      const index = indexPatient(data);
      this.byNhsNumber.set(data.patient.nhsNumber, index);
      this.byPatientId.set(data.patient.id, index);
    }
    this.practitioners = byId(dataset.practitioners);
    this.organisations = byId([dataset.practice, ...dataset.organisations]);
    this.locations = byId(dataset.locations);
    this.healthcareServices = byId(dataset.healthcareServices ?? []);
    this.devices = byId(dataset.devices ?? []);
  }

  async practice(): Promise<Practice> {
    return this.dataset.practice;
  }

  async findPatient(nhsNumber: string): Promise<Patient | undefined> {
    return this.byNhsNumber.get(nhsNumber)?.data.patient;
  }

  async searchPatients(odsCode: string, criteria: PatientCriteria, limit: number): Promise<Patient[]> {
    if (!this.serves(odsCode)) return [];
    if (criteria.nhsNumber !== undefined) {
      const one = this.byNhsNumber.get(criteria.nhsNumber)?.data.patient;
      return one && mayBeFound(one) && matchesCriteria(one, criteria) && limit > 0 ? [one] : [];
    }
    return this.dataset.patients
      .map((d) => d.patient)
      .filter((p) => mayBeFound(p) && matchesCriteria(p, criteria))
      .sort(comparePatients)
      .slice(0, limit);
  }

  async readPatient(odsCode: string, id: string): Promise<Patient | undefined> {
    return this.serves(odsCode) ? this.byPatientId.get(id)?.data.patient : undefined;
  }

  async readOrganisation(odsCode: string, id: string): Promise<Organisation | undefined> {
    return this.serves(odsCode) ? this.organisations.get(id) : undefined;
  }

  async readPractitioner(odsCode: string, id: string): Promise<Practitioner | undefined> {
    return this.serves(odsCode) ? this.practitioners.get(id) : undefined;
  }

  async readLocation(odsCode: string, id: string): Promise<Location | undefined> {
    return this.serves(odsCode) ? this.locations.get(id) : undefined;
  }

  /** This store holds one practice: another practice's ODS code finds nothing. */
  private serves(odsCode: string): boolean {
    return odsCode === this.dataset.practice.odsCode;
  }

  async loadCandidates(
    patient: Patient,
    query: StructuredQuery,
  ): Promise<IndexedRound & { readonly practice: Practice }> {
    const index = this.patientIndex(patient);
    const candidates: { [A in RecordArea]?: readonly Placed<AreaItem<A>>[] } = {};
    for (const [area, holders] of CANDIDATE_ENTRIES) {
      if (query[area] === undefined) continue;
      for (const holder of holders) copyArea(index.placed, candidates, holder);
    }
    return {
      candidates,
      problems: index.placed.problems ?? [],
      topicLinks: index.topicLinks,
      withheld: index.withheld,
      index: index.index,
      practice: this.dataset.practice,
    };
  }

  async loadItems(patient: Patient, refs: readonly ItemRef[]): Promise<PlacedItems> {
    const index = this.patientIndex(patient);
    const found = new Map<RecordArea, Map<string, Placed<AreaItem<RecordArea>>>>();
    for (const ref of refs) {
      const hit = index.index.item(ref);
      if (!hit) continue;
      let area = found.get(hit.area);
      if (!area) found.set(hit.area, (area = new Map<string, Placed<AreaItem<RecordArea>>>()));
      area.set(hit.item.id, hit);
    }
    const items: { [A in RecordArea]?: Placed<AreaItem<RecordArea>>[] } = {};
    for (const [area, placed] of found) items[area] = [...placed.values()];
    return items as PlacedItems;
  }

  async loadActors(ids: ActorIds): Promise<Actors> {
    return expandActors(ids, this);
  }

  /** The batched reads (BatchReads) are the single-patient ones in turn: memory has no round trips. */
  async loadCandidatesBatch(
    patients: readonly Patient[],
    query: StructuredQuery,
  ): Promise<ReadonlyMap<string, CandidateRound>> {
    const rounds = new Map<string, CandidateRound>();
    for (const patient of patients) rounds.set(patient.id, await this.loadCandidates(patient, query));
    return rounds;
  }

  async loadItemsBatch(wanted: readonly PatientRefs[]): Promise<ReadonlyMap<string, PlacedItems>> {
    const items = new Map<string, PlacedItems>();
    for (const { patient, refs } of wanted) items.set(patient.id, await this.loadItems(patient, refs));
    return items;
  }

  async patientsAfter(after: number, limit: number): Promise<PlacedPatient[]> {
    const start = Math.max(0, after + 1);
    return this.dataset.patients
      .slice(start, start + limit)
      .map((d, i) => ({ seq: start + i, patient: d.patient }));
  }

  async patientCount(): Promise<number> {
    return this.dataset.patients.length;
  }

  /** The memory store's record is loaded when the process starts (docs/decisions.md D-B6). */
  async importedAt(): Promise<string> {
    return this.loadedAt;
  }

  /** The memory store's data never changes after the process starts: nothing is ever deleted (D-SD5). */
  async deletedAfter(): Promise<DeletedResource[]> {
    return [];
  }

  async deletionsKnownFrom(): Promise<string | undefined> {
    return undefined;
  }

  async isReady(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  private patientIndex(patient: Patient): PatientIndex {
    const index = this.byPatientId.get(patient.id);
    if (!index) throw new Error(`no record for patient ${patient.id}`);
    return index;
  }
}

function indexPatient(data: PatientData): PatientIndex {
  const placed: { [A in RecordArea]?: readonly Placed<AreaItem<A>>[] } = {};
  for (const area of RECORD_AREAS) placeArea(data, area, placed);
  const topicLinks = topicLinksOf(data);
  const withheld = withheldItemsOf(data);
  return {
    data,
    placed,
    topicLinks,
    withheld,
    index: RecordIndex.ofPatient(placed, { topicLinks, withheld }),
  };
}

function placeArea<A extends RecordArea>(
  data: PatientData,
  area: A,
  placed: { [K in RecordArea]?: readonly Placed<AreaItem<K>>[] },
): void {
  const items = (data.record[area] ?? []) as readonly AreaItem<A>[];
  const list = items.map((item, seq): Placed<AreaItem<A>> => ({ seq, item }));
  placed[area] = list as { [K in RecordArea]?: readonly Placed<AreaItem<K>>[] }[A];
}

function copyArea<A extends RecordArea>(
  from: PlacedItems,
  to: { [K in RecordArea]?: readonly Placed<AreaItem<K>>[] },
  area: A,
): void {
  const items = from[area];
  if (items) (to as Record<A, readonly Placed<AreaItem<A>>[]>)[area] = items;
}

function byId<T extends { readonly id: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}
