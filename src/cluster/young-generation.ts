/**
 * The garbage collector's settings the service runs with (docs/decisions.md D-H4, D-SV4).
 *
 * A request's objects (its record, Bundle and JSON) live for its whole turn, tens of milliseconds
 * under load; with V8's default 16 MB semi-space they outlive two scavenges, are promoted, and fill the
 * old space with garbage, so a major collection runs every second or two and slows every request in
 * flight at once: that was most of the tail at 32 connections. A 64 MB semi-space lets them die young.
 *
 * Allocation-site pretenuring off: V8 learns, from a warm-up in which a request's objects survived,
 * to allocate them in the old space from birth; each then dies there and, until the next major
 * collection, keeps alive whatever young objects it pointed to, which are promoted in turn (90% of
 * what survived a scavenge was promoted, ~6 MB per scavenge over PostgreSQL; 0.2 MB without it).
 */

/** The semi-space flag the start commands pass (package.json, the systemd unit, the benchmark). */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';
export const PRETENURING_FLAG = '--no-allocation-site-pretenuring';
/** Every flag the start commands pass, in their order. */
export const GC_FLAGS: readonly string[] = [YOUNG_GENERATION_FLAG, PRETENURING_FLAG];

/** Each flag with the pattern that finds the operator's own choice of the same setting. */
const CHOSEN: readonly (readonly [string, RegExp])[] = [
  [YOUNG_GENERATION_FLAG, /--max[-_]semi[-_]space[-_]size/],
  [PRETENURING_FLAG, /--(no[-_])?allocation[-_]site[-_]pretenuring/],
];

/**
 * The Node flags for a cluster worker: the service's GC flags, then the primary's own, leaving out each
 * setting the operator already chose (on the command line or in NODE_OPTIONS).
 */
export function workerExecArgv(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const ours = CHOSEN.filter(
    ([, setting]) => !execArgv.some((a) => setting.test(a)) && !setting.test(nodeOptions ?? ''),
  ).map(([flag]) => flag);
  // First: under ts-node the primary's execArgv ends with ts-node's own script and options, and
  // Node takes only the flags before the first script.
  return [...ours, ...execArgv];
}
