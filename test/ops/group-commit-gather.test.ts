/**
 * The group commit's `gatherTurn` (D-AB2, the cluster primary's trail): records queued in one turn of
 * the event loop, from separate callbacks, share one write; a lone record is written at the end of
 * its turn, never waiting for more; close() writes at once.
 */
import { chainRecords, GENESIS_HASH } from '../../src/ops/audit';
import type { AuditJson, AuditRecord } from '../../src/ops/audit-trail';
import { type ChainSink, GroupCommitTrail } from '../../src/ops/group-commit';

/** Keeps what it is given in memory and says how many records each write carried. */
class MemorySink implements ChainSink {
  readonly writes: number[] = [];
  private seq = 0;
  private hash = GENESIS_HASH;

  append(bodies: readonly Record<string, AuditJson>[]): Promise<AuditRecord[]> {
    this.writes.push(bodies.length);
    const { records, seq, hash } = chainRecords(bodies, this.seq, this.hash);
    this.seq = seq;
    this.hash = hash;
    return Promise.resolve(records);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function trail(gatherTurn: boolean) {
  const sink = new MemorySink();
  return { sink, trail: new GroupCommitTrail(sink, { now: () => new Date(), gatherTurn }) };
}

const request = (traceId: string) => ({ type: 'request' as const, traceId });

/** Records asked for by two callbacks of one turn, as two workers' messages read together. */
function askedInOneTurn(t: GroupCommitTrail): Promise<Promise<AuditRecord>[]> {
  return new Promise((resolve) => {
    const promises: Promise<AuditRecord>[] = [];
    setImmediate(() => promises.push(t.record(request('a'))));
    setImmediate(() => {
      promises.push(t.record(request('b')));
      resolve(promises);
    });
  });
}

describe('group commit gathering a turn', () => {
  it('records of one turn share the write; each resolves with its own seq', async () => {
    const { sink, trail: t } = trail(true);
    const records = await Promise.all(await askedInOneTurn(t));
    expect(records.map((r) => [r.seq, r.traceId])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(sink.writes).toEqual([2]);
  });

  it('without it, the first record of a turn leaves alone', async () => {
    const { sink, trail: t } = trail(false);
    await Promise.all(await askedInOneTurn(t));
    expect(sink.writes).toEqual([1, 1]);
  });

  it('a lone record is written at the end of its turn, without waiting for more', async () => {
    const { sink, trail: t } = trail(true);
    const outcome = await Promise.race([
      t.record(request('lone')).then(() => 'written'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1000)),
    ]);
    expect(outcome).toBe('written');
    expect(sink.writes).toEqual([1]);
  });

  it('close() writes what is waiting', async () => {
    const { sink, trail: t } = trail(true);
    const waiting = t.record(request('a'));
    await t.close();
    await expect(waiting).resolves.toMatchObject({ seq: 1 });
    expect(sink.writes).toEqual([1]);
  });
});
