/**
 * A streamed answer (a bulk export file: many writes) held by the audit's release gate while its record
 * is written: every write leaves in order once released, and the headers are sent once. Regression:
 * the compression middleware asks for the headers before each write until they are really sent, and the
 * second held writeHead threw ERR_HTTP_HEADERS_SENT from a promise, which ended the process.
 */
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';

import compression from 'compression';
import express from 'express';

import { gateRelease } from '../../src/ops/release-gate';

/** Each line over compression's 1 KB threshold, so it compresses the stream. */
const PAD = 'x'.repeat(2048);

let server: Server;
let origin: string;
const refused: unknown[] = [];

beforeAll(async () => {
  const app = express();
  app.use((_req, res, next) => {
    gateRelease(res, {
      retryAfterSeconds: 1,
      beforeRelease: () => sleep(100), // a slow, durable audit write
      onRefused: (error) => refused.push(error),
    });
    next();
  });
  app.use(compression());
  app.get('/stream', (_req, res) => {
    res.status(200).setHeader('Content-Type', 'application/json'); // compressible
    let i = 0;
    const next = () => {
      i += 1;
      if (i > 5) return void res.end();
      res.write(`{"resourceType":"Patient","id":"p${i}","text":"${PAD}"}\n`);
      setImmediate(next);
    };
    next();
  });
  server = createServer(app);
  const port = await new Promise<number>((done) =>
    server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)),
  );
  origin = `http://127.0.0.1:${port}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

const expected = [1, 2, 3, 4, 5]
  .map((i) => `{"resourceType":"Patient","id":"p${i}","text":"${PAD}"}\n`)
  .join('');

describe('release gate with a streamed answer', () => {
  it('sends every chunk after the audit record, plain', async () => {
    const res = await fetch(`${origin}/stream`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(expected);
    expect(refused).toEqual([]);
  });

  it('sends every chunk after the audit record, compressed', async () => {
    const res = await new Promise<{ status: number; body: Buffer; encoding: string }>((done, fail) => {
      const req = get(
        `${origin}/stream`,
        { headers: { 'Accept-Encoding': 'gzip' } },
        (r: IncomingMessage) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () =>
            done({
              status: r.statusCode ?? 0,
              body: Buffer.concat(chunks),
              encoding: String(r.headers['content-encoding']),
            }),
          );
        },
      );
      req.on('error', fail);
    });
    expect(res.status).toBe(200);
    expect(res.encoding).toBe('gzip');
    expect(gunzipSync(res.body).toString()).toBe(expected);
  });
});
