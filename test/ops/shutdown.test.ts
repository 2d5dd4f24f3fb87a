/**
 * Issue 7.4: graceful shutdown finishes the requests in flight, refuses new ones, then closes the
 * store. D-SD1: a request stays in flight until its handler has settled, even when its client has gone.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import request from 'supertest';

import { createLogger } from '../../src/logger';
import { createHttpServer } from '../../src/ops/server';
import { gracefulShutdown } from '../../src/ops/shutdown';
import {
  INTERACTION,
  NHS,
  postRecord,
  RECORD_PATH,
  spineHeaders,
  type TestApp,
  testApp,
} from '../support/app';
import { capturingLogger } from '../support/capturing-logger';
import { expectOperationOutcome } from '../support/fhir';
import { type RawResponse, send } from '../support/hostile';
import { nhsNumber, parameters } from '../support/parameters';
import { SlowRepository } from '../support/slow-repository';

/** A structured record POST's headers, with a trace id of the test's own when given. */
function recordHeaders(t: TestApp, traceId?: string): http.OutgoingHttpHeaders {
  return {
    ...spineHeaders(t, INTERACTION.record, 'patient/*.read', traceId === undefined ? {} : { traceId }),
    'Content-Type': 'application/fhir+json',
  };
}

/** A structured record POST to the listening app, on a socket of its own (no keep-alive agent). */
function recordRequest(t: TestApp, port: number, traceId?: string): http.RequestOptions {
  return {
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: RECORD_PATH,
    agent: false,
    headers: recordHeaders(t, traceId),
  };
}

/** A record request over a socket of its own (an agent that keeps none alive), resolving with the whole answer. */
function post(t: TestApp, port: number): Promise<RawResponse> {
  return send(port, new http.Agent(), {
    method: 'POST',
    path: RECORD_PATH,
    headers: recordHeaders(t),
    body: Buffer.from(JSON.stringify(parameters(nhsNumber(NHS.patient2)))),
  });
}

const TRACE_ID = '629ea9ba-a077-4d99-b289-7a9b19fd4e03';

/**
 * A record request whose client goes away once its handler is in the store: resolves when the
 * server has seen its response close, with the handler still held in loadRecord.
 */
async function abandonedByClient(t: TestApp, server: http.Server, port: number, repository: SlowRepository) {
  const responseClosed = new Promise<void>((resolve) =>
    server.once('request', (_req: http.IncomingMessage, res: http.ServerResponse) =>
      res.once('close', resolve),
    ),
  );
  const req = http.request(recordRequest(t, port, TRACE_ID));
  req.on('error', () => undefined);
  req.end(JSON.stringify(parameters(nhsNumber(NHS.patient2))));
  await repository.whenEntered(1);
  req.destroy();
  await responseClosed;
}

/**
 * Shuts down with a grace period of 200 ms while the one request's handler is held in the store: the
 * request is abandoned at the grace period (not before, and not much after) and the store is closed.
 */
async function expectCutOffAtGrace(t: TestApp, server: http.Server, repository: SlowRepository) {
  const started = Date.now();
  const result = await gracefulShutdown({
    server,
    lifecycle: t.ops.lifecycle,
    graceMs: 200,
    closeResources: () => repository.close(),
  });
  expect(result).toEqual({ drained: false, abandoned: 1 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  expect(Date.now() - started).toBeLessThan(2000);
  expect(repository.closed).toBe(true);
  repository.release();
}

async function listening(t: TestApp): Promise<{ server: http.Server; port: number }> {
  const server = createHttpServer(t.app, t.config, { audit: t.ops.audit, logger: createLogger('silent') });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('graceful shutdown', () => {
  it('completes a request in flight, refuses new connections, then closes the repository', async () => {
    const repository = new SlowRepository();
    const t = testApp({ repository });
    const { server, port } = await listening(t);
    const events: string[] = [];
    server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.on('finish', () => events.push('in-flight answered'));
    });

    const inFlight = post(t, port);
    await repository.whenEntered(1);

    const shutdown = gracefulShutdown({
      server,
      lifecycle: t.ops.lifecycle,
      graceMs: 5000,
      closeResources: async () => {
        events.push('resources closed');
        await repository.close();
      },
    });

    // No new connection is accepted once shutdown has begun.
    await expect(post(t, port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(repository.closed).toBe(false);

    repository.release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ resourceType: 'Bundle' });
    // Its connection is closed after the answer, so a keep-alive client reconnects elsewhere.
    expect(answer.headers.connection).toBe('close');

    await expect(shutdown).resolves.toEqual({ drained: true, abandoned: 0 });
    expect(events).toEqual(['in-flight answered', 'resources closed']);
    expect(repository.closed).toBe(true);
  });

  it('a request that arrives during the drain gets 503 + Retry-After + OperationOutcome and Connection: close', async () => {
    const t = testApp({ env: { RETRY_AFTER_SECONDS: '2' } });
    t.ops.lifecycle.beginDrain();
    const res = await request(t.app)
      .post(RECORD_PATH)
      .set({
        ...spineHeaders(t, INTERACTION.record, 'patient/*.read'),
        'Content-Type': 'application/fhir+json',
      })
      .send(JSON.stringify(parameters(nhsNumber(NHS.patient2))));
    const outcome = expectOperationOutcome(res, 503, 'SERVICE_UNAVAILABLE');
    expect(outcome.issue[0].diagnostics).toContain('shutting down');
    expect(res.headers['retry-after']).toBe('2');
    expect(res.headers.connection).toBe('close');
  });

  it('is bounded by the grace period: a request that never finishes is cut off', async () => {
    const repository = new SlowRepository();
    const t = testApp({ repository });
    const { server, port } = await listening(t);
    const stuck = post(t, port).catch((error: NodeJS.ErrnoException) => error.code);
    await repository.whenEntered(1);
    await expectCutOffAtGrace(t, server, repository);
    expect(await stuck).toBe('ECONNRESET');
  });

  it('waits for the handler of a request whose client has gone before closing the store and the trail', async () => {
    const repository = new SlowRepository();
    const logged: Record<string, unknown>[] = [];
    const t = testApp({ repository, logger: capturingLogger(logged) });
    const { server, port } = await listening(t);
    await abandonedByClient(t, server, port, repository);

    const events: string[] = [];
    const serverClosed = once(server, 'close');
    const shutdown = gracefulShutdown({
      server,
      lifecycle: t.ops.lifecycle,
      graceMs: 5000,
      // As serve.ts: the store, then the service's stop record, then the trail.
      closeResources: async () => {
        events.push('resources closed');
        await repository.close();
        t.ops.audit.note({ type: 'service.stop', signal: 'SIGTERM' });
        await t.ops.audit.close();
      },
    });
    // Every connection has gone, yet the handler is still reading the store: nothing is closed.
    await serverClosed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]);
    expect(repository.closed).toBe(false);
    expect(t.ops.lifecycle.openRequests).toBe(1);

    repository.release();
    await expect(shutdown).resolves.toEqual({ drained: true, abandoned: 0 });
    expect(events).toEqual(['resources closed']);
    // Read back: the records this request gets whenever its client leaves mid-handler (D-40: one at
    // close, unreleased; then the handler's own as its answer goes), both before the stop record.
    const records = t.audit.records;
    expect(records.filter((r) => r.traceId === TRACE_ID).map((r) => [r.type, r.outcome])).toEqual([
      ['request', { status: null, spineCode: null, released: false }],
      ['request', { status: 200, spineCode: null, released: true }],
    ]);
    expect(records.map((r) => r.type).slice(-3)).toEqual(['request', 'request', 'service.stop']);
    // Nothing was refused or left unwritten for a closed trail.
    expect(logged.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('is bounded by the grace period for a handler that never settles after its client has gone', async () => {
    const repository = new SlowRepository();
    const t = testApp({ repository });
    const { server, port } = await listening(t);
    await abandonedByClient(t, server, port, repository);
    await expectCutOffAtGrace(t, server, repository);
  });

  describe('a trail already closed (what the drain above prevents) refuses, and says so', () => {
    it('an answer whose record comes too late is refused with 503, never released unaudited', async () => {
      const repository = new SlowRepository();
      const logged: Record<string, unknown>[] = [];
      const t = testApp({ repository, logger: capturingLogger(logged) });
      const answer = postRecord(t, parameters(nhsNumber(NHS.patient2))).then((res) => res);
      await repository.whenEntered(1);
      await t.ops.audit.close();
      repository.release();
      expectOperationOutcome(await answer, 503, 'SERVICE_UNAVAILABLE');
      expect(t.audit.requests).toEqual([]);
      expect(logged).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: 'response refused: its audit record cannot be written',
          cause: 'the audit trail cannot be written: the audit trail has been closed',
        }),
      );
    });

    it('a service event given to it is logged as not written', async () => {
      const logged: Record<string, unknown>[] = [];
      const t = testApp({ logger: capturingLogger(logged) });
      await t.ops.audit.close();
      t.ops.audit.note({ type: 'service.stop', signal: 'SIGTERM' });
      expect(t.audit.records.map((r) => r.type)).not.toContain('service.stop');
      expect(logged).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: 'audit record not written: the audit trail has been closed',
          type: 'service.stop',
        }),
      );
    });
  });
});
