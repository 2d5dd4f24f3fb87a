/**
 * Fairness between concurrent requests (issue 15, "Fair tail latency"): a request gives the event
 * loop back once it has held it for a slice, so a large record does not keep small ones waiting for
 * tens of milliseconds. Time-based, so a small request that finishes within its slice never yields
 * (no extra latency, no extra CPU) and the answer never depends on where the yields fall.
 */

/** How long a request may hold the event loop before it lets others run (ms). */
export const SLICE_MS = 5;

/** Resolves once the event loop has run what was queued meanwhile (I/O, other requests' next steps). */
export const yieldToLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

export interface TimeSlice {
  /** Yields to the event loop when this request has held it for SLICE_MS or more since it last did. */
  pause(): Promise<void>;
  /** True once SLICE_MS has passed since this request last got the loop. */
  readonly spent: boolean;
}

export function timeSlice(sliceMs: number = SLICE_MS): TimeSlice {
  let since = performance.now();
  return {
    get spent() {
      return performance.now() - since >= sliceMs;
    },
    async pause() {
      if (performance.now() - since < sliceMs) return;
      await yieldToLoop();
      since = performance.now();
    },
  };
}
