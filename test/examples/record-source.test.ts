/**
 * The minimal vendor store of docs/record-source.md (examples/record-source/): it passes the same
 * repository contract as the shipped stores, and serves the embedded practice over HTTP with the
 * same answers as the memory store.
 */
import { snapshotRepository } from '../../examples/record-source/snapshot-source';
import { testPractice } from '../../src/record/memory/embedded-practice';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import { describeRepositoryContract } from '../record/contract';
import { EVERY_AREA, query as makeQuery, TODAY } from '../record/contract-fixtures';

describeRepositoryContract('example snapshot source', async (dataset) => snapshotRepository(dataset));

describe('the example store beside the memory store', () => {
  const today = TODAY;
  const dataset = testPractice(today);
  const example = snapshotRepository(dataset);
  const memory = new MemoryRepository(dataset);

  it.each(dataset.patients.map((p) => [p.patient.id, p.patient.nhsNumber]))(
    'loads the same whole record for %s',
    async (_id, nhsNumber) => {
      const query = { ...makeQuery({ ...EVERY_AREA, today }), nhsNumber };
      const patient = await memory.findPatient(nhsNumber);
      expect(await example.findPatient(nhsNumber)).toEqual(patient);
      const [fromExample, fromMemory] = await Promise.all([
        example.loadRecord(patient!, query),
        memory.loadRecord(patient!, query),
      ]);
      expect(JSON.stringify(fromExample)).toBe(JSON.stringify(fromMemory));
    },
  );
});
