/**
 * Live load across workers (docs/decisions.md D-EB5), without processes: a worker with live requests
 * says so every LIVE_PING_MS, the primary passes it to the other workers only, and a worker's export
 * then sees its siblings' load as its own.
 */
import { announceLive, ClusterLiveLoad, LIVE_PING_MS, relayLive } from '../../src/cluster/live-load';
import type { PrimaryMessage } from '../../src/cluster/messages';
import type { WorkerPort } from '../../src/cluster/primary-audit';
import { type LiveLoad, Pacer } from '../../src/operations/bulk-export/pacing';

function port(connected = true): WorkerPort & { got: PrimaryMessage[] } {
  const got: PrimaryMessage[] = [];
  return {
    got,
    isConnected: () => connected,
    send: (message) => {
      got.push(message);
      return true;
    },
  };
}

describe('live load across workers', () => {
  afterEach(() => jest.useRealTimers());

  it('a worker says `live` while it has had requests in flight, and is silent when idle', () => {
    jest.useFakeTimers();
    let inFlight = true;
    let idle = 0;
    const own: LiveLoad = { busy: () => inFlight, idleMs: () => idle };
    const said: number[] = [];
    const stop = announceLive(own, () => said.push(Date.now()));
    jest.advanceTimersByTime(LIVE_PING_MS * 4);
    expect(said).toHaveLength(4);
    inFlight = false;
    idle = LIVE_PING_MS * 10;
    jest.advanceTimersByTime(LIVE_PING_MS * 4);
    expect(said).toHaveLength(4);
    stop();
  });

  it('the primary passes a `live` to every other connected worker, not back to the sender', () => {
    const [from, other, gone] = [port(), port(), port(false)];
    relayLive(from, [from, other, gone]);
    expect(from.got).toEqual([]);
    expect(other.got).toEqual([{ gpc: 'live' }]);
    expect(gone.got).toEqual([]);
  });

  it("a worker's export rests for a sibling's live requests, and waits for gaps only in its own", async () => {
    let now = 1000;
    const own: LiveLoad = { busy: () => false, idleMs: () => Infinity };
    const load = new ClusterLiveLoad(own, () => now);
    expect(load.idleMs()).toBe(Infinity);
    load.siblingLive();
    now += 30;
    expect(load.idleMs()).toBe(30);
    expect(load.busy()).toBe(false);
    // Through the pacer: 10 ms of export work owes 40 ms of rest (share 0.2), no gap wait after it.
    const pacer = new Pacer(load, {
      share: 0.2,
      recentMs: 100,
      gapWaitMs: 50,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    pacer.spent(10);
    const before = now;
    await pacer.beforePatient();
    expect(now - before).toBe(40);
    // Once the siblings' last `live` is older than recentMs, no rest at all.
    now += 200;
    pacer.spent(10);
    await pacer.beforePatient();
    expect(now - before).toBe(240);
  });

  it('its own requests count as before', () => {
    const own: LiveLoad = { busy: () => true, idleMs: () => 0 };
    const load = new ClusterLiveLoad(own, () => 5);
    expect(load.busy()).toBe(true);
    expect(load.idleMs()).toBe(0);
  });
});
