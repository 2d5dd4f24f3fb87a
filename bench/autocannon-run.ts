/**
 * The fallback load generator of `npm run bench` where Debian's `wrk` is missing (docs/decisions.md,
 * "Benchmark: one command"): autocannon in a process of its own, so that it does not share the
 * bench's event loop, over the same rotating bodies. Prints one JSON LoadResult line.
 *
 *   node -r ts-node/register/transpile-only bench/autocannon-run.ts JOB.json
 */
import { readFileSync } from 'node:fs';

import autocannon from 'autocannon';

import type { LoadResult, LoadShape, LoadTarget } from './load-result';

export interface AutocannonJob {
  readonly target: LoadTarget;
  readonly shape: LoadShape;
}

/** The prefix of the line this process prints; everything after it is a LoadResult in JSON. */
export const AUTOCANNON_MARKER = 'BENCH_AUTOCANNON_JSON ';

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as AutocannonJob;
  const url = new URL(job.target.url);
  const result = await autocannon({
    url: `${url.protocol}//${url.host}`,
    connections: job.shape.connections,
    duration: job.shape.seconds,
    timeout: 10,
    requests: job.target.bodies.map((body) => ({
      method: 'POST' as const,
      path: url.pathname + url.search,
      headers: { ...job.target.headers },
      body,
    })),
  });
  const out: LoadResult = {
    tool: 'autocannon',
    requests: result.requests.total,
    seconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    bytesPerSecond: result.throughput.total / result.duration,
    httpErrors: result.non2xx,
    socketErrors: result.errors + result.timeouts,
  };
  process.stdout.write(`${AUTOCANNON_MARKER}${JSON.stringify(out)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `autocannon run failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
