/**
 * The embedded store: a practice dataset held in memory. It is the shared SourcedRepository over a
 * MemorySource, so it applies exactly the rules the PostgreSQL store does; construction validates the
 * dataset (validate-dataset.ts) and throws a DatasetError naming the patient and item at fault.
 */
import type { PracticeDataset } from '../dataset';
import { SourcedRepository } from '../sourced-repository';
import { MemorySource } from './memory-source';

export class MemoryRepository extends SourcedRepository {
  /** The dataset's own item objects are handed out, the same on every request. */
  readonly longLivedItems = true;

  constructor(dataset: PracticeDataset) {
    super(new MemorySource(dataset));
  }
}
