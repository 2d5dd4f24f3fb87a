/**
 * The bundle engine (Retrieve a patient’s structured record — Payload response body; List page; Linkages;
 * docs/spec-notes.md "Confidentiality"; Configuration for supported clinical areas): takes what the store loaded for one
 * request (PatientRecord: primary-list items, linked items, what was withheld) and writes the
 * GP Connect structured Bundle: key actors, one primary List per requested area, the "Ended
 * allergies" List, the single linked-problems List, the consultations-* and problems-* secondary
 * Lists, consultation structure Lists, every clinical resource once, the actors they reference, and
 * one OperationOutcome for the warnings.
 *
 * It works in three passes over one request's state (engine/state.ts), so that every reference it
 * writes resolves:
 * 1. index (engine/item-index.ts): every item the store returned (primary lists first, then linked
 *    items) by kind and id; all of them go into the Bundle;
 * 2. links (engine/problem-links.ts, through engine/references.ts): consultation structures and
 *    problem links, which decide the orders (issues) that come in through links, the completed diary
 *    entries that become text notes, and whether a resolved allergy is referenced from outside its List;
 * 3. emit (engine/emit-*.ts): resources, lists, actors and warnings, placed in Bundle order
 *    (engine/grouped-resources.ts).
 *
 * Decisions (docs/decisions.md, "Bundle"):
 * - Ended allergies (Allergies guidance — ended allergies; docs/decisions.md): a resolved allergy is only
 * ever `contained` in the "Ended
 *   allergies" List, whose entries reference it as `#<id>`. When something outside that List refers
 *   to it (a problem's relatedClinicalContent/actualProblem, a consultation Topic or Heading, the
 *   consultations-/problems- "allergies that have been ended" secondary Lists) the List gets an id,
 *   `<patient id>-ended-allergies`, and those references are `List/<that id>#<allergy id>` (the
 *   form NHS consumers such as the GP2GP adaptor resolve). Without outside references the List keeps
 *   no id, as the Bundle page asks of query Lists.
 * - Encounter references (`context`, the allergy's associatedEncounter, Condition.context, …) are
 *   written only when that consultation's Encounter is in the Bundle; otherwise left out (never a
 *   dangling reference, never an Encounter pulled in just for a context link).
 * - A Condition outside the primary Problems list (linked from another area, or a related problem
 * outside the filter) is not expanded (Problems guidance; Linkages — FHIR profiles returned on query): its
 * relatedClinicalContent, actualProblem and
 *   relatedProblemHeader keep only the links to resources that are in the Bundle. Every such
 *   Condition is referenced from the one linked-problems List.
 * - Links into switched-off areas from returned consultations and from primary problems (and from
 *   mappers' `ctx.item`) become `{ display: "<Area> items have been disabled" }` and add one
 * "… has been disabled" warning per area (Configuration for supported clinical areas); links into nothing
 * (withheld, out of scope) are
 *   left out.
 * - Free-text consultation notes become Comment note Observations but are not "uncategorised data":
 *   they are in no consultations-* secondary List (Uncategorised data guidance).
 * - Ordering (Retrieve a patient’s structured record — Bundle population illustrated): key actors,
 * consultations, problems, immunisations, uncategorised data,
 *   allergies, medication, supplementary actors, OperationOutcome, investigations, referrals, diary
 *   entries, documents; Lists first within each group; items in store order (primary, then linked).
 */
import type { Bundle, FhirResource } from 'fhir/r3';

import type { StructuredQuery } from '../contract/structured-query';
import { PROFILE } from '../fhir/profiles';
import type { PatientRecord } from '../record/model/loaded-record';
import { emitActors } from './engine/emit-actors';
import { emitLists } from './engine/emit-lists';
import { emitClinical, emitKeyActors } from './engine/emit-resources';
import { emitWarnings } from './engine/emit-warnings';
import { allProblemLinks, consultationStructures } from './engine/problem-links';
import { mappingContext } from './engine/references';
import { type BundleContext, newBundleState } from './engine/state';

export type { BundleContext } from './engine/state';

export function buildBundle(record: PatientRecord, query: StructuredQuery, context: BundleContext): Bundle {
  const state = newBundleState(record, query, context);
  const ctx = mappingContext(state);
  emitKeyActors(state);
  const structures = consultationStructures(state, ctx);
  const links = allProblemLinks(state);
  const contained = emitClinical(state, ctx, structures, links);
  emitLists(state, contained);
  emitActors(state);
  emitWarnings(state);
  return {
    resourceType: 'Bundle',
    id: context.traceId,
    meta: { profile: [PROFILE.bundle] },
    type: 'collection',
    entry: state.out.all().map((resource) => ({ resource: resource as FhirResource })),
  };
}
