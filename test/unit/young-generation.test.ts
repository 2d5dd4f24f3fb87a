/**
 * Cluster workers run with the service's GC flags (docs/decisions.md D-H4, D-SV4) unless the operator
 * chose the same setting themselves.
 */
import { GC_FLAGS, workerExecArgv } from '../../src/cluster/young-generation';

describe('workerExecArgv', () => {
  it('puts the GC flags before the primary flags when none sets either', () => {
    expect(workerExecArgv(['--enable-source-maps'], undefined)).toEqual([
      '--max-semi-space-size=64',
      '--no-allocation-site-pretenuring',
      '--enable-source-maps',
    ]);
    expect(GC_FLAGS).toEqual(['--max-semi-space-size=64', '--no-allocation-site-pretenuring']);
  });

  it('stays Node flags under ts-node, whose script and options end the primary execArgv', () => {
    const tsNode = ['/app/node_modules/ts-node/dist/bin.js', '--transpile-only'];
    expect(workerExecArgv(tsNode, undefined)).toEqual([...GC_FLAGS, ...tsNode]);
  });

  it('keeps the flags the primary was started with, once', () => {
    expect(workerExecArgv([...GC_FLAGS], undefined)).toEqual([...GC_FLAGS]);
  });

  it("keeps the operator's own choice of each, from the command line or NODE_OPTIONS", () => {
    expect(workerExecArgv(['--max_semi_space_size=16'], undefined)).toEqual([
      '--no-allocation-site-pretenuring',
      '--max_semi_space_size=16',
    ]);
    expect(workerExecArgv([], '--max-old-space-size=2048 --max-semi-space-size=8')).toEqual([
      '--no-allocation-site-pretenuring',
    ]);
    expect(workerExecArgv(['--allocation-site-pretenuring'], undefined)).toEqual([
      '--max-semi-space-size=64',
      '--allocation-site-pretenuring',
    ]);
    expect(workerExecArgv([], '--no_allocation_site_pretenuring --max-semi-space-size=8')).toEqual([]);
  });
});
