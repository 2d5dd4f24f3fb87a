/** Process entry: read config, pick the repository, listen, shut down gracefully. */
import { createApp } from './app';
import { systemClock } from './clock';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { createLogger } from './logger';
import { createOps, type Ops } from './ops/ops';
import { createHttpServer } from './ops/server';
import { gracefulShutdown } from './ops/shutdown';
import { openRepository, RepositoryStartError } from './record/open-repository';
import type { ClinicalRepository } from './record/repository';
import { softwareInfo } from './software';

/** One clear line on stderr, then exit: for anything wrong at start. */
function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    return fail(error instanceof ConfigError ? error.message : String(error));
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const software = softwareInfo();
  let ops: Ops;
  try {
    ops = createOps(config, { software, logger, now: () => systemClock.now(), processMetrics: true });
  } catch (error) {
    // The audit trail cannot be switched off, so a service that cannot write it must not start.
    fail(`Invalid configuration: AUDIT_LOG ${config.ops.auditLog} cannot be opened for appending: ${error instanceof Error ? error.message : String(error)}`);
  }
  let repository: ClinicalRepository;
  try {
    // The ~5k-line embedded test practice is loaded only when the memory store is chosen.
    const embedded = async () => (await import('./record/memory/embedded-practice')).testPractice;
    repository = await openRepository(config.repository, embedded, systemClock.today());
  } catch (error) {
    return fail(error instanceof RepositoryStartError ? error.message : `Cannot open the clinical record store: ${String(error)}`);
  }
  const app = createApp({ config, repository, clock: systemClock, logger, software, ops });
  const server = createHttpServer(app, config.ops);
  server.on('error', (error) => fail(`Cannot listen on ${config.host}:${config.port}: ${error.message}`));
  server.listen(config.port, config.host, () => {
    logger.info('listening', {
      url: `http://${config.host}:${config.port}${config.basePath}`,
      repository: config.repository.kind,
      metrics: config.ops.metricsPath,
      maintenanceFile: ops.maintenance.file,
    });
  });

  // Look at the maintenance switch even without traffic, so a toggle is audited when it happens.
  const poll = setInterval(() => ops.maintenance.isOn(), Math.max(1000, config.ops.maintenancePollMs));
  poll.unref();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second signal means "now": the operator has given up waiting.
      logger.warn('second signal; exiting at once', { signal });
      process.exit(1);
    }
    stopping = true;
    clearInterval(poll);
    logger.info('shutting down', { signal, graceMs: config.ops.shutdownGraceMs, inFlight: ops.lifecycle.openRequests });
    void gracefulShutdown({
      server,
      lifecycle: ops.lifecycle,
      graceMs: config.ops.shutdownGraceMs,
      closeResources: async () => {
        await repository.close();
        ops.audit.record({ type: 'service.stop', signal });
        await ops.audit.close();
      },
    }).then(
      (result) => {
        logger.info('stopped', { ...result });
        process.exit(result.drained ? 0 : 1);
      },
      (error: unknown) => fail(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
