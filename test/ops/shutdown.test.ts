/** Issue 7.4: graceful shutdown finishes the requests in flight, refuses new ones, then closes the store. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import request from 'supertest';

import { createLogger } from '../../src/logger';
import { createHttpServer } from '../../src/ops/server';
import { gracefulShutdown } from '../../src/ops/shutdown';
import { INTERACTION, NHS, RECORD_PATH, spineHeaders, type TestApp, testApp } from '../support/app';
import { expectOperationOutcome } from '../support/fhir';
import { nhsNumber, parameters } from '../support/parameters';
import { SlowRepository } from '../support/slow-repository';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A record request over a real socket (no keep-alive agent), resolving with the whole answer. */
function post(t: TestApp, port: number): Promise<Answer> {
  const payload = JSON.stringify(parameters(nhsNumber(NHS.patient2)));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: RECORD_PATH,
        agent: false,
        headers: {
          ...spineHeaders(t, INTERACTION.record, 'patient/*.read'),
          'Content-Type': 'application/fhir+json',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
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
    expect(JSON.parse(answer.body)).toMatchObject({ resourceType: 'Bundle' });
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
    const started = Date.now();
    const result = await gracefulShutdown({
      server,
      lifecycle: t.ops.lifecycle,
      graceMs: 200,
      closeResources: () => repository.close(),
    });
    expect(result).toEqual({ drained: false, abandoned: 1 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await stuck).toBe('ECONNRESET');
    expect(repository.closed).toBe(true);
    repository.release();
  });
});
