/**
 * Throttling (per consumer) and load shedding (global): both answer at once, so an overloaded or
 * abused service stays responsive for everyone else. Hand-written: each is a few lines, and both
 * must run inside the gate, after the Ssp-* headers identify the consumer (docs/decisions.md).
 */

export interface RateLimitOptions {
  /** Sustained rate per consumer. */
  readonly perMinute: number;
  /** Bucket capacity: how many requests a consumer may send at once after a quiet spell. */
  readonly burst: number;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Bound on remembered consumers. Through the SSP there are a handful of consumer systems; the cap
 * only matters against a caller inventing Ssp-From values, and evicting the least recently seen
 * bucket merely forgives that consumer's debt.
 */
const MAX_BUCKETS = 10_000;

/** A token bucket per consumer ASID. */
export class ConsumerRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.perMs = options.perMinute / 60_000;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Takes a token for this consumer. Returns undefined when the request may proceed, or the whole
   * seconds after which the consumer will have a token again (for Retry-After).
   */
  take(consumer: string): number | undefined {
    const now = this.now();
    const bucket = this.buckets.get(consumer) ?? { tokens: this.options.burst, updatedAt: now };
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    // Re-inserting keeps the Map in least-recently-seen order for eviction.
    this.buckets.delete(consumer);
    this.buckets.set(consumer, bucket);
    if (this.buckets.size > MAX_BUCKETS) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }
}

export interface LoadShedderOptions {
  /** Requests admitted and not yet answered. */
  readonly maxInFlight: number;
  /**
   * Event-loop utilisation (0..1) above which new requests are shed; 1 turns this check off. The
   * in-flight limit protects a slow store; this protects the CPU: when the loop is saturated every
   * request waits behind every other, so admitting more only makes everyone slower.
   */
  readonly maxEventLoopUtilisation: number;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
  /** Cumulative event-loop utilisation of this thread (injected by tests). */
  readonly eventLoopUtilisation?: typeof performance.eventLoopUtilization;
  /** Uniform in [0, 1) (injected by tests). */
  readonly random?: () => number;
}

/**
 * Utilisation is measured over windows of this length, sampled lazily by the requests themselves.
 * Short, so that a surge is met before a queue builds (a 500 ms window reacted too late in
 * bench/load.ts); proportional shedding keeps a short window from overreacting to one GC pause.
 */
const UTILISATION_WINDOW_MS = 100;

/**
 * The global limits: requests in flight, and the event loop's utilisation over the last window.
 * A slot is taken when a request is admitted and given back when its response closes (sent, failed
 * or aborted), so a slot can never leak.
 */
export class LoadShedder {
  private current = 0;
  private readonly now: () => number;
  private readonly elu: typeof performance.eventLoopUtilization;
  private previous: ReturnType<typeof performance.eventLoopUtilization>;
  private sampledAt: number;
  private utilisation = 0;
  private readonly random: () => number;

  constructor(private readonly options: LoadShedderOptions) {
    this.now = options.now ?? (() => performance.now());
    this.elu = options.eventLoopUtilisation ?? ((a, b) => performance.eventLoopUtilization(a, b));
    this.random = options.random ?? Math.random;
    this.previous = this.elu();
    this.sampledAt = this.now();
  }

  get inFlight(): number {
    return this.current;
  }

  /** The event loop's utilisation over the last complete window (0..1). */
  get eventLoopUtilisation(): number {
    this.sample();
    return this.utilisation;
  }

  /** A release function when there is room; otherwise why the request must be shed. */
  tryAcquire(): (() => void) | 'in-flight' | 'event-loop' {
    if (this.current >= this.options.maxInFlight) return 'in-flight';
    if (this.random() < this.shedShare()) return 'event-loop';
    this.current += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.current -= 1;
    };
  }

  /**
   * The share of new requests to shed: nothing at or below the limit, rising in proportion to the
   * excess, everything from half-way between the limit and full utilisation (a loop that busy is
   * saturated). Proportional rather than all-or-nothing, so that the load does not swing between
   * "shed everyone" and "admit everyone" from one window to the next: that would admit bursts, and
   * bursts are what make the admitted requests slow.
   */
  private shedShare(): number {
    const limit = this.options.maxEventLoopUtilisation;
    if (limit >= 1) return 0;
    const excess = this.eventLoopUtilisation - limit;
    return excess <= 0 ? 0 : Math.min(1, excess / ((1 - limit) / 2));
  }

  private sample(): void {
    const now = this.now();
    if (now - this.sampledAt < UTILISATION_WINDOW_MS) return;
    const current = this.elu();
    this.utilisation = this.elu(current, this.previous).utilization;
    this.previous = current;
    this.sampledAt = now;
  }
}
