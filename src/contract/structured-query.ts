import type { CalendarDate } from '../fhir/dates';
import type { BundleWarning } from '../fhir/operation-outcome';

/** An inclusive date window; either end may be open (docs/spec-notes.md "Retrieve a patient’s structured
 * record — Payload request body"). */
export interface DateWindow {
  readonly start?: CalendarDate;
  readonly end?: CalendarDate;
}

export type ProblemStatus = 'active' | 'inactive';
export type ProblemSignificance = 'major' | 'minor';

/** One `includeProblems` occurrence; a problem matches when it passes every filter given. */
export interface ProblemFilter {
  readonly status?: ProblemStatus;
  readonly significance?: ProblemSignificance;
}

/**
 * The typed, normalised request: defaults applied, dates as calendar dates. An absent area was not
 * requested. Nothing downstream reads the raw Parameters again.
 */
export interface StructuredQuery {
  readonly nhsNumber: string;
  /** The Europe/London date the request was judged against; every filter uses the same "today". */
  readonly today: CalendarDate;
  readonly allergies?: { readonly includeResolved: boolean };
  readonly medication?: {
    readonly includePrescriptionIssues: boolean;
    readonly searchFromDate?: CalendarDate;
  };
  readonly consultations?: { readonly searchPeriod?: DateWindow; readonly mostRecent?: number };
  /** Problems match when they pass any one filter (several `includeProblems` mean their union). */
  readonly problems?: { readonly filters: readonly ProblemFilter[] };
  readonly immunisations?: { readonly includeNotGiven: boolean; readonly includeStatus: boolean };
  readonly uncategorisedData?: { readonly searchPeriod?: DateWindow };
  readonly investigations?: { readonly searchPeriod?: DateWindow };
  readonly referrals?: { readonly searchPeriod?: DateWindow };
  readonly diaryEntries?: { readonly searchDate?: CalendarDate };
  /** Which predefined multi-area search this request is, when it is one (Multi area searches). */
  readonly predefinedSearch?: 1 | 2;
  /**
   * Warnings for the Bundle's OperationOutcome: unrecognised parameters and parts in request order,
   * then the requested areas that are switched off at this practice.
   */
  readonly warnings: readonly BundleWarning[];
  /** Areas switched off at this practice: never loaded, and links into them are replaced (Configuration for
   * supported clinical areas). */
  readonly disabledAreas: ReadonlySet<ClinicalArea>;
  /**
   * The Documents switch (Configuration for supported clinical areas): documents have no parameter of their
   * own, so when it is off the DocumentReferences that links would bring are replaced and warned about.
   */
  readonly documentsDisabled?: boolean;
}

export type ClinicalArea =
  | 'allergies'
  | 'medication'
  | 'consultations'
  | 'problems'
  | 'immunisations'
  | 'uncategorisedData'
  | 'investigations'
  | 'referrals'
  | 'diaryEntries';
