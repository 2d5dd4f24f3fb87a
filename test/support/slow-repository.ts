/**
 * The embedded practice behind a gate: loadRecord waits until the test opens it, so a test can hold
 * requests in flight (load shedding, graceful shutdown) and can make the store fail or go unready.
 */
import type { StructuredQuery } from '../../src/contract/structured-query';
import type { CalendarDate } from '../../src/fhir/dates';
import { testPractice } from '../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import type { Patient } from '../../src/record/model/people';
import type { PatientRecord } from '../../src/record/repository';
import { TODAY } from './app';

export class SlowRepository extends MemoryRepository {
  /** How many loadRecord calls have started. */
  entered = 0;
  ready = true;
  closed = false;
  /** When set, loadRecord throws this instead of answering (for a 5xx). */
  failWith: Error | undefined;
  private releaseAll: (() => void)[] = [];
  private blocked = true;
  private enteredWaiters: { count: number; wake: () => void }[] = [];

  constructor(options: { blocked?: boolean } = {}) {
    super(testPractice(TODAY as CalendarDate));
    this.blocked = options.blocked ?? true;
  }

  override async loadRecord(patient: Patient, query: StructuredQuery): Promise<PatientRecord> {
    this.entered += 1;
    for (const w of this.enteredWaiters.filter((w) => this.entered >= w.count)) w.wake();
    if (this.blocked) await new Promise<void>((resolve) => this.releaseAll.push(resolve));
    if (this.failWith) throw this.failWith;
    return super.loadRecord(patient, query);
  }

  /** Resolves once `count` loadRecord calls have started. */
  whenEntered(count: number): Promise<void> {
    if (this.entered >= count) return Promise.resolve();
    return new Promise((wake) => this.enteredWaiters.push({ count, wake }));
  }

  /** Lets every waiting and future loadRecord through. */
  release(): void {
    this.blocked = false;
    for (const r of this.releaseAll.splice(0)) r();
  }

  override async isReady(): Promise<boolean> {
    return this.ready;
  }

  override async close(): Promise<void> {
    this.closed = true;
  }
}
