/**
 * An answer written as several Buffers (a large Bundle's slices, src/http/serialise-bundle.ts) reaches
 * the client as the one body they make, with its exact Content-Length, through the same middleware
 * as the service's answers: the audit's release gate holding it, and compression or not.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import express from 'express';
import request from 'supertest';

import { compressAnswers } from '../../src/http/compress';
import { type Bytes, sendFhir } from '../../src/http/respond';
import { gateRelease } from '../../src/ops/release-gate';

/**
 * Slices of a Bundle's JSON, one with text outside ASCII; text that compresses badly, so that even
 * gzipped they are more than a socket takes before it asks the writer to wait.
 */
const text = () => randomBytes(100_000).toString('base64');
const SLICES = [
  Buffer.from(`{"resourceType":"Bundle","entry":[{"resource":{"id":"a","text":"${text()}"}}`),
  Buffer.from(`,{"resource":{"id":"b","text":"é ${text()}"}}`),
  Buffer.from(`,{"resource":{"id":"c","text":"${text()}"}}]}`),
];
const WHOLE = Buffer.concat(SLICES);

/** No release gate, or one whose audit write takes 50 ms, or one that releases at once. */
type Gate = 'none' | 'slow' | 'at once';

function appSending(bytes: Bytes, gate: Gate): express.Express {
  const app = express();
  if (gate !== 'none') {
    app.use((_req, res, next) => {
      gateRelease(res, {
        retryAfterSeconds: 1,
        beforeRelease: () => (gate === 'slow' ? sleep(50) : Promise.resolve()),
        onRefused: () => undefined,
      });
      next();
    });
  }
  app.use(compressAnswers());
  app.get('/', (_req, res) => sendFhir(res, 200, bytes, 'json'));
  return app;
}

async function fetchFrom(app: express.Express, gzip: boolean) {
  const req = request(app)
    .get('/')
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  if (gzip) req.set('Accept-Encoding', 'gzip');
  else req.unset('Accept-Encoding');
  return req;
}

describe('sendFhir with an answer in several Buffers', () => {
  it.each<Gate>(['none', 'slow', 'at once'])(
    'sends them as one body with its exact length (release gate: %s)',
    async (gate) => {
      const res = await fetchFrom(appSending(SLICES, gate), false);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/fhir+json;charset=utf-8');
      expect(res.headers['content-length']).toBe(String(WHOLE.length));
      expect((res.body as Buffer).equals(WHOLE)).toBe(true);
    },
  );

  // Regression: corking the connection for one writev left compression waiting, once the socket had
  // more than it takes, for a drain that a corked socket never gives (the answer never ended).
  it.each<Gate>(['none', 'slow', 'at once'])(
    'compresses them as one body when asked for gzip (release gate: %s)',
    async (gate) => {
      const res = await fetchFrom(appSending(SLICES, gate), true);
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      // superagent has already inflated the body.
      expect((res.body as Buffer).equals(WHOLE)).toBe(true);
    },
  );

  it('answers the same as the same bytes in one Buffer', async () => {
    const { date: _d1, ...sliced } = (await fetchFrom(appSending(SLICES, 'slow'), false)).headers;
    const { date: _d2, ...whole } = (await fetchFrom(appSending(WHOLE, 'slow'), false)).headers;
    expect(sliced).toEqual(whole);
  });
});
