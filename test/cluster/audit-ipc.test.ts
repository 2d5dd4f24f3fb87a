/**
 * The cluster audit trail's two halves without processes (D-70): a worker's record resolves only
 * with the primary's durable ack, and is refused (AuditError, so the release gate answers 503) when
 * the primary's trail cannot be written or the channel to it fails; the primary's writer keeps one
 * hash chain over every worker's records. Also the respawn backoff.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PrimaryMessage } from '../../src/cluster/messages';
import { PrimaryAuditService } from '../../src/cluster/primary-audit';
import { RespawnBackoff } from '../../src/cluster/respawn';
import { WorkerAuditTrail } from '../../src/cluster/worker-audit';
import { AuditError, AuditLog, type AuditRecord, verifyAuditChain } from '../../src/ops/audit';
import { FakeIpc } from '../support/fake-ipc';
import { FaultyDisk } from '../support/faulty-disk';

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
  // As the primary's trail is (src/cluster/primary.ts).
  const log = new AuditLog(
    { file },
    { now: () => new Date(), opener: disk.opener, retryMs: 60_000, gatherTurn: true },
  );
  const wires: FakeIpc[] = [];
  const service = new PrimaryAuditService(log, () => wires.map((w) => w.port));
  opened.push({ log, service });
  const worker = (id: number) => {
    const wire = new FakeIpc((port, message) => service.handle(port, message));
    wires.push(wire);
    return { wire, trail: new WorkerAuditTrail(wire.channel, id) };
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

describe('batches (D-AB1)', () => {
  const ask = (trail: WorkerAuditTrail, n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => trail.record({ type: 'request', traceId: `${prefix}${i}` }));
  const sent = (wire: FakeIpc, gpc: string) => wire.toPrimary.filter((m) => m.gpc === gpc);
  const answered = (wire: FakeIpc, gpc: PrimaryMessage['gpc']) => wire.toWorker.filter((m) => m.gpc === gpc);

  it('records asked for in one turn leave in one message, share one write, and each resolves with its own seq', async () => {
    const disk = new FaultyDisk();
    const { worker, lines } = await setUp(disk);
    const one = worker(1);
    const two = worker(2);
    await Promise.all([one.trail.whenTried(), two.trail.whenTried()]);
    const writesBefore = disk.writes;
    const records = await Promise.all([...ask(one.trail, 30, 'one-'), ...ask(two.trail, 20, 'two-')]);

    // One message each way per worker, and both workers' records in one write and fdatasync.
    expect(sent(one.wire, 'audit.records')).toHaveLength(1);
    expect(sent(two.wire, 'audit.records')).toHaveLength(1);
    expect(answered(one.wire, 'audit.acks')).toHaveLength(1);
    expect(answered(two.wire, 'audit.acks')).toHaveLength(1);
    expect(disk.writes - writesBefore).toBe(1);

    // Each promise has its own record: the trace id it asked for, distinct consecutive seqs.
    expect(records.map((r) => r.traceId)).toEqual([
      ...Array.from({ length: 30 }, (_, i) => `one-${i}`),
      ...Array.from({ length: 20 }, (_, i) => `two-${i}`),
    ]);
    const seqs = records.map((r) => r.seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
    const written = lines().map((l) => JSON.parse(l) as AuditRecord);
    for (const record of records) expect(written).toContainEqual(record);
    expect(verifyAuditChain(lines())).toMatchObject({ ok: true, records: 51 });
  });

  it('a batch the primary cannot write: every record in it is refused, by one message', async () => {
    const disk = new FaultyDisk();
    const { worker } = await setUp(disk);
    const { wire, trail } = worker(1);
    await trail.whenTried();
    disk.fault = 'EIO';
    const outcomes = await Promise.allSettled(ask(trail, 5, 'refused-'));
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(AuditError);
    }
    expect(answered(wire, 'audit.nacks')).toEqual([
      { gpc: 'audit.nacks', ids: [1, 2, 3, 4, 5], cause: expect.stringContaining('EIO') as unknown },
    ]);
    expect(trail.healthy).toBe(false);
  });

  it('the channel lost mid-batch, sent or not yet: every record waiting is refused and close() returns', async () => {
    const { worker } = await setUp();
    const { wire, trail } = worker(1);
    await trail.whenTried();
    // Sent, not answered (the primary does not see them), then the channel goes.
    wire.drop = true;
    const sentWaiting = ask(trail, 4, 'sent-');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent(wire, 'audit.records')).toHaveLength(1);
    wire.disconnect();
    for (const outcome of await Promise.allSettled(sentWaiting)) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(AuditError);
    }
    await trail.close();

    // Asked for, the channel gone before the turn ends: refused, and never sent.
    const other = worker(2);
    await other.trail.whenTried();
    const unsent = ask(other.trail, 3, 'unsent-');
    other.wire.disconnect();
    for (const outcome of await Promise.allSettled(unsent)) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(AuditError);
    }
    expect(sent(other.wire, 'audit.records')).toHaveLength(0);
    await other.trail.close();
  });

  it('a send that fails refuses the whole batch', async () => {
    const { worker } = await setUp();
    const { wire, trail } = worker(1);
    await trail.whenTried();
    wire.failSends = true;
    for (const outcome of await Promise.allSettled(ask(trail, 3, 'lost-'))) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        message: expect.stringMatching(/channel closed/) as unknown,
      });
    }
  });

  it('the one-record messages of before are still answered in their own shape; malformed ones are skipped', async () => {
    const { worker, lines } = await setUp();
    const { wire, trail } = worker(1);
    await trail.whenTried();
    const event = { type: 'request', traceId: 'old-shape', worker: 1 } as const;
    wire.channel.send({ gpc: 'audit.record', id: 900, event }, () => undefined);
    wire.channel.send(JSON.parse('{"gpc":"audit.records","records":"not a list"}') as never, () => undefined);
    wire.channel.send(
      JSON.parse('{"gpc":"audit.records","records":[{"event":{"type":"request"}},{"id":901}]}') as never,
      () => undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered(wire, 'audit.ack')).toEqual([
      expect.objectContaining({ gpc: 'audit.ack', id: 900, seq: 2 }) as unknown,
    ]);
    expect(answered(wire, 'audit.acks')).toEqual([]);
    expect(lines()).toHaveLength(2);
    await trail.close();
  });

  it('a worker takes acks in the one-record shape too, and skips a malformed batch of acks', async () => {
    const wire = new FakeIpc((port, message) => {
      const m = message as { gpc: string; records?: { id: number }[] };
      if (m.gpc === 'audit.ask') port.send({ gpc: 'audit.health', healthy: true, failureCause: null });
      if (m.gpc !== 'audit.records') return;
      port.send(JSON.parse('{"gpc":"audit.acks","acks":"not a list"}') as PrimaryMessage);
      port.send(JSON.parse('{"gpc":"audit.acks","acks":[null, 7]}') as PrimaryMessage);
      for (const { id } of m.records ?? []) {
        port.send({ gpc: 'audit.ack', id, seq: 100 + id, time: '2026-12-07T00:00:00.000Z', hash: 'h' });
      }
    });
    const trail = new WorkerAuditTrail(wire.channel, 3);
    await trail.whenTried();
    await expect(Promise.all(ask(trail, 2, 'x'))).resolves.toEqual([
      { seq: 101, time: '2026-12-07T00:00:00.000Z', type: 'request', traceId: 'x0', worker: 3, hash: 'h' },
      { seq: 102, time: '2026-12-07T00:00:00.000Z', type: 'request', traceId: 'x1', worker: 3, hash: 'h' },
    ]);
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
