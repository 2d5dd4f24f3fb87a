/**
 * What the pipeline learned about one request, as the stages leave it on res.locals. Express types
 * res.locals loosely; this is the one typed view of it that logging, metrics and audit read.
 */
import type { Response } from 'express';
import type { SpineCode } from '../fhir/spine-codes';
import type { GateResult } from '../http/fhir-routes';
import type { Interaction } from '../spine/interactions';
import type { SspEnvelope } from '../spine/ssp-headers';
import type { StructuredQuery } from '../contract/structured-query';
import type { AskedFor } from './asked-for';

export interface RequestFacts {
  /** The endpoint the request reached (set by the gate once route and verb are known). */
  interaction?: Interaction;
  /** Valid Ssp-* headers (gate). */
  envelope?: SspEnvelope;
  /** Headers and JWT claims once both passed (gate). */
  gate?: GateResult;
  /** The normalised query, once the operation built it. */
  query?: StructuredQuery;
  /** What the Parameters body asked for, read when it parsed (kept for a request that fails later). */
  asked?: AskedFor;
  /** Spine code of an error response (respond.ts). */
  spineCode?: SpineCode;
  /** Time spent in the clinical repository for this request. */
  repositoryMs?: number;
  /** Size of the serialised Bundle, before compression. */
  bundleBytes?: number;
}

export function factsOf(res: Response): RequestFacts {
  return res.locals as RequestFacts;
}
