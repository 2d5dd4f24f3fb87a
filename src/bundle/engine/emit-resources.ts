/**
 * Pass 3a: the resources. Key actors first, then every clinical resource once, each in its area's
 * placement group. Free-text consultation notes become Comment note Observations but are not
 * "uncategorised data" (they are in no consultations-* List).
 */
import type { Resource } from 'fhir/r3';

import {
  organizationResource,
  patientResource,
  practitionerResource,
  practitionerRoleResource,
} from '../actors';
import { allergyResource } from '../areas/allergies';
import {
  commentNoteResource,
  completedDiaryEntryNoteResource,
  type ConsultationStructure,
  encounterResource,
} from '../areas/consultations';
import { diaryEntryResource } from '../areas/diary';
import { documentReferenceResource } from '../areas/documents';
import { immunisationStatusResource, immunizationResource } from '../areas/immunisations';
import { investigationResources } from '../areas/investigations';
import {
  medicationOrderResource,
  medicationPlanRequestResource,
  medicationResource,
  medicationStatementResource,
} from '../areas/medication';
import { childObservationIds, observationResource } from '../areas/observations';
import { type ProblemLinks, problemResource } from '../areas/problems';
import { referralResource } from '../areas/referrals';
import type { MappingContext } from '../mapping-context';
import { isCompleted } from './item-index';
import type { BundleState } from './state';

export function emitKeyActors(state: BundleState): void {
  const r = state.record;
  const out = state.out;
  out.add('keyActors', patientResource(r.patient, r.practice.id));
  out.add('keyActors', organizationResource(r.practice));
  const usualGp = r.practitioners.find((p) => p.id === r.patient.usualGpId);
  if (usualGp) {
    out.add('keyActors', practitionerResource(usualGp));
    const role = practitionerRoleResource(usualGp);
    if (role) out.add('keyActors', role);
  }
}

/** Every clinical resource; returns the resolved allergies, which only the "Ended allergies" List contains. */
export function emitClinical(
  state: BundleState,
  ctx: MappingContext,
  structures: ReadonlyMap<string, ConsultationStructure>,
  links: ReadonlyMap<string, ProblemLinks>,
): Resource[] {
  const { index: ix, out, links: linkState } = state;
  for (const c of ix.consultations.values()) {
    out.add('consultations', encounterResource(c, ctx));
    const structure = structures.get(c.id);
    if (!structure) continue;
    for (const list of structure.lists) out.add('consultations', list);
    for (const note of structure.notes) out.add('consultations', commentNoteResource(note, c, ctx));
  }
  for (const p of ix.problems.values()) out.add('problems', problemResource(p, ctx, links.get(p.id)!));
  for (const i of ix.immunisations.values()) out.add('immunisations', immunizationResource(i, ctx));
  for (const s of ix.immunisationStatuses.values())
    out.add('immunisations', immunisationStatusResource(s, ctx));
  const observations = [...ix.observations.values()];
  const members = childObservationIds(observations);
  for (const o of observations)
    out.add('uncategorisedData', observationResource(o, ctx, members.get(o.id) ?? []));
  const contained: Resource[] = [];
  for (const a of ix.allergies.values()) {
    if (a.ended) contained.push(allergyResource(a, ctx));
    else out.add('allergies', allergyResource(a, ctx));
  }
  for (const plan of ix.plans.values()) {
    out.add('medication', medicationStatementResource(plan, ctx));
    out.add('medication', medicationPlanRequestResource(plan, ctx));
    out.add('medication', medicationResource(plan));
    for (const issue of plan.issues) {
      if (linkState.issuesToEmit.has(issue.id))
        out.add('medication', medicationOrderResource(plan, issue, ctx));
    }
  }
  for (const report of ix.investigations.values()) {
    const mapped = investigationResources(report, ctx);
    out.add('investigations', mapped.report);
    for (const r of mapped.related) out.add('investigations', r);
  }
  for (const referral of ix.referrals.values()) out.add('referrals', referralResource(referral, ctx));
  for (const entry of ix.diaryEntries.values()) {
    if (!isCompleted(entry)) out.add('diaryEntries', diaryEntryResource(entry, ctx));
    else if (linkState.diaryAsNote.has(entry.id))
      out.add('consultations', completedDiaryEntryNoteResource(entry, ctx));
  }
  if (!state.query.documentsDisabled) {
    for (const doc of ix.documents.values()) out.add('documents', documentReferenceResource(doc, ctx));
  }
  // Issues a mapper linked to after the medication pass (e.g. a referral's supporting info).
  for (const id of linkState.issuesToEmit) {
    const found = ix.issues.get(id)!;
    out.add('medication', medicationOrderResource(found.plan, found.issue, ctx));
  }
  return contained;
}
