/**
 * An app over the embedded test practice with a pinned clock, plus request helpers that send valid
 * Spine headers and a valid JWT unless a test overrides them.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Express } from 'express';
import request from 'supertest';

import { type AppDeps, createAdminApp, createApp } from '../../src/app';
import { ResourceMemo } from '../../src/bundle/engine/resource-memo';
import { type Clock, fixedClock } from '../../src/clock';
import { type AppConfig, loadConfig } from '../../src/config';
import { createLogger, type Logger } from '../../src/logger';
import { type BulkExport, createBulkExport } from '../../src/operations/bulk-export/bulk-export';
import type { AuditFileOpener, AuditTarget } from '../../src/ops/audit';
import { createOps, type Ops } from '../../src/ops/ops';
import type { ExportFileStore } from '../../src/record/export-files';
import type { ExportJob, ExportJobStore } from '../../src/record/export-jobs';
import { PostgresExportFiles } from '../../src/record/postgres/postgres-export-files';
import { PostgresExportJobs } from '../../src/record/postgres/postgres-export-jobs';
import type { PracticeStore, SettingsChange } from '../../src/record/practices';
import type { ClinicalRepository } from '../../src/record/repository';
import { type Claims, jwt, validClaims } from '../../tools/test-jwt';
import { AuditCapture } from './audit';
import { embeddedExportJobs, embeddedPractices, OverlayStore, P99001_ASID } from './store';

const SHARED_MEMO = new ResourceMemo();

/** T for tests: midday UTC, so "today" is the same date in UTC and in Europe/London. */
export const TEST_NOW = '2026-11-21T12:00:00Z';
export const TODAY = '2026-11-21';
/** P99001's ASID (data/practices/P99001.jsonl). */
export const PROVIDER_ASID = P99001_ASID;
export const CONSUMER_ASID = '200000000115';
export const BASE = '/P99001/STU3/1/gpconnect/structured';
export const RECORD_PATH = `${BASE}/Patient/$gpc.getstructuredrecord`;
export const METADATA_PATH = `${BASE}/metadata`;
export const INTERACTION = {
  record: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
  metadata: 'urn:nhs:names:services:gpconnect:structured:fhir:rest:read:metadata-1',
} as const;

/** Test NHS numbers (docs/spec-notes.md "Provider test pack — test patients"). */
export const NHS = {
  patient1: '9690937278',
  patient2: '9690937286',
  patient3: '9690937294',
  patient4: '9690937308',
  patient5: '9690937375',
  patient6: '9690937383',
  patient7: '9690937391',
  patient8: '9690937405',
  patient9: '9690938533',
  patient10: '9690938541',
  patient11: '9690938622',
  patient12: '9690938614',
  patient13: '9690938096',
  patient14: '9476718943',
  patient15: '9690938576',
  patient16: '9690938118',
  patient17: '9690938126',
  patient18: '9690938681',
  patient21: '9690938142',
  patientNoAppointments: '9690938134',
  notInSystem: '9999999999',
  risk1: '9690939009',
  large1: '9690939017',
  temporary1: '9690939025',
  nogap1: '9690939033',
} as const;

/** A date relative to TODAY, as YYYY-MM-DD. */
export function rel(days: number): string {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Small chunks under PostgreSQL, so every export file of the suites spans several of them. */
export const TEST_CHUNK_BYTES = 4096;

export interface TestAppOptions {
  readonly env?: Record<string, string>;
  /** The resource memo (src/bundle/engine/resource-memo.ts); by default one shared by the worker's apps. */
  readonly resourceMemo?: ResourceMemo;
  readonly clock?: Clock;
  /** P99001's record replaced by this one (its settings kept). */
  readonly repository?: ClinicalRepository;
  /** Settings changes by ODS code, over the store's own (the store itself is shared and not changed). */
  readonly settings?: Readonly<Record<string, SettingsChange>>;
  /** A store of the test's own instead of the embedded practices. */
  readonly practices?: PracticeStore;
  /** The audit trail's target instead of the in-memory capture (then `audit` captures nothing). */
  readonly auditTarget?: AuditTarget;
  readonly auditOpener?: AuditFileOpener;
  readonly auditRetryMs?: number;
  /** The trail the settings name (AUDIT_SINK=postgres in `env`) instead of the in-memory capture. */
  readonly auditFromSettings?: boolean;
  /** A logger to inspect what the app logs (silent otherwise). */
  readonly logger?: Logger;
  /** Export jobs of the test's own (default: in memory, or in the worker's database under PostgreSQL). */
  readonly exportJobs?: ExportJobStore;
  /**
   * Export files of the test's own. Default: beside PostgreSQL jobs, in their database (as
   * EXPORT_STORAGE=database, the default over PostgreSQL; TEST_CHUNK_BYTES chunks); beside jobs in
   * memory, under EXPORT_DIR.
   */
  readonly exportFiles?: ExportFileStore;
  /** Called after each export batch is recorded (to stop a job mid-way). */
  readonly afterExportBatch?: (job: ExportJob, done: number) => void | Promise<void>;
}

export interface TestApp {
  readonly app: Express;
  /** The admin listener's app: /health/live, /health/ready, /metrics. */
  readonly admin: Express;
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly practices: PracticeStore;
  /** Metrics, throttles, maintenance switch and lifecycle of this app. */
  readonly ops: Ops;
  /** This app's audit trail, captured in memory (so tests print nothing). */
  readonly audit: AuditCapture;
  /**
   * The bulk export's jobs, files and runner (files in the jobs' database under PostgreSQL, else under
   * EXPORT_DIR: the worker's temporary directory unless env sets one).
   */
  readonly bulkExport: BulkExport;
}

export function testApp(options: TestAppOptions = {}): TestApp {
  const clock = options.clock ?? fixedClock(TEST_NOW);
  // Suites send requests concurrently (Promise.all) from a busy test process: shedding on queueing
  // delay is off unless a test asks for it (test/ops). The per-consumer rate limit is off by default.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    MAX_QUEUE_DELAY_MS: '0',
    // One directory per test worker (job ids are unique); created when a job first writes.
    EXPORT_DIR: join(tmpdir(), `gpc-test-exports-${process.pid}`),
    ...options.env,
  });
  const practices =
    options.practices ??
    new OverlayStore(
      embeddedPractices(clock.today()),
      options.settings,
      options.repository ? { P99001: options.repository } : {},
    );
  let counter = 0;
  const logger = options.logger ?? createLogger('silent');
  const software = {
    name: 'gpconnect-structured',
    version: '0.0.0-test',
    releaseDate: '2026-11-21',
    publisher: 'test',
  };
  const audit = new AuditCapture();
  const ops = createOps(config, {
    software,
    logger,
    now: () => clock.now(),
    audit: options.auditFromSettings ? undefined : (options.auditTarget ?? { stream: audit }),
    auditOpener: options.auditOpener,
    auditRetryMs: options.auditRetryMs,
  });
  const exportJobs = options.exportJobs ?? embeddedExportJobs(clock.today());
  const exportFiles =
    options.exportFiles ??
    (exportJobs instanceof PostgresExportJobs
      ? new PostgresExportFiles(exportJobs.database, TEST_CHUNK_BYTES)
      : undefined);
  const bulkExport = createBulkExport({
    config,
    practices,
    clock,
    logger,
    shedder: ops.shedder,
    ...(exportJobs && { jobs: exportJobs }),
    ...(exportFiles && { files: exportFiles }),
    ...(options.afterExportBatch && { afterBatch: options.afterExportBatch }),
  });
  const deps: AppDeps = {
    config,
    practices,
    clock,
    logger,
    software,
    newId: () => `generated-${++counter}`,
    ops,
    bulkExport,
    // Shared by every app of a test worker, as the embedded store is: answers come from a warm memo,
    // so every HTTP test also checks that remembered resources give the answer a fresh mapping gives.
    resourceMemo: options.resourceMemo ?? SHARED_MEMO,
  };
  return {
    app: createApp(deps, ops),
    admin: createAdminApp(deps, ops),
    config,
    clock,
    practices,
    ops,
    audit,
    bulkExport,
  };
}

export function nowSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000);
}

export interface SendOptions {
  /** The practice the request is for (its ODS code in the path): P99001 unless told. */
  readonly ods?: string;
  readonly headers?: Record<string, string | undefined>;
  readonly claims?: Claims;
  readonly traceId?: string;
}

/** The headers a valid request carries (Ssp-*, Bearer JWT, Accept), with `options.headers` overriding or removing (undefined). */
export function spineHeaders(
  t: TestApp,
  interaction: string,
  scope: string,
  options: SendOptions = {},
): Record<string, string> {
  const all: Record<string, string | undefined> = {
    'Ssp-TraceID': options.traceId ?? '629ea9ba-a077-4d99-b289-7a9b19fd4e03',
    'Ssp-From': CONSUMER_ASID,
    'Ssp-To': PROVIDER_ASID,
    'Ssp-InteractionID': interaction,
    Authorization: `Bearer ${jwt(options.claims ?? validClaims(nowSeconds(t.clock), scope))}`,
    Accept: 'application/fhir+json',
    ...options.headers,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}

/** POST a getstructuredrecord request (body as an object, or a raw string sent as-is). */
export function postRecord(t: TestApp, body: unknown, options: SendOptions = {}): request.Test {
  const req = request(t.app)
    .post(options.ods ? RECORD_PATH.replace('/P99001/', `/${options.ods}/`) : RECORD_PATH)
    .set(spineHeaders(t, INTERACTION.record, 'patient/*.read', options));
  const hasContentType =
    options.headers && Object.keys(options.headers).some((h) => h.toLowerCase() === 'content-type');
  if (!hasContentType) req.set('Content-Type', 'application/fhir+json;charset=utf-8');
  return req.send(typeof body === 'string' ? body : JSON.stringify(body));
}

export function getMetadata(t: TestApp, options: SendOptions = {}, path = METADATA_PATH): request.Test {
  return request(t.app)
    .get(path)
    .set(spineHeaders(t, INTERACTION.metadata, 'organization/*.read', options));
}

export function validJwtClaims(t: TestApp, scope = 'patient/*.read'): Claims {
  return validClaims(nowSeconds(t.clock), scope);
}

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch' | 'options' | 'head';

/**
 * Any verb on any path, with valid Spine headers and JWT for the given interaction (the metadata
 * interaction and organization/*.read unless told otherwise): for the routing and verb tests.
 */
export function sendTo(
  t: TestApp,
  method: HttpMethod,
  path: string,
  options: SendOptions & { readonly interaction?: string; readonly scope?: string } = {},
): request.Test {
  const interaction = options.interaction ?? INTERACTION.metadata;
  const scope =
    options.scope ?? (interaction === INTERACTION.record ? 'patient/*.read' : 'organization/*.read');
  return request(t.app)
    [method](path)
    .set(spineHeaders(t, interaction, scope, options));
}
