import { GpcError } from '../fhir/gpc-error';
import { truncate } from '../fhir/text';
import type { Interaction } from './interactions';

/** What the Spine Secure Proxy envelope told us about the caller; ASIDs are for audit only. */
export interface SspEnvelope {
  readonly traceId: string;
  readonly fromAsid: string;
  readonly toAsid: string;
  readonly interactionId: string;
}

export type HeaderLookup = (name: string) => string | undefined;
/** How many times a header was sent (Node joins repeats as "a, b"); from the raw headers. */
export type HeaderCount = (name: string) => number;

/**
 * An ASID: digits only, at most 12 (Spine ASIDs are 12 digits). Checked before anything keys on it
 * (the rate limit, metrics labels, the audit), so a caller cannot invent unbounded identities.
 */
const ASID = /^[0-9]{1,12}$/;

const SSP_HEADERS = ['Ssp-TraceID', 'Ssp-From', 'Ssp-To', 'Ssp-InteractionID'] as const;

/** Counts each name's occurrences in Node's raw header list (name, value, name, value, ...). */
export function rawHeaderCount(rawHeaders: readonly string[]): HeaderCount {
  return (name) => {
    const wanted = name.toLowerCase();
    let count = 0;
    // Lengths first: most names cannot match, and lower-casing each would be a string per header.
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const raw = rawHeaders[i];
      if (raw.length === wanted.length && raw.toLowerCase() === wanted) count += 1;
    }
    return count;
  };
}

/** FHIR id syntax: Ssp-TraceID becomes Bundle.id, so it must be a legal id (D-5). */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

function required(header: HeaderLookup, name: string): string {
  const value = header(name)?.trim();
  if (!value) throw new GpcError('BAD_REQUEST', `${name} header is missing or empty`);
  return value;
}

/**
 * Retrieve a patient’s structured record — Request headers: every Ssp-* header present, once, the
 * interaction id matching the endpoint, Ssp-From and Ssp-To ASIDs, Ssp-To ours.
 */
export function checkSspHeaders(
  header: HeaderLookup,
  interaction: Interaction,
  providerAsid: string,
  count?: HeaderCount,
): SspEnvelope {
  for (const name of SSP_HEADERS) {
    if (count && count(name) > 1) {
      throw new GpcError('BAD_REQUEST', `${name} header must be sent once; it was repeated`);
    }
  }
  const traceId = required(header, 'Ssp-TraceID');
  const fromAsid = required(header, 'Ssp-From');
  const toAsid = required(header, 'Ssp-To');
  const interactionId = required(header, 'Ssp-InteractionID');
  if (!FHIR_ID.test(traceId)) {
    throw new GpcError(
      'BAD_REQUEST',
      'Ssp-TraceID header must be a GUID (1 to 64 of A-Z, a-z, 0-9, "-", ".")',
    );
  }
  if (interactionId !== interaction.interactionId) {
    throw new GpcError(
      'BAD_REQUEST',
      `Ssp-InteractionID header "${truncate(interactionId)}" does not match the request; expected ${interaction.interactionId}`,
    );
  }
  for (const [name, value] of [
    ['Ssp-From', fromAsid],
    ['Ssp-To', toAsid],
  ] as const) {
    if (!ASID.test(value)) {
      const shown = truncate(value, 20);
      throw new GpcError('BAD_REQUEST', `${name} header "${shown}" is not an ASID (1 to 12 digits)`);
    }
  }
  if (toAsid !== providerAsid) {
    throw new GpcError('BAD_REQUEST', `Ssp-To header "${truncate(toAsid)}" is not this provider's ASID`);
  }
  return { traceId, fromAsid, toAsid, interactionId };
}
