/** Issue 12 item 7: `gpc-verify-audit` checks an audit file's chain and finds a tampered line. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { verifyAuditCli } from '../../src/cli/verify-audit';
import { AuditLog } from '../../src/ops/audit';

const root = join(__dirname, '..', '..');
let dir: string;
let file: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpc-verify-audit-'));
  file = join(dir, 'audit.log');
  const log = new AuditLog({ file }, { now: () => new Date('2026-11-21T12:00:00Z') });
  await log.record({ type: 'service.start' });
  await log.record({ type: 'request', traceId: 't1', nhsNumber: '9690937286', outcome: { status: 200 } });
  await log.record({ type: 'request', traceId: 't2', nhsNumber: '9690937294', outcome: { status: 200 } });
  await log.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await verifyAuditCli(args, (line) => out.push(line));
  return { code, out };
}

describe('gpc-verify-audit', () => {
  it('an intact file: exit 0 and the number of records', async () => {
    expect(await run(file)).toEqual({ code: 0, out: [`${file}: the chain verifies (3 records)`] });
  });

  it('a tampered line (an NHS number changed): exit 1, naming the line', async () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1].replace('9690937286', '9690937278');
    writeFileSync(file, lines.join('\n'));
    const { code, out } = await run(file);
    expect(code).toBe(1);
    expect(out[0]).toMatch(/the chain is BROKEN at line 2 \(after 1 good records\)/);
  });

  it('a deleted line: exit 1', async () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [lines[0], lines[2], ''].join('\n'));
    expect((await run(file)).code).toBe(1);
  });

  it('a partial last line is reported, not taken for tampering; an unreadable file is exit 2; no file is 64', async () => {
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"seq":4,"ti`);
    expect(await run(file)).toEqual({
      code: 0,
      out: [expect.stringContaining('(3 records); the last line is incomplete')],
    });
    expect((await run(join(dir, 'none.log'))).code).toBe(2);
    expect((await run()).code).toBe(64);
  });

  it('is a compiled command of the package: a bin entry built from src/', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin['gpc-verify-audit']).toBe('dist/src/cli/verify-audit.js');
    expect(existsSync(join(root, 'src', 'cli', 'verify-audit.ts'))).toBe(true);
    expect(
      readFileSync(join(root, 'src', 'cli', 'verify-audit.ts'), 'utf8').startsWith('#!/usr/bin/env node'),
    ).toBe(true);
  });
});
