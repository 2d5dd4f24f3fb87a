/**
 * How long the primary waits before replacing a worker that ended unasked: at once for a rare
 * crash, then doubling with every further crash within the window, up to a cap, so a worker that
 * crashes on every request cannot turn into a fork storm.
 */
export interface RespawnPolicy {
  /** The first delay, in ms. */
  readonly initialMs: number;
  readonly maxMs: number;
  /** Crashes longer ago than this no longer count, in ms. */
  readonly windowMs: number;
}

export const DEFAULT_RESPAWN: RespawnPolicy = { initialMs: 100, maxMs: 30_000, windowMs: 60_000 };

export class RespawnBackoff {
  private crashes: number[] = [];

  constructor(private readonly policy: RespawnPolicy = DEFAULT_RESPAWN) {}

  /** Records a crash at `now` (ms) and says how long to wait before the next fork. */
  crashed(now: number): number {
    this.crashes = this.crashes.filter((at) => now - at < this.policy.windowMs);
    this.crashes.push(now);
    const doublings = this.crashes.length - 1;
    return Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** Math.min(doublings, 30));
  }
}
