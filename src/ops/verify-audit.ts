/**
 * Checks an audit file's hash chain (audit.ts), streaming it line by line so a file of any size can
 * be checked; used by `gpc-verify-audit`. A file ending without a newline (a write cut short, not yet
 * repaired by a restart) is reported as such rather than as tampering.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

import { type ChainCheck, ChainChecker, GENESIS_HASH } from './audit';

export interface AuditFileCheck extends ChainCheck {
  /** The file's last line has no newline: a partial write (the service repairs it at its next start). */
  readonly partialLastLine: boolean;
}

export async function verifyAuditFile(path: string, startHash = GENESIS_HASH): Promise<AuditFileCheck> {
  const checker = new ChainChecker(startHash);
  const stream = createReadStream(path);
  let lastByte: number | undefined;
  stream.on('data', (chunk) => {
    if (typeof chunk !== 'string' && chunk.length > 0) lastByte = chunk[chunk.length - 1];
  });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const pending: string[] = [];
  for await (const line of lines) pending.push(line);
  const partialLastLine = lastByte !== undefined && lastByte !== 0x0a;
  const complete = partialLastLine ? pending.slice(0, -1) : pending;
  for (const line of complete) if (!checker.push(line)) break;
  return { ...checker.result, partialLastLine };
}

/** One line for a person: what the check found. */
export function describeCheck(path: string, check: AuditFileCheck): string {
  const partial = check.partialLastLine ? '; the last line is incomplete (a write cut short)' : '';
  return check.ok
    ? `${path}: the chain verifies (${check.records} records)${partial}`
    : `${path}: the chain is BROKEN at line ${check.brokenAtLine} (after ${check.records} good records): ` +
        `that line was edited, inserted, reordered, or a line before it removed${partial}`;
}
