/**
 * Per-practice clinical-area switches (Configuration for supported clinical areas): a disabled area is not loaded, and each
 * requested one adds the warning "<parameter> has been disabled" to the Bundle's OperationOutcome.
 */
import { disabledAreaWarning, DOCUMENTS_SWITCH } from '../../contract/areas';
import type { ClinicalArea, StructuredQuery } from '../../contract/structured-query';
import type { BundleWarning } from '../../fhir/operation-outcome';

export { disabledAreaWarning };

/** The Documents switch's warning: the spec names it after the resource. */
export const DOCUMENTS_DISABLED_WARNING: BundleWarning = DOCUMENTS_SWITCH.warning;

export function applyAreaSwitches(
  query: StructuredQuery,
  disabled: ReadonlySet<ClinicalArea>,
  documentsDisabled = false,
): StructuredQuery {
  if (documentsDisabled) query = { ...query, documentsDisabled: true };
  if (disabled.size === 0) return query;
  const requestedButDisabled = [...disabled].filter((area) => query[area] !== undefined);
  const remaining: Record<string, unknown> = { ...query };
  for (const area of disabled) delete remaining[area];
  return {
    ...(remaining as unknown as StructuredQuery),
    warnings: [...query.warnings, ...requestedButDisabled.map(disabledAreaWarning)],
    disabledAreas: disabled,
  };
}
