/**
 * The young generation the service runs with (docs/decisions.md D-H4). A request's objects (its
 * record, Bundle and JSON) live for its whole turn, tens of milliseconds under load; with V8's default
 * 16 MB semi-space they outlive two scavenges, are promoted, and fill the old space with garbage, so
 * a major collection runs every second or two and slows every request in flight at once: that was
 * most of the tail at 32 connections. A 64 MB semi-space lets them die young.
 */

/** The flag the start commands pass (package.json, the systemd unit, the benchmark). */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

const SETS_SEMI_SPACE = /--max[-_]semi[-_]space[-_]size/;

/**
 * The Node flags for a cluster worker: the young-generation flag, then the primary's own, unless the
 * operator already chose a semi-space size (on the command line or in NODE_OPTIONS).
 */
export function workerExecArgv(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const chosen = execArgv.some((a) => SETS_SEMI_SPACE.test(a)) || SETS_SEMI_SPACE.test(nodeOptions ?? '');
  // First: under ts-node the primary's execArgv ends with ts-node's own script and options, and
  // Node takes only the flags before the first script.
  return chosen ? [...execArgv] : [YOUNG_GENERATION_FLAG, ...execArgv];
}
