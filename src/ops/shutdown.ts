/**
 * Graceful shutdown: stop accepting connections, answer any new request on an open connection with
 * 503 (and close that connection), let the requests in flight finish within SHUTDOWN_GRACE_MS,
 * then close the repository and the audit trail.
 */
import type { Server } from 'node:http';

import type { Response } from 'express';

/** Which requests are open, and whether the process is draining. One per app. */
export class Lifecycle {
  private drainingSince: number | undefined;
  private readonly open = new Set<Response>();
  private idleWaiters: (() => void)[] = [];

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  get openRequests(): number {
    return this.open.size;
  }

  /** Called for every request as it arrives; forgotten when its response closes. */
  track(res: Response): void {
    this.open.add(res);
    if (this.draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      this.open.delete(res);
      if (this.open.size === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const wake of waiters) wake();
      }
    });
  }

  beginDrain(): void {
    if (this.draining) return;
    this.drainingSince = Date.now();
    // Responses still to be written end their connection, so keep-alive clients reconnect elsewhere.
    for (const res of this.open) if (!res.headersSent) res.setHeader('Connection', 'close');
  }

  /** Resolves when no request is open. */
  whenIdle(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
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
