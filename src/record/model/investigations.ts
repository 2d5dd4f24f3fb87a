/**
 * Investigations: EDIFACT lab reports as filed in the GP system (Investigations guidance; Observation pages
 * test group / result / filing comment, DiagnosticReport page DiagnosticReport, Specimen, ProcedureRequest).
 * A report owns all its parts; item references point at the report (kind `investigation`).
 */
import type {
  ActorRef,
  ClinicalItem,
  CodedConcept,
  Concept,
  PartialDate,
  Quantity,
  Timestamp,
} from './common';
import type { ObservationValue, ReferenceRange } from './observations';

/** Status of a report, test group or result. Absent where optional: `final`. */
export type ResultStatus = 'final' | 'preliminary' | 'unknown';

/** Ids of a part that becomes its own resource. */
interface ReportPart {
  readonly id: string;
  /** Absent: `id` is the persistent identifier. */
  readonly guid?: string;
}

/** The test request the report is based on (→ investigation ProcedureRequest, status active, intent order). */
export interface TestRequest extends ReportPart {
  /** Absent: "No code available". */
  readonly code?: CodedConcept;
  readonly requesterId?: string;
  /** The organisation asked to perform the test. */
  readonly performerId?: string;
  readonly reasons?: readonly Concept[];
  readonly note?: string;
}

export interface Specimen extends ReportPart {
  readonly type?: CodedConcept;
  /** The lab's accession number. */
  readonly accessionId?: string;
  readonly collected?: PartialDate;
  readonly collectorId?: string;
  readonly received?: Timestamp;
  readonly quantity?: Quantity;
  readonly bodySite?: CodedConcept;
  /** HL7 v2-0916: F fasting, NF not fasting, NG not given. */
  readonly fastingStatus?: 'F' | 'NF' | 'NG';
  readonly note?: string;
}

/** A clinician's filing comment on the report, a group or a result (status `unknown`, Observation pages). */
export interface FilingComment extends ReportPart {
  /** When the item was filed (→ effective). */
  readonly filed: Timestamp;
  /** When the comment was written (→ issued). Absent: `filed`. */
  readonly commented?: Timestamp;
  readonly filedById: string;
  readonly comment: string;
}

export interface TestResult extends ReportPart {
  /** The analyte. */
  readonly code: CodedConcept;
  readonly status?: ResultStatus;
  /** Absent: no value (→ dataAbsentReason). */
  readonly value?: ObservationValue;
  readonly referenceRange?: ReferenceRange;
  readonly interpretation?: Concept;
  readonly comment?: string;
  readonly specimenId?: string;
  readonly filingComments?: readonly FilingComment[];
  /** A confidential part withholds that part and warns on the lists the report is in (List page — warning
   * codes). */
  readonly confidential?: boolean;
}

/** A test group (e.g. full blood count) holding its results (→ group header Observation). */
export interface TestGroup extends ReportPart {
  readonly code: CodedConcept;
  readonly status?: ResultStatus;
  readonly results: readonly TestResult[];
  readonly filingComments?: readonly FilingComment[];
  readonly confidential?: boolean;
}

export interface InvestigationReport extends ClinicalItem {
  /** When the lab issued it; filtered by `investigationSearchPeriod` (→ issued, inherited by groups and results). */
  readonly issued: Timestamp;
  readonly status?: ResultStatus;
  /** The reporting lab (an organisation; a practitioner only alongside it). Absent: not known. */
  readonly performers?: readonly ActorRef<'organisation' | 'practitioner'>[];
  /** A PMIP report id, sent as an extra identifier. */
  readonly pmipReportId?: string;
  readonly request?: TestRequest;
  readonly specimens?: readonly Specimen[];
  readonly groups?: readonly TestGroup[];
  /** Results that are in no group. */
  readonly results?: readonly TestResult[];
  /** Report-level filing comments (a filed report has at least one). */
  readonly filingComments?: readonly FilingComment[];
  readonly codedDiagnoses?: readonly CodedConcept[];
  readonly conclusion?: string;
}
