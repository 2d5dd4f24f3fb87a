/**
 * FHIR content negotiation (FHIR API guidance — Content types): `_format` overrides Accept; with neither, the
 * request's Content-Type; with none, JSON. XML is recognised but not yet served (415, D-7).
 */
export type WireFormat = 'json' | 'xml';

export const FHIR_JSON_CONTENT_TYPE = 'application/fhir+json;charset=utf-8';

const JSON_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir', 'json']);
const XML_TYPES = new Set(['application/fhir+xml', 'application/xml', 'application/xml+fhir', 'xml']);
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
    .filter((e): e is { format: WireFormat | 'any'; q: number; index: number } => e.format !== undefined && e.q > 0)
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
    // Serve the best format we support among those accepted, whatever its rank.
    const formats = acceptable(accept);
    if (formats.some((f) => f === 'json' || f === 'any')) return 'json';
    if (formats.includes('xml')) return 'xml';
    return { unsupported: `Accept: ${accept}` };
  }
  if (contentType !== undefined && contentType.trim() !== '') {
    if (formatOf(contentType) === 'xml') return 'xml';
  }
  return 'json';
}
