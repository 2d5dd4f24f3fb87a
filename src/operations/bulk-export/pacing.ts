/**
 * How the bulk export gives way to live requests (docs/decisions.md D-B8, D-EB2). The export works one
 * patient at a time; before each patient it asks the pacer, which:
 *
 * - without live load (no live request in flight now nor within `recentMs`) lets it go at once;
 * - under live load, first rests in proportion to what the previous step took, so the export holds
 *   at most `share` of the process while live requests are being served (a step of c ms is followed
 *   by c·(1 − share)/share ms of rest, at most `maxRestMs`), then waits for a moment with no live
 *   request in flight, but never longer than the rest plus `gapWaitMs`: under permanent load the
 *   export still goes, patient after patient, so it always completes.
 *
 * The cost of a step is its wall time in the runner: live work that ran during the export's own
 * awaits counts as the export's, which errs on the side of live requests.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** What the export knows of live work on this process. */
export interface LiveLoad {
  /** Whether live requests are in flight (admitted and not yet answered) on this event loop now. */
  busy(): boolean;
  /** Milliseconds since a live request was last in flight (0 while one is), in any process sharing the cores. */
  idleMs(): number;
}

export interface PacingOptions {
  /** The export's largest share of the process while live requests are served (0 < share ≤ 1). */
  readonly share: number;
  /** Live work this recent (ms) still counts as live load. */
  readonly recentMs: number;
  /** The longest rest after one patient (ms). */
  readonly maxRestMs: number;
  /** How long past its rest the export waits for no live request in flight (ms). */
  readonly gapWaitMs: number;
  /** How often a wait looks again (ms). */
  readonly pollMs: number;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_PACING: PacingOptions = {
  share: 0.15,
  recentMs: 100,
  maxRestMs: 2000,
  gapWaitMs: 50,
  pollMs: 5,
  now: () => performance.now(),
  sleep: (ms) => sleep(ms),
};

export class Pacer {
  private readonly options: PacingOptions;
  /** The rest owed for the previous patient (ms), taken only under live load. */
  private owed = 0;

  constructor(
    private readonly live: LiveLoad | undefined,
    options: Partial<PacingOptions> = {},
  ) {
    this.options = { ...DEFAULT_PACING, ...options };
  }

  /** Whether live requests are in flight now or were within recentMs. */
  underLoad(): boolean {
    return this.live !== undefined && (this.live.busy() || this.live.idleMs() < this.options.recentMs);
  }

  /** Resolves when the export may start its next patient (or `stopping()` says it will not). */
  async beforePatient(stopping: () => boolean = () => false): Promise<void> {
    const { now, pollMs, gapWaitMs } = this.options;
    const rest = this.owed;
    this.owed = 0;
    const live = this.live;
    if (!live) return;
    const start = now();
    for (;;) {
      if (stopping() || !this.underLoad()) return;
      const waited = now() - start;
      if (waited >= rest && !live.busy()) return;
      if (waited >= rest + gapWaitMs) return;
      const left = waited < rest ? rest - waited : rest + gapWaitMs - waited;
      await this.options.sleep(Math.max(1, Math.min(pollMs, left)));
    }
  }

  /** Records what the export's last step (a patient, a batch's read) took, in ms of wall time. */
  spent(costMs: number): void {
    const { share, maxRestMs } = this.options;
    this.owed = Math.min(maxRestMs, Math.max(0, costMs) * ((1 - share) / share));
  }
}
