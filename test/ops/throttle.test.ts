/** Issue 7.3: a per-consumer rate limit (429) and a global in-flight limit (503), both answered at once. */
import request from 'supertest';
import { ConsumerRateLimiter, LoadShedder } from '../../src/ops/throttle';
import { NHS, getMetadata, postRecord, testApp } from '../support/app';
import { expectBundle, expectOperationOutcome } from '../support/fhir';
import { nhsNumber, parameters } from '../support/parameters';
import { SlowRepository } from '../support/slow-repository';

const OTHER_CONSUMER = '918999198738';
const body = parameters(nhsNumber(NHS.patient2));

describe('per-consumer rate limit', () => {
  it('beyond the burst: 429 TOO_MANY_REQUESTS with Retry-After, while another consumer is still served', async () => {
    const t = testApp({ env: { RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_BURST: '2' } });
    expectBundle(await postRecord(t, body));
    expect((await getMetadata(t)).status).toBe(200);

    const limited = await postRecord(t, body);
    const outcome = expectOperationOutcome(limited, 429, 'TOO_MANY_REQUESTS');
    expect(outcome.issue[0].code).toBe('throttled');
    expect(outcome.issue[0].details?.coding?.[0]?.system).toBe('urn:gpconnect-structured:provider-error-code');
    expect(outcome.issue[0].diagnostics).toContain('200000000115');
    // 2 a minute: the next token is about 30 s away.
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(29);
    expect(retryAfter).toBeLessThanOrEqual(30);

    expectBundle(await postRecord(t, body, { headers: { 'Ssp-From': OTHER_CONSUMER } }));
    expect((await getMetadata(t, { headers: { 'Ssp-From': OTHER_CONSUMER } })).status).toBe(200);
  });

  it('is keyed by the validated Ssp-From: a request without one is a 400 and takes no token', async () => {
    const t = testApp({ env: { RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_BURST: '1' } });
    expectOperationOutcome(await postRecord(t, body, { headers: { 'Ssp-From': undefined } }), 400, 'BAD_REQUEST');
    expectBundle(await postRecord(t, body));
  });

  it('is checked before the JWT and before the body is read', async () => {
    const t = testApp({ env: { RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_BURST: '1' } });
    expectBundle(await postRecord(t, body));
    const res = await postRecord(t, 'not even json', { headers: { Authorization: 'Bearer not-a-jwt' } });
    expectOperationOutcome(res, 429, 'TOO_MANY_REQUESTS');
  });

  it('refills at the configured rate (token bucket)', () => {
    let now = 0;
    const limiter = new ConsumerRateLimiter({ perMinute: 60, burst: 3, now: () => now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([undefined, undefined, undefined]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBeUndefined();
    now += 1000;
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBe(1);
    now += 60_000;
    // Never more than the burst, however long the quiet spell.
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([undefined, undefined, undefined, 1]);
  });
});

describe('load shedding (global in-flight limit)', () => {
  it('beyond MAX_IN_FLIGHT: 503 SERVICE_UNAVAILABLE with Retry-After at once; health and metrics still answer; served again after', async () => {
    const repository = new SlowRepository();
    const t = testApp({ repository, env: { MAX_IN_FLIGHT: '2', RETRY_AFTER_SECONDS: '3' } });
    const held = [postRecord(t, body), postRecord(t, body, { headers: { 'Ssp-From': OTHER_CONSUMER } })].map((r) => r.then((x) => x));
    await repository.whenEntered(2);

    const started = Date.now();
    const shed = await postRecord(t, body, { headers: { 'Ssp-From': '200000000999' } });
    expect(Date.now() - started).toBeLessThan(1000);
    const outcome = expectOperationOutcome(shed, 503, 'SERVICE_UNAVAILABLE');
    expect(outcome.issue[0].code).toBe('transient');
    expect(shed.headers['retry-after']).toBe('3');
    expect(repository.entered).toBe(2);

    expect((await request(t.admin).get('/health/live')).status).toBe(200);
    const metrics = await request(t.admin).get('/metrics');
    expect(metrics.text).toMatch(/^gpc_requests_in_flight 2$/m);
    expect(metrics.text).toMatch(/^gpc_requests_rejected_total\{reason="shed"\} 1$/m);

    repository.release();
    for (const res of await Promise.all(held)) expectBundle(res);
    expectBundle(await postRecord(t, body));
    expect((await request(t.admin).get('/metrics')).text).toMatch(/^gpc_requests_in_flight 0$/m);
  });

  it('gives the slot back however the request ends (error or success)', async () => {
    const t = testApp({ env: { MAX_IN_FLIGHT: '1' } });
    for (let i = 0; i < 5; i++) {
      expectOperationOutcome(await postRecord(t, parameters(nhsNumber('9999999990'))), 400, 'INVALID_NHS_NUMBER');
      expectOperationOutcome(await postRecord(t, '{'), 422, 'INVALID_RESOURCE');
      expectBundle(await postRecord(t, body));
    }
    expect(t.ops.shedder.inFlight).toBe(0);
  });

  it('LoadShedder: a release function works once', () => {
    const shedder = new LoadShedder({ maxInFlight: 1, maxEventLoopUtilisation: 1 });
    const release = shedder.tryAcquire();
    expect(typeof release).toBe('function');
    expect(shedder.tryAcquire()).toBe('in-flight');
    if (typeof release === 'function') {
      release();
      release();
    }
    expect(shedder.inFlight).toBe(0);
  });
});

describe('load shedding (event-loop utilisation)', () => {
  it('sheds in proportion to how far the last window was busier than the limit, all of it from half-way to saturation', () => {
    let now = 0;
    let active = 0;
    let dice = 0;
    // A fake cumulative ELU: `active` ms busy out of `now` ms.
    const elu = ((current?: { idle: number; active: number }, previous?: { idle: number; active: number }) => {
      const sample = { idle: now - active, active, utilization: now === 0 ? 0 : active / now };
      if (!current) return sample;
      const base = previous ?? { idle: 0, active: 0 };
      const dActive = current.active - base.active;
      const dIdle = current.idle - base.idle;
      return { idle: dIdle, active: dActive, utilization: dActive / (dActive + dIdle) };
    }) as typeof performance.eventLoopUtilization;
    const shedder = new LoadShedder({
      maxInFlight: 100,
      maxEventLoopUtilisation: 0.8,
      now: () => now,
      eventLoopUtilisation: elu,
      random: () => dice,
    });
    const admitted = () => typeof shedder.tryAcquire() === 'function';
    now = 100;
    active = 50; // 0.5: below the limit, nothing shed
    dice = 0;
    expect(admitted()).toBe(true);
    now = 200;
    active = 135; // 0.85: a quarter of the way from the limit to full utilisation, half shed
    dice = 0.49;
    expect(admitted()).toBe(false);
    dice = 0.51;
    expect(admitted()).toBe(true);
    // Within the same window the share stands.
    now = 250;
    dice = 0.49;
    expect(admitted()).toBe(false);
    now = 300;
    active = 225; // 0.9: half-way to full utilisation, everything shed
    dice = 0.999;
    expect(shedder.tryAcquire()).toBe('event-loop');
    now = 400;
    active = 235; // 0.1: admitted again
    dice = 0;
    expect(admitted()).toBe(true);
  });

  it('a saturated event loop: 503 SERVICE_UNAVAILABLE with Retry-After', async () => {
    const t = testApp({ env: { MAX_EVENT_LOOP_UTILISATION: '0.5' } });
    expectBundle(await postRecord(t, body));
    // Keep the loop busy for more than a whole window (100 ms).
    const until = performance.now() + 250;
    while (performance.now() < until);
    const res = await postRecord(t, body);
    const outcome = expectOperationOutcome(res, 503, 'SERVICE_UNAVAILABLE');
    expect(outcome.issue[0].diagnostics).toContain('overloaded');
    expect(res.headers['retry-after']).toBe('1');
  });
});
