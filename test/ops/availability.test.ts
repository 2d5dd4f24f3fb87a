/** Issue 7.4: maintenance switch without restart, liveness and readiness. */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import request from 'supertest';

import { MaintenanceSwitch } from '../../src/ops/maintenance';
import { getMetadata, NHS, postRecord, testApp } from '../support/app';
import { expectBundle, expectOperationOutcome } from '../support/fhir';
import { nhsNumber, parameters } from '../support/parameters';
import { SlowRepository } from '../support/slow-repository';

const body = parameters(nhsNumber(NHS.patient2));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpc-maintenance-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('maintenance switch', () => {
  it('on and off without a restart: 503 + Retry-After + OperationOutcome while the file exists; each toggle audited', async () => {
    const file = join(dir, 'maintenance');
    const t = testApp({
      env: { MAINTENANCE_FILE: file, MAINTENANCE_POLL_MS: '0', MAINTENANCE_RETRY_AFTER_SECONDS: '600' },
    });
    expectBundle(await postRecord(t, body));
    expect((await request(t.admin).get('/health/ready')).status).toBe(200);

    writeFileSync(file, 'upgrading the store\n');
    const down = await postRecord(t, body);
    const outcome = expectOperationOutcome(down, 503, 'SERVICE_UNAVAILABLE');
    expect(outcome.issue[0].diagnostics).toContain('maintenance');
    expect(down.headers['retry-after']).toBe('600');
    expectOperationOutcome(await getMetadata(t), 503, 'SERVICE_UNAVAILABLE');
    const ready = await request(t.admin).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not ready', checks: { maintenance: true } });
    expect((await request(t.admin).get('/health/live')).status).toBe(200);
    expect((await request(t.admin).get('/metrics')).text).toMatch(/^gpc_maintenance_mode 1$/m);

    unlinkSync(file);
    expectBundle(await postRecord(t, body));
    expect((await request(t.admin).get('/health/ready')).status).toBe(200);

    const toggles = t.audit.records.filter((r) => r.type === 'config.change');
    expect(toggles.map((r) => ({ setting: r.setting, value: r.value, file: r.file }))).toEqual([
      { setting: 'maintenance', value: true, file },
      { setting: 'maintenance', value: false, file },
    ]);
    // The refused request is audited like any other.
    expect(t.audit.requests.map((r) => (r.outcome as { status: number }).status)).toEqual([
      200, 503, 503, 200,
    ]);
  });

  it('starts in maintenance when the file is already there, and says so in the start record', async () => {
    const file = join(dir, 'maintenance');
    writeFileSync(file, '');
    const t = testApp({ env: { MAINTENANCE_FILE: file } });
    await t.audit.flushed();
    expect(t.audit.records[0]).toMatchObject({ type: 'service.start', maintenance: { file, on: true } });
  });

  it('looks at the file at most once per poll interval', () => {
    const file = join(dir, 'maintenance');
    let now = 0;
    const changes: boolean[] = [];
    const sw = new MaintenanceSwitch({
      file,
      pollMs: 1000,
      onChange: (on) => changes.push(on),
      now: () => now,
    });
    expect(sw.isOn()).toBe(false);
    writeFileSync(file, '');
    now = 999;
    expect(sw.isOn()).toBe(false);
    now = 1000;
    expect(sw.isOn()).toBe(true);
    expect(changes).toEqual([true]);
  });

  it('MAINTENANCE_FILE="" turns the switch off altogether', async () => {
    const t = testApp({ env: { MAINTENANCE_FILE: '' } });
    expect(t.ops.maintenance.file).toBeUndefined();
    expectBundle(await postRecord(t, body));
  });
});

describe('health', () => {
  it('/health/live and /health/ready answer outside the FHIR base without Spine headers', async () => {
    const t = testApp();
    const live = await request(t.admin).get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'live' });
    const ready = await request(t.admin).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { repository: true, maintenance: false, shuttingDown: false, audit: true },
    });
    expect(ready.headers['cache-control']).toBe('no-store');
  });

  it('readiness is false while the repository is down (not ready, or failing), true again when it is back', async () => {
    const repository = new SlowRepository({ blocked: false });
    const t = testApp({ repository });
    repository.ready = false;
    const down = await request(t.admin).get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'not ready', checks: { repository: false } });
    expect((await request(t.admin).get('/health/live')).status).toBe(200);

    repository.isReady = () => Promise.reject(new Error('store unreachable'));
    expect((await request(t.admin).get('/health/ready')).status).toBe(503);

    repository.isReady = () => Promise.resolve(true);
    expect((await request(t.admin).get('/health/ready')).status).toBe(200);
  });

  it('readiness is false while shutting down', async () => {
    const t = testApp();
    t.ops.lifecycle.beginDrain();
    const ready = await request(t.admin).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ checks: { shuttingDown: true } });
  });
});
