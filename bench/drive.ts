/** One load run with whichever generator is here: wrk, else autocannon (in a process of its own). */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AUTOCANNON_MARKER, type AutocannonJob } from './autocannon-run';
import type { Cleanup } from './cleanup';
import type { LoadResult, LoadShape, LoadTarget } from './load-result';
import { ROOT } from './service-process';
import { runWrk } from './wrk';

export type Driver = { readonly tool: 'wrk'; readonly path: string } | { readonly tool: 'autocannon' };

function runAutocannon(
  target: LoadTarget,
  shape: LoadShape,
  dir: string,
  cleanup: Cleanup,
): Promise<LoadResult> {
  const jobFile = join(dir, 'autocannon-job.json');
  const job: AutocannonJob = { target, shape };
  writeFileSync(jobFile, JSON.stringify(job));
  const args = ['-r', 'ts-node/register/transpile-only', join(__dirname, 'autocannon-run.ts'), jobFile];
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd: ROOT, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        forget();
        const line = stdout.split('\n').find((l) => l.startsWith(AUTOCANNON_MARKER));
        if (error || line === undefined) {
          reject(new Error(`autocannon failed: ${error?.message ?? 'no result'} ${stderr}`));
          return;
        }
        resolve(JSON.parse(line.slice(AUTOCANNON_MARKER.length)) as LoadResult);
      },
    );
    const forget = cleanup.killOnExit(child);
  });
}

export function drive(
  driver: Driver,
  target: LoadTarget,
  shape: LoadShape,
  dir: string,
  cleanup: Cleanup,
): Promise<LoadResult> {
  return driver.tool === 'wrk'
    ? runWrk(driver.path, target, shape, dir, cleanup)
    : runAutocannon(target, shape, dir, cleanup);
}
