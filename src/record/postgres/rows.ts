/**
 * Dataset → table rows. Every derived column (active spans, period bounds, flags) is computed here
 * with the shared filter code, so what SQL pre-selects can only be a superset of what the shared
 * predicates keep, and the two stores cannot drift apart.
 */
import type { CalendarDate } from '../../fhir/dates';
import { partialDateInterval } from '../../fhir/dates';
import type { PatientData, PracticeDataset } from '../dataset';
import { exportedResourceKeys } from '../exported-resources';
import {
  hasContent,
  isEnteredInError,
  isExemptFromMedicationDate,
  isIncompleteDiaryEntry,
  isResolvedAllergy,
  medicationActiveSpan,
  spanOf,
} from '../filters';
import { AREA_KIND, type RecordArea } from '../item-refs';
import { topicLinksOf, withheldItemsOf } from '../link-hub';
import type { ClinicalItem, InvestigationReport } from '../model';
import { patientSearchColumns } from './patient-search-columns';

export type Row = Record<string, unknown>;

/** Table name per record area, and the rows of every table, in foreign-key order. */
export const AREA_TABLE = {
  allergies: 'allergies',
  medication: 'medication_plans',
  problems: 'problems',
  consultations: 'consultations',
  immunisations: 'immunisations',
  immunisationStatuses: 'immunisation_statuses',
  uncategorisedData: 'observations',
  investigations: 'investigations',
  referrals: 'referrals',
  diaryEntries: 'diary_entries',
  documents: 'documents',
} as const satisfies Record<RecordArea, string>;

export const TABLE_ORDER = [
  'practice',
  'organisations',
  'practitioners',
  'locations',
  'healthcare_services',
  'devices',
  'patients',
  'allergies',
  'medication_plans',
  'medication_issues',
  'problems',
  'consultations',
  'topic_problem_links',
  'withheld_items',
  'immunisations',
  'immunisation_statuses',
  'observations',
  'investigations',
  'referrals',
  'diary_entries',
  'documents',
] as const;

export type TableName = (typeof TABLE_ORDER)[number];
export type Rows = Record<TableName, Row[]>;

const day = (d: string | undefined): CalendarDate | null =>
  d === undefined ? null : (partialDateInterval(d)?.start ?? null);

function base(patientId: string, seq: number, item: ClinicalItem): Row {
  return {
    id: item.id,
    patient_id: patientId,
    seq,
    recorded: item.recorded,
    recorder_id: item.recorderId,
    consultation_id: item.consultationId ?? null,
    confidential: item.confidential === true,
  };
}

function anyPartConfidential(report: InvestigationReport): boolean {
  const groups = report.groups ?? [];
  return (
    groups.some((g) => g.confidential === true || g.results.some((r) => r.confidential === true)) ||
    (report.results ?? []).some((r) => r.confidential === true)
  );
}

function emptyRows(): Rows {
  return Object.fromEntries(TABLE_ORDER.map((t) => [t, []])) as unknown as Rows;
}

function patientRows(data: PatientData, patientSeq: number, rows: Rows): void {
  const { patient, record } = data;
  const pid = patient.id;
  rows.patients.push({
    id: pid,
    seq: patientSeq,
    nhs_number: patient.nhsNumber,
    usual_gp_id: patient.usualGpId ?? null,
    detail: patient,
    ...patientSearchColumns(patient),
    export_keys: exportedResourceKeys(data),
  });
  (record.allergies ?? []).forEach((a, seq) =>
    rows.allergies.push({ ...base(pid, seq, a), resolved: isResolvedAllergy(a), detail: a }),
  );
  (record.medication ?? []).forEach((plan, seq) => {
    const span = medicationActiveSpan(plan);
    // The plan whole, its issues included, as it is read (docs/decisions.md D-PC1); the issue rows serve
    // the by-issue lookups.
    rows.medication_plans.push({
      ...base(pid, seq, plan),
      active_lo: span?.start ?? null,
      active_hi: span?.end ?? null,
      exempt_from_date: isExemptFromMedicationDate(plan),
      detail: plan,
    });
    plan.issues.forEach((issue, issueSeq) =>
      rows.medication_issues.push({
        id: issue.id,
        plan_id: plan.id,
        patient_id: pid,
        seq: issueSeq,
        confidential: issue.confidential === true,
        detail: issue,
      }),
    );
  });
  (record.problems ?? []).forEach((p, seq) =>
    rows.problems.push({ ...base(pid, seq, p), status: p.status, significance: p.significance, detail: p }),
  );
  (record.consultations ?? []).forEach((c, seq) => {
    const start = c.period ? partialDateInterval(c.period.start) : undefined;
    const last = c.period?.end !== undefined ? (partialDateInterval(c.period.end) ?? start) : start;
    rows.consultations.push({
      ...base(pid, seq, { ...c, consultationId: undefined }),
      start_lo: start?.start ?? null,
      start_hi: start?.end ?? null,
      end_lo: last?.start ?? null,
      has_content: hasContent(c),
      detail: c,
    });
  });
  topicLinksOf(data).forEach((link, seq) =>
    rows.topic_problem_links.push({
      patient_id: pid,
      seq,
      consultation_id: link.consultationId,
      problem_id: link.problemId,
      refs: link.refs,
    }),
  );
  withheldItemsOf(data).forEach((w, seq) =>
    rows.withheld_items.push({ patient_id: pid, seq, kind: w.ref.kind, item_id: w.ref.id, reason: w.reason }),
  );
  (record.immunisations ?? []).forEach((i, seq) =>
    rows.immunisations.push({ ...base(pid, seq, i), not_given: i.notGiven === true, detail: i }),
  );
  (record.immunisationStatuses ?? []).forEach((s, seq) =>
    rows.immunisation_statuses.push({
      ...base(pid, seq, s),
      entered_in_error: isEnteredInError('immunisationStatuses', s),
      detail: s,
    }),
  );
  (record.uncategorisedData ?? []).forEach((o, seq) => {
    const span = spanOf(o.effective);
    rows.observations.push({
      ...base(pid, seq, o),
      span_lo: span?.start ?? null,
      span_hi: span?.end ?? null,
      detail: o,
    });
  });
  (record.investigations ?? []).forEach((r, seq) =>
    rows.investigations.push({
      ...base(pid, seq, r),
      issued_on: day(r.issued),
      any_part_confidential: anyPartConfidential(r),
      detail: r,
    }),
  );
  (record.referrals ?? []).forEach((r, seq) => {
    const span = spanOf(r.authored);
    rows.referrals.push({
      ...base(pid, seq, r),
      span_lo: span?.start ?? null,
      span_hi: span?.end ?? null,
      entered_in_error: isEnteredInError('referrals', r),
      detail: r,
    });
  });
  (record.diaryEntries ?? []).forEach((d, seq) => {
    const planned =
      d.planned === undefined ? undefined : typeof d.planned === 'string' ? d.planned : d.planned.start;
    rows.diary_entries.push({
      ...base(pid, seq, d),
      planned_lo: day(planned),
      incomplete: isIncompleteDiaryEntry(d),
      detail: d,
    });
  });
  (record.documents ?? []).forEach((d, seq) => rows.documents.push({ ...base(pid, seq, d), detail: d }));
}

/** The rows of the practice and its actors. */
export function practiceRows(dataset: PracticeDataset): Rows {
  const rows = emptyRows();
  rows.practice.push({
    id: dataset.practice.id,
    ods_code: dataset.practice.odsCode,
    detail: dataset.practice,
  });
  for (const o of dataset.organisations)
    rows.organisations.push({ id: o.id, ods_code: o.odsCode, detail: o });
  for (const p of dataset.practitioners)
    rows.practitioners.push({ id: p.id, sds_user_id: p.sdsUserId ?? null, detail: p });
  for (const l of dataset.locations)
    rows.locations.push({ id: l.id, managing_organisation_id: l.managingOrganisationId ?? null, detail: l });
  for (const s of dataset.healthcareServices ?? []) {
    rows.healthcare_services.push({
      id: s.id,
      provided_by_organisation_id: s.providedByOrganisationId ?? null,
      detail: s,
    });
  }
  for (const d of dataset.devices ?? []) rows.devices.push({ id: d.id, detail: d });
  return rows;
}

/** The rows of some patients; `firstSeq` keeps patient order stable across chunks. */
export function patientsRows(patients: readonly PatientData[], firstSeq: number): Rows {
  const rows = emptyRows();
  patients.forEach((data, i) => patientRows(data, firstSeq + i, rows));
  return rows;
}

/** The reference kind of each table's items, for the withheld check in SQL. */
export const TABLE_KIND = Object.fromEntries(
  Object.entries(AREA_TABLE).map(([area, table]) => [table, AREA_KIND[area as RecordArea]]),
) as Record<string, string>;
