/**
 * compressAnswers() answers exactly as compression() does: the same headers and bytes, whether the
 * request can get a compressed answer or not; and CORS composed once sets what cors() sets.
 */
import compression from 'compression';
import cors from 'cors';
import express, { type RequestHandler, type Response } from 'express';
import request from 'supertest';

import { compressAnswers } from '../../src/http/compress';
import { corsHandlers } from '../../src/http/cors-headers';

const LARGE = JSON.stringify({ text: 'x'.repeat(4000) });

/** Responses that take each branch of compression()'s header-time decision. */
const ANSWERS: Record<string, (res: Response) => void> = {
  json: (res) => res.type('application/fhir+json').send(LARGE),
  small: (res) => res.type('application/json').send('{}'),
  image: (res) => res.type('image/png').send(Buffer.alloc(4000)),
  untyped: (res) => res.end(Buffer.alloc(4000)),
  empty: (res) => res.status(202).end(),
  noTransform: (res) => res.set('Cache-Control', 'no-store, no-transform').type('text/plain').send(LARGE),
  writeHeadObject: (res) => {
    res.writeHead(201, { 'Content-Type': 'text/plain' });
    res.end(LARGE);
  },
  writeHeadArray: (res) => {
    res.writeHead(202, 'Accepted', ['Content-Type', 'application/json', 'X-Extra', 'a']);
    res.end(LARGE);
  },
  streamed: (res) => {
    res.type('application/json');
    res.write(LARGE);
    res.end(LARGE);
  },
  varyKept: (res) => res.vary('Origin').type('application/json').send(LARGE),
};

function appWith(middleware: RequestHandler): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(middleware);
  for (const [name, answer] of Object.entries(ANSWERS)) app.get(`/${name}`, (_req, res) => answer(res));
  return app;
}

async function answer(app: express.Express, path: string, acceptEncoding?: string) {
  const req = request(app)
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  // supertest asks for gzip unless told otherwise; '' sends an empty header, undefined none at all.
  if (acceptEncoding === undefined) req.unset('Accept-Encoding');
  else req.set('Accept-Encoding', acceptEncoding);
  const res = await req;
  const { date: _date, ...headers } = res.headers;
  // superagent has already inflated a gzip body.
  return { status: res.status, headers, body: (res.body as Buffer).toString('base64') };
}

describe('compressAnswers', () => {
  const expected = appWith(compression());
  const actual = appWith(compressAnswers());
  for (const encoding of [undefined, '', 'identity', 'gzip', 'gzip;q=0, deflate', 'br;q=0']) {
    for (const path of Object.keys(ANSWERS)) {
      it(`answers ${path} with Accept-Encoding ${JSON.stringify(encoding)} as compression() does`, async () => {
        expect(await answer(actual, `/${path}`, encoding)).toEqual(
          await answer(expected, `/${path}`, encoding),
        );
      });
    }
  }

  it('answers HEAD as compression() does', async () => {
    const head = (app: express.Express) => request(app).head('/json').unset('Accept-Encoding');
    const [a, e] = await Promise.all([head(actual), head(expected)]);
    const { date: _a, ...actualHeaders } = a.headers;
    const { date: _e, ...expectedHeaders } = e.headers;
    expect(actualHeaders).toEqual(expectedHeaders);
  });

  it('adds Vary: Accept-Encoding to a compressible answer that is sent uncompressed', async () => {
    const res = await answer(actual, '/json');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toBe('Accept-Encoding');
  });
});

describe('corsHandlers', () => {
  const options: cors.CorsOptions = {
    origin: '*',
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization'],
    exposedHeaders: ['Retry-After', 'X-Progress'],
    maxAge: 600,
  };

  it('composes the headers cors() sets on an actual response', async () => {
    const withCors = express();
    withCors.use(cors(options));
    withCors.get('/x', (_req, res) => res.send('ok'));
    const res = await request(withCors).get('/x').set('Origin', 'https://consumer.example');
    const { actual } = corsHandlers(options);
    expect(actual.map(([name]) => name.toLowerCase())).toEqual(
      Object.keys(res.headers).filter((name) => name.startsWith('access-control-')),
    );
    for (const [name, value] of actual) expect(res.get(name)).toBe(value);
    expect(actual.length).toBeGreaterThan(0);
  });

  it('refuses an origin that depends on the request', () => {
    expect(() => corsHandlers({ ...options, origin: true })).toThrow('fixed origin');
  });
});
