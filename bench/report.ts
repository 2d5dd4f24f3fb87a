/** How `npm run bench` prints its figures: one table row per run, the ratios, then one JSON line. */
import type { LoadResult, LoadShape } from './load-result';

export interface RunFigures extends LoadResult {
  readonly label: string;
  readonly shape: LoadShape;
  /** Peak resident set of the server (its workers summed in), MiB. */
  readonly peakRssMiB?: number;
  /** Processes the server ran as (1, or the primary plus its workers). */
  readonly processes?: number;
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

export const HEADER =
  'run                      load        req/s    p50 ms    p99 ms    MiB/s  http err  sock err  peak RSS MiB';

export function row(r: RunFigures): string {
  const load = `-t${r.shape.threads} -c${r.shape.connections}`;
  const rss =
    r.peakRssMiB === undefined
      ? ''
      : `${f1(r.peakRssMiB)}${(r.processes ?? 1) > 1 ? ` (${r.processes} processes)` : ''}`;
  return [
    r.label.padEnd(24),
    load.padEnd(9),
    f1(r.requestsPerSecond).padStart(8),
    f1(r.p50Ms).padStart(9),
    f1(r.p99Ms).padStart(9),
    f1(r.bytesPerSecond / 1048576).padStart(8),
    String(r.httpErrors).padStart(9),
    String(r.socketErrors).padStart(9),
    rss.padStart(13),
  ].join(' ');
}

/** a/b as a ratio and a percentage, or undefined when either side did not run. */
export function ratio(a: RunFigures | undefined, b: RunFigures | undefined): number | undefined {
  if (!a || !b || b.requestsPerSecond === 0) return undefined;
  return a.requestsPerSecond / b.requestsPerSecond;
}

export const ratioText = (r: number) => `${r.toFixed(3)} (${(r * 100).toFixed(1)}%)`;

/** The figures as one object for the final JSON line (numbers rounded for notes). */
export function summaryJson(
  runs: Readonly<Record<string, RunFigures>>,
  ratios: Readonly<Record<string, number | undefined>>,
  extra: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const round = (n: number, digits: number) => Number(n.toFixed(digits));
  return {
    ...extra,
    runs: Object.fromEntries(
      Object.entries(runs).map(([key, r]) => [
        key,
        {
          tool: r.tool,
          threads: r.shape.threads,
          connections: r.shape.connections,
          seconds: round(r.seconds, 1),
          requests: r.requests,
          rps: round(r.requestsPerSecond, 1),
          p50Ms: round(r.p50Ms, 2),
          p99Ms: round(r.p99Ms, 2),
          bytesPerSecond: Math.round(r.bytesPerSecond),
          httpErrors: r.httpErrors,
          socketErrors: r.socketErrors,
          ...(r.peakRssMiB !== undefined && { peakRssMiB: round(r.peakRssMiB, 1) }),
          ...(r.processes !== undefined && { processes: r.processes }),
        },
      ]),
    ),
    ratios: Object.fromEntries(
      Object.entries(ratios).flatMap(([k, v]) => (v === undefined ? [] : [[k, round(v, 4)]])),
    ),
  };
}
