/**
 * The processes `npm run bench` measures: the compiled service (`node dist/src/main.js`) and the bare
 * server, each a child in its own process group on loopback, with its peak resident set read from
 * /proc (VmHWM; with WORKERS > 1, the workers' summed in).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { GC_FLAGS } from '../src/cluster/young-generation';
import { freePort } from '../tools/throwaway-postgres';
import type { Cleanup } from './cleanup';

export const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

/** Newest modification time under dir, in ms (0 when empty). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Why the compiled service cannot be measured (missing, or built before the last change to src/). */
export function staleBuild(root = ROOT): string | undefined {
  const main = join(root, 'dist', 'src', 'main.js');
  if (!existsSync(main)) return `${main} is missing: run npm run build`;
  const built = statSync(main).mtimeMs;
  if (newestMtime(join(root, 'src')) > built) {
    return 'dist/ is older than src/ (a source file changed after the last build): run npm run build';
  }
  return undefined;
}

export interface Server {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port: number;
  /** Peak RSS in MiB of the process and its direct children (cluster workers), read now. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

/** VmHWM of pid in kB, 0 when it is gone. */
export function vmHwmKb(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Pids whose parent is pid (from /proc/PID/stat: the field after the command's closing parenthesis). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

function serverOf(name: string, child: ChildProcess, port: number, cleanup: Cleanup): Server {
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= halt());
  const halt = async () => {
    signalGroup(child, 'SIGTERM');
    if (!(await waitForExit(child, 15_000))) signalGroup(child, 'SIGKILL');
    // Workers that outlived their primary (they share its group).
    signalGroup(child, 'SIGKILL');
  };
  const forget = cleanup.add(`${name} (pid ${child.pid})`, stop);
  return {
    name,
    child,
    port,
    peakRssMiB: () => {
      const pid = child.pid ?? 0;
      const kb = [pid, ...childrenOf(pid)].reduce((sum, p) => sum + vmHwmKb(p), 0);
      return kb / 1024;
    },
    stop: async () => {
      forget();
      await stop();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const tail = (file: string) => {
  try {
    return readFileSync(file, 'utf8').slice(-1500);
  } catch {
    return '';
  }
};

/**
 * Starts the compiled service with settings (on top of a minimal environment: nothing else of the
 * caller's leaks in, so no rate limit or database is set by accident) and waits until it accepts.
 */
export async function startService(
  name: string,
  settings: Readonly<Record<string, string>>,
  dir: string,
  cleanup: Cleanup,
): Promise<Server> {
  const port = await freePort();
  const logFile = join(dir, `${name}.log`);
  const log = createWriteStream(logFile);
  const base = Object.fromEntries(
    ['PATH', 'HOME', 'LANG', 'TZ'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
  );
  // Started as `npm start` and the systemd unit start it (D-H4); BENCH_NODE_ARGS adds Node flags to
  // the service's own process (`--cpu-prof --cpu-prof-dir=DIR` to profile a run).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...GC_FLAGS, ...nodeArgs, MAIN], {
    cwd: dir,
    env: {
      ...base,
      ...settings,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_HOST: '127.0.0.1',
      ADMIN_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const server = serverOf(name, child, port, cleanup);
  const deadline = Date.now() + 120_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}) before listening:\n${tail(logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} did not listen on 127.0.0.1:${port} within 120 s:\n${tail(logFile)}`);
    }
    await sleep(100);
  }
  return server;
}

/** Starts the bare server (bench/bare-server.ts) over an answers file; it prints its port. */
export async function startBareServer(answersFile: string, cleanup: Cleanup): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'bare-server.ts'), answersFile],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  const forget = cleanup.killOnExit(child);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the bare server exited (${code}) before listening`)));
  });
  forget();
  return serverOf('bare', child, port, cleanup);
}
