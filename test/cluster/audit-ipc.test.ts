/**
 * The cluster audit trail's two halves without processes (D-70): a worker's record resolves only
 * with the primary's durable ack, and is refused (AuditError, so the release gate answers 503) when
 * the primary's trail cannot be written or the channel to it fails; the primary's writer keeps one
 * hash chain over every worker's records. Also the respawn backoff.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PrimaryMessage, WorkerMessage } from '../../src/cluster/messages';
import { PrimaryAuditService, type WorkerPort } from '../../src/cluster/primary-audit';
import { RespawnBackoff } from '../../src/cluster/respawn';
import { type PrimaryChannel, WorkerAuditTrail } from '../../src/cluster/worker-audit';
import { AuditError, AuditLog, verifyAuditChain } from '../../src/ops/audit';
import { FaultyDisk } from '../support/faulty-disk';

/** A worker's channel wired straight to a primary service, as cluster IPC would (asynchronously). */
class Wire implements PrimaryChannel, WorkerPort {
  connected = true;
  failSends = false;
  private readonly listeners = { message: [] as ((m: unknown) => void)[], disconnect: [] as (() => void)[] };
  constructor(private readonly primary: () => PrimaryAuditService) {}

  // Worker → primary.
  send(message: WorkerMessage | PrimaryMessage, callback?: (error: Error | null) => void): boolean {
    if (
      'id' in message &&
      (message.gpc === 'audit.ack' || message.gpc === 'audit.nack' || message.gpc === 'ready.ask')
    ) {
      setImmediate(() => this.listeners.message.forEach((l) => l(message)));
      callback?.(null);
      return true;
    }
    if (message.gpc === 'audit.health') {
      setImmediate(() => this.listeners.message.forEach((l) => l(message)));
      callback?.(null);
      return true;
    }
    if (this.failSends) {
      setImmediate(() => callback?.(new Error('channel closed')));
      return false;
    }
    setImmediate(() => {
      this.primary().handle(this, message);
      callback?.(null);
    });
    return true;
  }
  isConnected(): boolean {
    return this.connected;
  }
  on(event: 'message' | 'disconnect', listener: (m: unknown) => void): void {
    if (event === 'message') this.listeners.message.push(listener);
    else this.listeners.disconnect.push(listener as () => void);
  }
  disconnect(): void {
    this.connected = false;
    this.listeners.disconnect.forEach((l) => l());
  }
}

let dir: string;
const opened: { log: AuditLog; service: PrimaryAuditService }[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpc-audit-ipc-'));
});
afterEach(async () => {
  for (const { log, service } of opened.splice(0)) {
    service.stop();
    await log.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function setUp(disk = new FaultyDisk()) {
  const file = join(dir, 'audit.log');
  const log = new AuditLog({ file }, { now: () => new Date(), opener: disk.opener, retryMs: 60_000 });
  const wires: Wire[] = [];
  const service = new PrimaryAuditService(log, () => wires);
  opened.push({ log, service });
  const worker = (id: number) => {
    const wire = new Wire(() => service);
    wires.push(wire);
    return { wire, trail: new WorkerAuditTrail(wire, id) };
  };
  // As the primary does: fork once the trail's first write has been tried.
  log.note({ type: 'service.start' });
  await log.whenTried();
  const lines = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  return { log, service, worker, lines };
}

describe('a worker audit trail over IPC', () => {
  it("resolves with the primary's seq, time and hash; two workers' records form one chain", async () => {
    const { worker, lines } = await setUp();
    const one = worker(1);
    const two = worker(2);
    await Promise.all([one.trail.whenTried(), two.trail.whenTried()]);
    expect(one.trail.healthy).toBe(true);
    const records = await Promise.all([
      one.trail.record({ type: 'request', traceId: 'a' }),
      two.trail.record({ type: 'request', traceId: 'b' }),
      one.trail.record({ type: 'request', traceId: 'c' }),
    ]);
    expect(records.map((r) => [r.traceId, r.worker])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 1],
    ]);
    const written = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const record of records) expect(written).toContainEqual(record);
    expect(verifyAuditChain(lines())).toMatchObject({ ok: true, records: 4 });
  });

  it('a primary that cannot write: the record is refused with an AuditError and the worker is not healthy', async () => {
    const disk = new FaultyDisk();
    const { worker, log } = await setUp(disk);
    const { trail } = worker(1);
    await trail.whenTried();
    expect(trail.healthy).toBe(true);
    disk.fault = 'ENOSPC';
    await expect(trail.record({ type: 'request', traceId: 'x' })).rejects.toBeInstanceOf(AuditError);
    expect(trail.healthy).toBe(false);
    expect(trail.failureCause).toContain('ENOSPC');
    // Back: the primary's trail recovers and says so to its workers.
    disk.fault = undefined;
    await log.retry();
    await new Promise((r) => setTimeout(r, 300));
    expect(trail.healthy).toBe(true);
    await expect(trail.record({ type: 'request', traceId: 'y' })).resolves.toMatchObject({ traceId: 'y' });
  });

  it('a send that fails, or a channel that closes with records waiting: refused, never left hanging', async () => {
    const { worker } = await setUp();
    const { wire, trail } = worker(1);
    await trail.whenTried();
    wire.failSends = true;
    await expect(trail.record({ type: 'request', traceId: 'lost' })).rejects.toThrow(/channel closed/);
    wire.failSends = false;
    const waiting = trail.record({ type: 'request', traceId: 'cut' });
    wire.disconnect();
    await expect(waiting).rejects.toBeInstanceOf(AuditError);
    expect(trail.healthy).toBe(false);
    expect(trail.failureCause).toContain('cannot be reached');
    await expect(trail.record({ type: 'request', traceId: 'after' })).rejects.toBeInstanceOf(AuditError);
    await trail.close();
  });
});

describe('respawn backoff', () => {
  it('replaces a rare crash at once, doubles for repeated crashes, caps, and forgets old ones', () => {
    const backoff = new RespawnBackoff({ initialMs: 100, maxMs: 1000, windowMs: 60_000 });
    expect([0, 1, 2, 3, 4, 5].map((s) => backoff.crashed(s * 1000))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoff.crashed(200_000)).toBe(100);
  });
});
