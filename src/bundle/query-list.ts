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
    orderedBy: {
      coding: [
        { system: 'http://hl7.org/fhir/list-order', code: 'event-date', display: 'Sorted by Event Date' },
      ],
    },
    ...(notes.length > 0 && { note: [{ text: notes.join(' ') }] }),
    ...(entries.length > 0 ? { entry: entries.map((item) => ({ item })) } : { emptyReason: EMPTY_REASON }),
  };
}
