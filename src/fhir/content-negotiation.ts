/**
 * FHIR content negotiation (GP Connect 1.6.2 "FHIR API guidance", content types; FHIR STU3 "RESTful
 * API", content types and encodings): `_format` overrides Accept; with neither, the
 * request's Content-Type; with none, JSON. JSON and XML are both served (D-7).
 */
export type WireFormat = 'json' | 'xml';

export const FHIR_JSON_CONTENT_TYPE = 'application/fhir+json;charset=utf-8';
export const FHIR_XML_CONTENT_TYPE = 'application/fhir+xml;charset=utf-8';

export const CONTENT_TYPES: Readonly<Record<WireFormat, string>> = {
  json: FHIR_JSON_CONTENT_TYPE,
  xml: FHIR_XML_CONTENT_TYPE,
};

// The spellings FHIR STU3 gives for `_format`, plus the pre-1.3.1 `+fhir` forms (D-9).
const JSON_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir', 'json']);
const XML_TYPES = new Set([
  'application/fhir+xml',
  'application/xml',
  'application/xml+fhir',
  'xml',
  'text/xml',
]);
const ANY_TYPES = new Set(['*/*', 'application/*']);

/** The format one media type names, or undefined when it names none we know. */
export function formatOf(mediaType: string): WireFormat | 'any' | undefined {
  const type = mediaType.split(';')[0].trim().toLowerCase();
  if (JSON_TYPES.has(type)) return 'json';
  if (XML_TYPES.has(type)) return 'xml';
  if (ANY_TYPES.has(type)) return 'any';
  return undefined;
}

/** The formats an Accept header allows, best first by q-value; q=0 entries are refused. */
function acceptable(accept: string): (WireFormat | 'any')[] {
  return accept
    .split(',')
    .map((entry, index) => {
      const q = /;\s*q=([0-9.]+)/i.exec(entry);
      return { format: formatOf(entry), q: q ? Number(q[1]) : 1, index };
    })
    .filter(
      (e): e is { format: WireFormat | 'any'; q: number; index: number } => e.format !== undefined && e.q > 0,
    )
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((e) => e.format);
}

export interface NegotiationInput {
  readonly formatParameter?: string;
  readonly accept?: string;
  readonly contentType?: string;
}

/**
 * The response format, or `{ unsupported }` quoting what the client asked for when it names no
 * FHIR format at all.
 */
export function negotiateFormat(input: NegotiationInput): WireFormat | { unsupported: string } {
  const { formatParameter, accept, contentType } = input;
  if (formatParameter !== undefined && formatParameter.trim() !== '') {
    // An unencoded "+" in a query string arrives as a space (`_format=application/fhir+json`).
    const f = formatOf(formatParameter.trim().replace(/ /g, '+'));
    if (f === undefined) return { unsupported: `_format=${formatParameter}` };
    return f === 'any' ? 'json' : f;
  }
  if (accept !== undefined && accept.trim() !== '') {
    // The client's first choice by q-value (then by position); a wildcard means JSON.
    const best = acceptable(accept)[0];
    if (best === undefined) return { unsupported: `Accept: ${accept}` };
    return best === 'xml' ? 'xml' : 'json';
  }
  if (contentType !== undefined && contentType.trim() !== '') {
    if (formatOf(contentType) === 'xml') return 'xml';
  }
  return 'json';
}

/**
 * The format to answer in whatever else fails, errors included: what the client asked for when it
 * named a format we serve, JSON otherwise (a 415 for an unknown format is itself answered in JSON).
 */
export function answerFormat(input: NegotiationInput): WireFormat {
  const negotiated = negotiateFormat(input);
  return typeof negotiated === 'object' ? 'json' : negotiated;
}
