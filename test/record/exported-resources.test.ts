/**
 * The keys a practice import records for deletions (src/record/exported-resources.ts, docs/decisions.md
 * D-SD2) against what the bulk export really writes: every resource of a patient the export writes (with
 * an id, and not a shared actor) has its key, so no removal can go untold. Keys the export may not write
 * (a structure List left empty, a not-given vaccination no consultation names) are the only extras.
 */
import type { FhirResource } from 'fhir/r3';

import type { CalendarDate } from '../../src/fhir/dates';
import { SHARED_TYPES } from '../../src/operations/bulk-export/export-runner';
import { loadBatch, patientResources } from '../../src/operations/bulk-export/patient-resources';
import { DEFAULT_MEDICATION_DATE_TOLERANCE } from '../../src/operations/structured-record/predefined-searches';
import type { PatientData, PracticeDataset } from '../../src/record/dataset';
import { exportedResourceKeys } from '../../src/record/exported-resources';
import { embeddedPractice } from '../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import { syntheticPatients } from '../../tools/synthetic-practice';
import { TODAY } from '../support/app';

const today = TODAY as CalendarDate;
async function written(repository: MemoryRepository, data: PatientData): Promise<FhirResource[]> {
  const deps = {
    repository,
    today,
    date: '2026-01-01T00:00:00Z',
    traceId: 'trace',
    newId: () => 'generated',
    predefinedMedicationDays: DEFAULT_MEDICATION_DATE_TOLERANCE,
    disabledAreas: new Set<never>(),
    documentsDisabled: false,
    importedAt: '2026-01-01T00:00:00Z',
  };
  // The export's own path: a batch read (here of one), then the Bundle engine.
  const loaded = (await loadBatch([data.patient], deps)).get(data.patient.id);
  return loaded ? patientResources(loaded, deps) : [];
}

function practices(): [string, PracticeDataset][] {
  const p1 = embeddedPractice('P99001', today).dataset;
  const synthetic = { ...p1, patients: [...syntheticPatients(150, today, 3)] };
  return [
    ['P99001', p1],
    ['P99002', embeddedPractice('P99002', today).dataset],
    ['synthetic', synthetic],
  ];
}

describe.each(practices())('practice %s', (_name, dataset) => {
  const repository = new MemoryRepository(dataset);

  it('has a key for every patient resource the export writes, and none for who may not be shared', async () => {
    let shared = 0;
    let resources = 0;
    for (const data of dataset.patients) {
      const keys = new Set(exportedResourceKeys(data));
      const out = await written(repository, data);
      if (out.length === 0) {
        expect(keys.size).toBe(0);
        continue;
      }
      shared += 1;
      const missing = out
        .filter(
          (r) => r.id !== undefined && !(SHARED_TYPES.has(r.resourceType) && r.resourceType !== 'Medication'),
        )
        .map((r) => `${r.resourceType}/${r.id}`)
        .filter((k) => !keys.has(k));
      resources += out.length;
      expect({ patient: data.patient.id, missing }).toEqual({ patient: data.patient.id, missing: [] });
    }
    expect(shared).toBeGreaterThan(0);
    expect(resources).toBeGreaterThan(shared);
  });

  it('keeps extra keys to resources whose writing depends on links', async () => {
    for (const data of dataset.patients) {
      const out = await written(repository, data);
      const ids = new Set(out.map((r) => `${r.resourceType}/${r.id}`));
      const extra = exportedResourceKeys(data).filter((k) => !ids.has(k));
      const unexpected = extra.filter(
        (k) => !/^(List|Immunization|Observation)\//.test(k), // structure Lists, not-given, diary notes
      );
      expect({ patient: data.patient.id, unexpected }).toEqual({ patient: data.patient.id, unexpected: [] });
    }
  });
});
