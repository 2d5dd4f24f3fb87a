/**
 * The cluster primary (WORKERS > 1, D-70): forks the workers that share the FHIR port, writes the one
 * audit trail for all of them, serves the admin listener (readiness of every worker, metrics summed
 * across workers), audits the maintenance switch's toggles, replaces a worker that ends unasked
 * (with backoff), and on SIGTERM/SIGINT drains every worker before closing the trail.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';

import type { Request, Response } from 'express';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';

import { adminApp } from '../app';
import { type AppConfig, OPS_PATHS } from '../config';
import { createLogger, type Logger } from '../logger';
import { GP_CONNECT_VERSION } from '../operations/structured-record/capability-statement';
import { isReady, type ReadinessChecks } from '../ops/health';
import { MaintenanceSwitch } from '../ops/maintenance';
import { createAuditLog } from '../ops/ops';
import { createAdminServer } from '../ops/server';
import { softwareInfo } from '../software';
import { relayLive } from './live-load';
import { isOurs, type WorkerMessage } from './messages';
import { PrimaryAuditService } from './primary-audit';
import { PrimaryExportJobsService } from './primary-export-jobs';
import { RespawnBackoff } from './respawn';
import { workerExecArgv } from './young-generation';

/** A worker that does not answer a readiness question within this long counts as not ready. */
const READY_ANSWER_MS = 3000;
/** After the workers' grace period, how long the primary waits for them to exit before killing them. */
const EXIT_MARGIN_MS = 5000;

interface WorkerState {
  listening: boolean;
}

export async function runPrimary(config: AppConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  const software = softwareInfo();
  const log = createAuditLog(config, { logger, now: () => new Date(), auditGatherTurn: true });
  const states = new Map<Worker, WorkerState>();
  const live = () => [...states.keys()].filter((w) => w.isConnected());
  const audit = new PrimaryAuditService(log, live);
  // The memory store's export jobs live here, so every worker sees every job (D-B4); PostgreSQL
  // shares them over the database instead.
  const exportJobs = config.repository.kind === 'memory' ? new PrimaryExportJobsService() : undefined;
  const maintenance = new MaintenanceSwitch({
    file: config.ops.maintenanceFile,
    pollMs: config.ops.maintenancePollMs,
    onChange: (on, file) => {
      // Every worker sees the file within MAINTENANCE_POLL_MS; the toggle is audited once, here.
      log.note({ type: 'config.change', setting: 'maintenance', value: on, file });
      logger.warn(on ? 'maintenance mode on' : 'maintenance mode off', { file });
    },
  });
  const poll = setInterval(() => maintenance.isOn(), Math.max(1000, config.ops.maintenancePollMs));
  poll.unref();
  log.note({
    type: 'service.start',
    software: { name: software.name, version: software.version },
    gpConnectVersion: GP_CONNECT_VERSION,
    basePath: config.basePath,
    workers: config.workers,
    maintenance: { file: maintenance.file ?? null, on: maintenance.isOn() },
  });
  // Fork once the trail has been tried (this first record), so workers know its health from the start.
  await log.whenTried();

  const metrics = primaryMetrics(() => live().length);
  const ready = readinessAsker();
  let everListening = false;
  let stopping = false;
  let fatal: string | undefined;
  const backoff = new RespawnBackoff();

  // Workers run with the service's GC flags even when the primary was started without them.
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const fork = () => {
    const worker = cluster.fork();
    states.set(worker, { listening: false });
    worker.on('message', (message: unknown) => {
      if (audit.handle(worker, message)) return;
      if (exportJobs?.handle(worker, message)) return;
      if (!isOurs<WorkerMessage>(message)) return;
      if (message.gpc === 'fatal') fatal ??= message.message;
      else if (message.gpc === 'ready.answer') ready.answered(message.id, message.checks);
      else if (message.gpc === 'live') relayLive(worker, live());
    });
  };

  cluster.on('listening', (worker) => {
    const state = states.get(worker);
    if (state === undefined || state.listening) return;
    state.listening = true;
    if (!everListening && [...states.values()].every((s) => s.listening)) {
      everListening = true;
      logger.info('listening', {
        url: `${config.tls ? 'https' : 'http'}://${config.host}:${config.port}${config.basePath}`,
        mutualTls: config.tls?.clientCaFile !== undefined,
        repository: config.repository.kind,
        auditLog: config.ops.auditLog,
        maintenanceFile: maintenance.file,
        workers: config.workers,
        pids: live().map((w) => w.process.pid ?? null),
      });
    }
  });

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let cleanExits = true;

  cluster.on('exit', (worker, code, signal) => {
    const state = states.get(worker);
    states.delete(worker);
    if (stopping) {
      if (code !== 0) cleanExits = false;
      if (states.size === 0) finish(cleanExits ? 0 : 1);
      return;
    }
    if (!everListening) {
      // A start that cannot succeed (store unreachable, certificate unreadable): said once, then out,
      // rather than forking forever.
      process.stderr.write(
        `${fatal ?? `A worker exited (code ${String(code)}, signal ${String(signal)}) before listening`}\n`,
      );
      stopping = true;
      for (const other of states.keys()) other.kill('SIGKILL');
      void log.close().finally(() => process.exit(1));
      return;
    }
    const delayMs = backoff.crashed(Date.now());
    const facts = {
      worker: worker.id,
      pid: worker.process.pid ?? null,
      code,
      signal: signal ?? null,
      startedListening: state?.listening ?? false,
      respawnInMs: delayMs,
    };
    metrics.exited.inc();
    logger.error('worker ended unasked; replacing it', { ...facts, ...(fatal && { cause: fatal }) });
    log.note({ type: 'worker.exit', ...facts, cause: fatal ?? null });
    fatal = undefined;
    setTimeout(() => {
      if (!stopping) fork();
    }, delayMs).unref();
  });

  for (let i = 0; i < config.workers; i++) fork();

  const admin = startAdmin(config, logger, {
    ready: async (_req: Request, res: Response) => {
      const workers = live();
      const answers = await Promise.all(workers.map((w) => ready.ask(w)));
      const readyWorkers = answers.filter((c) => c !== undefined && isReady(c)).length;
      const checks = {
        repository: answers.every((c) => c?.repository === true),
        maintenance: answers.some((c) => c?.maintenance === true) || maintenance.isOn(),
        shuttingDown: stopping,
        audit: log.healthy,
        workers: { expected: config.workers, ready: readyWorkers },
      };
      const ok = log.healthy && !stopping && readyWorkers === config.workers;
      res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
    },
    exposition: async () => {
      // Summed across workers (histograms and counters add up; see docs/decisions.md D-70).
      const workers = await metrics.aggregator.clusterMetrics().catch(() => '');
      return { contentType: metrics.own.contentType, body: workers + (await metrics.own.metrics()) };
    },
  });

  process.on('SIGHUP', () => {
    for (const worker of live()) worker.send({ gpc: 'tls.reload' });
  });
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn('second signal; exiting at once', { signal });
      process.exit(1);
    }
    stopping = true;
    clearInterval(poll);
    logger.info('shutting down', { signal, graceMs: config.ops.shutdownGraceMs, workers: states.size });
    if (states.size === 0) finish(0);
    for (const worker of live()) worker.send({ gpc: 'shutdown', signal });
    // A worker stuck past its own grace period is killed: the primary must close the trail.
    setTimeout(() => {
      for (const worker of states.keys()) worker.kill('SIGKILL');
    }, config.ops.shutdownGraceMs + EXIT_MARGIN_MS).unref();
    void finished.then(async (code) => {
      admin.close();
      audit.stop();
      log.note({ type: 'service.stop', signal });
      await log.close();
      logger.info('stopped', { drained: code === 0 });
      process.exit(code);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** The primary's own metrics, beside the workers' summed ones. */
function primaryMetrics(workers: () => number) {
  const own = new Registry();
  new Gauge({
    name: 'gpc_workers',
    help: 'Worker processes serving the FHIR port now (WORKERS when all are up)',
    registers: [own],
    collect() {
      this.set(workers());
    },
  });
  const exited = new Counter({
    name: 'gpc_worker_exits_total',
    help: 'Workers that ended unasked (crashed or killed) and were replaced',
    registers: [own],
  });
  return { own, exited, aggregator: new AggregatorRegistry() };
}

/** Asks workers for their readiness checks over IPC; no answer in time is "not ready". */
function readinessAsker() {
  let next = 1;
  const waiting = new Map<number, (checks: ReadinessChecks | undefined) => void>();
  return {
    ask(worker: Worker): Promise<ReadinessChecks | undefined> {
      const id = next++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve(undefined);
        }, READY_ANSWER_MS);
        waiting.set(id, (checks) => {
          clearTimeout(timer);
          resolve(checks);
        });
        try {
          worker.send({ gpc: 'ready.ask', id });
        } catch {
          waiting.get(id)?.(undefined);
          waiting.delete(id);
        }
      });
    },
    answered(id: number, checks: ReadinessChecks): void {
      const wake = waiting.get(id);
      waiting.delete(id);
      wake?.(checks);
    },
  };
}

function startAdmin(config: AppConfig, logger: Logger, sources: Parameters<typeof adminApp>[2]): Server {
  const admin = createAdminServer(adminApp(config, logger, sources));
  admin.on('error', (error) => {
    process.stderr.write(
      `Cannot listen on ADMIN_HOST ${config.adminHost}:${config.adminPort}: ${error.message}\n`,
    );
    process.exit(1);
  });
  admin.listen(config.adminPort, config.adminHost, () => {
    const address = admin.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.adminPort;
    logger.info('admin listening', {
      url: `http://${config.adminHost}:${port}`,
      health: `${OPS_PATHS.live}, ${OPS_PATHS.ready}`,
      metrics: config.ops.metricsPath,
      workers: config.workers,
    });
  });
  return admin;
}
