/**
 * Where a whole-record request spends its time, stage by stage, for a rich and a large record over the
 * in-memory store: record assembly (filters, linkage, redaction), FHIR mapping, serialisation to JSON
 * and, beside it, to FHIR XML (both to the bytes sent).
 * Run: npm run bench:stages [-- --iterations 30]
 */
import { parseArgs } from 'node:util';

import { buildBundle } from '../src/bundle/build-bundle';
import { systemClock } from '../src/clock';
import type { StructuredQuery } from '../src/contract/structured-query';
import { serialise } from '../src/http/respond';
import { testPractice } from '../src/record/memory/memory-practices';
import { MemoryRepository } from '../src/record/memory/memory-repository';
import { wholeRecordQuery } from './whole-record-query';
import { percentile } from './worker-run';

const PATIENTS = { patient2: '9690937286', large1: '9690939017' } as const;

function wholeRecord(nhsNumber: string): StructuredQuery {
  return wholeRecordQuery(nhsNumber, systemClock.today());
}

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '30' } } });
  const iterations = Number(values.iterations);
  const repository = new MemoryRepository(testPractice(systemClock.today()));
  console.log(`whole-record request, in-memory store, ${iterations} iterations each (after 3 warm-up)`);
  console.log('patient    stage        p50 ms   p95 ms   bundle (serialise: JSON bytes; xml: XML bytes)');
  for (const [name, nhs] of Object.entries(PATIENTS)) {
    const query = wholeRecord(nhs);
    const patient = await repository.findPatient(nhs);
    if (!patient) throw new Error(`${name} not found`);
    const times = {
      assemble: [] as number[],
      map: [] as number[],
      serialise: [] as number[],
      xml: [] as number[],
    };
    let bytes = 0;
    let xmlBytes = 0;
    let entries = 0;
    for (let i = 0; i < iterations + 3; i++) {
      let t = process.hrtime.bigint();
      const record = await repository.loadRecord(patient, query);
      const assemble = elapsed(t);
      t = process.hrtime.bigint();
      const bundle = buildBundle(record, query, {
        traceId: 'bench',
        newId: () => 'bench-oo',
        date: new Date().toISOString(),
        warnings: [],
      });
      const map = elapsed(t);
      t = process.hrtime.bigint();
      const json = serialise(bundle, 'json');
      const jsonMs = elapsed(t);
      t = process.hrtime.bigint();
      const xml = serialise(bundle, 'xml');
      const xmlMs = elapsed(t);
      if (i < 3) continue;
      times.assemble.push(assemble);
      times.map.push(map);
      times.serialise.push(jsonMs);
      times.xml.push(xmlMs);
      bytes = json.length;
      xmlBytes = xml.length;
      entries = bundle.entry?.length ?? 0;
    }
    for (const [stage, list] of Object.entries(times)) {
      console.log(
        `${name.padEnd(10)} ${stage.padEnd(11)} ${percentile(list, 50).toFixed(1).padStart(7)}  ${percentile(list, 95).toFixed(1).padStart(7)}   ${entries} entries, ${((stage === 'xml' ? xmlBytes : bytes) / 1024).toFixed(0)} KiB`,
      );
    }
  }
}

void main();
