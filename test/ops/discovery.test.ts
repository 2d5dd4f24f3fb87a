/** Issue 7.6 and 7.1 (log line): version and coding-scheme discovery; the per-request log line. */
import { Writable } from 'node:stream';

import request from 'supertest';
import winston from 'winston';

import { createApp } from '../../src/app';
import { CONSUMER_ASID, getMetadata, NHS, postRecord, type TestApp, testApp } from '../support/app';
import { expectBundle } from '../support/fhir';
import { nhsNumber, parameters } from '../support/parameters';

describe('version and coding-scheme discovery', () => {
  it('GET /coding-schemes (no Spine headers) lists SNOMED CT edition and release, dm+d release and the local schemes', async () => {
    const t = testApp();
    const res = await request(t.app).get('/coding-schemes');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      software: { name: 'gpconnect-structured', version: '0.0.0-test' },
      gpConnect: { version: '1.6.2', versionsServed: ['1.6.0', '1.6.1', '1.6.2'], fhirVersion: '3.0.1' },
    });
    const [snomed, dmd] = res.body.record.codingSchemes as Record<string, unknown>[];
    expect(snomed).toMatchObject({
      system: 'http://snomed.info/sct',
      edition: 'SNOMED CT UK Clinical Edition',
      release: '41.0.0',
      releaseDate: '2025-10-01',
      versionUri: 'http://snomed.info/sct/83821000000107/version/20251001',
      local: false,
    });
    expect(dmd).toMatchObject({ system: 'http://snomed.info/sct', releaseDate: '2025-10-20', local: false });
    expect(dmd.name).toContain('dm+d');
    // No code system of our own any more: local conditions travel under Spine codes (D-34).
    const protocol = res.body.protocol.codingSchemes as Record<string, unknown>[];
    expect(protocol.filter((s) => s.local === true)).toEqual([]);
    expect(protocol).toEqual([
      expect.objectContaining({
        system: 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1',
        codes: [
          'REQUEST_TIMEOUT',
          'PAYLOAD_TOO_LARGE',
          'REQUEST_HEADERS_TOO_LARGE',
          'TOO_MANY_REQUESTS',
          'TOO_MANY_MATCHES',
          'SERVICE_UNAVAILABLE',
        ],
      }),
    ]);
  });

  it('the CapabilityStatement names the software, its version and the GP Connect versions served', async () => {
    const t = testApp();
    const res = await getMetadata(t);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: '1.6.2',
      fhirVersion: '3.0.1',
      software: { name: 'gpconnect-structured', version: '0.0.0-test' },
    });
    expect(res.body.description).toContain('1.6.0, 1.6.1, 1.6.2');
  });
});

describe('the per-request log line', () => {
  function appLogging(lines: Record<string, unknown>[]): TestApp {
    const base = testApp();
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    });
    const logger = winston.createLogger({
      level: 'debug',
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream })],
    });
    const app = createApp({
      config: base.config,
      practices: base.practices,
      clock: base.clock,
      logger,
      software: {
        name: 'gpconnect-structured',
        version: '0.0.0-test',
        releaseDate: '2026-11-21',
        publisher: 'test',
      },
      ops: base.ops,
    });
    return { ...base, app };
  }

  it('carries the duration, the interaction, the consumer ASID and the repository time', async () => {
    const lines: Record<string, unknown>[] = [];
    const t = appLogging(lines);
    expectBundle(await postRecord(t, parameters(nhsNumber(NHS.patient2))));
    await request(t.app).get('/coding-schemes');
    await new Promise((r) => setImmediate(r));
    const [record, health] = lines;
    expect(record).toMatchObject({
      level: 'info',
      message: 'request',
      method: 'POST',
      status: 200,
      interaction: 'getstructuredrecord',
      consumerAsid: CONSUMER_ASID,
      traceId: '629ea9ba-a077-4d99-b289-7a9b19fd4e03',
    });
    expect(record.durationMs).toEqual(expect.any(Number));
    expect(record.repositoryMs).toEqual(expect.any(Number));
    expect(record.repositoryMs as number).toBeLessThanOrEqual(record.durationMs as number);
    // Probes are logged at debug level, so an info-level log is not flooded by them.
    expect(health).toMatchObject({ level: 'debug', path: '/coding-schemes', status: 200 });
  });
});
