/**
 * What the `gpc export` tests share: running gpc (in this process, or as a child a user can Ctrl-C),
 * an HTTP server on a loopback port, and the directory the export writes to.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { runCli } from '../../src/cli/main';

const ROOT = resolve(__dirname, '../..');

export interface GpcRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** gpc in this process (runCli, as the bin calls it): quicker than a child for everything but Ctrl-C. */
export async function gpc(args: string[]): Promise<GpcRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
  });
  return { code, stdout, stderr };
}

/** Runs gpc as a child process; `interruptWhen` sends SIGINT (Ctrl-C) once stdout matches it. */
export function gpcProcess(args: string[], interruptWhen: RegExp): Promise<GpcRun> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!interrupted && interruptWhen.test(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

export interface LoopbackServer {
  readonly server: Server;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  close(): Promise<void>;
}

/** An HTTP server for `handler` on a free loopback port. */
export async function listenOnLoopback(handler: RequestListener): Promise<LoopbackServer> {
  const server = createServer(handler);
  const port = await new Promise<number>((done) =>
    server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)),
  );
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export interface ExportDirectory {
  readonly path: string;
  /** The names of the files in it. */
  files(): string[];
  /** A file in it, as text. */
  read(file: string): string;
  remove(): void;
}

/** A fresh directory for an export to write to. */
export function exportDirectory(prefix: string): ExportDirectory {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    files: () => readdirSync(path),
    read: (file) => readFileSync(join(path, file), 'utf8'),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
