/** One practice's PostgreSQL ClinicalRepository: the shared assembly code over its scoped bulk reads. */
import { SourcedRepository } from '../sourced-repository';
import { Database, type DatabaseOptions } from './database';
import type { DetailCache } from './detail-cache';
import { PostgresSource } from './postgres-source';

export class PostgresRepository extends SourcedRepository {
  readonly database: Database;
  /** With a DetailCache, a document unchanged since an earlier read is the same object (D-PI1). */
  readonly longLivedItems: boolean;

  /** Over a pool of its own (options) or a shared one (a Database: the practice store's). */
  constructor(db: DatabaseOptions | Database, odsCode: string, details?: DetailCache) {
    const database = db instanceof Database ? db : new Database(db);
    super(new PostgresSource(database, odsCode, details));
    this.database = database;
    this.longLivedItems = details !== undefined;
  }
}
