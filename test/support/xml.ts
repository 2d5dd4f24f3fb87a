/** Reading FHIR answers in either format, and XML request bodies, for the HTTP tests. */
import { conditionOf } from './fhir';
import type { OperationOutcome } from 'fhir/r3';
import type { Response } from 'supertest';

import type { JsonObject } from '../../src/fhir/json';
import { parseFhirXml } from '../../src/fhir/xml/read-xml';
import { toFhirXml } from '../../src/fhir/xml/write-xml';

export const FHIR_XML = 'application/fhir+xml;charset=utf-8';

/** The resource an answer carries, read as its Content-Type says (XML through the project's own reader). */
export function bodyOf(answer: { text: string; headers: Record<string, string> }): JsonObject {
  const type = answer.headers['content-type'] ?? '';
  if (type.startsWith('application/fhir+xml')) return parseFhirXml(answer.text);
  return JSON.parse(answer.text) as JsonObject;
}

/** An error OperationOutcome answered in XML, read back. */
export function expectXmlOperationOutcome(
  res: Response,
  status: number,
  spineCode: string,
): OperationOutcome {
  expect(res.headers['content-type']).toBe(FHIR_XML);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(
    res.text.startsWith(
      '<?xml version="1.0" encoding="UTF-8"?><OperationOutcome xmlns="http://hl7.org/fhir">',
    ),
  ).toBe(true);
  const outcome = parseFhirXml(res.text) as unknown as OperationOutcome;
  expect({ status: res.status, code: conditionOf(outcome.issue?.[0]) }).toEqual({
    status,
    code: spineCode,
  });
  expect(outcome.issue).toHaveLength(1);
  expect(typeof outcome.issue[0].diagnostics).toBe('string');
  return outcome;
}

/** A request body (a Parameters resource as JSON) in XML. */
export function xmlBody(resource: unknown): string {
  return toFhirXml(resource as object);
}
