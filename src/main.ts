/** Process entry: read config, pick the repository, listen, shut down gracefully. */
import { type AppDeps, createAdminApp, createApp } from './app';
import { systemClock } from './clock';
import { type AppConfig, ConfigError, loadConfig, startupNotices } from './config';
import { createLogger } from './logger';
import { createBulkExport } from './operations/bulk-export/bulk-export';
import { createOps, type Ops } from './ops/ops';
import { createAdminServer, createHttpServer, type FhirServer, reloadTls } from './ops/server';
import { gracefulShutdown } from './ops/shutdown';
import { openPractices, RepositoryStartError } from './record/open-repository';
import { PostgresExportJobs } from './record/postgres/postgres-export-jobs';
import { PostgresPracticeStore } from './record/postgres/postgres-practices';
import type { PracticeStore } from './record/practices';
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
  // An audit trail that cannot be written does not stop the start (a full disk must not crash-loop):
  // the service runs not ready and refuses every answer with 503 until it can write (D-40).
  const ops: Ops = createOps(config, {
    software,
    logger,
    now: () => systemClock.now(),
    processMetrics: true,
  });
  let practices: PracticeStore;
  try {
    practices = await openPractices(config.repository, systemClock.today());
  } catch (error) {
    return fail(
      error instanceof RepositoryStartError
        ? error.message
        : `Cannot open the clinical record store: ${String(error)}`,
    );
  }
  for (const notice of startupNotices(await practices.list().catch(() => []))) logger.warn(notice);
  // Listen once the trail has been tried, so /health/ready tells the truth from the first probe.
  await ops.audit.whenTried();
  // Jobs in PostgreSQL are shared by every process over the database and survive a restart (D-B4).
  const bulkExport = createBulkExport({
    config,
    practices,
    clock: systemClock,
    logger,
    shedder: ops.shedder,
    ...(practices instanceof PostgresPracticeStore && { jobs: new PostgresExportJobs(practices.database) }),
  });
  bulkExport.runner.start();
  const deps: AppDeps = { config, practices, clock: systemClock, logger, software, ops, bulkExport };
  let server: FhirServer;
  try {
    server = createHttpServer(createApp(deps, ops), config, { audit: ops.audit, logger });
  } catch (error) {
    return fail(`Invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
  server.on('error', (error) => fail(`Cannot listen on ${config.host}:${config.port}: ${error.message}`));
  server.listen(config.port, config.host, () => {
    logger.info('listening', {
      url: `${config.tls ? 'https' : 'http'}://${config.host}:${config.port}${config.basePath}`,
      mutualTls: config.tls?.clientCaFile !== undefined,
      repository: config.repository.kind,
      auditLog: config.ops.auditLog,
      maintenanceFile: ops.maintenance.file,
    });
  });
  const admin = createAdminServer(createAdminApp(deps, ops));
  admin.on('error', (error) =>
    fail(`Cannot listen on ADMIN_HOST ${config.adminHost}:${config.adminPort}: ${error.message}`),
  );
  admin.listen(config.adminPort, config.adminHost, () => {
    const address = admin.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.adminPort;
    logger.info('admin listening', {
      url: `http://${config.adminHost}:${port}`,
      health: '/health/live, /health/ready',
      metrics: config.ops.metricsPath,
    });
  });

  // SIGHUP: read the TLS certificate, key and client CA again, without dropping connections.
  process.on('SIGHUP', () => {
    if (!config.tls) return;
    try {
      reloadTls(server, config);
      logger.info('TLS certificates reloaded', { certFile: config.tls.certFile });
    } catch (error) {
      logger.error('TLS certificates not reloaded; the previous ones stay in use', {
        cause: error instanceof Error ? error.message : String(error),
      });
    }
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
    logger.info('shutting down', {
      signal,
      graceMs: config.ops.shutdownGraceMs,
      inFlight: ops.lifecycle.openRequests,
    });
    void gracefulShutdown({
      server,
      lifecycle: ops.lifecycle,
      graceMs: config.ops.shutdownGraceMs,
      closeResources: async () => {
        admin.close();
        // A job running here goes back to the queue, for the next process to start at once (D-B4).
        await bulkExport.runner.stop('release').catch(() => undefined);
        await practices.close();
        ops.audit.note({ type: 'service.stop', signal });
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
