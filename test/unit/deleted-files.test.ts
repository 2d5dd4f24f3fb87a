/**
 * The deleted files' writer (src/operations/bulk-export/deleted-files.ts, docs/decisions.md D-SD3): the
 * tombstones read in keyset pages, one transaction Bundle per deleted resource, a heartbeat after each
 * page, and a cancelled job stops it.
 */
import type { Bundle } from 'fhir/r3';

import { DELETED_TYPE, writeDeleted } from '../../src/operations/bulk-export/deleted-files';
import type { DeletedResource } from '../../src/record/source';

const since = new Date('2026-11-01T00:00:00Z');
const tombstones: DeletedResource[] = Array.from({ length: 12 }, (_, i) => ({
  seq: 10 + i * 3,
  type: i % 2 === 0 ? 'AllergyIntolerance' : 'Condition',
  id: `item-${i}`,
  deletedAt: '2026-11-20T10:00:00.000Z',
}));

function store() {
  const reads: { after: number; limit: number; types?: readonly string[] }[] = [];
  return {
    reads,
    deletedAfter: async (s: Date, after: number, limit: number, types?: readonly string[]) => {
      expect(s).toBe(since);
      reads.push({ after, limit, ...(types && { types }) });
      return tombstones.filter((t) => t.seq > after).slice(0, limit);
    },
  };
}

function writer() {
  const lines: { type: string; bundle: Bundle }[] = [];
  return {
    lines,
    write: async (type: string, json: string) =>
      void lines.push({ type, bundle: JSON.parse(json) as Bundle }),
  };
}

it('writes one DELETE Bundle per tombstone, in order, a page at a time with a heartbeat after each', async () => {
  const reads = store();
  const files = writer();
  let beats = 0;
  const alive = async () => (beats += 1) > 0;
  expect(await writeDeleted(reads, files, since, ['AllergyIntolerance', 'Condition'], alive, 5)).toBe(true);
  expect(reads.reads.map((r) => r.after)).toEqual([-1, 22, 37, 43]);
  expect(reads.reads.every((r) => r.limit === 5 && r.types?.length === 2)).toBe(true);
  expect(beats).toBe(3);
  expect(files.lines.map((l) => l.type)).toEqual(Array(12).fill(DELETED_TYPE));
  expect(files.lines.map((l) => l.bundle.entry?.[0].request?.url)).toEqual(
    tombstones.map((t) => `${t.type}/${t.id}`),
  );
  expect(files.lines[0].bundle).toEqual({
    resourceType: 'Bundle',
    meta: { lastUpdated: '2026-11-20T10:00:00.000Z' },
    type: 'transaction',
    entry: [{ request: { method: 'DELETE', url: 'AllergyIntolerance/item-0' } }],
  });
});

it('stops after the page during which the job was cancelled', async () => {
  const files = writer();
  expect(await writeDeleted(store(), files, since, undefined, async () => false, 5)).toBe(false);
  expect(files.lines).toHaveLength(5);
});

it('writes nothing when nothing was deleted', async () => {
  const files = writer();
  const empty = { deletedAfter: async () => [] };
  expect(await writeDeleted(empty, files, since, undefined, async () => true)).toBe(true);
  expect(files.lines).toEqual([]);
});
