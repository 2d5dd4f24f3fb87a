/**
 * The link hub a store derives from a patient's record once (at load, or when written): the
 * consultation topics that name a problem, and the items never shared (confidential, entered in
 * error). Every store answers CandidateRound.topicLinks and .withheld from these, so they agree.
 */
import type { PatientData } from './dataset';
import { type AreaItem, consultationRefs, RECORD_AREAS, type RecordArea, refTo } from './item-refs';
import type { TopicLink, WithheldItem } from './source';

/** Every topic that names a problem, with the refs filed under it. */
export function topicLinksOf(data: PatientData): TopicLink[] {
  const links: TopicLink[] = [];
  for (const consultation of data.record.consultations ?? []) {
    for (const topic of consultation.topics) {
      if (!topic.problemIds || topic.problemIds.length === 0) continue;
      const refs = consultationRefs({ ...consultation, topics: [{ ...topic, problemIds: [] }] });
      for (const problemId of topic.problemIds)
        links.push({ consultationId: consultation.id, problemId, refs });
    }
  }
  return links;
}

/** Every confidential or entered-in-error item of a record; a confidential plan's issues too. */
export function withheldItemsOf(data: PatientData): WithheldItem[] {
  const withheld: WithheldItem[] = [];
  for (const area of RECORD_AREAS) {
    for (const item of (data.record[area] ?? []) as readonly AreaItem<RecordArea>[]) {
      const ref = refTo(area, item);
      if (item.confidential === true) withheld.push({ ref, reason: 'confidential' });
      else if ('status' in item && item.status === 'entered-in-error')
        withheld.push({ ref, reason: 'enteredInError' });
      else if ('enteredInError' in item && item.enteredInError === true)
        withheld.push({ ref, reason: 'enteredInError' });
      if (area === 'medication' && 'issues' in item) {
        for (const issue of item.issues) {
          if (item.confidential === true || issue.confidential === true) {
            withheld.push({ ref: { kind: 'medicationIssue', id: issue.id }, reason: 'confidential' });
          }
        }
      }
    }
  }
  return withheld;
}
