/**
 * CPU per request of building the answer (issue 15), in process, without HTTP: the record assembly
 * (findPatient + loadRecord on the in-memory store) and the bundle engine (buildBundle), and beside
 * them JSON serialisation for scale. Measured with process.cpuUsage() (user + system), which the other
 * processes on a shared machine do not inflate as they do wall time.
 *
 * - predefined search 2 (medication from today-365) rotating over a synthetic practice of
 *   `--patients` (default 1,000) generated patients, `--requests` requests after a warm-up;
 * - the whole record of large1 (9690939017) of the embedded test practice, `--large` times.
 *
 * Each workload runs twice: every resource mapped afresh (the PostgreSQL store's case), then through a
 * resource memo filled by one pass (the memory store's case, src/bundle/engine/resource-memo.ts). The
 * JSON column is the service's writer (src/http/serialise-bundle.ts), which reuses remembered JSON.
 *
 * Run: npm run bench:build-cpu [-- --patients 1000 --requests 3000 --large 40]
 * Profile: node --cpu-prof -r ts-node/register/transpile-only bench/build-cpu.ts
 */
import { parseArgs } from 'node:util';

import { buildBundle } from '../src/bundle/build-bundle';
import { ResourceMemo } from '../src/bundle/engine/resource-memo';
import { systemClock } from '../src/clock';
import type { StructuredQuery } from '../src/contract/structured-query';
import { addDays } from '../src/fhir/dates';
import { byteLength } from '../src/http/respond';
import { bundleJson } from '../src/http/serialise-bundle';
import { buildStructuredQuery } from '../src/operations/structured-record/build-query';
import { DEFAULT_MEDICATION_DATE_TOLERANCE } from '../src/operations/structured-record/predefined-searches';
import type { PracticeDataset } from '../src/record/dataset';
import { testPractice } from '../src/record/memory/memory-practices';
import { MemoryRepository } from '../src/record/memory/memory-repository';
import { everyArea, nhsNumber, parameters, predefinedSearch2 } from '../test/support/parameters';
import { syntheticPatients } from '../tools/synthetic-practice';

const LARGE1 = '9690939017';

interface Totals {
  assemble: number;
  build: number;
  json: number;
  bytes: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

async function run(
  repository: MemoryRepository,
  queries: readonly StructuredQuery[],
  count: number,
  totals: Totals,
  memo?: ResourceMemo,
): Promise<void> {
  const date = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (let i = 0; i < count; i++) {
    const query = queries[i % queries.length];
    let t = process.cpuUsage();
    const patient = await repository.findPatient(query.nhsNumber);
    if (!patient) throw new Error(`${query.nhsNumber} not found`);
    const record = await repository.loadRecord(patient, query);
    totals.assemble += cpuMs(t);
    t = process.cpuUsage();
    const bundle = buildBundle(record, query, {
      traceId: 'bench',
      newId: () => 'bench-oo',
      date,
      warnings: query.warnings,
      ...(memo && { memo }),
    });
    totals.build += cpuMs(t);
    t = process.cpuUsage();
    // As the service writes it: remembered resources' JSON is reused (exactly JSON.stringify(bundle)).
    totals.bytes += byteLength(await bundleJson(bundle));
    totals.json += cpuMs(t);
  }
}

function report(label: string, totals: Totals, count: number): void {
  const per = (v: number) => (v / count).toFixed(3).padStart(8);
  console.log(
    `${label.padEnd(34)} ${per(totals.assemble)} ${per(totals.build)} ${per(totals.assemble + totals.build)}` +
      ` ${per(totals.json)}   ${(totals.bytes / count / 1024).toFixed(0)} KiB`,
  );
}

const zero = (): Totals => ({ assemble: 0, build: 0, json: 0, bytes: 0 });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      patients: { type: 'string', default: '1000' },
      requests: { type: 'string', default: '3000' },
      large: { type: 'string', default: '40' },
    },
  });
  const patients = Number(values.patients);
  const requests = Number(values.requests);
  const large = Number(values.large);
  const today = systemClock.today();
  const base = testPractice(today);
  const synthetic: PracticeDataset = { ...base, patients: [...syntheticPatients(patients, today)] };
  const medicationFrom = addDays(today, -365);
  const query = (body: unknown) => buildStructuredQuery(body, today, DEFAULT_MEDICATION_DATE_TOLERANCE);
  const search2 = synthetic.patients.map((p) =>
    query(parameters(...predefinedSearch2(p.patient.nhsNumber, medicationFrom))),
  );
  const whole = [query(parameters(nhsNumber(LARGE1), ...everyArea()))];

  console.log(`CPU ms per request (user + system, process.cpuUsage), in-memory store, today=${today}`);
  console.log('                                   assemble    build    total     JSON   answer');
  const syntheticRepo = new MemoryRepository(synthetic);
  const embedded = new MemoryRepository(base);
  // Each workload twice: every resource mapped afresh, then with a resource memo (resource-memo.ts)
  // that one pass over every patient has filled, as the service's is once each record was asked for.
  for (const memo of [undefined, new ResourceMemo()]) {
    const label = memo ? ', memo' : '';
    await run(syntheticRepo, search2, memo ? search2.length : Math.min(requests, 500), zero(), memo); // warm-up
    const s = zero();
    await run(syntheticRepo, search2, requests, s, memo);
    report(`search 2, ${patients} synthetic${label}`, s, requests);

    await run(embedded, whole, 5, zero(), memo);
    const l = zero();
    await run(embedded, whole, large, l, memo);
    report(`large1 whole record${label}`, l, large);
  }
}

void main();
