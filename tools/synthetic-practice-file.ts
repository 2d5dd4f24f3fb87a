/**
 * A synthetic practice as a practice file (docs/data-format.md), for volume tests and the import
 * benchmark: N generated patients (bench/synthetic-practice.ts) of a practice with its own ODS code
 * and ASID, coded against the embedded test practice's clinicians and sites. Dates are absolute
 * (resolved against today), as in a real practice's file. Streams: memory does not grow with N.
 *
 *   npx ts-node --transpile-only tools/synthetic-practice-file.ts 100000 [ODS] > synthetic.jsonl
 */
import { once } from 'node:events';

import { systemClock } from '../src/clock';
import { headerOf, patientLine } from '../src/format/practice-file';
import { testPractice } from '../src/record/memory/memory-practices';
import { allOn } from '../src/record/practices';
import { syntheticPatients } from './synthetic-practice';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? '1000');
  const ods = process.argv[3] ?? 'P99100';
  if (!Number.isInteger(count) || count < 0) throw new Error('usage: synthetic-practice-file.ts N [ODS]');
  const today = systemClock.today();
  const base = testPractice(today);
  const practice = { ...base.practice, odsCode: ods, name: `Synthetic practice ${ods}` };
  const out = process.stdout;
  out.write(`${JSON.stringify(headerOf({ ...base, practice }, allOn('200000000999')))}\n`);
  for (const patient of syntheticPatients(count, today)) {
    if (!out.write(`${patientLine(patient)}\n`)) await once(out, 'drain');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
