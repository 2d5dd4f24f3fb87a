/**
 * What the pipeline learned about one request, as the stages leave it on res.locals. Express types
 * res.locals loosely; this is the one typed view of it that logging, metrics and audit read.
 */
import type { Response } from 'express';

import type { StructuredQuery } from '../contract/structured-query';
import type { SpineCode } from '../fhir/spine-codes';
import type { GateResult } from '../http/fhir-routes';
import type { Interaction } from '../spine/interactions';
import type { SspEnvelope } from '../spine/ssp-headers';
import type { AskedFor } from './asked-for';

export interface RequestFacts {
  /** The ODS code of the practice the request reached, once the store knew it (gate). */
  odsCode?: string;
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
  /** A patient search's terms as sent (bounded), and how many patients it returned (D-64). */
  search?: { readonly terms: Readonly<Record<string, readonly string[]>>; matches?: number };
  /** What a Foundations read asked for, e.g. `Patient/patient2`. */
  resource?: string;
  /** The NHS number of the patient a search or read returned, when exactly one. */
  patientNhsNumber?: string;
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
