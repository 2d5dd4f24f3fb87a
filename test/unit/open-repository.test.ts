/** The store opener reads the practice files only when the memory store is chosen. */
import type { CalendarDate } from '../../src/fhir/dates';
import { MemoryPracticeStore } from '../../src/record/memory/memory-practices';
import { openPractices, RepositoryStartError } from '../../src/record/open-repository';

const today = '2026-11-21' as CalendarDate;

afterEach(() => jest.restoreAllMocks());

describe('openPractices', () => {
  it('loads the embedded practices for the memory store', async () => {
    const fromFiles = jest.spyOn(MemoryPracticeStore, 'fromFiles');
    const store = await openPractices({ kind: 'memory', practiceFiles: [] }, today);
    expect(fromFiles).toHaveBeenCalledTimes(1);
    const p99001 = await store.find('P99001');
    expect((await p99001?.repository.findPatient('9690937286'))?.id).toBe('patient2');
    await store.close();
  });

  it('never reads the practice files for PostgreSQL, even when the database cannot be reached', async () => {
    const fromFiles = jest.spyOn(MemoryPracticeStore, 'fromFiles');
    const config = {
      kind: 'postgres' as const,
      url: 'postgres://gpc@127.0.0.1:1/none',
      poolSize: 1,
      statementTimeoutMs: 500,
      retryAfterSeconds: 5,
      practiceCacheMs: 1000,
    };
    await expect(openPractices(config, today)).rejects.toBeInstanceOf(RepositoryStartError);
    expect(fromFiles).not.toHaveBeenCalled();
  });
});
