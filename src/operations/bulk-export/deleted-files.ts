/**
 * The `deleted` files of an export with `_since` (FHIR Bulk Data Access, "Bulk Data Complete Status":
 * `deleted`, files of transaction Bundles whose entries DELETE what would have been returned but was
 * removed after `_since`). Written after the patients through the job's own file writer, so they split,
 * stream and expire like every other file; the store is read in keyset pages (docs/decisions.md D-SD3).
 */
import type { Bundle } from 'fhir/r3';

import { GpcError } from '../../fhir/gpc-error';
import type { ExportReads } from '../../record/source';
import type { NdjsonFiles } from './ndjson-files';

/**
 * The files' type in the job's list (`Bundle-1.ndjson`, …): no resource type an export writes is a
 * Bundle, so the manifest tells the deleted files from the output by it.
 */
export const DELETED_TYPE = 'Bundle';

/** One line: a transaction Bundle deleting one resource, dated when it was removed. */
export function deletionBundle(type: string, id: string, deletedAt: string): Bundle {
  return {
    resourceType: 'Bundle',
    meta: { lastUpdated: deletedAt },
    type: 'transaction',
    entry: [{ request: { method: 'DELETE', url: `${type}/${id}` } }],
  };
}

/** Tombstones read per statement: small rows, so more than a batch of patients. */
export const DELETED_PAGE = 5000;

/**
 * Writes every resource removed after `since` (only of `types` when given), a page at a time;
 * `alive` is called after each page (the job's heartbeat) and false from it means the job was
 * cancelled: then it stops and returns false.
 */
export async function writeDeleted(
  reads: Pick<ExportReads, 'deletedAfter'>,
  files: Pick<NdjsonFiles, 'write'>,
  since: Date,
  types: readonly string[] | undefined,
  alive: () => Promise<boolean>,
  pageSize = DELETED_PAGE,
): Promise<boolean> {
  let after = -1;
  for (;;) {
    const page = await reads.deletedAfter(since, after, pageSize, types);
    if (page.length === 0) return true;
    for (const d of page) {
      await files.write(DELETED_TYPE, JSON.stringify(deletionBundle(d.type, d.id, d.deletedAt)));
    }
    after = page[page.length - 1].seq;
    if (!(await alive())) return false;
  }
}

/**
 * Refuses a `_since` from before the practice's deletions are all known (removed before the store kept
 * them, or purged: D-SD4): the export could not tell the consumer everything removed since.
 */
export async function checkDeletionsKnown(
  since: string,
  reads: Pick<ExportReads, 'deletionsKnownFrom'>,
): Promise<void> {
  const from = await reads.deletionsKnownFrom();
  if (from === undefined || Date.parse(since) >= Date.parse(from)) return;
  throw new GpcError(
    'INVALID_PARAMETER',
    `_since ${since} is before ${from}, from when this practice's deleted resources are known ` +
      '(older deletions are not kept: EXPORT_DELETIONS_KEEP_DAYS); export without _since for a whole ' +
      `copy, or with a _since of ${from} or later`,
  );
}
