/**
 * The operation: body → StructuredQuery → patient checks → record → Bundle (D-27
 * steps 5 to 12). No HTTP here; the transport hands over the parsed body and the trace id.
 */
import type { Bundle } from 'fhir/r3';

import { buildBundle } from '../../bundle/build-bundle';
import type { ResourceMemo } from '../../bundle/engine/resource-memo';
import type { Clock } from '../../clock';
import type { ClinicalArea, StructuredQuery } from '../../contract/structured-query';
import type { TimeSlice } from '../../ops/time-slice';
import { checkPatientMayBeShared } from '../../record/patient-checks';
import type { ClinicalRepository } from '../../record/repository';
import { applyAreaSwitches } from './area-switches';
import { buildStructuredQuery } from './build-query';
import type { MedicationDateTolerance } from './predefined-searches';

export interface OperationDeps {
  readonly repository: ClinicalRepository;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly predefinedMedicationDays: MedicationDateTolerance;
  readonly disabledAreas: ReadonlySet<ClinicalArea>;
  readonly documentsDisabled: boolean;
  /** The request's hold on the event loop: given back between stages once spent (fair tail latency). */
  readonly slice?: TimeSlice;
  /** Mapped resources remembered across requests; only for a store whose items live as long as its data. */
  readonly memo?: ResourceMemo;
  /** The answer is written as JSON: the bundle engine may write parts of it as JSON text (D-LJ2). */
  readonly jsonAnswer?: boolean;
}

export interface OperationResult {
  readonly query: StructuredQuery;
  readonly bundle: Bundle;
}

export async function getStructuredRecord(
  body: unknown,
  traceId: string,
  deps: OperationDeps,
): Promise<OperationResult> {
  const parsed = buildStructuredQuery(body, deps.clock.today(), deps.predefinedMedicationDays);
  const query = applyAreaSwitches(parsed, deps.disabledAreas, deps.documentsDisabled);
  // The patient and the record's first round may come in one read: nothing is released before the check.
  const opened = await deps.repository.openRecord(query.nhsNumber, query);
  checkPatientMayBeShared(opened.patient);
  const record = await opened.load();
  await deps.slice?.pause();
  const date = deps.clock
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const bundle = buildBundle(record, query, {
    traceId,
    newId: deps.newId,
    date,
    warnings: query.warnings,
    ...(deps.memo && { memo: deps.memo }),
    ...(deps.jsonAnswer === true && { jsonAnswer: true }),
  });
  return { query, bundle };
}
