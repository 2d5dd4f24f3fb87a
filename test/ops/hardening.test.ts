/** Issue 7.7: security headers, no X-Powered-By, body limit, timeouts on slow clients. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

import request from 'supertest';

import { createLogger } from '../../src/logger';
import { createHttpServer } from '../../src/ops/server';
import {
  getMetadata,
  INTERACTION,
  NHS,
  postRecord,
  RECORD_PATH,
  spineHeaders,
  type TestApp,
  testApp,
} from '../support/app';
import { expectBundle, expectOperationOutcome } from '../support/fhir';
import { nhsNumber, parameters } from '../support/parameters';
import { validateResource } from '../support/profiles';

function expectSecurityHeaders(headers: Record<string, string>): void {
  expect(headers['x-powered-by']).toBeUndefined();
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
  expect(headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(headers['content-security-policy']).toContain("default-src 'self'");
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describe('security headers', () => {
  it('on a Bundle, an error, metadata and the operational endpoints; never X-Powered-By', async () => {
    const t = testApp();
    const ok = await postRecord(t, parameters(nhsNumber(NHS.patient2)));
    expectBundle(ok);
    expectSecurityHeaders(ok.headers);
    const error = await postRecord(t, parameters(nhsNumber('9999999990')));
    expectOperationOutcome(error, 400, 'INVALID_NHS_NUMBER');
    expectSecurityHeaders(error.headers);
    expectSecurityHeaders((await getMetadata(t)).headers);
    expectSecurityHeaders((await request(t.admin).get('/health/live')).headers);
    expectSecurityHeaders((await request(t.app).get('/nowhere')).headers);
  });
});

describe('request body limit', () => {
  it('a body over BODY_LIMIT is 413 PAYLOAD_TOO_LARGE', async () => {
    const t = testApp({ env: { BODY_LIMIT: '1kb' } });
    const big = JSON.stringify({ ...parameters(nhsNumber(NHS.patient2)), padding: 'x'.repeat(2048) });
    expectOperationOutcome(await postRecord(t, big), 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('timeouts on slow clients', () => {
  let server: Server;
  let port: number;
  let t: TestApp;

  beforeEach(async () => {
    t = testApp({
      env: { REQUEST_TIMEOUT_MS: '400', HEADERS_TIMEOUT_MS: '200', KEEP_ALIVE_TIMEOUT_MS: '200' },
    });
    server = createHttpServer(t.app, t.config, { audit: t.ops.audit, logger: createLogger('silent') });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Writes `text` on a raw socket, then waits for the server to close it; resolves with all it sent. */
  function rawExchange(text: string): Promise<{ received: string; ms: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
      let received = '';
      socket.on('data', (d) => (received += d.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve({ received, ms: Date.now() - started }));
      setTimeout(() => {
        socket.destroy();
        reject(new Error(`the server kept the connection open: ${received}`));
      }, 5000).unref();
    });
  }

  function head(contentLength: number): string {
    const headers = {
      ...spineHeaders(t, INTERACTION.record, 'patient/*.read'),
      'Content-Type': 'application/fhir+json',
      'Content-Length': String(contentLength),
      Host: 'localhost',
    };
    return `POST ${RECORD_PATH} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\n\r\n`;
  }

  /** The OperationOutcome in a raw HTTP answer. */
  function outcomeOf(received: string): { code: string; text?: string; headers: string } {
    const [headers, body] = received.split('\r\n\r\n');
    const outcome = JSON.parse(body) as {
      resourceType: string;
      issue: { details: { coding: { code: string }[]; text?: string } }[];
    };
    expect(outcome.resourceType).toBe('OperationOutcome');
    validateResource(outcome);
    return { code: outcome.issue[0].details.coding[0].code, text: outcome.issue[0].details.text, headers };
  }

  it('headers that never finish: 408 with an OperationOutcome, and the connection closed', async () => {
    const { received, ms } = await rawExchange(
      `POST ${RECORD_PATH} HTTP/1.1\r\nHost: localhost\r\nSsp-From: 1`,
    );
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    const { code, text, headers } = outcomeOf(received);
    expect({ code, text }).toEqual({
      code: 'BAD_REQUEST',
      text: 'REQUEST_TIMEOUT: Request not received in time',
    });
    expect(headers).toContain('Content-Type: application/fhir+json;charset=utf-8');
    expect(headers).toContain('Cache-Control: no-store');
    expect(ms).toBeLessThan(3000);
  });

  it('headers larger than Node accepts (a huge JWT): 431 with an OperationOutcome', async () => {
    const { received } = await rawExchange(
      `POST ${RECORD_PATH} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${'x'.repeat(40_000)}\r\n\r\n`,
    );
    expect(received).toMatch(/^HTTP\/1\.1 431 /);
    const { code, text } = outcomeOf(received);
    expect({ code, text }).toEqual({
      code: 'BAD_REQUEST',
      text: 'REQUEST_HEADERS_TOO_LARGE: Request headers too large',
    });
  });

  it('a request line that is not HTTP: 400 BAD_REQUEST with an OperationOutcome', async () => {
    const { received } = await rawExchange('HELLO THERE\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(outcomeOf(received).code).toBe('BAD_REQUEST');
  });

  it('a body that stops arriving: 408 and the connection closed, and the in-flight slot is given back', async () => {
    const { received } = await rawExchange(`${head(500)}{"resourceType":"Param`);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    await new Promise((r) => setTimeout(r, 20));
    expect(t.ops.shedder.inFlight).toBe(0);
    expect(t.audit.requests[0]).toMatchObject({ outcome: { status: null, released: false } });
  });

  it('an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const body = JSON.stringify(parameters(nhsNumber(NHS.patient2)));
    const { received, ms } = await rawExchange(`${head(Buffer.byteLength(body))}${body}`);
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(ms).toBeLessThan(3000);
  });
});
