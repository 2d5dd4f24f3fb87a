/**
 * PostgreSQL documents shared across requests (DetailCache, docs/decisions.md D-PI1): an unchanged row
 * gives the very object the last read gave, so the resource memo can keep what it mapped, while a
 * changed row is a new object and every answer after the change shows it (nothing stale, no restart).
 */
import type { AllergyIntolerance, Bundle } from 'fhir/r3';

import { fixedClock } from '../../src/clock';
import type { StructuredQuery } from '../../src/contract/structured-query';
import { testPractice } from '../../src/record/memory/memory-practices';
import type { Allergy } from '../../src/record/model';
import type { PatientRecord } from '../../src/record/model/loaded-record';
import { DetailCache } from '../../src/record/postgres/detail-cache';
import { PostgresPracticeStore } from '../../src/record/postgres/postgres-practices';
import { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { postRecord, TEST_NOW, type TestApp, testApp } from '../support/app';
import { area, bool, nhsNumber, parameters } from '../support/parameters';
import { postgresRepositoryFor, TEST_DB_OPTIONS, type TestDatabase } from '../support/postgres';

const clock = fixedClock(TEST_NOW);
const dataset = testPractice(clock.today());
const ODS = dataset.practice.odsCode;
const NHS = '9690937294';
const ASPIRIN = 'p3-allergy-aspirin';
const query: StructuredQuery = {
  nhsNumber: NHS,
  today: clock.today(),
  allergies: { includeResolved: true },
  warnings: [],
  disabledAreas: new Set(),
};
const allergiesBody = parameters(
  nhsNumber(NHS),
  area('includeAllergies', bool('includeResolvedAllergies', true)),
);

/** Every allergy a loaded record holds, active then ended. */
function allergiesOf(record: PatientRecord): readonly Allergy[] {
  return [...(record.allergies?.active.items ?? []), ...(record.allergies?.resolved?.items ?? [])];
}

function notes(bundle: Bundle): Record<string, string | undefined> {
  const allergies = (bundle.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is AllergyIntolerance => r?.resourceType === 'AllergyIntolerance');
  return Object.fromEntries(allergies.map((a) => [a.id ?? '', a.note?.[0]?.text]));
}

describe('documents shared across requests over PostgreSQL', () => {
  let shared: { repository: PostgresRepository; database: TestDatabase };
  let afresh: PostgresRepository;
  let app: TestApp;

  beforeAll(async () => {
    shared = await postgresRepositoryFor(dataset, new DetailCache(16 * 1024 * 1024));
    afresh = new PostgresRepository({ url: shared.database.url, ...TEST_DB_OPTIONS }, ODS);
    app = testApp({ clock, repository: shared.repository });
  });
  afterAll(async () => {
    await afresh.close();
    await shared.repository.close();
    await shared.database.drop();
  });

  it('reports its items as long-lived only with a cache', () => {
    expect(shared.repository.longLivedItems).toBe(true);
    expect(afresh.longLivedItems).toBe(false);
  });

  it.each([
    [1024 * 1024, true],
    [0, false],
  ])('serves practices over one cache when ITEM_CACHE_MB gives %d bytes', async (bytes, longLived) => {
    const store = new PostgresPracticeStore({
      url: shared.database.url,
      ...TEST_DB_OPTIONS,
      itemCacheBytes: bytes,
    });
    try {
      expect((await store.find(ODS))?.repository.longLivedItems).toBe(longLived);
    } finally {
      await store.close();
    }
  });

  it('gives the same patient and item objects on a second read, and new ones without a cache', async () => {
    const patient = await shared.repository.findPatient(NHS);
    expect(patient).toBeDefined();
    if (!patient) return;
    expect(await shared.repository.findPatient(NHS)).toBe(patient);
    const [first, second] = [
      await shared.repository.loadRecord(patient, query),
      await shared.repository.loadRecord(patient, query),
    ];
    expect(allergiesOf(first)).toHaveLength(3);
    allergiesOf(first).forEach((a, i) => expect(allergiesOf(second)[i]).toBe(a));
    expect(second.practitioners.length).toBeGreaterThan(0);
    first.practitioners.forEach((p, i) => expect(second.practitioners[i]).toBe(p));

    const plain = await afresh.loadRecord(patient, query);
    expect(allergiesOf(plain)).toEqual(allergiesOf(first));
    allergiesOf(plain).forEach((a, i) => expect(a).not.toBe(allergiesOf(first)[i]));
  });

  it('answers a changed row with its new content, through the memo, at once', async () => {
    const before = await postRecord(app, allergiesBody);
    expect(before.status).toBe(200);
    expect(notes(before.body as Bundle)[ASPIRIN]).toBeUndefined();
    const patient = await shared.repository.findPatient(NHS);
    if (!patient) throw new Error('no patient');
    const kept = allergiesOf(await shared.repository.loadRecord(patient, query));

    await shared.repository.database.query(
      `UPDATE allergies SET detail = jsonb_set(detail::jsonb, '{note}', '"Confirmed on rechallenge"')::json
        WHERE practice_ods = $1 AND id = $2`,
      [ODS, ASPIRIN],
    );

    const after = allergiesOf(await shared.repository.loadRecord(patient, query));
    const changed = after.find((a) => a.id === ASPIRIN);
    expect(changed?.note).toBe('Confirmed on rechallenge');
    expect(kept.find((a) => a.id === ASPIRIN)?.note).toBeUndefined();
    // The rows that did not change are still the objects read before.
    for (const a of after) if (a.id !== ASPIRIN) expect(kept).toContain(a);

    const answer = await postRecord(app, allergiesBody);
    expect(answer.status).toBe(200);
    expect(notes(answer.body as Bundle)[ASPIRIN]).toBe('Confirmed on rechallenge');
    // Byte for byte what an app reading every row afresh answers.
    const plain = await postRecord(testApp({ clock, repository: afresh }), allergiesBody);
    expect(answer.text).toBe(plain.text);
  });
});
