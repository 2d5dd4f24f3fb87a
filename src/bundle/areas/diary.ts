/** Diary (recall) entries, medication reviews included (Diary entries guidance; ProcedureRequest (diary
 * entry) page). */
import type { ProcedureRequest } from 'fhir/r3';

import type { DiaryEntry } from '../../record/model';
import type { MappingContext } from '../mapping-context';
import { clinicalMeta, conceptCodeableConcept, isPeriod, noteElement, notes, period } from './coding';
import { AREA_PROFILE } from './urls';

/** SNOMED 314529007, which a medication review MAY use (ProcedureRequest (diary entry) page). */
export const MEDICATION_REVIEW_DUE = { code: '314529007', display: 'Medication review due' } as const;

function occurrence(entry: DiaryEntry): Pick<ProcedureRequest, 'occurrenceDateTime' | 'occurrencePeriod'> {
  if (entry.planned === undefined) return {};
  return isPeriod(entry.planned)
    ? { occurrencePeriod: period(entry.planned) }
    : { occurrenceDateTime: entry.planned };
}

/**
 * A diary entry: status `active`, intent `plan`, requester = the recorder, or the Device/Organization of
 * a system-generated entry. Not used (so never written): priority, doNotPerform, category, asNeeded,
 * requester.onBehalfOf, performerType, performer, reasonReference, specimen, bodySite, relevantHistory.
 * Only incomplete entries are the diary search's; the mapper writes `active` whatever it is given.
 */
export function diaryEntryResource(item: DiaryEntry, ctx: MappingContext): ProcedureRequest {
  const context = ctx.encounter(item.consultationId);
  const supporting = (item.supportingInfo ?? []).map((link) => ctx.item(link));
  return {
    resourceType: 'ProcedureRequest',
    id: item.id,
    meta: clinicalMeta(AREA_PROFILE.procedureRequest),
    identifier: [ctx.identifier(item.id, item.guid)],
    status: 'active',
    intent: 'plan',
    code: conceptCodeableConcept(item.code),
    subject: ctx.patient,
    ...(context && { context }),
    ...occurrence(item),
    authoredOn: item.recorded,
    requester: { agent: item.requester ? ctx.actor(item.requester) : ctx.practitioner(item.recorderId) },
    ...(item.reasons && item.reasons.length > 0 && { reasonCode: item.reasons.map(conceptCodeableConcept) }),
    ...(supporting.length > 0 && { supportingInfo: supporting }),
    ...noteElement(notes(undefined, item.note)),
  };
}
