/**
 * A compiled service (ROOT's or another package root's dist/) on a free loopback port, for the
 * side-by-side PostgreSQL benches (pg-vs-memory.ts, pg-server-cpu.ts): throttles off, the audit trail
 * to /dev/null, a warning-level log, one worker, the GC flags of the start commands, and the caller's
 * settings on top. BENCH_NODE_ARGS (as for
 * run-bench.ts: `--cpu-prof --cpu-prof-dir=DIR`, `--trace-gc`) go to the service's node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { GC_FLAGS } from '../src/cluster/young-generation';
import { freePort } from '../tools/throwaway-postgres';

export async function startCompiledServer(
  root: string,
  env: Record<string, string>,
  listenWithinMs: number,
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  // The GC flags the start commands give the service (young-generation.ts, D-H4, D-SV4).
  const child = spawn(process.execPath, [...GC_FLAGS, ...nodeArgs, join(root, 'dist', 'src', 'main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_PORT: '0',
      LOG_LEVEL: 'warn',
      AUDIT_LOG: '/dev/null',
      MAINTENANCE_FILE: '',
      MAX_IN_FLIGHT: '1000',
      MAX_QUEUE_DELAY_MS: '0',
      // One process, as run-bench.ts's store sections: the default is one worker per core.
      WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const deadline = Date.now() + listenWithinMs; ;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return { child, port };
    } catch {
      if (Date.now() > deadline) throw new Error(`server did not listen within ${listenWithinMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
