/**
 * Service instances as separate processes (`src/main.ts` under ts-node), for the tests of several
 * instances over one PostgreSQL database (issue 15, "Beyond one machine").
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

import { freePort } from '../../tools/throwaway-postgres';

const root = join(__dirname, '..', '..');

export interface Instance {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
}

/** Starts an instance over `url` (REPOSITORY=postgres) and waits until it listens and is ready. */
export async function startInstance(url: string, env: Record<string, string> = {}): Promise<Instance> {
  const port = await freePort();
  const adminPort = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_PORT: String(adminPort),
        LOG_LEVEL: 'info',
        REPOSITORY: 'postgres',
        DATABASE_URL: url,
        // A busy test machine must not turn a request into a 503.
        MAX_QUEUE_DELAY_MS: '0',
        ...env,
      },
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"listening"') && out.includes('"admin listening"')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const ready = await fetch(`http://127.0.0.1:${adminPort}/health/ready`);
  if (ready.status !== 200) throw new Error(`instance on port ${port} is not ready: ${ready.status}`);
  return { child, port };
}

/** Stops an instance (SIGTERM) and waits for it to exit. */
export async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return;
  const exited = new Promise((resolve) => instance.child.once('exit', resolve));
  instance.child.kill('SIGTERM');
  await exited;
}
