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

import type { Consultation, ItemRef, Problem, RelatedProblem } from '../../record/model';
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

/** One problem's links as problemLinks gathers them (one object per problem, no closures). */
interface Gathering {
  readonly state: BundleState;
  /** A primary problem: its links are filed in the problems-* Lists and placeholders written. */
  readonly expand: boolean;
  readonly options: RefOptions;
  readonly content: RefList;
  /** The consultations the linked items were recorded in, added after the other links. */
  readonly recordedIn: string[];
  /**
   * Consultations already added: one is reached again through each of its topics and each item
   * recorded in it, and adding it again changes nothing (same reference, deduplicated).
   */
  readonly consultations: Set<string>;
}

function addLink(g: Gathering, link: ItemRef): void {
  const r = refFor(g.state, link, g.options);
  if (!r) return;
  g.content.add(r);
  if (g.expand) fileRef(g.state.links.problemSecondary, secondaryKind(g.state.index, link), r);
  const cid = consultationOf(g.state.index, link);
  if (cid !== undefined) g.recordedIn.push(cid);
}

function addConsultation(g: Gathering, id: string): void {
  if (g.consultations.has(id)) return;
  g.consultations.add(id);
  addLink(g, { kind: 'consultation', id });
}

/** A topic's item links other than problems (notes are not links), in heading then entry order. */
function addTopicItems(g: Gathering, topic: Consultation['topics'][number]): void {
  if (topic.headings) {
    for (const heading of topic.headings)
      for (const e of heading.entries) if (e.kind !== 'note' && e.kind !== 'problem') addLink(g, e);
  } else {
    for (const e of topic.entries) if (e.kind !== 'note' && e.kind !== 'problem') addLink(g, e);
  }
}

/**
 * A problem's links: directly linked items and consultations, the items of topics linked to it and
 * those topics' consultations, and the consultations in which linked items were recorded. A primary
 * problem (`expand`) also files them in the problems-* Lists and writes placeholders.
 */
export function problemLinks(state: BundleState, problem: Problem, expand: boolean): ProblemLinks {
  const g: Gathering = {
    state,
    expand,
    options: expand ? EXPAND : NO_EXPAND,
    content: new RefList(),
    recordedIn: [],
    consultations: new Set(),
  };
  for (const link of problem.linkedItems ?? []) {
    if (link.kind === 'consultation') addConsultation(g, link.id);
    else addLink(g, link);
  }
  for (const { consultationId, topic } of topicsNaming(state).get(problem.id) ?? []) {
    addConsultation(g, consultationId);
    addTopicItems(g, topic);
  }
  let actualProblem: Reference | undefined;
  const actual = problem.actualProblem;
  if (actual) {
    if (actual.kind === 'investigation')
      addLink(g, actual); // the report, through relatedClinicalContent
    else {
      actualProblem = refFor(state, actual, g.options);
      if (actualProblem) {
        if (expand) fileRef(state.links.problemSecondary, secondaryKind(state.index, actual), actualProblem);
        const cid = consultationOf(state.index, actual);
        if (cid !== undefined) g.recordedIn.push(cid);
      }
    }
  }
  for (const cid of g.recordedIn) addConsultation(g, cid);
  const relatedProblems: { type: RelatedProblem['type']; target: Reference }[] = [];
  for (const rp of problem.relatedProblems ?? []) {
    const target = refFor(state, { kind: 'problem', id: rp.problemId }, NO_EXPAND);
    if (target) relatedProblems.push({ type: rp.type, target });
  }
  return {
    ...(actualProblem && { actualProblem }),
    relatedProblems,
    relatedClinicalContent: g.content.values(),
  };
}

const EXPAND: RefOptions = { expand: true, inConsultation: false };
const NO_EXPAND: RefOptions = { expand: false, inConsultation: false };

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
