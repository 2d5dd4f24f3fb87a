/**
 * D-RQ3: requests and responses born with the Express app's prototypes. They must be exactly what
 * Express would have made of Node's own objects: Node's classes underneath, Express's methods and
 * `app` on top, `constructor` still Node's, and Express's Object.setPrototypeOf a no-op.
 */
import { createServer, get, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';

import { appMessageClasses } from '../../src/http/app-messages';

describe('appMessageClasses', () => {
  it("serves through Express with Node's objects under Express's prototypes, the prototype set at birth", async () => {
    const app = express();
    const expressResponse = Object.getPrototypeOf(app.response) as object;
    const expressRequest = Object.getPrototypeOf(app.request) as object;
    const seen: Record<string, unknown>[] = [];
    app.get('/x', (req, res) => {
      seen.push({
        request: req instanceof IncomingMessage,
        response: res instanceof ServerResponse,
        requestConstructor: req.constructor === IncomingMessage,
        responseConstructor: res.constructor === ServerResponse,
        responseApp: res.app === app,
        requestApp: req.app === app,
        responseParent: Object.getPrototypeOf(Object.getPrototypeOf(res)) === expressResponse,
        requestParent: Object.getPrototypeOf(Object.getPrototypeOf(req)) === expressRequest,
        header: req.header('X-Test'),
      });
      res.status(201).json({ ok: true });
    });
    const classes = appMessageClasses(app);
    expect(appMessageClasses(app)).toBe(classes);
    const server = createServer(classes, app);
    let prototypeAtBirth: unknown;
    server.prependListener('request', (_req, res) => {
      prototypeAtBirth = Object.getPrototypeOf(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/x', headers: { 'X-Test': 'yes' } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        }).on('error', reject);
      });
      expect(answer).toEqual({ status: 201, body: '{"ok":true}' });
      expect(prototypeAtBirth).toBe(app.response);
      expect(seen).toEqual([
        {
          request: true,
          response: true,
          requestConstructor: true,
          responseConstructor: true,
          responseApp: true,
          requestApp: true,
          responseParent: true,
          requestParent: true,
          header: 'yes',
        },
      ]);
    } finally {
      server.close();
    }
  });
});
