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

/** FHIR id syntax: Ssp-TraceID becomes Bundle.id, so it must be a legal id (D-5). */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

function required(header: HeaderLookup, name: string): string {
  const value = header(name)?.trim();
  if (!value) throw new GpcError('BAD_REQUEST', `${name} header is missing or empty`);
  return value;
}

/** Retrieve a patient’s structured record — Request headers: every Ssp-* header present, the interaction id
 * matching the endpoint, Ssp-To ours. */
export function checkSspHeaders(header: HeaderLookup, interaction: Interaction, providerAsid: string): SspEnvelope {
  const traceId = required(header, 'Ssp-TraceID');
  const fromAsid = required(header, 'Ssp-From');
  const toAsid = required(header, 'Ssp-To');
  const interactionId = required(header, 'Ssp-InteractionID');
  if (!FHIR_ID.test(traceId)) {
    throw new GpcError('BAD_REQUEST', 'Ssp-TraceID header must be a GUID (1 to 64 of A-Z, a-z, 0-9, "-", ".")');
  }
  if (interactionId !== interaction.interactionId) {
    throw new GpcError(
      'BAD_REQUEST',
      `Ssp-InteractionID header "${truncate(interactionId)}" does not match the request; expected ${interaction.interactionId}`,
    );
  }
  if (toAsid !== providerAsid) {
    throw new GpcError('BAD_REQUEST', `Ssp-To header "${truncate(toAsid)}" is not this provider's ASID`);
  }
  return { traceId, fromAsid, toAsid, interactionId };
}
