/** One practice's PostgreSQL ClinicalRepository: the shared assembly code over its scoped bulk reads. */
import { SourcedRepository } from '../sourced-repository';
import { Database, type DatabaseOptions } from './database';
import { PostgresSource } from './postgres-source';

export class PostgresRepository extends SourcedRepository {
  readonly database: Database;

  /** Over a pool of its own (options) or a shared one (a Database: the practice store's). */
  constructor(db: DatabaseOptions | Database, odsCode: string) {
    const database = db instanceof Database ? db : new Database(db);
    super(new PostgresSource(database, odsCode));
    this.database = database;
  }
}
