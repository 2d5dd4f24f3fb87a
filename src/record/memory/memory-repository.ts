/** The embedded store: a practice dataset held in memory, patients indexed by NHS number (O(1) lookup). */
import type { StructuredQuery } from '../../structured/structured-query';
import type { PatientData, PracticeDataset } from '../dataset';
import type { Patient, Practice, Practitioner } from '../people';
import type { ClinicalRepository, PatientRecord } from '../repository';

export class MemoryRepository implements ClinicalRepository {
  private readonly byNhsNumber: ReadonlyMap<string, PatientData>;
  private readonly practitioners: ReadonlyMap<string, Practitioner>;

  constructor(private readonly dataset: PracticeDataset) {
    this.byNhsNumber = new Map(dataset.patients.map((p) => [p.patient.nhsNumber, p]));
    this.practitioners = new Map(dataset.practitioners.map((p) => [p.id, p]));
  }

  async practice(): Promise<Practice> {
    return this.dataset.practice;
  }

  async findPatient(nhsNumber: string): Promise<Patient | undefined> {
    return this.byNhsNumber.get(nhsNumber)?.patient;
  }

  async loadRecord(patient: Patient, _query: StructuredQuery): Promise<PatientRecord> {
    const usualGp = patient.usualGpId ? this.practitioners.get(patient.usualGpId) : undefined;
    return {
      patient,
      practice: this.dataset.practice,
      practitioners: usualGp ? [usualGp] : [],
      organisations: [],
      locations: [],
    };
  }

  async isReady(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
