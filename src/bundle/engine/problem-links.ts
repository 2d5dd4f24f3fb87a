/**
 * Pass 2 of the bundle engine: the links ("Retrieve a patient's structured record — Linkages").
 * Consultation structures and problem links decide which orders (issues) come in through links,
 * which completed diary entries become text notes, and what the consultations-* and problems-*
 * secondary Lists hold.
 *
 * A Condition outside the primary Problems list (linked from another area, or a related problem
 * outside the filter) is not expanded: its relatedClinicalContent, actualProblem and
 * relatedProblemHeader keep only the links to resources that are in the Bundle.
 */
import type { Reference } from 'fhir/r3';

import type { Consultation, ItemRef, Problem } from '../../record/model';
import { headerOf } from '../../record/model/consultations';
import {
  type ConsultationStructure,
  consultationStructure,
  type StructureResolver,
} from '../areas/consultations';
import type { ProblemLinks } from '../areas/problems';
import type { MappingContext } from '../mapping-context';
import { RefList } from './grouped-resources';
import { consultationOf, fileRef, refFor, type RefOptions, secondaryKind } from './references';
import type { BundleState } from './state';

function topicRefs(topic: Consultation['topics'][number]): ItemRef[] {
  const entries = topic.headings ? topic.headings.flatMap((h) => h.entries) : topic.entries;
  return entries.filter((e): e is ItemRef => e.kind !== 'note');
}

/**
 * Each primary consultation's structure Lists and notes, filing its links in the consultations-*
 * Lists. With a memo (the memory store), a consultation that is the store's own object (not a copy
 * redaction made for this request) has its Lists remembered (ResourceMemo.structure).
 */
export function consultationStructures(
  state: BundleState,
  ctx: MappingContext,
): Map<string, ConsultationStructure> {
  const structures = new Map<string, ConsultationStructure>();
  const lists = state.links.consultationSecondary;
  const resolver: StructureResolver = {
    item: (link) => {
      const r = refFor(state, link, { expand: true, inConsultation: true });
      if (r) fileRef(lists, secondaryKind(state.index, link), r);
      return r;
    },
    problem: (problemId) => {
      const r = refFor(state, { kind: 'problem', id: problemId }, { expand: true, inConsultation: true });
      if (r) fileRef(lists, 'problems', r);
      return r;
    },
  };
  const memo = state.context.memo;
  for (const c of state.record.consultations?.items ?? []) {
    structures.set(
      c.id,
      memo && headerOf(c) === c
        ? memo.structure(c, ctx, resolver, consultationStructure)
        : consultationStructure(c, ctx, resolver),
    );
  }
  return structures;
}

type NamingTopic = { readonly consultationId: string; readonly topic: Consultation['topics'][number] };

/**
 * The topics of the Bundle's consultations that name each problem, in consultation then topic order:
 * built once per Bundle instead of scanning every consultation for every problem (quadratic in a
 * large record).
 */
function topicsNaming(state: BundleState): Map<string, NamingTopic[]> {
  if (state.topicsByProblem) return state.topicsByProblem;
  const byProblem = new Map<string, NamingTopic[]>();
  for (const c of state.index.consultations.values()) {
    for (const topic of c.topics) {
      for (const id of new Set(topic.problemIds ?? [])) {
        const entry = { consultationId: c.id, topic };
        const list = byProblem.get(id);
        if (list) list.push(entry);
        else byProblem.set(id, [entry]);
      }
    }
  }
  state.topicsByProblem = byProblem;
  return byProblem;
}

/**
 * A problem's links: directly linked items and consultations, the items of topics linked to it and
 * those topics' consultations, and the consultations in which linked items were recorded. A primary
 * problem (`expand`) also files them in the problems-* Lists and writes placeholders.
 */
export function problemLinks(state: BundleState, problem: Problem, expand: boolean): ProblemLinks {
  const options: RefOptions = { expand, inConsultation: false };
  const content = new RefList();
  const recordedIn: string[] = [];
  const file = (link: ItemRef, r: Reference): void => {
    if (expand) fileRef(state.links.problemSecondary, secondaryKind(state.index, link), r);
  };
  const add = (link: ItemRef): void => {
    const r = refFor(state, link, options);
    if (!r) return;
    content.add(r);
    file(link, r);
    const cid = consultationOf(state.index, link);
    if (cid !== undefined) recordedIn.push(cid);
  };
  for (const link of problem.linkedItems ?? []) add(link);
  for (const { consultationId, topic } of topicsNaming(state).get(problem.id) ?? []) {
    add({ kind: 'consultation', id: consultationId });
    for (const link of topicRefs(topic)) if (link.kind !== 'problem') add(link);
  }
  let actualProblem: Reference | undefined;
  const actual = problem.actualProblem;
  if (actual) {
    if (actual.kind === 'investigation')
      add(actual); // the report, through relatedClinicalContent
    else {
      actualProblem = refFor(state, actual, options);
      if (actualProblem) {
        file(actual, actualProblem);
        const cid = consultationOf(state.index, actual);
        if (cid !== undefined) recordedIn.push(cid);
      }
    }
  }
  for (const cid of recordedIn) add({ kind: 'consultation', id: cid });
  const relatedProblems = (problem.relatedProblems ?? []).flatMap((rp) => {
    const target = refFor(
      state,
      { kind: 'problem', id: rp.problemId },
      { expand: false, inConsultation: false },
    );
    return target ? [{ type: rp.type, target }] : [];
  });
  return {
    ...(actualProblem && { actualProblem }),
    relatedProblems,
    relatedClinicalContent: content.values(),
  };
}

/**
 * Every problem's links: primary problems first (they expand), then the issues a medication request
 * asks for, then the problems reached only through links.
 */
export function allProblemLinks(state: BundleState): Map<string, ProblemLinks> {
  const links = new Map<string, ProblemLinks>();
  for (const p of state.record.problems?.items ?? []) links.set(p.id, problemLinks(state, p, true));
  if (state.query.medication?.includePrescriptionIssues ?? false) {
    for (const plan of state.record.medication?.items ?? []) {
      for (const issue of plan.issues) state.links.issuesToEmit.add(issue.id);
    }
  }
  for (const p of state.index.problems.values())
    if (!links.has(p.id)) links.set(p.id, problemLinks(state, p, false));
  return links;
}
