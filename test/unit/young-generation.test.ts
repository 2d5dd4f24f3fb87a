/**
 * Cluster workers run with the service's young generation (docs/decisions.md D-H4) unless the
 * operator chose a semi-space size themselves.
 */
import { workerExecArgv, YOUNG_GENERATION_FLAG } from '../../src/cluster/young-generation';

describe('workerExecArgv', () => {
  it('adds the young-generation flag to the primary flags when none sets a semi-space size', () => {
    expect(workerExecArgv(['--enable-source-maps'], undefined)).toEqual([
      '--enable-source-maps',
      YOUNG_GENERATION_FLAG,
    ]);
    expect(YOUNG_GENERATION_FLAG).toBe('--max-semi-space-size=64');
  });

  it('keeps the flag the primary was started with, once', () => {
    expect(workerExecArgv([YOUNG_GENERATION_FLAG], undefined)).toEqual([YOUNG_GENERATION_FLAG]);
  });

  it("keeps the operator's own size, from the command line or NODE_OPTIONS", () => {
    expect(workerExecArgv(['--max_semi_space_size=16'], undefined)).toEqual(['--max_semi_space_size=16']);
    expect(workerExecArgv([], '--max-old-space-size=2048 --max-semi-space-size=8')).toEqual([]);
  });
});
