/**
 * Graceful shutdown: stop accepting connections, answer any new request on an open connection with
 * 503 (and close that connection), let the requests in flight finish within SHUTDOWN_GRACE_MS (a
 * request whose client has gone still finishes its handler, D-SD1), then close the repository and
 * the audit trail.
 */
import type { Server } from 'node:http';

import type { Response } from 'express';

import { type OpenEntry, OpenList } from './open-list';

/**
 * One request in flight: open until its response has closed and every handler working on it has
 * settled. A client that goes away closes the response while the handler may still be reading the
 * store or asking for its audit record (docs/decisions.md D-SD1).
 */
interface InFlight {
  readonly res: Response;
  responseOpen: boolean;
  handlers: number;
  /** In `Lifecycle.open` until forgotten. */
  entry?: OpenEntry;
}

/** Where a tracked response keeps its InFlight (an object, not a closure: D-SV2). */
const IN_FLIGHT = Symbol('in flight');
type Tracked = Response & { [IN_FLIGHT]?: InFlight };

/** Which requests are open, and whether the process is draining. One per app. */
export class Lifecycle {
  private drainingSince: number | undefined;
  /** Not a Set or Map: see open-list.ts (docs/decisions.md D-SV1). */
  private readonly open = new OpenList<InFlight>();
  private idleWaiters: (() => void)[] = [];

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  get openRequests(): number {
    return this.open.size;
  }

  /** Called for every request as it arrives; forgotten once its response closes and no handler runs. */
  track(res: Response): void {
    const request: InFlight = { res, responseOpen: true, handlers: 0 };
    request.entry = this.open.add(request);
    (res as Tracked)[IN_FLIGHT] = request;
    if (this.draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      request.responseOpen = false;
      this.forgetIfDone(request);
    });
  }

  /**
   * Keeps the request open until `work` (its handler, and the error middleware's answer when it
   * fails) settles, even if the response closes first. A rejection stays as unhandled as it was.
   */
  handling(res: Response, work: Promise<unknown>): void {
    const request = (res as Tracked)[IN_FLIGHT];
    if (request?.entry === undefined) return;
    request.handlers += 1;
    void work.finally(() => {
      request.handlers -= 1;
      this.forgetIfDone(request);
    });
  }

  beginDrain(): void {
    if (this.draining) return;
    this.drainingSince = Date.now();
    // Responses still to be written end their connection, so keep-alive clients reconnect elsewhere.
    for (const request of this.open) {
      if (request.responseOpen && !request.res.headersSent) request.res.setHeader('Connection', 'close');
    }
  }

  /** Resolves when no request is open. */
  whenIdle(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private forgetIfDone(request: InFlight): void {
    if (request.responseOpen || request.handlers > 0 || request.entry === undefined) return;
    request.entry.remove();
    request.entry = undefined;
    if (this.open.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }
}

export interface ShutdownDeps {
  readonly server: Server;
  readonly lifecycle: Lifecycle;
  readonly graceMs: number;
  /** Run once no request is in flight (or the grace period is over): close the repository, the audit. */
  readonly closeResources: () => Promise<void>;
}

export interface ShutdownResult {
  /** True when every request in flight finished within the grace period. */
  readonly drained: boolean;
  /** Requests whose connections were cut when the grace period ran out. */
  readonly abandoned: number;
}

export async function gracefulShutdown(deps: ShutdownDeps): Promise<ShutdownResult> {
  const { server, lifecycle } = deps;
  lifecycle.beginDrain();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), deps.graceMs);
  });
  // Done when no request is open and every connection has ended (those that answered a request
  // during the drain were told Connection: close; idle keep-alive ones are closed here).
  const done = lifecycle.whenIdle().then(() => {
    server.closeIdleConnections();
    return closed;
  });
  const outcome = await Promise.race([done.then(() => 'done' as const), graceOver]);
  clearTimeout(timer);
  const abandoned = lifecycle.openRequests;
  if (outcome === 'timeout') {
    server.closeAllConnections();
    await closed;
  }
  await deps.closeResources();
  return { drained: abandoned === 0, abandoned };
}
