/**
 * The HTTP server with timeouts against slow clients: a client that trickles its headers or body, or
 * holds an idle keep-alive connection, loses the connection instead of holding a socket and memory.
 * Node answers a request timeout itself with a bare 408 and closes the connection.
 */
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { OpsConfig } from '../config';

export function createHttpServer(app: Express, config: OpsConfig): Server {
  const server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      // Node checks those two timeouts on this interval (30 s by default, far coarser than them).
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    },
    app,
  );
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  return server;
}
