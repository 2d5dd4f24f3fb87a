/**
 * How long the profile validator (tools/validator) takes over whole records: the cost every HTTP test
 * pays per Bundle. Run: npx ts-node --transpile-only bench/validate-bundle.ts
 */
import { buildBundle } from '../src/bundle/build-bundle';
import { systemClock } from '../src/clock';
import { testPractice } from '../src/record/memory/memory-practices';
import { MemoryRepository } from '../src/record/memory/memory-repository';
import { bundleErrors, loadAssets } from '../tools/validator';
import { wholeRecordQuery } from './whole-record-query';
import { percentile } from './worker-run';

const PATIENTS = { patient2: '9690937286', large1: '9690939017' } as const;

async function main(): Promise<void> {
  let t = process.hrtime.bigint();
  loadAssets();
  console.log(`load assets: ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms`);
  const today = systemClock.today();
  const repository = new MemoryRepository(testPractice(today));
  for (const [name, nhsNumber] of Object.entries(PATIENTS)) {
    const query = wholeRecordQuery(nhsNumber, today);
    const patient = await repository.findPatient(nhsNumber);
    if (!patient) throw new Error(`${name} not found`);
    const record = await repository.loadRecord(patient, query);
    const date = new Date().toISOString();
    const context = { traceId: 'bench', newId: () => 'bench-oo', date, warnings: [] };
    const json = JSON.stringify(buildBundle(record, query, context));
    const bundle = JSON.parse(json) as unknown;
    const times: number[] = [];
    let errors = 0;
    for (let i = 0; i < 13; i++) {
      t = process.hrtime.bigint();
      errors = bundleErrors(bundle).length;
      if (i >= 3) times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const kib = (Buffer.byteLength(json) / 1024).toFixed(0);
    console.log(
      `${name.padEnd(9)} ${kib.padStart(5)} KiB  validate p50 ${percentile(times, 50).toFixed(0)} ms, ` +
        `p95 ${percentile(times, 95).toFixed(0)} ms, ${errors} violations`,
    );
  }
}

void main();
