/**
 * A minimal vendor store (docs/record-source.md): a RecordSource over a practice snapshot that a GP
 * system exports (here, the project's PracticeDataset shape, held in memory). It answers every
 * round by scanning, with no indexes, to show how little a store must do: the shared code
 * (SourcedRepository) applies every filter, link and confidentiality rule to what it returns.
 *
 * A real store would answer each method with one query per round against its own database.
 */
import type { StructuredQuery } from '../../src/contract/structured-query';
import type { PracticeDataset } from '../../src/record/dataset';
import { expandActors } from '../../src/record/expand-actors';
import {
  type ActorIds,
  type AreaItem,
  RECORD_AREAS,
  type RecordArea,
  refKey,
  refTo,
} from '../../src/record/item-refs';
import { topicLinksOf, withheldItemsOf } from '../../src/record/link-hub';
import type { ItemRef } from '../../src/record/model';
import type { Location, Organisation, Patient, Practice, Practitioner } from '../../src/record/model/people';
import {
  comparePatients,
  matchesCriteria,
  mayBeFound,
  type PatientCriteria,
} from '../../src/record/patient-directory';
import type {
  Actors,
  CandidateRound,
  DeletedResource,
  Placed,
  PlacedItems,
  PlacedPatient,
  RecordSource,
} from '../../src/record/source';
import { SourcedRepository } from '../../src/record/sourced-repository';

type MutablePlaced = { [A in RecordArea]?: Placed<AreaItem<A>>[] };

export class SnapshotSource implements RecordSource {
  private readonly takenAt = new Date().toISOString();

  constructor(private readonly snapshot: PracticeDataset) {}

  async practice(): Promise<Practice> {
    return this.snapshot.practice;
  }

  async findPatient(nhsNumber: string): Promise<Patient | undefined> {
    return this.snapshot.patients.find((p) => p.patient.nhsNumber === nhsNumber)?.patient;
  }

  /**
   * The patient directory (Foundations search and reads), scoped to the practice's ODS code: the shared
   * helpers decide who may be found, who matches and in what order.
   */
  async searchPatients(odsCode: string, criteria: PatientCriteria, limit: number): Promise<Patient[]> {
    if (!this.serves(odsCode)) return [];
    return this.snapshot.patients
      .map((d) => d.patient)
      .filter((p) => mayBeFound(p) && matchesCriteria(p, criteria))
      .sort(comparePatients)
      .slice(0, limit);
  }

  async readPatient(odsCode: string, id: string): Promise<Patient | undefined> {
    return this.serves(odsCode)
      ? this.snapshot.patients.find((p) => p.patient.id === id)?.patient
      : undefined;
  }

  async readOrganisation(odsCode: string, id: string): Promise<Organisation | undefined> {
    const s = this.snapshot;
    return this.serves(odsCode) ? [s.practice, ...s.organisations].find((o) => o.id === id) : undefined;
  }

  async readPractitioner(odsCode: string, id: string): Promise<Practitioner | undefined> {
    return this.serves(odsCode) ? this.snapshot.practitioners.find((p) => p.id === id) : undefined;
  }

  async readLocation(odsCode: string, id: string): Promise<Location | undefined> {
    return this.serves(odsCode) ? this.snapshot.locations.find((l) => l.id === id) : undefined;
  }

  /**
   * Round 1. A superset of the candidates is allowed, so this returns every item of the patient
   * (a real store would return only the requested areas, pre-filtered by date where it can).
   */
  async loadCandidates(patient: Patient, _query: StructuredQuery): Promise<CandidateRound> {
    const data = this.patientData(patient);
    const candidates = this.placed(patient, () => true);
    return {
      candidates,
      problems: candidates.problems ?? [],
      topicLinks: topicLinksOf(data),
      withheld: withheldItemsOf(data),
    };
  }

  /** Rounds 2 and 3: the items these refs name (a medication issue's ref brings its whole plan). */
  async loadItems(patient: Patient, refs: readonly ItemRef[]): Promise<PlacedItems> {
    const wanted = new Set(refs.map(refKey));
    return this.placed(patient, (area, item) => {
      if (wanted.has(refKey(refTo(area, item)))) return true;
      const issues = area === 'medication' ? (item as AreaItem<'medication'>).issues : [];
      return issues.some((issue) => wanted.has(refKey({ kind: 'medicationIssue', id: issue.id })));
    });
  }

  /** The actors asked for, plus the organisations they name (the shared helper does the walk). */
  async loadActors(ids: ActorIds): Promise<Actors> {
    const s = this.snapshot;
    const byId = <T extends { readonly id: string }>(items: readonly T[]) =>
      new Map(items.map((i) => [i.id, i]));
    return expandActors(ids, {
      practitioners: byId(s.practitioners),
      organisations: byId([s.practice, ...s.organisations]),
      locations: byId(s.locations),
      healthcareServices: byId(s.healthcareServices ?? []),
      devices: byId(s.devices ?? []),
    });
  }

  /** The bulk export's reads: patients in the snapshot's order, each with its place. */
  async patientsAfter(after: number, limit: number): Promise<PlacedPatient[]> {
    const start = Math.max(0, after + 1);
    return this.snapshot.patients
      .slice(start, start + limit)
      .map((d, i) => ({ seq: start + i, patient: d.patient }));
  }

  async patientCount(): Promise<number> {
    return this.snapshot.patients.length;
  }

  /** When the snapshot was taken: what `_since` compares an item without its own lastUpdated with. */
  async importedAt(): Promise<string> {
    return this.takenAt;
  }

  /**
   * A snapshot is never changed while served: nothing is deleted. A source over a live system would
   * answer from its own record of removals (docs/record-source.md).
   */
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

  private serves(odsCode: string): boolean {
    return odsCode === this.snapshot.practice.odsCode;
  }

  private patientData(patient: Patient) {
    const data = this.snapshot.patients.find((p) => p.patient.id === patient.id);
    if (!data) throw new Error(`no record for patient ${patient.id}`);
    return data;
  }

  /** The patient's items that `keep` accepts, by area, each with its place (its index in the area). */
  private placed(
    patient: Patient,
    keep: (area: RecordArea, item: AreaItem<RecordArea>) => boolean,
  ): PlacedItems {
    const record = this.patientData(patient).record;
    const out: MutablePlaced = {};
    for (const area of RECORD_AREAS) {
      const items = (record[area] ?? []) as readonly AreaItem<RecordArea>[];
      const placed = items.flatMap((item, seq) => (keep(area, item) ? [{ seq, item }] : []));
      if (placed.length > 0) (out as Record<RecordArea, Placed<AreaItem<RecordArea>>[]>)[area] = placed;
    }
    return out;
  }
}

/** What the server is given: the shared repository over the vendor's source. */
export function snapshotRepository(snapshot: PracticeDataset): SourcedRepository {
  return new SourcedRepository(new SnapshotSource(snapshot));
}
