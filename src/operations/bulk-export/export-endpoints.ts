/**
 * The bulk export's HTTP side (FHIR Bulk Data Access, adapted to GP Connect; docs/decisions.md D-B1 to
 * D-B9): the kick-off `GET [base]/Patient/$export`, the status `GET|DELETE [base]/$export-status/{job}`
 * and the files `GET [base]/$export-file/{job}/{file}`. Each passes the same gate as every request
 * (Spine headers, admission, JWT, switches) and is audited. A job is visible only to the consumer
 * (Ssp-From ASID) that started it, at the practice it was started for: to anyone else it does not
 * exist (404, never 403, so a job id tells nothing).
 */
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

import type { Request, Response } from 'express';

import type { Clock } from '../../clock';
import type { BulkExportConfig } from '../../config';
import { GpcError } from '../../fhir/gpc-error';
import {
  type FhirEndpoint,
  type FhirPatternRoute,
  type GateResult,
  RESPONSE_SENT,
} from '../../http/fhir-routes';
import { factsOf } from '../../ops/request-facts';
import type { ExportFileStore } from '../../record/export-files';
import type { ExportJob, ExportJobStore } from '../../record/export-jobs';
import { INTERACTIONS } from '../../spine/interactions';
import { checkPreferAsync, parseExportParameters } from './export-parameters';

export interface BulkExportEndpointsDeps {
  readonly jobs: ExportJobStore;
  /** Where the job's files are kept (EXPORT_STORAGE, D-ES1). */
  readonly files: ExportFileStore;
  readonly config: BulkExportConfig;
  readonly clock: Clock;
  /** The FHIR base path template (`{ods}` for the practice's ODS code). */
  readonly basePath: string;
  /** A job was queued: start work now rather than at the next poll. */
  readonly kick: () => void;
}

const JOB = '([A-Za-z0-9-]{1,64})';
const FILE = '([A-Za-z]{1,40}-[0-9]{1,6}\\.ndjson)';
const STATUS_PATH = new RegExp(`^/(?:\\$|%24)export-status/${JOB}$`);
const FILE_PATH = new RegExp(`^/(?:\\$|%24)export-file/${JOB}/${FILE}$`);

function queryOf(req: Request): URLSearchParams {
  const at = req.originalUrl.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : req.originalUrl.slice(at + 1));
}

function pathParts(res: Response, pattern: RegExp): string[] {
  const path: unknown = res.locals.fhirPath;
  return (typeof path === 'string' ? pattern.exec(path)?.slice(1) : undefined) ?? [];
}

export function bulkExportEndpoints(deps: BulkExportEndpointsDeps): {
  endpoints: Record<string, FhirEndpoint>;
  patterns: FhirPatternRoute[];
} {
  const { jobs, files, config, clock } = deps;
  const interaction = INTERACTIONS.bulkExport;

  /** The absolute URL of a path below the practice's base, on the host the consumer called. */
  const urlOf = (req: Request, odsCode: string, path: string) =>
    `${req.protocol}://${req.get('host') ?? 'localhost'}${deps.basePath.replace('{ods}', odsCode)}${path}`;

  const notFound = (id: string) =>
    new GpcError('NO_RECORD_FOUND', `No export job ${id} is known to this consumer at this practice`);

  /** The job, if this consumer started it at this practice and it has not expired. */
  const ownJob = async (id: string, gate: GateResult): Promise<ExportJob> => {
    const job = id === '' ? undefined : await jobs.find(id);
    const expired = job?.expiresAt !== undefined && Date.parse(job.expiresAt) <= clock.now().getTime();
    if (
      !job ||
      expired ||
      job.consumerAsid !== gate.envelope.fromAsid ||
      job.odsCode !== gate.practice.odsCode
    )
      throw notFound(id);
    return job;
  };

  const kickOff: FhirEndpoint = {
    method: 'GET',
    interaction,
    handle: async (req, res, gate) => {
      checkPreferAsync(req.header('Prefer'));
      const params = parseExportParameters(queryOf(req), clock.now());
      const id = randomUUID();
      factsOf(res).resource = `export/${id}`;
      const outcome = await jobs.create(
        {
          id,
          odsCode: gate.practice.odsCode,
          consumerAsid: gate.envelope.fromAsid,
          request: {
            url: `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`,
            ...params,
          },
          transactionTime: clock.now().toISOString(),
        },
        { perConsumer: config.maxPerConsumer, total: config.maxTotal },
      );
      const retryAfter = { 'Retry-After': String(config.retryAfterSeconds) };
      if (outcome === 'consumer-limit') {
        throw new GpcError(
          'TOO_MANY_REQUESTS',
          `Ssp-From ${gate.envelope.fromAsid} already has ${config.maxPerConsumer} export(s) running ` +
            '(EXPORT_MAX_PER_CONSUMER); wait for one to finish or cancel it',
          retryAfter,
        );
      }
      if (outcome === 'total-limit') {
        throw new GpcError(
          'SERVICE_UNAVAILABLE',
          `${config.maxTotal} exports are running at this provider (EXPORT_MAX_TOTAL); retry later`,
          retryAfter,
        );
      }
      deps.kick();
      res.status(202);
      res.setHeader('Content-Location', urlOf(req, gate.practice.odsCode, `/$export-status/${id}`));
      res.end();
      return RESPONSE_SENT;
    },
  };

  const status: FhirEndpoint = {
    method: 'GET',
    interaction,
    negotiates: false,
    handle: async (req, res, gate) => {
      const [id = ''] = pathParts(res, STATUS_PATH);
      factsOf(res).resource = `export/${id}`;
      const job = await ownJob(id, gate);
      if (job.state === 'failed') {
        throw new GpcError(
          'INTERNAL_SERVER_ERROR',
          `Export job ${id} failed: ${job.error ?? 'unknown cause'}`,
        );
      }
      if (job.state !== 'completed') {
        res.status(202);
        res.setHeader(
          'X-Progress',
          job.state === 'queued' || job.total === undefined ? 'queued' : `${job.done}/${job.total} patients`,
        );
        res.setHeader('Retry-After', String(config.retryAfterSeconds));
        res.end();
        return RESPONSE_SENT;
      }
      const manifest = {
        transactionTime: job.transactionTime,
        request: job.request.url,
        requiresAccessToken: true,
        output: job.files.map((f) => ({
          type: f.type,
          url: urlOf(req, job.odsCode, `/$export-file/${job.id}/${f.name}`),
          count: f.count,
        })),
        error: [],
      };
      if (job.expiresAt) res.setHeader('Expires', new Date(job.expiresAt).toUTCString());
      res.status(200).type('application/json').send(JSON.stringify(manifest));
      return RESPONSE_SENT;
    },
  };

  const cancel: FhirEndpoint = {
    method: 'DELETE',
    interaction,
    negotiates: false,
    handle: async (_req, res, gate) => {
      const [id = ''] = pathParts(res, STATUS_PATH);
      factsOf(res).resource = `export/${id}`;
      await ownJob(id, gate);
      // The files go first, so a large job's deletion is done in bounded steps before the job is
      // forgotten; the runner finds the job gone at its next batch or chunk, stops and discards what it
      // still wrote. A removal that fails (a directory another process still writes to: ENOTEMPTY) is
      // no reason to refuse the cancel, which is done once the job is forgotten.
      await files.remove(id).catch(() => undefined);
      await jobs.remove(id);
      res.status(202).end();
      return RESPONSE_SENT;
    },
  };

  const download: FhirEndpoint = {
    method: 'GET',
    interaction,
    negotiates: false,
    handle: async (req, res, gate) => {
      const [id = '', name = ''] = pathParts(res, FILE_PATH);
      factsOf(res).resource = `export/${id}/${name}`;
      const job = await ownJob(id, gate);
      const file = job.state === 'completed' ? job.files.find((f) => f.name === name) : undefined;
      if (!file) throw new GpcError('NO_RECORD_FOUND', `Export job ${id} has no file ${name}`);
      // A database that is down rejects here, before any header: a clean 503 OperationOutcome.
      const stored = await files.open(id, name);
      if (stored === undefined) {
        throw new GpcError('NO_RECORD_FOUND', `Export file ${name} of job ${id} is no longer available`);
      }
      res.status(200);
      res.setHeader('Content-Type', 'application/fhir+ndjson');
      const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
      res.setHeader('Vary', 'Accept-Encoding');
      if (gzip) res.setHeader('Content-Encoding', 'gzip');
      else res.setHeader('Content-Length', String(stored.bytes));
      // Streamed: never the whole file in memory; a client that goes away ends the read. A store that
      // fails mid-way destroys the response, so the consumer sees a broken transfer, never a short file.
      // The observer, admission and compression already listen for 'close'; pipeline adds its own.
      res.setMaxListeners(res.getMaxListeners() + 4);
      const sent = gzip ? pipeline(stored.stream, createGzip(), res) : pipeline(stored.stream, res);
      await sent.catch(() => res.destroy());
      return RESPONSE_SENT;
    },
  };

  return {
    endpoints: { '/Patient/$export': kickOff, '/Patient/%24export': kickOff },
    patterns: [
      { pattern: STATUS_PATH, endpoints: [status, cancel] },
      { pattern: FILE_PATH, endpoints: [download] },
    ],
  };
}
