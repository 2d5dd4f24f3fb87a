#!/usr/bin/env node
/**
 * `gpc-verify-audit FILE...`: checks each audit file's hash chain. Exit codes: 0 every chain
 * verifies; 1 a chain is broken; 2 a file cannot be read; 64 a bad command line.
 */
import { describeCheck, verifyAuditFile } from '../ops/verify-audit';

const USAGE = 'usage: gpc-verify-audit FILE...   (checks the hash chain of gpconnect-structured audit files)';

export async function verifyAuditCli(args: readonly string[], out: (line: string) => void): Promise<number> {
  if (args.length === 0 || args.some((a) => a === '-h' || a === '--help')) {
    out(USAGE);
    return args.length === 0 ? 64 : 0;
  }
  let status = 0;
  for (const file of args) {
    try {
      const check = await verifyAuditFile(file);
      out(describeCheck(file, check));
      if (!check.ok) status = Math.max(status, 1);
    } catch (error) {
      out(`${file}: cannot be read: ${error instanceof Error ? error.message : String(error)}`);
      status = 2;
    }
  }
  return status;
}

if (require.main === module) {
  void verifyAuditCli(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then((code) => {
    process.exitCode = code;
  });
}
