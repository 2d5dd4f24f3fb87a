/** Requests of the bulk export (kick-off, status, cancel, files) with valid Spine headers and JWT. */
import request from 'supertest';

import { BASE, type SendOptions, spineHeaders, type TestApp } from './app';

export const EXPORT_INTERACTION = 'urn:nhs:names:services:gpconnect:structured:fhir:operation:export-1';
export const KICK_OFF_PATH = `${BASE}/Patient/$export`;

export interface Manifest {
  readonly transactionTime: string;
  readonly request: string;
  readonly requiresAccessToken: boolean;
  readonly output: readonly { type: string; url: string; count: number }[];
  /** With `_since` only: files of transaction Bundles deleting what was removed since (D-SD3). */
  readonly deleted?: readonly { type: string; url: string; count: number }[];
  readonly error: readonly unknown[];
}

function headers(t: TestApp, options: SendOptions): Record<string, string> {
  return spineHeaders(t, EXPORT_INTERACTION, 'patient/*.read', {
    ...options,
    headers: { Prefer: 'respond-async', ...options.headers },
  });
}

/** GET [base]/Patient/$export with `query` (e.g. "?_type=Patient"). */
export function kickOff(t: TestApp, query = '', options: SendOptions = {}): request.Test {
  const path = options.ods ? KICK_OFF_PATH.replace('/P99001/', `/${options.ods}/`) : KICK_OFF_PATH;
  return request(t.app).get(`${path}${query}`).set(headers(t, options));
}

/** The path (and query) of an absolute URL the server gave. */
export function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

export function getUrl(t: TestApp, url: string, options: SendOptions = {}): request.Test {
  return request(t.app).get(pathOf(url)).set(headers(t, options));
}

export function deleteUrl(t: TestApp, url: string, options: SendOptions = {}): request.Test {
  return request(t.app).delete(pathOf(url)).set(headers(t, options));
}

/** Kicks off an export, waits for the runner, and returns the status URL and the manifest. */
export async function exportAll(
  t: TestApp,
  query = '',
  options: SendOptions = {},
): Promise<{ status: string; manifest: Manifest }> {
  const kicked = await kickOff(t, query, options);
  if (kicked.status !== 202) throw new Error(`kick-off answered ${kicked.status}: ${kicked.text}`);
  const status = String(kicked.headers['content-location']);
  await t.bulkExport.runner.idle();
  const done = await getUrl(t, status, options);
  if (done.status !== 200) throw new Error(`status answered ${done.status}: ${done.text}`);
  return { status, manifest: JSON.parse(done.text) as Manifest };
}

/** The lines of a file, each parsed. */
export async function download(t: TestApp, url: string, options: SendOptions = {}): Promise<unknown[]> {
  const res = await getUrl(t, url, options)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
  if (res.status !== 200) throw new Error(`download answered ${res.status}`);
  const text = res.body as string;
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}
