/**
 * The bulk export's pacing beside live requests (docs/decisions.md D-B8, D-EB2), on a fake clock: no
 * wait without live load; under live load no patient starts while a live request is in flight (up to
 * the rest plus the gap wait), the export holds at most its share of the time, and it always goes on.
 */
import { type LiveLoad, Pacer, type PacingOptions } from '../../src/operations/bulk-export/pacing';

/** A fake monotonic clock whose sleeps move it on. */
function fakeTime(): Pick<PacingOptions, 'now' | 'sleep'> & { at(): number; advance(ms: number): void } {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    at: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

const OPTIONS = { share: 0.2, recentMs: 100, maxRestMs: 2000, gapWaitMs: 50, pollMs: 5 };

/** Live load described by when requests are in flight (by fake time), and when the last one ended. */
function liveLoad(time: { at(): number }, inFlight: (t: number) => boolean, lastEnded = -Infinity): LiveLoad {
  return {
    busy: () => inFlight(time.at()),
    idleMs: () => (inFlight(time.at()) ? 0 : time.at() - lastEnded),
  };
}

describe('the export pacer', () => {
  it('without a live load signal, or with no live request for a while, never waits', async () => {
    const time = fakeTime();
    const alone = new Pacer(undefined, { ...OPTIONS, ...time });
    alone.spent(100);
    await alone.beforePatient();
    const quiet = new Pacer(
      liveLoad(time, () => false, -1000),
      { ...OPTIONS, ...time },
    );
    quiet.spent(100);
    await quiet.beforePatient();
    expect(time.at()).toBe(0);
  });

  it('does not start a patient while a live request is in flight, and starts once none is', async () => {
    const time = fakeTime();
    const pacer = new Pacer(
      liveLoad(time, (t) => t < 30, 30),
      { ...OPTIONS, ...time },
    );
    await pacer.beforePatient();
    expect(time.at()).toBeGreaterThanOrEqual(30);
    expect(time.at()).toBeLessThan(30 + OPTIONS.pollMs);
  });

  it('under permanent live load goes on after the rest plus the gap wait, patient after patient', async () => {
    const time = fakeTime();
    const pacer = new Pacer(
      liveLoad(time, () => true),
      { ...OPTIONS, ...time },
    );
    await pacer.beforePatient();
    expect(time.at()).toBe(OPTIONS.gapWaitMs);
    const starts: number[] = [];
    let working = 0;
    for (let patient = 0; patient < 100; patient++) {
      await pacer.beforePatient();
      starts.push(time.at());
      // Each patient takes 10 ms of the process.
      time.advance(10);
      working += 10;
      pacer.spent(10);
    }
    expect(starts).toHaveLength(100);
    // 10 ms of work, then 40 ms of rest (share 0.2) and the 50 ms gap wait.
    expect(starts[1] - starts[0]).toBe(10 + 40 + 50);
    expect(working / time.at()).toBeLessThanOrEqual(OPTIONS.share);
  });

  it('rests in proportion to the last patient while live work is recent, and no longer once it is not', async () => {
    const time = fakeTime();
    // Requests in flight until 5 ms, none after: still live load until 5 + recentMs.
    const pacer = new Pacer(
      liveLoad(time, (t) => t < 5, 5),
      { ...OPTIONS, ...time },
    );
    pacer.spent(20);
    await pacer.beforePatient();
    // 20 ms at a share of 0.2 owes 80 ms of rest.
    expect(time.at()).toBe(80);
    pacer.spent(100);
    await pacer.beforePatient();
    // 400 ms owed, but live work ended at 5 ms: the rest stops when it stops counting (5 + 100).
    expect(time.at()).toBeGreaterThanOrEqual(105);
    expect(time.at()).toBeLessThan(105 + OPTIONS.pollMs);
  });

  it('never rests longer than maxRestMs after one patient, and stops waiting when the runner stops', async () => {
    const time = fakeTime();
    const pacer = new Pacer(
      liveLoad(time, () => true),
      { ...OPTIONS, ...time, maxRestMs: 300 },
    );
    pacer.spent(60_000);
    await pacer.beforePatient();
    expect(time.at()).toBe(300 + OPTIONS.gapWaitMs);
    pacer.spent(60_000);
    let stop = false;
    const waiting = pacer.beforePatient(() => stop);
    stop = true;
    await waiting;
    expect(time.at()).toBeLessThanOrEqual(300 + OPTIONS.gapWaitMs + OPTIONS.pollMs);
  });
});
