/**
 * Issue 12 items 8 and 9: health and metrics only on the admin listener; database failures logged
 * with their cause (never shown to the client); the maintenance file's directory created; CORS served
 * as the CapabilityStatement claims.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import request from 'supertest';

import { GpcError } from '../../src/fhir/gpc-error';
import { getMetadata, METADATA_PATH, NHS, postRecord, RECORD_PATH, testApp } from '../support/app';
import { capturingLogger } from '../support/capturing-logger';
import { expectBundle, expectOperationOutcome } from '../support/fhir';
import { nhsNumber, parameters } from '../support/parameters';
import { SlowRepository } from '../support/slow-repository';

describe('the admin listener', () => {
  it('health and metrics are answered by the admin app only; the FHIR listener treats them as unknown routes', async () => {
    const t = testApp();
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      const res = await request(t.app).get(path);
      const outcome = expectOperationOutcome(res, 400, 'BAD_REQUEST');
      expect(outcome.issue[0].diagnostics).toContain(`Unknown route: GET ${path}`);
      expect((await request(t.admin).get(path)).status).toBe(200);
    }
    // The admin app serves nothing else: no FHIR there.
    expect((await request(t.admin).get(METADATA_PATH)).status).toBe(404);
  });
});

describe('database failures', () => {
  it('are logged with their cause at warn (503) or error (500); the client sees neither the cause nor SQL', async () => {
    const lines: Record<string, unknown>[] = [];
    const repository = new SlowRepository({ blocked: false });
    const t = testApp({ repository, logger: capturingLogger(lines) });
    repository.failWith = new GpcError(
      'SERVICE_UNAVAILABLE',
      'The clinical record store is unavailable; please retry shortly',
      {
        'Retry-After': '5',
      },
    ).withCause(Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' }));
    const res = await postRecord(t, parameters(nhsNumber(NHS.patient2)), { traceId: 'db-down-1' });
    expectOperationOutcome(res, 503, 'SERVICE_UNAVAILABLE');
    expect(res.text).not.toMatch(/ECONNREFUSED|10\.1\.2\.3/);
    expect(lines.find((l) => l.message === 'request failed')).toMatchObject({
      level: 'warn',
      traceId: 'db-down-1',
      spineCode: 'SERVICE_UNAVAILABLE',
      cause: { message: 'connect ECONNREFUSED 10.1.2.3:5432', code: 'ECONNREFUSED' },
    });
  });
});

describe('the maintenance file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gpc-maintenance-dir-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('its directory is created at start, so `touch $MAINTENANCE_FILE` works', async () => {
    const file = join(dir, 'run', 'gpconnect-structured', 'maintenance');
    const t = testApp({ env: { MAINTENANCE_FILE: file, MAINTENANCE_POLL_MS: '0' } });
    expect(existsSync(join(dir, 'run', 'gpconnect-structured'))).toBe(true);
    writeFileSync(file, '');
    expectOperationOutcome(
      await postRecord(t, parameters(nhsNumber(NHS.patient2))),
      503,
      'SERVICE_UNAVAILABLE',
    );
  });
});

describe('CORS, as the CapabilityStatement claims', () => {
  it('claims cors: true, and a browser preflight is answered with the Spine headers allowed', async () => {
    const t = testApp();
    const metadata = await getMetadata(t);
    expect((metadata.body as { rest: { security: { cors: boolean } }[] }).rest[0].security.cors).toBe(true);
    const preflight = await request(t.app)
      .options(RECORD_PATH)
      .set('Origin', 'https://viewer.example.nhs.uk')
      .set('Access-Control-Request-Method', 'POST')
      .set(
        'Access-Control-Request-Headers',
        'ssp-traceid, ssp-from, ssp-to, ssp-interactionid, authorization, content-type',
      );
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    // DELETE: a bulk export is cancelled with it (D-B1).
    expect(preflight.headers['access-control-allow-methods']).toBe('GET,POST,DELETE');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Ssp-TraceID.*Authorization/);
  });

  it('answers carry Access-Control-Allow-Origin and expose Retry-After', async () => {
    const t = testApp();
    const res = await postRecord(t, parameters(nhsNumber(NHS.patient2)), {
      headers: { Origin: 'https://viewer.example.nhs.uk' },
    });
    expectBundle(res);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    // And the bulk export's Content-Location, X-Progress and Expires (D-B1).
    expect(res.headers['access-control-expose-headers']).toBe(
      'Retry-After,Content-Location,X-Progress,Expires',
    );
  });
});
