/**
 * Builds a primary or secondary query List (List page): no id, status current, mode
 * snapshot, exact title and code, one note joining every warning text and the empty-list text.
 */
import type { List, Reference } from 'fhir/r3';

import { PROFILE } from '../fhir/profiles';
import {
  CLINICAL_SETTING_EXTENSION,
  EMPTY_LIST_NOTE,
  EMPTY_REASON,
  type ListDefinition,
  type ListWarning,
  WARNING_CODE_EXTENSION,
  warningNote,
} from './list-definitions';

export interface QueryListInput {
  readonly definition: ListDefinition;
  /**
   * Query lists carry no id (Bundle page). The one exception is the "Ended allergies" List when resources
   * outside it reference a resolved allergy it contains (`List/<id>#<allergy id>`, docs/decisions.md).
   */
  readonly id?: string;
  readonly patientId: string;
  /** The response time, repeated on every query list. */
  readonly date: string;
  readonly entries: readonly Reference[];
  readonly warnings: readonly ListWarning[];
  readonly contained?: List['contained'];
}

const ORDERED_BY = {
  coding: [{ system: 'http://hl7.org/fhir/list-order', code: 'event-date', display: 'Sorted by Event Date' }],
};

export function queryList(input: QueryListInput): List {
  const { definition, entries, warnings } = input;
  const notes = warnings.map(warningNote);
  if (entries.length === 0) notes.push(EMPTY_LIST_NOTE);
  return {
    resourceType: 'List',
    ...(input.id !== undefined && { id: input.id }),
    meta: { profile: [PROFILE.list] },
    extension: [
      CLINICAL_SETTING_EXTENSION,
      ...warnings.map((w) => ({ url: WARNING_CODE_EXTENSION, valueCode: w.code })),
    ],
    ...(input.contained && input.contained.length > 0 && { contained: input.contained }),
    status: 'current',
    mode: 'snapshot',
    title: definition.title,
    code: { coding: [{ ...definition.code }] },
    subject: { reference: `Patient/${input.patientId}` },
    date: input.date,
    orderedBy: ORDERED_BY,
    ...(notes.length > 0 && { note: [{ text: notes.join(' ') }] }),
    ...(entries.length > 0 ? { entry: entries.map((item) => ({ item })) } : { emptyReason: EMPTY_REASON }),
  };
}

/** What the JSON writer is given: the subject and date are the writer's, one per request. */
export type QueryListParts = Omit<QueryListInput, 'patientId' | 'date'>;

/**
 * JSON.stringify of a string, without the call for the usual text: none of the quote, backslash,
 * control characters and surrogates, which JSON.stringify escapes or checks.
 */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The parts every query List writes alike, written by JSON.stringify once (on first use). */
interface Constant {
  /** From `meta` to the clinical-setting extension, the extension array left open. */
  readonly head: string;
  readonly warningUrl: string;
  readonly emptyReason: string;
  readonly orderedBy: string;
}
let constant: Constant | undefined;
/** Per definition: `,"status":…,"mode":…,"title":…,"code":{…}`, as queryList writes them. */
const statusToCode = new WeakMap<ListDefinition, string>();

function constantParts(): Constant {
  return (constant ??= {
    head: `,"meta":${JSON.stringify({ profile: [PROFILE.list] })},"extension":[${JSON.stringify(CLINICAL_SETTING_EXTENSION)}`,
    warningUrl: `,{"url":${JSON.stringify(WARNING_CODE_EXTENSION)},"valueCode":`,
    emptyReason: `,"emptyReason":${JSON.stringify(EMPTY_REASON)}}`,
    orderedBy: JSON.stringify(ORDERED_BY),
  });
}

function definitionPart(definition: ListDefinition): string {
  let part = statusToCode.get(definition);
  if (part === undefined) {
    // From queryList's own List, so the two cannot drift apart.
    const { status, mode, title, code } = queryList({
      definition,
      patientId: '',
      date: '',
      entries: [],
      warnings: [],
    });
    part = `,${JSON.stringify({ status, mode, title, code }).slice(1, -1)}`;
    statusToCode.set(definition, part);
  }
  return part;
}

/** A reference's JSON: a plain `{ reference }` written directly, anything else by JSON.stringify. */
function referenceJson(r: Reference): string {
  if (typeof r.reference !== 'string' || Object.getPrototypeOf(r) !== Object.prototype)
    return JSON.stringify(r);
  // Its only key must be `reference` (for-in: no array of keys made).
  let keys = 0;
  for (const key in r) if (++keys > 1 || key !== 'reference') return JSON.stringify(r);
  return `{"reference":${quote(r.reference)}}`;
}

/**
 * Query Lists of one request as JSON text, each exactly JSON.stringify(queryList(input)) (same keys,
 * same order): the parts every List of a definition shares are written once per process, the
 * subject and date once per request, and the rest as text, without the List object. For answers
 * written as JSON (docs/decisions.md D-LJ2); a List needed as an object (FHIR XML, the bulk export)
 * is built by queryList.
 */
export function queryListWriter(patientId: string, date: string): (parts: QueryListParts) => string {
  const c = constantParts();
  const subjectToOrderedBy = `,"subject":{"reference":${quote(`Patient/${patientId}`)}},"date":${quote(date)},"orderedBy":${c.orderedBy}`;
  return ({ definition, id, entries, warnings, contained }) => {
    let text = '{"resourceType":"List"';
    if (id !== undefined) text += `,"id":${quote(id)}`;
    text += c.head;
    for (const w of warnings) text += `${c.warningUrl}${quote(w.code)}}`;
    text += ']';
    if (contained && contained.length > 0) text += `,"contained":${JSON.stringify(contained)}`;
    text += definitionPart(definition) + subjectToOrderedBy;
    const notes = warnings.map(warningNote);
    if (entries.length === 0) notes.push(EMPTY_LIST_NOTE);
    if (notes.length > 0) text += `,"note":[{"text":${quote(notes.join(' '))}}]`;
    if (entries.length === 0) return text + c.emptyReason;
    text += ',"entry":[';
    for (let i = 0; i < entries.length; i++)
      text += `${i > 0 ? ',' : ''}{"item":${referenceJson(entries[i])}}`;
    return `${text}]}`;
  };
}
