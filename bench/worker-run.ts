/** Helpers the benchmarks share: a client job in a worker thread, and percentiles. */
import { Worker } from 'node:worker_threads';

/** Runs `script` (TypeScript, through ts-node) in a worker thread with `job`, resolving its one message. */
export function runInWorker<Job, Result>(script: string, job: Job): Promise<Result> {
  const worker = new Worker(
    `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(script)});`,
    { eval: true, workerData: job },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', (result: Result) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

/** The p-th percentile (nearest rank) of values, sorted or not. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
