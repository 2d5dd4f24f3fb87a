/**
 * A medication plan's effective period (MedicationStatement page), decided once: the bundle writes it as
 * MedicationStatement.effectivePeriod and the `medicationSearchFromDate` filter reads the same value
 * (Medication guidance "the active interval mirrors effectivePeriod"), so they can never disagree.
 */
import { addDays, partialDateInterval } from '../../fhir/dates';
import type { MedicationPlan, PartialDate, PrescriptionType } from './';

/**
 * Medication guidance: `acute` and (our interpretation) `delayed-prescribing` are acute; everything else,
 * including a legacy plan with no type and `repeat-dispensing`, is treated as repeat.
 */
export function isAcute(type: PrescriptionType | undefined): boolean {
  return type === 'acute' || type === 'delayed-prescribing';
}

/**
 * The end of the effective period as the bundle writes it: the recorded end; for an ended plan
 * (`completed` or `stopped`) with none, MedicationStatement page's fallbacks in order: the last issue's start
 * + its supply duration, then the date the plan was stopped, then the start. Undefined while an active plan
 * has no recorded end ("leave it null while active").
 */
export function effectiveEnd(plan: MedicationPlan): PartialDate | undefined {
  if (plan.end !== undefined) return plan.end;
  if (plan.status === 'active') return undefined;
  const lastIssue = plan.issues[plan.issues.length - 1];
  const supplyDays = lastIssue?.supplyDays ?? plan.supplyDays;
  if (lastIssue && supplyDays !== undefined) {
    // The latest day a partial issue date may stand for, so the filter errs towards returning the plan.
    const issued = partialDateInterval(lastIssue.date);
    if (issued) return addDays(issued.end, supplyDays);
  }
  if (plan.status === 'stopped') return plan.discontinued.date;
  return plan.start;
}
