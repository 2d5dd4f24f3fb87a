/**
 * Throttling (per consumer) and load shedding (global): both answer at once, so an overloaded or
 * abused service stays responsive for everyone else. Hand-written: each is a few lines, and both
 * must run inside the gate, after the Ssp-* headers identify the consumer (docs/decisions.md).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

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
   * Queueing delay (ms) above which new requests are shed while others are in flight; 0 turns this
   * check off. The in-flight limit protects a slow store; this protects the CPU: when admitted
   * requests wait this long for their turn on the event loop, admitting more only makes everyone
   * slower.
   */
  readonly maxQueueDelayMs: number;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
  /** The event loop's delay (injected by tests); perf_hooks.monitorEventLoopDelay by default. */
  readonly loopDelay?: LoopDelaySampler;
  /**
   * The share (0 to 1) of its running time this process had a core since the last call, which the
   * admitted requests' wall-clock waits are scaled by (injected by tests); monitorRunShare by default.
   */
  readonly runShare?: () => number;
}

export interface LoopDelaySampler {
  /** The median event-loop delay (ms) since the last call, or undefined without a sample; starts afresh. */
  take(): number | undefined;
}

/** How often the event-loop delay is sampled (a timer's lateness), in ms. */
const LOOP_DELAY_RESOLUTION_MS = 10;

/**
 * The event loop's median delay, scaled by the share of a core this process had over the interval:
 * on a machine whose cores other processes are taking, a timer is late because the process was not
 * running, not because work is queued on its loop (D-H3).
 */
export function monitorLoopDelay(): LoopDelaySampler {
  const histogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  histogram.enable();
  let since = performance.now();
  let cpuAt = process.cpuUsage();
  return {
    take() {
      const wallMs = performance.now() - since;
      const used = process.cpuUsage(cpuAt);
      since = performance.now();
      cpuAt = process.cpuUsage();
      if (histogram.count === 0) return undefined;
      const share = wallMs > 0 ? Math.min(1, (used.user + used.system) / 1000 / wallMs) : 1;
      // The histogram holds the whole interval between timer runs: the delay is what exceeds the resolution.
      const ms = Math.max(0, histogram.percentile(50) / 1e6 - LOOP_DELAY_RESOLUTION_MS) * share;
      histogram.reset();
      return ms;
    },
  };
}

/**
 * The share of its running time this process had a core since the last call: CPU time used over the
 * event loop's active (not idle) wall-clock time, at most 1. While the loop runs, the only reason
 * its wall clock runs ahead of its CPU clock is the cores being taken by someone else, so a
 * wall-clock wait times this share is the CPU work queued ahead of it (D-H3, D-RQ1). Read once per
 * window rather than twice per request: process.cpuUsage() costs a getrusage(2) that, beside the
 * threads writing the audit file, was a measurable share of the request path.
 */
export function monitorRunShare(): () => number {
  let cpuAt = process.cpuUsage();
  let loopAt = performance.eventLoopUtilization();
  return () => {
    const used = process.cpuUsage(cpuAt);
    const loop = performance.eventLoopUtilization(loopAt);
    cpuAt = process.cpuUsage();
    loopAt = performance.eventLoopUtilization();
    return loop.active > 0 ? Math.min(1, (used.user + used.system) / 1000 / loop.active) : 1;
  };
}

/**
 * Waits are gathered in windows of this length; the standing queue is the larger of two medians over
 * the last window with samples: the waits of admitted requests for their turn (work queued ahead of
 * them), and the event loop's delay (how long anything newly ready, such as a request arriving,
 * waits for the loop). Medians rather than CoDel's minimum: requests that become ready together run
 * one after another, so the first of each batch waits nothing even when the rest wait long; a median
 * still ignores one wait behind a GC pause.
 */
export const QUEUE_WINDOW_MS = 100;
/** A standing queue older than this (no request admitted since) is forgotten, so admission resumes. */
export const QUEUE_MEMORY_MS = 1000;
/** Samples kept per window (the median of the first ones is as good as of all). */
const MAX_SAMPLES = 1000;

/**
 * The global limits: requests in flight, and how long admitted requests wait for the event loop
 * before their handler runs (docs/decisions.md, "Admission"). Never utilisation: a loop kept busy
 * by one request at a time is the goal, not overload. A slot is taken once the request's body has
 * been read, and given back when its response closes (sent, failed or aborted), so it never leaks.
 */
export class LoadShedder {
  private current = 0;
  private readonly now: () => number;
  private windowStart: number;
  private samples: number[] = [];
  private readonly loopDelay: LoopDelaySampler;
  private readonly runShare: () => number;
  /** The standing queue of the last window with samples, and when that window ended. */
  private standing = 0;
  private standingAt: number;
  /** When a slot was last given back (the bulk export's "live work was recent", D-EB2). */
  private releasedAt = -Infinity;

  constructor(private readonly options: LoadShedderOptions) {
    this.now = options.now ?? (() => performance.now());
    this.loopDelay = options.loopDelay ?? monitorLoopDelay();
    this.runShare = options.runShare ?? monitorRunShare();
    this.windowStart = this.now();
    this.standingAt = this.windowStart;
  }

  get inFlight(): number {
    return this.current;
  }

  /** Milliseconds since a request was last in flight: 0 while one is, Infinity before the first. */
  get idleMs(): number {
    return this.current > 0 ? 0 : this.now() - this.releasedAt;
  }

  /** The standing queueing delay in ms (0 once nothing has been admitted for QUEUE_MEMORY_MS). */
  get queueDelayMs(): number {
    this.roll();
    return this.now() - this.standingAt >= QUEUE_MEMORY_MS ? 0 : this.standing;
  }

  /** A release function when there is room; otherwise why the request must be shed. */
  tryAcquire(): (() => void) | 'in-flight' | 'queue' {
    if (this.current >= this.options.maxInFlight) return 'in-flight';
    // Alone, a request cannot queue behind anyone: a lone client is never shed, however busy the loop.
    const limit = this.options.maxQueueDelayMs;
    if (limit > 0 && this.current > 0 && this.queueDelayMs > limit) return 'queue';
    this.current += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.current -= 1;
      this.releasedAt = this.now();
    };
  }

  /**
   * An admitted request waited `ms` (wall clock) for the event loop before its handler ran; the
   * window's median is scaled by the share of a core the process had (monitorRunShare).
   */
  recordWait(ms: number): void {
    this.roll();
    if (this.samples.length < MAX_SAMPLES) this.samples.push(ms);
  }

  private roll(): void {
    const now = this.now();
    if (now - this.windowStart < QUEUE_WINDOW_MS) return;
    const delay = this.loopDelay.take();
    // Read every window, so that the share covers this window alone.
    const share = this.runShare();
    if (this.samples.length > 0 || delay !== undefined) {
      const sorted = this.samples.sort((a, b) => a - b);
      const waited = sorted.length > 0 ? sorted[Math.floor((sorted.length - 1) / 2)] * share : 0;
      this.standing = Math.max(waited, delay ?? 0);
      // When that window ended: a window that ended long ago says less about now.
      this.standingAt = this.windowStart + QUEUE_WINDOW_MS;
      this.samples = [];
    }
    this.windowStart = now;
  }
}
