/**
 * Consultations (List page — consultation structure; Consultations guidance; Encounter page; Observation
 * pages; Linkages — FHIR profiles returned on query): the Encounter, the structure Lists (Consultation →
 * Topic → Heading, or a flat Topic holding items), and the free-text "Comment note" Observations that exist
 * only inside a consultation.
 */
import type {
  CodeableConcept,
  Encounter,
  EncounterParticipant,
  List,
  ListEntry,
  Observation,
  Reference,
} from 'fhir/r3';

import { instantMs } from '../../fhir/dates';
import { PROFILE } from '../../fhir/profiles';
import type {
  Consultation,
  ConsultationEntry,
  ConsultationHeader,
  ConsultationNote,
  DiaryEntry,
  ItemRef,
  Timestamp,
} from '../../record/model';
import { CORE_PROFILE, CORE_SYSTEM } from '../core-urls';
import { STRUCTURE_LIST_CODES } from '../list-definitions';
import type { MappingContext } from '../mapping-context';
import { clinicalMeta, conceptCodeableConcept, effective, isCoded, snomedConcept } from './coding';
import { COMMENT_NOTE } from './observations';
import { relatedProblemHeaderExtension } from './problems';

const STRUCTURE_ORDER = {
  coding: [{ system: CORE_SYSTEM.listOrder, code: 'system', display: 'Sorted by System' }],
};

/** When the consultation was last edited: the `date` of every structure List (List page — consultation
 * structure). */
export function lastEdited(c: ConsultationHeader): Timestamp {
  return c.lastEdited ?? c.recorded;
}

function participantType(system: string, code: string, display: string): CodeableConcept[] {
  return [{ coding: [{ system, code, display }] }];
}

/** Minutes between start and end when both carry a time (→ Encounter.length). */
function lengthInMinutes(start: string, end: string | undefined): number | undefined {
  if (end === undefined || start.length <= 10 || end.length <= 10) return undefined;
  const ms = instantMs(end) - instantMs(start);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 60000) : undefined;
}

/** From the header only (no topics): the memo keys it by the store's consultation (headerOf). */
export function encounterResource(c: ConsultationHeader, ctx: MappingContext): Encounter {
  const participant: EncounterParticipant[] = [
    {
      type: participantType(CORE_SYSTEM.gpcParticipantType, 'REC', 'recorder'),
      individual: ctx.practitioner(c.recorderId),
    },
    ...(c.performerId !== undefined
      ? [
          {
            type: participantType(CORE_SYSTEM.v3ParticipationType, 'PPRF', 'primary performer'),
            individual: ctx.practitioner(c.performerId),
          },
        ]
      : []),
    ...(c.participantIds ?? []).map((id) => ({
      type: participantType(CORE_SYSTEM.v3ParticipationType, 'PART', 'Participation'),
      individual: ctx.practitioner(id),
    })),
  ];
  const minutes = c.period ? lengthInMinutes(c.period.start, c.period.end) : undefined;
  return {
    resourceType: 'Encounter',
    id: c.id,
    meta: clinicalMeta(CORE_PROFILE.encounter),
    identifier: [ctx.identifier(c.id, c.guid)],
    status: c.draft ? 'unknown' : 'finished',
    type: [conceptCodeableConcept(c.type)],
    subject: ctx.patient,
    participant,
    ...(c.period && {
      period: { start: c.period.start, ...(c.period.end !== undefined && { end: c.period.end }) },
    }),
    ...(minutes !== undefined && {
      length: { value: minutes, unit: 'min', system: CORE_SYSTEM.ucum, code: 'min' },
    }),
    ...(c.locationId !== undefined && { location: [{ location: ctx.location(c.locationId) }] }),
    serviceProvider: ctx.organisation(c.organisationId ?? ctx.practiceId),
  };
}

/** A free-text note as a "Comment note" Observation (Observation pages: status final, comment, performer,
 * issued). */
export function commentNoteResource(
  note: ConsultationNote,
  c: ConsultationHeader,
  ctx: MappingContext,
): Observation {
  const encounter = ctx.encounter(c.id);
  return {
    resourceType: 'Observation',
    id: note.id,
    meta: clinicalMeta(CORE_PROFILE.observation),
    identifier: [ctx.identifier(note.id, note.guid)],
    status: 'final',
    code: snomedConcept(COMMENT_NOTE.code, COMMENT_NOTE.display),
    subject: ctx.patient,
    ...(encounter && { context: encounter }),
    ...(c.period && { effectiveDateTime: c.period.start }),
    issued: note.recorded ?? lastEdited(c),
    performer: [ctx.practitioner(note.recorderId ?? c.performerId ?? c.recorderId)],
    comment: note.text,
  };
}

/**
 * A completed or cancelled diary entry referenced from a consultation: out of the diary search's scope,
 * so it comes out as a text-only comment-note Observation holding its full text (Linkages — FHIR profiles
 * returned on query).
 */
export function completedDiaryEntryNoteResource(entry: DiaryEntry, ctx: MappingContext): Observation {
  const encounter = ctx.encounter(entry.consultationId);
  const what = isCoded(entry.code) ? entry.code.display : entry.code.text;
  const planned =
    entry.planned === undefined
      ? undefined
      : typeof entry.planned === 'string'
        ? entry.planned
        : entry.planned.start;
  const text = [
    `Diary entry (${entry.status ?? 'completed'}): ${what}`,
    ...(planned !== undefined ? [`Planned: ${planned}`] : []),
    ...(entry.reasons ?? []).map((r) => `Reason: ${isCoded(r) ? r.display : r.text}`),
    ...(entry.note ? [entry.note] : []),
  ].join('\n');
  return {
    resourceType: 'Observation',
    id: entry.id,
    meta: clinicalMeta(CORE_PROFILE.observation),
    identifier: [ctx.identifier(entry.id, entry.guid)],
    status: 'final',
    code: snomedConcept(COMMENT_NOTE.code, COMMENT_NOTE.display),
    subject: ctx.patient,
    ...(encounter && { context: encounter }),
    ...effective(planned),
    issued: entry.recorded,
    performer: [ctx.practitioner(entry.recorderId)],
    comment: text,
  };
}

/** How the engine turns structure content into references (null: leave the entry out). */
export interface StructureResolver {
  /** A clinical item: a reference, the disabled placeholder, or undefined (not in this Bundle). */
  item(ref: ItemRef): Reference | undefined;
  /** A topic's problem: a Condition reference, the disabled placeholder, or undefined. */
  problem(problemId: string): Reference | undefined;
}

export interface ConsultationStructure {
  /** The Consultation List, then each Topic List followed by its Heading Lists. Empty when nothing is left. */
  readonly lists: List[];
  /** The free-text notes referenced from the lists, for the engine to emit as comment notes. */
  readonly notes: ConsultationNote[];
}

/** Notes first (Observation pages: a comment note is always the first item under its heading), otherwise
 * display order. */
function notesFirst(entries: readonly ConsultationEntry[]): ConsultationEntry[] {
  return [...entries.filter((e) => e.kind === 'note'), ...entries.filter((e) => e.kind !== 'note')];
}

/**
 * The structure Lists of one returned consultation (List page — consultation structure): ids on every level
 * (derived from the consultation id and position when the record has none), encounter, date and orderedBy
 * system on every level, no warnings, no note. Empty headings, topics and consultations are suppressed.
 */
export function consultationStructure(
  c: Consultation,
  ctx: MappingContext,
  resolver: StructureResolver,
): ConsultationStructure {
  const encounter: Reference = ctx.encounter(c.id) ?? { reference: `Encounter/${c.id}` };
  const date = lastEdited(c);
  const notes: ConsultationNote[] = [];
  const structureList = (
    id: string,
    level: keyof typeof STRUCTURE_LIST_CODES,
    title: string | undefined,
    entries: Reference[],
    extension?: List['extension'],
  ): List => ({
    resourceType: 'List',
    id,
    meta: { profile: [PROFILE.list] },
    ...(extension && extension.length > 0 && { extension }),
    status: 'current',
    mode: 'snapshot',
    ...(title !== undefined && { title }),
    code: { coding: [{ ...STRUCTURE_LIST_CODES[level] }] },
    subject: ctx.patient,
    encounter,
    date,
    orderedBy: STRUCTURE_ORDER,
    entry: entries.map((item): ListEntry => ({ item })),
  });
  const resolveEntries = (
    entries: readonly ConsultationEntry[],
  ): { refs: Reference[]; notes: ConsultationNote[] } => {
    const refs: Reference[] = [];
    const found: ConsultationNote[] = [];
    for (const entry of notesFirst(entries)) {
      if (entry.kind === 'note') {
        // Withheld like any confidential item (docs/spec-notes.md "Confidentiality").
        if (entry.confidential) continue;
        refs.push({ reference: `Observation/${entry.id}` });
        found.push(entry);
        continue;
      }
      const ref = resolver.item(entry);
      if (ref) refs.push(ref);
    }
    return { refs, notes: found };
  };

  const topicLists: List[][] = [];
  c.topics.forEach((topic, i) => {
    const topicId = topic.id ?? `${c.id}-topic-${i + 1}`;
    const problemExtensions = (topic.problemIds ?? [])
      .map((id) => resolver.problem(id))
      .filter((r): r is Reference => r !== undefined)
      .map((target) => relatedProblemHeaderExtension(target, 'sibling'));
    let entries: Reference[];
    const headingLists: List[] = [];
    const topicNotes: ConsultationNote[] = [];
    if (topic.headings) {
      topic.headings.forEach((heading, j) => {
        const resolved = resolveEntries(heading.entries);
        if (resolved.refs.length === 0) return;
        const headingId = heading.id ?? `${topicId}-heading-${j + 1}`;
        headingLists.push(structureList(headingId, 'heading', heading.title, resolved.refs));
        topicNotes.push(...resolved.notes);
      });
      entries = headingLists.map((h) => ({ reference: `List/${h.id}` }));
    } else {
      const resolved = resolveEntries(topic.entries);
      entries = resolved.refs;
      topicNotes.push(...resolved.notes);
    }
    if (entries.length === 0) return;
    notes.push(...topicNotes);
    topicLists.push([
      structureList(topicId, 'topic', topic.title, entries, problemExtensions),
      ...headingLists,
    ]);
  });
  if (topicLists.length === 0) return { lists: [], notes: [] };
  const title = isCoded(c.type) ? c.type.display : c.type.text;
  const consultationList = structureList(
    `${c.id}-consultation`,
    'consultation',
    title,
    topicLists.map((t) => ({ reference: `List/${t[0].id}` })),
  );
  return { lists: [consultationList, ...topicLists.flat()], notes };
}
