/** The PostgreSQL ClinicalRepository: the shared assembly code over the PostgreSQL bulk reads. */
import { SourcedRepository } from '../sourced-repository';
import { Database, type DatabaseOptions } from './database';
import { PostgresSource } from './postgres-source';

export class PostgresRepository extends SourcedRepository {
  readonly database: Database;

  constructor(options: DatabaseOptions) {
    const database = new Database(options);
    super(new PostgresSource(database));
    this.database = database;
  }
}
