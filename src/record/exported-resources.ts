/**
 * The resources a bulk export writes for one patient, as `Type/id` keys: what a consumer that exported
 * this patient holds, so that what an import removes can be told to it as deletions (docs/decisions.md
 * D-SD1, D-SD2). Computed from the domain model at load time (like every derived column), by the same
 * rules the mappers follow for ids (src/bundle/areas/*: each resource takes its item's or part's id;
 * structure Lists derive theirs from the consultation id and position). Where whether a resource is
 * written depends on links (a not-given vaccination or a completed diary entry reached from a
 * consultation, an empty structure List suppressed), the key is kept anyway: a consumer told to delete
 * a resource it never had loses nothing, one never told keeps stale data. Query Lists without an id and the
 * practice's shared actors (Practitioner, Organization, …) are not patient resources and are left out.
 */
import type { PatientData } from './dataset';
import { isResolvedAllergy } from './filters';
import { refKey, refTo } from './item-refs';
import { withheldItemsOf } from './link-hub';
import type { Consultation, ConsultationEntry, InvestigationReport, TestResult } from './model';
import type { Patient } from './model/people';
import { mayBeFound } from './patient-directory';

/** Who may be shared at all (the structured record's patient check, without its error). */
export function patientMayBeShared(patient: Patient): boolean {
  return mayBeFound(patient) && patient.sharingConsent !== 'dissented';
}

function structureKeys(c: Consultation, add: (type: string, id: string) => void): void {
  add('List', `${c.id}-consultation`);
  const notes = (entries: readonly ConsultationEntry[]) => {
    for (const e of entries) if (e.kind === 'note' && e.confidential !== true) add('Observation', e.id);
  };
  c.topics.forEach((topic, i) => {
    const topicId = topic.id ?? `${c.id}-topic-${i + 1}`;
    add('List', topicId);
    if (topic.headings) {
      topic.headings.forEach((heading, j) => {
        add('List', heading.id ?? `${topicId}-heading-${j + 1}`);
        notes(heading.entries);
      });
    } else notes(topic.entries);
  });
}

function investigationKeys(report: InvestigationReport, add: (type: string, id: string) => void): void {
  add('DiagnosticReport', report.id);
  if (report.request) add('ProcedureRequest', report.request.id);
  for (const s of report.specimens ?? []) add('Specimen', s.id);
  const result = (r: TestResult) => {
    if (r.confidential === true) return;
    add('Observation', r.id);
    for (const fc of r.filingComments ?? []) add('Observation', fc.id);
  };
  for (const group of report.groups ?? []) {
    // A confidential group is withheld with everything under it (the investigations mapper).
    if (group.confidential === true) continue;
    add('Observation', group.id);
    for (const fc of group.filingComments ?? []) add('Observation', fc.id);
    group.results.forEach(result);
  }
  (report.results ?? []).forEach(result);
  for (const fc of report.filingComments ?? []) add('Observation', fc.id);
}

/** Every `Type/id` the export writes (or may write) for this patient; none when they may not be shared. */
export function exportedResourceKeys(data: PatientData): string[] {
  const { patient, record } = data;
  if (!patientMayBeShared(patient)) return [];
  const keys = new Set<string>([`Patient/${patient.id}`]);
  const add = (type: string, id: string) => keys.add(`${type}/${id}`);
  // Confidential and entered-in-error items are never shared (docs/spec-notes.md "Confidentiality").
  const withheld = new Set(withheldItemsOf(data).map((w) => refKey(w.ref)));
  const shown = <A extends Parameters<typeof refTo>[0]>(area: A, item: Parameters<typeof refTo<A>>[1]) =>
    !withheld.has(refKey(refTo(area, item)));
  // Ended allergies travel contained in the "Ended allergies" List, never as resources of their own;
  // that List has an id when something refers into it.
  for (const a of record.allergies ?? []) {
    if (!shown('allergies', a)) continue;
    if (!isResolvedAllergy(a)) add('AllergyIntolerance', a.id);
    else add('List', `${patient.id}-ended-allergies`);
  }
  for (const plan of record.medication ?? []) {
    if (!shown('medication', plan)) continue;
    add('MedicationStatement', plan.id);
    add('MedicationRequest', plan.id);
    add('Medication', plan.id);
    for (const issue of plan.issues)
      if (!withheld.has(refKey({ kind: 'medicationIssue', id: issue.id })))
        add('MedicationRequest', issue.id);
  }
  for (const p of record.problems ?? []) if (shown('problems', p)) add('Condition', p.id);
  for (const c of record.consultations ?? []) {
    if (!shown('consultations', c)) continue;
    add('Encounter', c.id);
    structureKeys(c, add);
  }
  for (const i of record.immunisations ?? []) if (shown('immunisations', i)) add('Immunization', i.id);
  for (const s of record.immunisationStatuses ?? [])
    if (shown('immunisationStatuses', s)) add('Observation', s.id);
  for (const o of record.uncategorisedData ?? []) if (shown('uncategorisedData', o)) add('Observation', o.id);
  for (const r of record.investigations ?? []) if (shown('investigations', r)) investigationKeys(r, add);
  for (const r of record.referrals ?? []) if (shown('referrals', r)) add('ReferralRequest', r.id);
  for (const d of record.diaryEntries ?? []) {
    if (!shown('diaryEntries', d)) continue;
    // Planned: a ProcedureRequest; completed or cancelled: a comment note when a consultation names it.
    const completed = d.status === 'completed' || d.status === 'cancelled';
    add(completed ? 'Observation' : 'ProcedureRequest', d.id);
  }
  for (const d of record.documents ?? []) if (shown('documents', d)) add('DocumentReference', d.id);
  return [...keys];
}
