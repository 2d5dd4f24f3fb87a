/**
 * The Spine error and warning codes this provider emits, with the HTTP status, FHIR issue type and
 * display that GP Connect 1.6.2 prescribes for each (Error handling guidance — Spine error and warning
 * codes). Every OperationOutcome is rendered from this one table.
 */
export const SPINE_CODES = {
  BAD_REQUEST: { status: 400, issueCode: 'invalid', display: 'Bad request' },
  INVALID_IDENTIFIER_SYSTEM: { status: 400, issueCode: 'value', display: 'Invalid identifier system' },
  INVALID_IDENTIFIER_VALUE: { status: 400, issueCode: 'value', display: 'Invalid identifier value' },
  INVALID_NHS_NUMBER: { status: 400, issueCode: 'value', display: 'Invalid NHS number' },
  NO_PATIENT_CONSENT: {
    status: 403,
    issueCode: 'forbidden',
    display: 'Patient has not provided consent to share data',
  },
  'ACCESS DENIED': { status: 403, issueCode: 'forbidden', display: 'Access denied' },
  PATIENT_NOT_FOUND: { status: 404, issueCode: 'not-found', display: 'Patient not found' },
  ORGANISATION_NOT_FOUND: { status: 404, issueCode: 'not-found', display: 'Organisation record not found' },
  PRACTITIONER_NOT_FOUND: { status: 404, issueCode: 'not-found', display: 'Practitioner record not found' },
  NO_RECORD_FOUND: { status: 404, issueCode: 'not-found', display: 'No record found' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, issueCode: 'not-supported', display: 'Unsupported media type' },
  INVALID_RESOURCE: { status: 422, issueCode: 'invalid', display: 'Invalid validation of resource' },
  INVALID_PARAMETER: { status: 422, issueCode: 'invalid', display: 'Invalid parameter' },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    issueCode: 'processing',
    display: 'Unexpected internal server error',
  },
  NOT_IMPLEMENTED: { status: 501, issueCode: 'not-supported', display: 'Not implemented' },
  // Conditions GP Connect has no Spine code for (docs/decisions.md, D-34): on the wire they carry the
  // nearest Spine code (`spine`) for the required binding, their own name in details.text, their own
  // HTTP status and FHIR issue type. The name stays the key here, in metrics and in the audit trail.
  REQUEST_TIMEOUT: {
    status: 408,
    issueCode: 'timeout',
    display: 'Request not received in time',
    spine: 'BAD_REQUEST',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    issueCode: 'too-long',
    display: 'Request body too large',
    spine: 'BAD_REQUEST',
  },
  REQUEST_HEADERS_TOO_LARGE: {
    status: 431,
    issueCode: 'too-long',
    display: 'Request headers too large',
    spine: 'BAD_REQUEST',
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    issueCode: 'throttled',
    display: 'Too many requests',
    spine: 'BAD_REQUEST',
  },
  // A patient search that matches more patients than it may return: narrow it (D-63). Sent as
  // BAD_REQUEST with its own name in details.text (D-34).
  TOO_MANY_MATCHES: {
    status: 422,
    issueCode: 'too-costly',
    display: 'Too many matches; narrow the search',
    spine: 'BAD_REQUEST',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    issueCode: 'transient',
    display: 'Service unavailable',
    spine: 'INTERNAL_SERVER_ERROR',
  },
} as const satisfies Record<
  string,
  { status: number; issueCode: string; display: string; spine?: 'BAD_REQUEST' | 'INTERNAL_SERVER_ERROR' }
>;

export type SpineCode = keyof typeof SPINE_CODES;

export const SPINE_ERROR_CODE_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1';

/** The Spine code a condition is sent with: itself, or for a provider-local condition the nearest one. */
export function wireSpineCode(code: SpineCode): SpineCode {
  const entry = SPINE_CODES[code];
  return 'spine' in entry ? entry.spine : code;
}
