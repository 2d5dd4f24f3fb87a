/** The security headers composed once are exactly the ones helmet() sets on each request. */
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';

import { staticHeaders } from '../../src/http/security-headers';
import { getMetadata, testApp } from '../support/app';

function headersOf(app: express.Express) {
  app.get('/x', (_req, res) => {
    res.status(200).send('ok');
  });
  return request(app).get('/x');
}

describe('security headers', () => {
  it('are the headers helmet() sets, with the same values, plus Cache-Control: no-store', async () => {
    const withHelmet = express();
    withHelmet.disable('x-powered-by');
    withHelmet.use(helmet());
    const composed = express();
    composed.disable('x-powered-by');
    composed.use(staticHeaders());
    const [expected, actual] = await Promise.all([headersOf(withHelmet), headersOf(composed)]);
    const { date: _d1, ...expectedHeaders } = expected.headers;
    const { date: _d2, 'cache-control': cacheControl, ...actualHeaders } = actual.headers;
    expect(actualHeaders).toEqual(expectedHeaders);
    expect(cacheControl).toBe('no-store');
    expect(Object.keys(expectedHeaders)).toEqual(
      expect.arrayContaining([
        'content-security-policy',
        'strict-transport-security',
        'x-content-type-options',
      ]),
    );
  });

  it('are on every FHIR answer of the app', async () => {
    const res = await getMetadata(testApp());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });
});
