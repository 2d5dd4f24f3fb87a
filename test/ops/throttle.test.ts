/** Issue 7.3: a per-consumer rate limit (429) and a global in-flight limit (503), both answered at once. */
import request from 'supertest';

import { ConsumerRateLimiter, LoadShedder, monitorRunShare } from '../../src/ops/throttle';
import { getMetadata, NHS, postRecord, testApp } from '../support/app';
import { expectBundle, expectOperationOutcome } from '../support/fhir';
import { allAreas, nhsNumber, parameters } from '../support/parameters';
import { SlowRepository } from '../support/slow-repository';

const OTHER_CONSUMER = '918999198738';
/** No event-loop delay samples: the unit tests drive the admitted requests' waits alone. */
const noDelay = { take: () => undefined };
/** The process had its core all the time: waits count in full. */
const fullShare = () => 1;
const body = parameters(nhsNumber(NHS.patient2));

describe('per-consumer rate limit', () => {
  it('beyond the burst: 429 TOO_MANY_REQUESTS with Retry-After, while another consumer is still served', async () => {
    const t = testApp({ env: { RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_BURST: '2' } });
    expectBundle(await postRecord(t, body));
    expect((await getMetadata(t)).status).toBe(200);

    const limited = await postRecord(t, body);
    const outcome = expectOperationOutcome(limited, 429, 'TOO_MANY_REQUESTS');
    expect(outcome.issue[0].code).toBe('throttled');
    // No Spine code for throttling: the nearest one, with the condition in details.text (D-34).
    expect(outcome.issue[0].details).toEqual({
      coding: [
        {
          system: 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1',
          code: 'BAD_REQUEST',
          display: 'Bad request',
        },
      ],
      text: 'TOO_MANY_REQUESTS: Too many requests',
    });
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
    expectOperationOutcome(
      await postRecord(t, body, { headers: { 'Ssp-From': undefined } }),
      400,
      'BAD_REQUEST',
    );
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
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBeUndefined();
    now += 1000;
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBe(1);
    now += 60_000;
    // Never more than the burst, however long the quiet spell.
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([
      undefined,
      undefined,
      undefined,
      1,
    ]);
  });
});

describe('load shedding (global in-flight limit)', () => {
  it('beyond MAX_IN_FLIGHT: 503 SERVICE_UNAVAILABLE with Retry-After at once; health and metrics still answer; served again after', async () => {
    const repository = new SlowRepository();
    const t = testApp({ repository, env: { MAX_IN_FLIGHT: '2', RETRY_AFTER_SECONDS: '3' } });
    const held = [postRecord(t, body), postRecord(t, body, { headers: { 'Ssp-From': OTHER_CONSUMER } })].map(
      (r) => r.then((x) => x),
    );
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
      expectOperationOutcome(
        await postRecord(t, parameters(nhsNumber('9999999990'))),
        400,
        'INVALID_NHS_NUMBER',
      );
      expectOperationOutcome(await postRecord(t, '{'), 422, 'INVALID_RESOURCE');
      expectBundle(await postRecord(t, body));
    }
    expect(t.ops.shedder.inFlight).toBe(0);
  });

  it('LoadShedder: a release function works once', () => {
    const shedder = new LoadShedder({
      maxInFlight: 1,
      maxQueueDelayMs: 0,
      loopDelay: noDelay,
      runShare: fullShare,
    });
    const release = shedder.tryAcquire();
    expect(typeof release).toBe('function');
    expect(shedder.tryAcquire()).toBe('in-flight');
    if (typeof release === 'function') {
      release();
      release();
    }
    expect(shedder.inFlight).toBe(0);
  });

  it('LoadShedder.idleMs (the bulk export\'s "live work was recent"): 0 while a request is in flight, then the time since the last one ended', () => {
    let now = 1000;
    const shedder = new LoadShedder({
      maxInFlight: 2,
      maxQueueDelayMs: 0,
      loopDelay: noDelay,
      runShare: fullShare,
      now: () => now,
    });
    expect(shedder.idleMs).toBe(Infinity);
    const first = shedder.tryAcquire();
    const second = shedder.tryAcquire();
    if (typeof first !== 'function' || typeof second !== 'function') throw new Error('not admitted');
    now += 40;
    first();
    now += 30;
    expect(shedder.idleMs).toBe(0);
    second();
    now += 25;
    expect(shedder.idleMs).toBe(25);
  });
});

describe('load shedding (queueing delay)', () => {
  it("sheds only while others are in flight and the last window's median wait is over the limit", () => {
    let now = 0;
    const shedder = new LoadShedder({
      maxInFlight: 100,
      maxQueueDelayMs: 50,
      now: () => now,
      loopDelay: noDelay,
      runShare: fullShare,
    });
    const first = shedder.tryAcquire();
    expect(typeof first).toBe('function');
    // A batch that became ready together: the first waited nothing, the others behind it.
    for (const wait of [0, 80, 160]) shedder.recordWait(wait);
    now = 100;
    expect(shedder.queueDelayMs).toBe(80);
    expect(shedder.tryAcquire()).toBe('queue');
    // Alone, a request cannot queue behind anyone: admitted whatever the delay.
    if (typeof first === 'function') first();
    const lone = shedder.tryAcquire();
    expect(typeof lone).toBe('function');
    // One long wait (a GC pause) among short ones is no queue.
    for (const wait of [300, 2, 4]) shedder.recordWait(wait);
    now = 200;
    expect(shedder.queueDelayMs).toBe(4);
    expect(typeof shedder.tryAcquire()).toBe('function');
    // A window with long waits, then nothing admitted for a second: forgotten, admission resumes.
    shedder.recordWait(500);
    now = 300;
    expect(shedder.queueDelayMs).toBe(500);
    expect(shedder.tryAcquire()).toBe('queue');
    now = 1250;
    expect(shedder.queueDelayMs).toBe(500);
    now = 1300;
    expect(shedder.queueDelayMs).toBe(0);
    expect(typeof shedder.tryAcquire()).toBe('function');
  });

  it("the event loop's delay counts as queueing too: what a newly arrived request waits for the loop", () => {
    let now = 0;
    let delay: number | undefined = 120;
    const shedder = new LoadShedder({
      maxInFlight: 100,
      maxQueueDelayMs: 50,
      now: () => now,
      loopDelay: { take: () => delay },
      runShare: fullShare,
    });
    const first = shedder.tryAcquire();
    shedder.recordWait(1);
    now = 100;
    expect(shedder.queueDelayMs).toBe(120);
    expect(shedder.tryAcquire()).toBe('queue');
    // Alone, never shed.
    if (typeof first === 'function') first();
    expect(typeof shedder.tryAcquire()).toBe('function');
    delay = 5;
    now = 200;
    expect(shedder.queueDelayMs).toBe(5);
    expect(typeof shedder.tryAcquire()).toBe('function');
  });

  it('waits count as the share of a core the process had: other processes taking the cores are no queue (D-H3)', () => {
    let now = 0;
    let share = 0.25;
    const shedder = new LoadShedder({
      maxInFlight: 100,
      maxQueueDelayMs: 50,
      now: () => now,
      loopDelay: noDelay,
      runShare: () => share,
    });
    shedder.tryAcquire();
    // 160 ms on the wall clock, of which the process ran a quarter: 40 ms of work queued ahead.
    for (const wait of [120, 160, 200]) shedder.recordWait(wait);
    now = 100;
    expect(shedder.queueDelayMs).toBe(40);
    expect(typeof shedder.tryAcquire()).toBe('function');
    // The same waits with the core to itself: a real queue, shed.
    share = 1;
    for (const wait of [120, 160, 200]) shedder.recordWait(wait);
    now = 200;
    expect(shedder.queueDelayMs).toBe(160);
    expect(shedder.tryAcquire()).toBe('queue');
  });

  it('monitorRunShare: near 1 for a process that spins alone on its core, never above 1', () => {
    const share = monitorRunShare();
    const until = performance.now() + 50;
    while (performance.now() < until) {
      // spin
    }
    const measured = share();
    expect(measured).toBeLessThanOrEqual(1);
    // The test machine may be busy: the share only has to be clearly a share, not a sliver.
    expect(measured).toBeGreaterThan(0.05);
  });

  it('MAX_QUEUE_DELAY_MS=0 turns the check off', () => {
    let now = 0;
    const shedder = new LoadShedder({
      maxInFlight: 100,
      maxQueueDelayMs: 0,
      now: () => now,
      loopDelay: noDelay,
      runShare: fullShare,
    });
    shedder.tryAcquire();
    shedder.recordWait(10_000);
    now = 100;
    expect(typeof shedder.tryAcquire()).toBe('function');
  });

  it('real overload (clients that keep sending more than the loop can serve): some shed with 503 + Retry-After', async () => {
    const t = testApp({ env: { MAX_QUEUE_DELAY_MS: '20', MAX_IN_FLIGHT: '1000' } });
    const whole = parameters(...allAreas(NHS.patient2));
    const results: request.Response[] = [];
    // Ten clients, each sending its next request as soon as the last is answered.
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < 6; i++) results.push(await postRecord(t, whole));
      }),
    );
    const shed = results.filter((r) => r.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 200 || r.status === 503)).toBe(true);
    const outcome = expectOperationOutcome(shed[0], 503, 'SERVICE_UNAVAILABLE');
    expect(outcome.issue[0].diagnostics).toContain('overloaded');
    expect(shed[0].headers['retry-after']).toBe('1');
    expect(t.ops.shedder.inFlight).toBe(0);
    // Served again once the queue has gone.
    expectBundle(await postRecord(t, body));
  });
});
