/**
 * Checks the AUDIT_SINK=postgres trail (postgres-audit.ts): walks audit_trail in seq order a page at a
 * time (a table of any size), applies the file trail's chain rule to each stored line, and checks that
 * seq has no gap, each row's columns agree with its line, and the chain head names the last record
 * (so removing the newest rows is seen too). Used by `gpc-admin verify-audit --postgres`.
 */
import { Client } from 'pg';

import { ChainChecker } from './audit';

export interface AuditTableCheck {
  readonly ok: boolean;
  readonly records: number;
  /** Records per instance (AUDIT_SINK=postgres names the writer in each record). */
  readonly instances: Readonly<Record<string, number>>;
  /** What is wrong, when something is. */
  readonly problem?: string;
}

const PAGE = 5000;

export async function verifyAuditTable(url: string): Promise<AuditTableCheck> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // One snapshot for the walk and the head, so appends meanwhile do not look like a mismatch.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const checker = new ChainChecker();
    const instances: Record<string, number> = {};
    let last = 0;
    let lastHash: string | undefined;
    const broken = (problem: string): AuditTableCheck => ({
      ok: false,
      records: checker.result.records,
      instances,
      problem,
    });
    for (;;) {
      const { rows } = await client.query<{ seq: string; instance: string; line: string; hash: string }>(
        'SELECT seq, instance, line, hash FROM audit_trail WHERE seq > $1 ORDER BY seq LIMIT $2',
        [last, PAGE],
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== last + 1) return broken(`record ${last + 1} is missing (the next is ${seq})`);
        if (!checker.push(row.line)) return broken(`the chain is BROKEN at record ${seq}`);
        const parsed = JSON.parse(row.line) as { seq?: unknown; instance?: unknown; hash?: unknown };
        if (parsed.seq !== seq || parsed.hash !== row.hash || parsed.instance !== row.instance) {
          return broken(`record ${seq}: its columns do not match its line`);
        }
        instances[row.instance] = (instances[row.instance] ?? 0) + 1;
        last = seq;
        lastHash = row.hash;
      }
      if (rows.length < PAGE) break;
    }
    const head = await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_chain_head');
    const h = head.rows[0];
    if (!h || Number(h.seq) !== last || (last > 0 && h.hash !== lastHash)) {
      return broken(`the chain head (record ${h?.seq ?? 'none'}) does not name the last record (${last})`);
    }
    await client.query('COMMIT');
    return { ok: true, records: checker.result.records, instances };
  } finally {
    await client.end();
  }
}

export function describeTableCheck(check: AuditTableCheck): string {
  const by = Object.entries(check.instances)
    .map(([name, n]) => `${name}: ${n}`)
    .join(', ');
  return check.ok
    ? `audit_trail: the chain verifies (${check.records} records${by ? `; ${by}` : ''})`
    : `audit_trail: ${check.problem ?? 'the chain is BROKEN'} (after ${check.records} good records)`;
}
