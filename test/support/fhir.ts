/** Assertions on FHIR responses that every HTTP test makes the same way. */
import type { Bundle, OperationOutcome } from 'fhir/r3';
import type { Response } from 'supertest';

import { SPINE_CODES, type SpineCode, wireSpineCode } from '../../src/fhir/spine-codes';
import { validateBundle, validateResource } from './profiles';

/**
 * The issue's condition as the tests name it: the Spine code, or for a provider-local condition (sent
 * under the nearest Spine code, D-34) its own name, read from details.text.
 */
export function conditionOf(issue: OperationOutcome['issue'][number] | undefined): string | undefined {
  const code = issue?.details?.coding?.[0]?.code;
  const local = /^([A-Z_]+): /.exec(issue?.details?.text ?? '')?.[1];
  if (local !== undefined && local in SPINE_CODES && code === wireSpineCode(local as SpineCode)) return local;
  return code;
}

/** Fails unless the answer is the one-issue error OperationOutcome of `spineCode`, valid for its profile. */
export function expectOperationOutcome(res: Response, status: number, spineCode: string): OperationOutcome {
  expect({ status: res.status, code: conditionOf(res.body?.issue?.[0]) }).toEqual({
    status,
    code: spineCode,
  });
  validateResource(res.body);
  expect(res.headers['content-type']).toBe('application/fhir+json;charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  const outcome = res.body as OperationOutcome;
  expect(outcome.resourceType).toBe('OperationOutcome');
  expect(outcome.issue).toHaveLength(1);
  expect(outcome.issue[0].severity).toBe('error');
  expect(typeof outcome.issue[0].diagnostics).toBe('string');
  return outcome;
}

export function expectBundle(res: Response): Bundle {
  expect({ status: res.status, body: res.status === 200 ? 'bundle' : res.body }).toEqual({
    status: 200,
    body: 'bundle',
  });
  expect(res.headers['content-type']).toBe('application/fhir+json;charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  const bundle = res.body as Bundle;
  expect(bundle.resourceType).toBe('Bundle');
  expect(bundle.type).toBe('collection');
  return validateBundle(bundle);
}

export function resourcesOf<T extends { resourceType: string }>(
  bundle: Bundle,
  type: T['resourceType'],
): T[] {
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is never => r?.resourceType === type);
}

/** The warnings OperationOutcome of a Bundle, if any. */
export function warningsOf(bundle: Bundle): OperationOutcome | undefined {
  const outcomes = resourcesOf<OperationOutcome>(bundle, 'OperationOutcome');
  expect(outcomes.length).toBeLessThanOrEqual(1);
  return outcomes[0];
}

/** The Spine code system and the NOT_IMPLEMENTED warning coding of API Version Compatibility — Forwards
 * compatibility. */
export const SPINE_CODE_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1';
export const OPERATION_OUTCOME_PROFILE =
  'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1';

/** An error OperationOutcome whose diagnostics contain every one of `mentions`. */
export function expectError(
  res: Response,
  status: number,
  spineCode: string,
  ...mentions: (string | RegExp)[]
): OperationOutcome {
  const outcome = expectOperationOutcome(res, status, spineCode);
  for (const m of mentions) {
    if (typeof m === 'string') expect(outcome.issue[0].diagnostics).toContain(m);
    else expect(outcome.issue[0].diagnostics).toMatch(m);
  }
  return outcome;
}

/** The diagnostics of the Bundle's warnings, in order ([] when there is no OperationOutcome). */
export function warningDiagnostics(bundle: Bundle): string[] {
  return (warningsOf(bundle)?.issue ?? []).map((i) => i.diagnostics ?? '');
}
