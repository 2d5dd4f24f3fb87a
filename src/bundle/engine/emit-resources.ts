/**
 * Pass 3a: the resources. Key actors first, then every clinical resource once, each in its area's
 * placement group. Free-text consultation notes become Comment note Observations but are not
 * "uncategorised data" (they are in no consultations-* List).
 */
import type { Organization, Practitioner as FhirPractitioner, PractitionerRole, Resource } from 'fhir/r3';

import type { MedicationIssue, MedicationPlan } from '../../record/model';
import { headerOf } from '../../record/model/consultations';
import type { Organisation, Practitioner } from '../../record/model/people';
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
import type { ResourceMemo } from './resource-memo';
import type { BundleState } from './state';

/**
 * Maps through the request's memo when it has one (resource-memo.ts), otherwise afresh. What the memo
 * gives stands in for T: the engine reads only its type and id, and the serialiser its JSON.
 */
function mapper(memo: ResourceMemo | undefined, ctx: MappingContext) {
  const many = (
    item: object,
    slot: string,
    inputs: readonly unknown[],
    build: (ctx: MappingContext) => readonly Resource[],
  ): readonly Resource[] => (memo ? memo.mapped(item, slot, inputs, ctx, build) : build(ctx));
  const one = <T extends Resource>(
    item: object,
    slot: string,
    inputs: readonly unknown[],
    build: (ctx: MappingContext) => T,
  ): T => (memo ? (many(item, slot, inputs, (x) => [build(x)])[0] as T) : build(ctx));
  return { one, many };
}

/** An actor or the patient, which depend on no context: through the request's memo when it has one. */
function actor<T extends Resource | undefined>(
  state: BundleState,
  item: object,
  slot: string,
  inputs: readonly unknown[],
  build: () => T,
): T {
  const memo = state.context.memo;
  return memo ? memo.plain(item, slot, inputs, build) : build();
}

export function emitKeyActors(state: BundleState): void {
  const r = state.record;
  const out = state.out;
  out.add(
    'keyActors',
    actor(state, r.patient, 'patient', [r.practice.id], () => patientResource(r.patient, r.practice.id)),
  );
  out.add('keyActors', organizationResourceOf(state, r.practice));
  const usualGp = r.practitioners.find((p) => p.id === r.patient.usualGpId);
  if (usualGp) {
    out.add('keyActors', practitionerResourceOf(state, usualGp));
    const role = practitionerRoleResourceOf(state, usualGp);
    if (role) out.add('keyActors', role);
  }
}

export const organizationResourceOf = (state: BundleState, org: Organisation): Organization =>
  actor(state, org, 'organisation', [], () => organizationResource(org));

export const practitionerResourceOf = (state: BundleState, p: Practitioner): FhirPractitioner =>
  actor(state, p, 'practitioner', [], () => practitionerResource(p));

export const practitionerRoleResourceOf = (
  state: BundleState,
  p: Practitioner,
): PractitionerRole | undefined => actor(state, p, 'role', [], () => practitionerRoleResource(p));

/** An observation without members: one array, which the memo's input comparison passes at `===`. */
const NO_MEMBERS: readonly string[] = Object.freeze([]);

/** Every clinical resource; returns the resolved allergies, which only the "Ended allergies" List contains. */
export function emitClinical(
  state: BundleState,
  ctx: MappingContext,
  structures: ReadonlyMap<string, ConsultationStructure>,
  links: ReadonlyMap<string, ProblemLinks>,
): Resource[] {
  const { index: ix, out, links: linkState } = state;
  const { one: map, many } = mapper(state.context.memo, ctx);
  for (const c of ix.consultations.values()) {
    // Keyed by the header: a consultation copied per request with other topics (a linked one,
    // narrowed) is the same store consultation to the memo (headerOf).
    const header = headerOf(c);
    out.add(
      'consultations',
      map(header, 'encounter', [], (x) => encounterResource(header, x)),
    );
    const structure = structures.get(c.id);
    if (!structure) continue;
    for (const list of structure.lists) out.add('consultations', list);
    for (const note of structure.notes)
      out.add(
        'consultations',
        map(note, 'note', [header], (x) => commentNoteResource(note, header, x)),
      );
  }
  for (const p of ix.problems.values()) {
    const problemLinks = links.get(p.id)!;
    out.add(
      'problems',
      map(p, 'problem', [problemLinks], (x) => problemResource(p, x, problemLinks)),
    );
  }
  for (const i of ix.immunisations.values())
    out.add(
      'immunisations',
      map(i, 'immunisation', [], (x) => immunizationResource(i, x)),
    );
  for (const s of ix.immunisationStatuses.values())
    out.add(
      'immunisations',
      map(s, 'status', [], (x) => immunisationStatusResource(s, x)),
    );
  const observations = [...ix.observations.values()];
  const members = childObservationIds(observations);
  for (const o of observations) {
    const memberIds = members.get(o.id) ?? NO_MEMBERS;
    out.add(
      'uncategorisedData',
      map(o, 'observation', [memberIds], (x) => observationResource(o, x, memberIds)),
    );
  }
  const contained: Resource[] = [];
  for (const a of ix.allergies.values()) {
    const allergy = map(a, 'allergy', [], (x) => allergyResource(a, x));
    if (a.ended) contained.push(allergy);
    else out.add('allergies', allergy);
  }
  const order = (plan: MedicationPlan, issue: MedicationIssue) =>
    map(issue, 'order', [plan], (x) => medicationOrderResource(plan, issue, x));
  for (const plan of ix.plans.values()) {
    out.add(
      'medication',
      map(plan, 'statement', [], (x) => medicationStatementResource(plan, x)),
    );
    out.add(
      'medication',
      map(plan, 'plan', [], (x) => medicationPlanRequestResource(plan, x)),
    );
    out.add(
      'medication',
      map(plan, 'medication', [], () => medicationResource(plan)),
    );
    for (const issue of plan.issues) {
      if (linkState.issuesToEmit.has(issue.id)) out.add('medication', order(plan, issue));
    }
  }
  for (const report of ix.investigations.values()) {
    const mapped = many(report, 'investigation', [], (x) => {
      const m = investigationResources(report, x);
      return [m.report, ...m.related];
    });
    for (const r of mapped) out.add('investigations', r);
  }
  for (const referral of ix.referrals.values())
    out.add(
      'referrals',
      map(referral, 'referral', [], (x) => referralResource(referral, x)),
    );
  for (const entry of ix.diaryEntries.values()) {
    if (!isCompleted(entry))
      out.add(
        'diaryEntries',
        map(entry, 'diary', [], (x) => diaryEntryResource(entry, x)),
      );
    else if (linkState.diaryAsNote.has(entry.id))
      out.add(
        'consultations',
        map(entry, 'note', [], (x) => completedDiaryEntryNoteResource(entry, x)),
      );
  }
  if (!state.query.documentsDisabled) {
    for (const doc of ix.documents.values())
      out.add(
        'documents',
        map(doc, 'document', [], (x) => documentReferenceResource(doc, x)),
      );
  }
  // Issues a mapper linked to after the medication pass (e.g. a referral's supporting info). Those
  // already in the Bundle are passed over before mapping: `add` would drop them, and mapping one
  // again (every order of a search with prescription issues) only repeated idempotent context calls.
  for (const id of linkState.issuesToEmit) {
    if (out.has('MedicationRequest', id)) continue;
    const found = ix.issues.get(id)!;
    out.add('medication', order(found.plan, found.issue));
  }
  return contained;
}
