/**
 * Live load across the workers (WORKERS > 1, docs/decisions.md D-EB5). The workers share the machine's
 * cores, so a worker's bulk export must give way to live requests in every worker, not only in its
 * own: each worker serving live requests says so (`live`) to the primary at most every LIVE_PING_MS,
 * and the primary passes it to the other workers. A worker's export then rests for its siblings'
 * requests as for its own (idleMs), and waits for a gap only in its own (busy).
 */
import type { LiveLoad } from '../operations/bulk-export/pacing';
import type { WorkerPort } from './primary-audit';

/** How often a worker with live requests says so (ms): at most 20 small messages a second. */
export const LIVE_PING_MS = 50;

/** This worker's live load and its siblings'. */
export class ClusterLiveLoad implements LiveLoad {
  private siblingsAt = -Infinity;

  constructor(
    private readonly own: LiveLoad,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A sibling had live requests within its last LIVE_PING_MS (a `live` from the primary). */
  siblingLive(): void {
    this.siblingsAt = this.now();
  }

  /**
   * Own requests in flight only: a sibling's are served by another event loop, which a patient started
   * here does not hold up; they share the cores, which the rest (idleMs) already accounts for.
   */
  busy(): boolean {
    return this.own.busy();
  }

  /** Since the last live request in this worker or, as far as the last `live` says, in any other. */
  idleMs(): number {
    return Math.min(this.own.idleMs(), Math.max(0, this.now() - this.siblingsAt));
  }
}

/**
 * Says `live` every LIVE_PING_MS while this worker has had live requests in flight since the last
 * time; returns the function that stops it. The timer does not keep the process alive.
 */
export function announceLive(own: LiveLoad, say: () => void): () => void {
  const timer = setInterval(() => {
    if (own.busy() || own.idleMs() < LIVE_PING_MS) say();
  }, LIVE_PING_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** The primary's part: a worker's `live`, passed on to every other connected worker. */
export function relayLive(from: WorkerPort, workers: readonly WorkerPort[]): void {
  for (const other of workers) {
    if (other === from || !other.isConnected()) continue;
    try {
      other.send({ gpc: 'live' }, () => undefined);
    } catch {
      // Its channel closed meanwhile: it is going, and its export with it.
    }
  }
}
