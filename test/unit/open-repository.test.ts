/** The store opener loads the embedded practice only when the memory store is chosen. */
import type { CalendarDate } from '../../src/fhir/dates';
import { openRepository, RepositoryStartError } from '../../src/record/open-repository';
import { testPractice } from '../../src/record/memory/embedded-practice';

const today = '2026-11-21' as CalendarDate;

describe('openRepository', () => {
  it('loads the embedded practice for the memory store', async () => {
    const embedded = jest.fn(async () => testPractice);
    const repository = await openRepository({ kind: 'memory' }, embedded, today);
    expect(embedded).toHaveBeenCalledTimes(1);
    expect((await repository.findPatient('9690937286'))?.id).toBe('patient2');
    await repository.close();
  });

  it('never loads the embedded practice for PostgreSQL, even when the database cannot be reached', async () => {
    const embedded = jest.fn(async () => testPractice);
    const config = {
      kind: 'postgres' as const,
      url: 'postgres://gpc@127.0.0.1:1/none',
      poolSize: 1,
      statementTimeoutMs: 500,
      retryAfterSeconds: 5,
    };
    await expect(openRepository(config, embedded, today)).rejects.toBeInstanceOf(RepositoryStartError);
    expect(embedded).not.toHaveBeenCalled();
  });
});
