/**
 * The bulk export's `deleted` files over PostgreSQL (docs/decisions.md D-SD1 to D-SD5): a practice
 * imported (v1), then replaced (v2) with one allergy removed, one patient removed and one item changed.
 * An export `_since` between the two imports holds the changed patient only and lists as deleted
 * exactly what a consumer that had v1 holds and v2 has not; before v1 nothing is deleted; `_type`
 * narrows the deletions; an old `_since` whose deletions were purged is refused naming `_since`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Bundle, Resource } from 'fhir/r3';

import { systemClock } from '../../src/clock';
import { embeddedPracticeDir } from '../../src/record/memory/memory-practices';
import { backfillExportKeys } from '../../src/record/postgres/export-keys';
import { importPracticeFiles } from '../../src/record/postgres/import';
import { migrate } from '../../src/record/postgres/migrate';
import { PostgresPracticeStore } from '../../src/record/postgres/postgres-practices';
import { type TestApp, testApp } from '../support/app';
import { download, exportAll, kickOff, type Manifest } from '../support/bulk-export';
import { createTestDatabase, TEST_DB_OPTIONS, type TestDatabase } from '../support/postgres';

/** Every patient and item is old: only what v2 stamps anew counts as changed. */
const OLD = '2026-01-01T00:00:00Z';
/** Resources of the practice, not of one patient (never tombstoned). */
const SHARED = new Set([
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'Location',
  'Device',
  'HealthcareService',
]);

interface Line {
  patient: { id: string; lastUpdated?: string } & Record<string, unknown>;
  record: Record<string, (Record<string, unknown> & { id: string; ended?: unknown })[]>;
}

let db: TestDatabase;
let store: PostgresPracticeStore;
let t: TestApp;
let dir: string;
let header: string;
let v1: Line[];
let since: string;
let removedAllergy: string;
let before: Set<string>;
let after: Set<string>;
let manifest: Manifest;
let deleted: string[];

/** Stamps every item (what has an id and a recorded instant, as `_since` reads them) as old. */
function stamp(value: unknown): void {
  if (Array.isArray(value)) for (const v of value as unknown[]) stamp(v);
  else if (typeof value === 'object' && value !== null) {
    const item = value as Record<string, unknown>;
    if ('id' in item && 'recorded' in item) item.lastUpdated = OLD;
    for (const v of Object.values(item)) stamp(v);
  }
}

function write(name: string, lines: Line[]): string {
  const file = join(dir, name);
  writeFileSync(file, [header, ...lines.map((l) => JSON.stringify(l))].join('\n') + '\n');
  return file;
}

async function load(file: string): Promise<void> {
  await importPracticeFiles(store.database, [file], systemClock.today());
}

/** `Type/id` of every patient resource an export without `_since` writes now. */
async function everything(): Promise<Set<string>> {
  const { manifest: m } = await exportAll(t);
  const keys = new Set<string>();
  for (const o of m.output) {
    for (const r of (await download(t, o.url)) as Resource[])
      if (r.id !== undefined && !SHARED.has(r.resourceType)) keys.add(`${r.resourceType}/${r.id}`);
  }
  return keys;
}

async function deletedOf(m: Manifest): Promise<string[]> {
  const urls: string[] = [];
  for (const file of m.deleted ?? []) {
    expect(file.type).toBe('Bundle');
    const lines = (await download(t, file.url)) as Bundle[];
    expect(lines).toHaveLength(file.count);
    for (const b of lines) {
      expect(b).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
      for (const e of b.entry ?? []) {
        expect(e.request?.method).toBe('DELETE');
        urls.push(String(e.request?.url));
      }
    }
  }
  return urls.sort();
}

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresPracticeStore({ url: db.url, ...TEST_DB_OPTIONS, practiceCacheMs: 0 });
  await migrate(store.database);
  t = testApp({ clock: systemClock, practices: store });
  dir = mkdtempSync(join(tmpdir(), 'gpc-deletions-'));
  const [first, ...rest] = readFileSync(join(embeddedPracticeDir(), 'P99001.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  header = first;
  v1 = rest.map((l) => JSON.parse(l) as Line);
  for (const line of v1) {
    line.patient.lastUpdated = OLD;
    stamp(line.record);
  }
  const v2 = JSON.parse(JSON.stringify(v1)) as Line[];
  const patient3 = v2.find((l) => l.patient.id === 'patient3')!;
  const allergy = patient3.record.allergies.find((a) => a.ended === undefined)!;
  removedAllergy = `AllergyIntolerance/${allergy.id}`;
  patient3.record.allergies = patient3.record.allergies.filter((a) => a !== allergy);
  const patient5 = v2.find((l) => l.patient.id === 'patient5')!;
  const plan = patient5.record.medication[0];

  await load(write('v1.jsonl', v1));
  before = await everything();
  await new Promise((resolve) => setTimeout(resolve, 20));
  since = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  plan.lastUpdated = new Date().toISOString();
  plan.dosage = 'Two tablets twice a day (changed)';
  await load(
    write(
      'v2.jsonl',
      v2.filter((l) => l.patient.id !== 'patient4'),
    ),
  );
  after = await everything();
  ({ manifest } = await exportAll(t, `?_since=${since}`));
  deleted = await deletedOf(manifest);
}, 180_000);

afterAll(async () => {
  await t?.bulkExport.runner.stop();
  await store?.close();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('exports the changed patient only, with the changed item', async () => {
  const patients: Resource[] = [];
  for (const o of manifest.output.filter((f) => f.type === 'Patient'))
    patients.push(...((await download(t, o.url)) as Resource[]));
  expect(patients.map((p) => p.id)).toEqual(['patient5']);
  const statements: (Resource & { dosage?: { text?: string }[] })[] = [];
  for (const o of manifest.output.filter((f) => f.type === 'MedicationStatement'))
    statements.push(...((await download(t, o.url)) as Resource[]));
  expect(statements.map((s) => s.dosage?.[0]?.text)).toContain('Two tablets twice a day (changed)');
});

it('lists as deleted every resource a consumer of v1 holds that v2 has not, and nothing v2 has', () => {
  const gone = [...before].filter((k) => !after.has(k));
  expect(gone).toContain(removedAllergy);
  expect(gone).toContain('Patient/patient4');
  expect(gone.filter((k) => !deleted.includes(k))).toEqual([]);
  expect(deleted.filter((k) => after.has(k))).toEqual([]);
  // Beyond what the consumer held: only Lists, not-given vaccinations and diary notes whose writing
  // depends on links (D-SD2); here patient4's "Ended allergies" List, which nothing referred into.
  expect(deleted.filter((k) => !before.has(k))).toEqual(['List/patient4-ended-allergies']);
  expect(new Set(deleted).size).toBe(deleted.length);
});

it('lists nothing deleted for a _since before the practice was first imported', async () => {
  const early = new Date(Date.now() - 3_600_000).toISOString();
  const { manifest: m } = await exportAll(t, `?_since=${early}`);
  expect(m.deleted).toEqual([]);
  expect(m.output.some((o) => o.type === 'Patient')).toBe(true);
});

it('has no deleted files without _since', async () => {
  const { manifest: m } = await exportAll(t);
  expect(m).not.toHaveProperty('deleted');
});

it('_type narrows the deleted resources to the types named', async () => {
  const { manifest: m } = await exportAll(t, `?_since=${since}&_type=AllergyIntolerance,Condition`);
  const narrow = await deletedOf(m);
  expect(narrow).toEqual(deleted.filter((k) => /^(AllergyIntolerance|Condition)\//.test(k)));
  expect(narrow).toContain(removedAllergy);
  expect(m.output.every((o) => ['AllergyIntolerance', 'Condition'].includes(o.type))).toBe(true);
});

it('reads the deletions in keyset pages that together give each once, in order', async () => {
  const { repository } = (await store.find('P99001'))!;
  const paged: string[] = [];
  let after = -1;
  for (;;) {
    const page = await repository.deletedAfter(new Date(since), after, 2);
    if (page.length === 0) break;
    expect(page.length).toBeLessThanOrEqual(2);
    paged.push(...page.map((d) => `${d.type}/${d.id}`));
    after = page[page.length - 1].seq;
  }
  expect(paged.length).toBeGreaterThan(2);
  expect([...paged].sort()).toEqual(deleted);
  const patients = await repository.deletedAfter(new Date(since), -1, 100, ['Patient']);
  expect(patients.map((d) => d.id)).toEqual(['patient4']);
});

it('forgets a deletion when the resource comes back', async () => {
  await load(write('v3.jsonl', v1));
  const { manifest: m } = await exportAll(t, `?_since=${since}`);
  const now = await deletedOf(m);
  expect(now).not.toContain(removedAllergy);
  expect(now).not.toContain('Patient/patient4');
});

it('purges deletions older than the retention and then refuses a _since before them', async () => {
  // v3 (= v1) is loaded: v2 again records the same deletions, which are then made 40 days old.
  await load(join(dir, 'v2.jsonl'));
  await store.database.query(`UPDATE export_tombstone SET deleted_at = deleted_at - interval '40 days'`);
  const count = async () =>
    (await store.database.query<{ n: number }>('SELECT count(*)::int AS n FROM export_tombstone'))[0].n;
  expect(await count()).toBeGreaterThan(0);
  await importPracticeFiles(store.database, [join(dir, 'v2.jsonl')], systemClock.today(), undefined, {
    keepDeletionsDays: 30,
  });
  expect(await count()).toBe(0);
  const old = new Date(Date.now() - 60 * 86_400_000).toISOString();
  const res = await kickOff(t, `?_since=${old}`);
  expect(res.status).toBe(422);
  expect(res.body).toMatchObject({
    resourceType: 'OperationOutcome',
    issue: [{ details: { coding: [{ code: 'INVALID_PARAMETER' }] } }],
  });
  expect(JSON.stringify(res.body)).toContain('_since');
  // A _since after the purged deletions is answered (with v3→v2's fresh deletions).
  const { manifest: m } = await exportAll(t, `?_since=${new Date(Date.now() - 1000).toISOString()}`);
  expect(await deletedOf(m)).toEqual([]);
});

it('migration 008 fills export_keys of patients loaded before it exactly as a load does', async () => {
  const rows = () =>
    store.database.query<{ id: string; export_keys: string[] | null }>(
      'SELECT id, export_keys FROM patients ORDER BY practice_ods, id',
    );
  const loaded = await rows();
  expect(loaded.filter((r) => (r.export_keys?.length ?? 0) > 50).length).toBeGreaterThan(0);
  await store.database.query('UPDATE patients SET export_keys = NULL');
  await store.database.transaction((query) => backfillExportKeys(query));
  expect(await rows()).toEqual(loaded);
});
