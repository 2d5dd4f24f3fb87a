/**
 * Beyond one machine (issue 15) for the bulk export (issue 17): two server processes over one
 * PostgreSQL database, each with an EXPORT_DIR of its own (as on two hosts), EXPORT_STORAGE left at its
 * default (database). A job kicked off on A is followed and downloaded on B: every file has the same
 * bytes on both, gzip too; neither instance writes anything to its disk; a cancel on B removes the
 * job's rows for both (docs/decisions.md D-ES1).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';

import { Client } from 'pg';

import { systemClock } from '../../src/clock';
import { testPractice } from '../../src/record/memory/memory-practices';
import { jwt, validClaims } from '../../tools/test-jwt';
import { CONSUMER_ASID, PROVIDER_ASID } from '../support/app';
import { EXPORT_INTERACTION, type Manifest, pathOf } from '../support/bulk-export';
import { type Instance, startInstance, stopInstance } from '../support/instances';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'Ssp-TraceID': '7c5e2e0a-9a5b-4d0e-8a43-2f3f4c3b1a01',
    'Ssp-From': CONSUMER_ASID,
    'Ssp-To': PROVIDER_ASID,
    'Ssp-InteractionID': EXPORT_INTERACTION,
    Authorization: `Bearer ${jwt(validClaims(Math.floor(Date.now() / 1000), 'patient/*.read'))}`,
    Accept: 'application/fhir+json',
    Prefer: 'respond-async',
    ...extra,
  };
}

/** The same path (from a URL either instance gave) on `instance`. */
function on(instance: Instance, url: string): string {
  return `http://127.0.0.1:${instance.port}${pathOf(url)}`;
}

async function bytes(instance: Instance, url: string, extra: Record<string, string> = {}): Promise<Buffer> {
  const res = await fetch(on(instance, url), { headers: headers(extra) });
  if (res.status !== 200) throw new Error(`download answered ${res.status}: ${await res.text()}`);
  return Buffer.from(await res.arrayBuffer());
}

describe('two instances over one PostgreSQL: export files in the database', () => {
  let database: TestDatabase;
  let client: Client;
  let a: Instance | undefined;
  let b: Instance | undefined;
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'gpc-export-instance-')));

  beforeAll(async () => {
    const seeded = await postgresRepositoryFor(testPractice(systemClock.today()));
    await seeded.repository.close();
    database = seeded.database;
    client = new Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await Promise.all([stopInstance(a), stopInstance(b)]);
    await client.end();
    await database.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('kicked off on A, followed and downloaded on B: the same bytes, nothing on either disk', async () => {
    [a, b] = await Promise.all(
      dirs.map((dir) => startInstance(database.url, { WORKERS: '1', EXPORT_DIR: join(dir, 'exports') })),
    );
    const kicked = await fetch(
      `http://127.0.0.1:${a.port}/P99001/STU3/1/gpconnect/structured/Patient/$export`,
      {
        headers: headers(),
      },
    );
    expect(kicked.status).toBe(202);
    const status = kicked.headers.get('content-location') ?? '';
    let manifest: Manifest | undefined;
    for (let i = 0; i < 240 && !manifest; i++) {
      const res = await fetch(on(b, status), { headers: headers() });
      if (res.status === 200) manifest = (await res.json()) as Manifest;
      else if (res.status === 202) await sleep(250);
      else throw new Error(`status on B answered ${res.status}: ${await res.text()}`);
    }
    expect(manifest).toBeDefined();
    const outputs = manifest!.output;
    expect(outputs.length).toBeGreaterThan(5);
    for (const output of outputs) {
      const [fromA, fromB] = [await bytes(a, output.url), await bytes(b, output.url)];
      expect(fromB.equals(fromA)).toBe(true);
      expect(fromA.toString('utf8').split('\n').length - 1).toBe(output.count);
    }
    const condition = outputs.find((o) => o.type === 'Condition')!;
    const zipped = await fetch(on(b, condition.url), { headers: headers({ 'Accept-Encoding': 'gzip' }) });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    // fetch inflates a gzip body on its own: the inflated text is the file.
    expect(Buffer.from(await zipped.arrayBuffer()).equals(await bytes(a, condition.url))).toBe(true);
    // And the raw bytes on the wire are gzip (a plain node:http client does not inflate).
    const raw = await new Promise<Buffer>((resolve, reject) => {
      get(on(b!, condition.url), { headers: headers({ 'Accept-Encoding': 'gzip' }) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      }).on('error', reject);
    });
    expect(gunzipSync(raw).equals(await bytes(a, condition.url))).toBe(true);

    for (const dir of dirs) expect(readdirSync(dir)).toEqual([]);

    const id = pathOf(status).split('/').pop()!;
    const count = async () =>
      (
        await client.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM export_file_chunk WHERE job_id = $1)
                + (SELECT count(*) FROM export_file WHERE job_id = $1) AS n`,
          [id],
        )
      ).rows[0].n;
    expect(Number(await count())).toBeGreaterThan(0);
    const cancelled = await fetch(on(b, status), { method: 'DELETE', headers: headers() });
    expect(cancelled.status).toBe(202);
    expect(Number(await count())).toBe(0);
    expect((await fetch(on(a, condition.url), { headers: headers() })).status).toBe(404);
  }, 180_000);
});
