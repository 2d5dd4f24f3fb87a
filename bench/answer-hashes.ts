/**
 * Proof that a change to the request path keeps every answer byte-identical (issue 15: "a faster
 * wrong answer is a defect"). Sends every example request (examples/requests) for every patient of
 * the embedded practices, as JSON and as XML, to an in-process app with a pinned clock, and prints
 * one line per answer: practice, patient, example, format, status, sha256 of the body. Run it before
 * and after a change and diff the two files:
 *
 *   npx ts-node --transpile-only bench/answer-hashes.ts > before.txt
 *   ... change ...
 *   npx ts-node --transpile-only bench/answer-hashes.ts > after.txt && diff before.txt after.txt
 *
 * `--bodies DIR` also writes each answer to DIR, to look at a difference. `--passes N` sends everything
 * N times (the lines N times over): the apps share the embedded store and one resource memo
 * (src/bundle/engine/resource-memo.ts), so later passes are answered from remembered resources, and
 * every pass must give the same hashes; the memo's counts go to stderr.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import request from 'supertest';

import { ResourceMemo } from '../src/bundle/engine/resource-memo';
import { type JsonObject, resolvePlaceholders, withNhsNumber } from '../src/cli/request';
import { calendarDate } from '../src/fhir/dates';
import { embeddedPracticeFiles } from '../src/record/memory/memory-practices';
import { INTERACTION, spineHeaders, testApp, TODAY } from '../test/support/app';

interface PracticeLine {
  readonly practice?: { readonly odsCode: string; readonly asid?: string };
  readonly patient?: { readonly nhsNumber: string };
}

const bodiesAt = process.argv.indexOf('--bodies');
const bodiesDir = bodiesAt > 0 ? process.argv[bodiesAt + 1] : undefined;
if (bodiesDir) mkdirSync(bodiesDir, { recursive: true });

const examplesDir = join(__dirname, '..', 'examples', 'requests');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .sort()
  .map((f) => ({
    name: f.replace(/\.json$/, ''),
    // The `today()-N days` placeholders resolve against the pinned test date, as `gpc examples` does.
    body: resolvePlaceholders(
      JSON.parse(readFileSync(join(examplesDir, f), 'utf8')) as JsonObject,
      calendarDate(TODAY),
    ),
  }));

const passesAt = process.argv.indexOf('--passes');
const passes = passesAt > 0 ? Number(process.argv[passesAt + 1]) : 1;
const memo = new ResourceMemo();

async function main(): Promise<void> {
  for (let pass = 0; pass < passes; pass++) await everyAnswer();
  process.stderr.write(`resource memo: ${memo.counts.reused} reused, ${memo.counts.mapped} mapped\n`);
}

async function everyAnswer(): Promise<void> {
  const t = testApp({ resourceMemo: memo });
  for (const file of embeddedPracticeFiles()) {
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const header = JSON.parse(lines[0] ?? '{}') as PracticeLine;
    const ods = header.practice?.odsCode ?? '?';
    const asid = (await t.practices.find(ods))?.settings.asid ?? '';
    const patients = lines.slice(1).map((l) => (JSON.parse(l) as PracticeLine).patient?.nhsNumber ?? '');
    for (const nhs of patients) {
      for (const example of examples) {
        for (const accept of ['application/fhir+json', 'application/fhir+xml']) {
          // A fresh app per answer: generated ids restart, so answers do not depend on order.
          const app = testApp({ resourceMemo: memo }).app;
          const answer = await request(app)
            .post(`/${ods}/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord`)
            .set(
              spineHeaders(t, INTERACTION.record, 'patient/*.read', {
                headers: { 'Ssp-To': asid, Accept: accept },
              }),
            )
            .set('Content-Type', 'application/fhir+json;charset=utf-8')
            .buffer(true)
            .parse((res, done) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => done(null, Buffer.concat(chunks)));
            })
            .send(JSON.stringify(withNhsNumber(example.body, nhs, false)));
          const body = answer.body as Buffer;
          const format = accept.endsWith('xml') ? 'xml' : 'json';
          const sha = createHash('sha256').update(body).digest('hex');
          process.stdout.write(`${ods} ${nhs} ${example.name} ${format} ${answer.status} ${sha}\n`);
          if (bodiesDir) writeFileSync(join(bodiesDir, `${ods}-${nhs}-${example.name}.${format}`), body);
        }
      }
    }
  }
}

void main();
