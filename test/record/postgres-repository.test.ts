/** The repository contract, run against the PostgreSQL store (each block gets its own database). */
import type { ClinicalRepository } from '../../src/record/repository';
import { postgresRepositoryFor } from '../support/postgres';
import { describeRepositoryContract } from './contract';

describeRepositoryContract('postgres', async (dataset): Promise<ClinicalRepository> => {
  const { repository, database } = await postgresRepositoryFor(dataset);
  const close = repository.close.bind(repository);
  repository.close = async () => {
    await close();
    await database.drop();
  };
  return repository;
});
