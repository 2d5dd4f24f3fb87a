/**
 * Service instances as separate processes (`src/main.ts` under ts-node, started by cluster.ts's
 * startService), for the tests of several instances over one PostgreSQL database (issue 15, "Beyond
 * one machine").
 */
import { type RunningService, startService } from './cluster';

export type Instance = RunningService;

/** Starts an instance over `url` (REPOSITORY=postgres) and waits until it listens and is ready. */
export async function startInstance(url: string, env: Record<string, string> = {}): Promise<Instance> {
  const instance = await startService({
    REPOSITORY: 'postgres',
    DATABASE_URL: url,
    // A busy test machine must not turn a request into a 503.
    MAX_QUEUE_DELAY_MS: '0',
    ...env,
  });
  try {
    await instance.waitFor(/"admin listening"/);
    await instance.waitFor(/"listening"/);
    const ready = await fetch(`http://127.0.0.1:${instance.adminPort}/health/ready`);
    if (ready.status !== 200)
      throw new Error(`instance on port ${instance.port} is not ready: ${ready.status}`);
  } catch (error) {
    instance.kill();
    throw error;
  }
  return instance;
}

/** Stops an instance (SIGTERM) and waits for it to exit. */
export async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return;
  instance.child.kill('SIGTERM');
  await instance.exited;
}
