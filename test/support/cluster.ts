/**
 * Starts the real service (src/main.ts under ts-node, as the other process tests do) with WORKERS=2
 * on loopback ports, and talks to it over fresh connections, so the primary spreads requests over
 * its workers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';

import { jwt, validClaims } from '../../tools/test-jwt';
import { freePort } from '../../tools/throwaway-postgres';
import { CONSUMER_ASID, INTERACTION, NHS, PROVIDER_ASID, RECORD_PATH } from './app';
import { nhsNumber, parameters } from './parameters';

const root = join(__dirname, '..', '..');

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface RunningService {
  readonly port: number;
  readonly adminPort: number;
  readonly child: ChildProcess;
  /** Everything the process (primary and workers) wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /**
   * Waits until the output matches (or the process exits, or the time is up: then throws). Three
   * ts-node processes start at once: on a loaded two-core machine that takes a minute or more.
   */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(): void;
}

export async function startService(env: Record<string, string>): Promise<RunningService> {
  const [port, adminPort] = [await freePort(), await freePort()];
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
        MAINTENANCE_FILE: '',
        WORKERS: '2',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (c) => {
      code = c;
      resolve(c);
    }),
  );
  return {
    port,
    adminPort,
    child,
    output: () => out,
    exited,
    async waitFor(pattern, timeoutMs = 240_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (code !== undefined)
          throw new Error(`exited (${String(code)}) before ${pattern}:\n${out.slice(-3000)}`);
        if (Date.now() > deadline)
          throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill: () => {
      if (code === undefined) child.kill('SIGKILL');
    },
  };
}

/** One structured-record request on a connection of its own (so the primary can hand it to any worker). */
export function postRecord(port: number, traceId: string, nhs: string = NHS.patient2): Promise<Answer> {
  const body = JSON.stringify(parameters(nhsNumber(nhs)));
  return send(port, 'POST', RECORD_PATH, body, recordHeaders(traceId));
}

/**
 * A request whose body arrives in two halves: between them it is in flight in a worker for as long as
 * the caller likes. `finish` sends the rest.
 */
export function postRecordInTwoHalves(
  port: number,
  traceId: string,
): { answer: Promise<Answer>; finish(): void } {
  const body = Buffer.from(JSON.stringify(parameters(nhsNumber(NHS.patient2))));
  const half = Math.floor(body.length / 2);
  let finish = () => undefined as void;
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: RECORD_PATH,
        headers: { ...recordHeaders(traceId), 'Content-Length': String(body.length), Connection: 'close' },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.flushHeaders();
    req.write(body.subarray(0, half));
    finish = () => req.end(body.subarray(half));
  });
  return { answer, finish: () => finish() };
}

function recordHeaders(traceId: string): Record<string, string> {
  return {
    'Ssp-TraceID': traceId,
    'Ssp-From': CONSUMER_ASID,
    'Ssp-To': PROVIDER_ASID,
    'Ssp-InteractionID': INTERACTION.record,
    Authorization: `Bearer ${jwt(validClaims(Math.floor(Date.now() / 1000)))}`,
    'Content-Type': 'application/fhir+json',
    Accept: 'application/fhir+json',
  };
}

export function get(port: number, path: string): Promise<Answer> {
  return send(port, 'GET', path, undefined, {});
}

function send(
  port: number,
  method: string,
  path: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, Connection: 'close' }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const EXPORT_INTERACTION = 'urn:nhs:names:services:gpconnect:structured:fhir:operation:export-1';

/**
 * A bulk export request (kick-off, status, cancel or file) on a connection of its own, with the Spine
 * headers and JWT of the test consumer; `url` is a path or an absolute URL the service gave.
 */
export function exportRequest(port: number, method: 'GET' | 'DELETE', url: string, traceId: string) {
  const path = url.startsWith('http') ? new URL(url).pathname : url;
  return send(port, method, path, undefined, {
    'Ssp-TraceID': traceId,
    'Ssp-From': CONSUMER_ASID,
    'Ssp-To': PROVIDER_ASID,
    'Ssp-InteractionID': EXPORT_INTERACTION,
    Authorization: `Bearer ${jwt(validClaims(Math.floor(Date.now() / 1000)))}`,
    Accept: 'application/fhir+json',
    Prefer: 'respond-async',
  });
}

/** The audit file's records. */
export type AuditLine = Record<string, unknown> & { type: string; seq: number };
