/**
 * One serving process: the FHIR listener over the store, with its ops. Either the whole service
 * (WORKERS=1: it also writes the audit trail and serves the admin listener) or one cluster worker
 * (WORKERS > 1, D-70: the primary writes the trail and serves the admin listener; the worker sends it
 * audit records, readiness and metrics over IPC, and is stopped by it).
 */
import cluster from 'node:cluster';

import { AggregatorRegistry } from 'prom-client';

import { type AppDeps, createAdminApp, createApp } from './app';
import { systemClock } from './clock';
import { announceLive, ClusterLiveLoad } from './cluster/live-load';
import { isOurs, type PrimaryMessage, type WorkerMessage } from './cluster/messages';
import { type PrimaryChannel, WorkerAuditTrail } from './cluster/worker-audit';
import { WorkerExportJobs } from './cluster/worker-export-jobs';
import { type AppConfig, startupNotices } from './config';
import { createLogger } from './logger';
import { createBulkExport, shedderLoad } from './operations/bulk-export/bulk-export';
import { readinessChecks } from './ops/health';
import { createOps, type Ops } from './ops/ops';
import { createAdminServer, createHttpServer, type FhirServer, reloadTls } from './ops/server';
import { gracefulShutdown } from './ops/shutdown';
import { openPractices, RepositoryStartError } from './record/open-repository';
import { PostgresExportFiles } from './record/postgres/postgres-export-files';
import { PostgresExportJobs } from './record/postgres/postgres-export-jobs';
import { PostgresPracticeStore } from './record/postgres/postgres-practices';
import type { PracticeStore } from './record/practices';
import { softwareInfo } from './software';

export type Role = 'single' | 'worker';

/** The worker's channel to the primary (cluster IPC); typed once here. */
function toPrimary(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

/** One clear line, then exit: for anything wrong at start. A worker has the primary say it, once. */
function failer(role: Role) {
  return (message: string): never => {
    if (role === 'worker') {
      void toPrimary({ gpc: 'fatal', message }).finally(() => process.exit(1));
      // Nothing more runs in this worker: it is on its way out.
      return undefined as never;
    }
    process.stderr.write(`${message}\n`);
    process.exit(1);
  };
}

export async function serve(config: AppConfig, role: Role): Promise<void> {
  const fail = failer(role);
  const logger = createLogger(config.logLevel);
  const software = softwareInfo();
  const worker = role === 'worker' ? cluster.worker : undefined;
  // A worker asked to stop while still starting stops as soon as it can serve (below).
  let stopAsked: string | undefined;
  let onPrimary: (message: PrimaryMessage) => void = (message) => {
    if (message.gpc === 'shutdown') stopAsked = message.signal;
  };
  if (worker !== undefined) {
    process.on('message', (message: unknown) => {
      if (isOurs<PrimaryMessage>(message)) onPrimary(message);
    });
  }
  const channel: PrimaryChannel = {
    send: (message, callback) => process.send?.(message, undefined, {}, callback),
    get connected() {
      return process.connected;
    },
    on: (event: 'message' | 'disconnect', listener: (message: unknown) => void) =>
      process.on(event, listener),
  };
  const workerTrail = worker === undefined ? undefined : new WorkerAuditTrail(channel, worker.id);
  // An audit trail that cannot be written does not stop the start (a full disk must not crash-loop):
  // the service runs not ready and refuses every answer with 503 until it can write (D-40).
  const ops: Ops = createOps(config, {
    software,
    logger,
    now: () => systemClock.now(),
    processMetrics: true,
    workerTrail,
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
  // The primary's first worker says these; the others would only repeat them.
  if (worker === undefined || worker.id === 1) {
    for (const notice of startupNotices(await practices.list().catch(() => []))) logger.warn(notice);
  }
  // Listen once the trail has been tried, so /health/ready tells the truth from the first probe.
  await ops.audit.whenTried();
  // Jobs in PostgreSQL are shared by every process over the database and survive a restart; a
  // cluster's memory-store jobs are held by the primary, so every worker sees them (D-B4).
  const jobs =
    practices instanceof PostgresPracticeStore
      ? new PostgresExportJobs(practices.database)
      : worker === undefined
        ? undefined
        : new WorkerExportJobs(channel);
  // A worker's export gives way to live requests in every worker: they share the cores (D-EB5).
  const ownLoad = shedderLoad(ops.shedder);
  const liveLoad = worker === undefined ? undefined : new ClusterLiveLoad(ownLoad);
  const stopAnnouncing = liveLoad && announceLive(ownLoad, () => void toPrimary({ gpc: 'live' }));
  // EXPORT_STORAGE=database (the default over PostgreSQL): the files beside the jobs, so no instance
  // keeps anything a request to another would need (D-ES1). The configuration refuses it without
  // PostgreSQL, so the store here is always PostgreSQL's.
  const files =
    config.bulkExport.storage === 'database' && practices instanceof PostgresPracticeStore
      ? new PostgresExportFiles(practices.database)
      : undefined;
  const bulkExport = createBulkExport({
    config,
    practices,
    clock: systemClock,
    logger,
    shedder: ops.shedder,
    ...(liveLoad && { live: liveLoad }),
    ...(jobs && { jobs }),
    ...(files && { files }),
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
    const where = {
      url: `${config.tls ? 'https' : 'http'}://${config.host}:${config.port}${config.basePath}`,
      mutualTls: config.tls?.clientCaFile !== undefined,
      repository: config.repository.kind,
      exportStorage: bulkExport.files.kind,
      auditLog: config.ops.auditSink.kind === 'postgres' ? 'postgres audit_trail' : config.ops.auditLog,
      maintenanceFile: ops.maintenance.file,
    };
    // A worker's line is a detail: the primary says "listening" once every worker is.
    if (worker === undefined) logger.info('listening', where);
    else logger.debug('worker listening', { worker: worker.id, pid: process.pid });
  });
  const admin = worker === undefined ? startAdmin(deps, ops, fail) : undefined;
  if (worker !== undefined) {
    // prom-client answers the primary's metric requests with this registry (AggregatorRegistry).
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([ops.metrics.registry]);
  }

  const reload = () => {
    if (!config.tls) return;
    try {
      reloadTls(server, config);
      logger.info('TLS certificates reloaded', { certFile: config.tls.certFile });
    } catch (error) {
      logger.error('TLS certificates not reloaded; the previous ones stay in use', {
        cause: error instanceof Error ? error.message : String(error),
      });
    }
  };
  // SIGHUP: read the TLS certificate, key and client CA again, without dropping connections (a
  // cluster's primary passes it on to every worker).
  process.on('SIGHUP', reload);

  // Look at the maintenance switch even without traffic, so a toggle is audited when it happens.
  const poll = setInterval(() => ops.maintenance.isOn(), Math.max(1000, config.ops.maintenancePollMs));
  poll.unref();

  let stopping = false;
  const stop = (signal: string) => {
    stopping = true;
    clearInterval(poll);
    stopAnnouncing?.();
    logger.info('shutting down', {
      signal,
      graceMs: config.ops.shutdownGraceMs,
      inFlight: ops.lifecycle.openRequests,
      ...(worker && { worker: worker.id }),
    });
    void gracefulShutdown({
      server,
      lifecycle: ops.lifecycle,
      graceMs: config.ops.shutdownGraceMs,
      closeResources: async () => {
        admin?.close();
        // A job running here goes back to the queue, for the next process to start at once (D-B4).
        await bulkExport.runner.stop('release').catch(() => undefined);
        await practices.close();
        ops.audit.note({ type: worker ? 'worker.stop' : 'service.stop', signal });
        await ops.audit.close();
      },
    }).then(
      (result) => {
        logger.info('stopped', { ...result, ...(worker && { worker: worker.id }) });
        process.exit(result.drained ? 0 : 1);
      },
      (error: unknown) => fail(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  const onSignal = (signal: string) => {
    if (stopping) {
      // A second signal means "now": the operator has given up waiting.
      logger.warn('second signal; exiting at once', { signal });
      process.exit(1);
    }
    stop(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  onPrimary = (message) => {
    if (message.gpc === 'shutdown') {
      // The same signal may also have reached this worker directly (Ctrl-C hits the process group).
      if (!stopping) stop(message.signal);
    } else if (message.gpc === 'live') {
      liveLoad?.siblingLive();
    } else if (message.gpc === 'tls.reload') {
      reload();
    } else if (message.gpc === 'ready.ask') {
      void readinessChecks({ ...deps, ...ops }).then((checks) =>
        toPrimary({ gpc: 'ready.answer', id: message.id, checks }),
      );
    }
  };
  if (stopAsked !== undefined) stop(stopAsked);
}

function startAdmin(deps: AppDeps, ops: Ops, fail: (message: string) => never) {
  const { config, logger } = deps;
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
  return admin;
}
