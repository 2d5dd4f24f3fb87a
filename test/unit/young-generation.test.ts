/**
 * Cluster workers run with the service's young generation (docs/decisions.md D-H4) unless the
 * operator chose a semi-space size themselves.
 */
import { workerExecArgv, YOUNG_GENERATION_FLAG } from '../../src/cluster/young-generation';

describe('workerExecArgv', () => {
  it('puts the young-generation flag before the primary flags when none sets a semi-space size', () => {
    expect(workerExecArgv(['--enable-source-maps'], undefined)).toEqual([
      YOUNG_GENERATION_FLAG,
      '--enable-source-maps',
    ]);
    expect(YOUNG_GENERATION_FLAG).toBe('--max-semi-space-size=64');
  });

  it('stays a Node flag under ts-node, whose script and options end the primary execArgv', () => {
    const tsNode = ['/app/node_modules/ts-node/dist/bin.js', '--transpile-only'];
    expect(workerExecArgv(tsNode, undefined)).toEqual([YOUNG_GENERATION_FLAG, ...tsNode]);
  });

  it('keeps the flag the primary was started with, once', () => {
    expect(workerExecArgv([YOUNG_GENERATION_FLAG], undefined)).toEqual([YOUNG_GENERATION_FLAG]);
  });

  it("keeps the operator's own size, from the command line or NODE_OPTIONS", () => {
    expect(workerExecArgv(['--max_semi_space_size=16'], undefined)).toEqual(['--max_semi_space_size=16']);
    expect(workerExecArgv([], '--max-old-space-size=2048 --max-semi-space-size=8')).toEqual([]);
  });
});
