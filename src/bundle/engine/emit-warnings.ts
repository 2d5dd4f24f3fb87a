/**
 * Pass 3d: one OperationOutcome for the request's warnings (unrecognised parameters, requested areas
 * switched off) plus one per switched-off area a link reached ("Practice switches").
 */
import { disabledAreaWarning, DOCUMENTS_SWITCH } from '../../contract/areas';
import { warningOutcome } from '../../fhir/operation-outcome';
import type { BundleState } from './state';

export function emitWarnings(state: BundleState): void {
  const warnings = [...state.context.warnings];
  for (const area of state.links.disabledReached) {
    const warning = disabledAreaWarning(area);
    if (!warnings.some((w) => w.diagnostics === warning.diagnostics)) warnings.push(warning);
  }
  if (state.links.documentsReached) warnings.push(DOCUMENTS_SWITCH.warning);
  if (warnings.length > 0) state.out.add('outcome', warningOutcome(state.context.newId(), warnings));
}
