/**
 * Faults Node answers on the raw socket (src/ops/server.ts) come in XML when the request, as far as it
 * was read, asked for XML.
 */
import type { OperationOutcome } from 'fhir/r3';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

import { parseFhirXml } from '../../src/fhir/xml/read-xml';
import { createHttpServer, formatOfRawRequest } from '../../src/ops/server';
import { conditionOf } from '../support/fhir';
import { INTERACTION, METADATA_PATH, RECORD_PATH, spineHeaders, type TestApp, testApp } from '../support/app';

describe('formatOfRawRequest', () => {
  it.each<[string, string]>([
    ['GET /x?_format=xml HTTP/1.1\r\nHost: a\r\nA: xxxx', 'xml'],
    ['GET /x?_format=application%2Ffhir%2Bxml HTTP/1.1\r\n', 'xml'],
    ['GET /x HTTP/1.1\r\nAccept: application/fhir+xml\r\nB: yyy', 'xml'],
    ['POST /x HTTP/1.1\r\ncontent-type: application/fhir+xml\r\n', 'xml'],
    ['GET /x?_format=json HTTP/1.1\r\nAccept: application/fhir+xml\r\n', 'json'],
    ['GET /x HTTP/1.1\r\nAccept: text/html\r\n', 'json'],
    ['HELLO THERE\r\n', 'json'],
    ['', 'json'],
  ])('%j → %s', (raw, format) => {
    expect(formatOfRawRequest(Buffer.from(raw, 'latin1'))).toBe(format);
  });
});

describe('raw-socket faults in XML', () => {
  let server: Server;
  let port: number;
  let t: TestApp;

  beforeEach(async () => {
    t = testApp({
      env: { REQUEST_TIMEOUT_MS: '400', HEADERS_TIMEOUT_MS: '200', KEEP_ALIVE_TIMEOUT_MS: '200' },
    });
    server = createHttpServer(t.app, t.config.ops);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function rawExchange(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
      let received = '';
      socket.on('data', (d) => (received += d.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
      setTimeout(() => {
        socket.destroy();
        reject(new Error(`the server kept the connection open: ${received}`));
      }, 5000).unref();
    });
  }

  function xmlOutcomeCode(received: string): string {
    const [headers, body] = received.split('\r\n\r\n');
    expect(headers).toContain('Content-Type: application/fhir+xml;charset=utf-8');
    expect(headers).toContain('Cache-Control: no-store');
    const outcome = parseFhirXml(body) as unknown as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    return conditionOf(outcome.issue[0]) ?? '';
  }

  it('headers too large after Accept: application/fhir+xml → 431 in XML', async () => {
    const received = await rawExchange(
      `GET ${METADATA_PATH} HTTP/1.1\r\nHost: localhost\r\nAccept: application/fhir+xml\r\nAuthorization: Bearer ${'x'.repeat(40_000)}\r\n\r\n`,
    );
    expect(received).toMatch(/^HTTP\/1\.1 431 /);
    expect(xmlOutcomeCode(received)).toBe('REQUEST_HEADERS_TOO_LARGE');
  });

  it('a malformed header line in a request for ?_format=xml → 400 in XML', async () => {
    const received = await rawExchange(
      `GET ${METADATA_PATH}?_format=xml HTTP/1.1\r\nHost: localhost\r\nbad header\r\n\r\n`,
    );
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(xmlOutcomeCode(received)).toBe('BAD_REQUEST');
  });

  it('an XML body that stops arriving → 408 in XML', async () => {
    const headers = {
      ...spineHeaders(t, INTERACTION.record, 'patient/*.read', {
        headers: { Accept: 'application/fhir+xml' },
      }),
      'Content-Type': 'application/fhir+xml',
      'Content-Length': '500',
      Host: 'localhost',
    };
    const head = `POST ${RECORD_PATH} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\n\r\n`;
    const received = await rawExchange(`${head}<Parameters xmlns="http://hl7.org/fhir">`);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(xmlOutcomeCode(received)).toBe('REQUEST_TIMEOUT');
  });
});
