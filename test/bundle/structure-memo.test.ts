/**
 * Consultation structure Lists remembered across requests (ResourceMemo.structure, docs/decisions.md
 * D-LJ1): the answer through the memo is byte for byte the fresh one, a structure whose links now
 * resolve differently is rebuilt, and a reused structure still files its links in the
 * consultations-* Lists and brings its comment notes.
 */
import type { Bundle, List, Observation } from 'fhir/r3';

import { ResourceMemo } from '../../src/bundle/engine/resource-memo';
import { LINKED_LISTS } from '../../src/contract/item-kinds';
import type { StructuredQuery } from '../../src/contract/structured-query';
import type { PatientRecord } from '../../src/record/model/loaded-record';
import {
  allergy,
  area,
  consultation,
  entryRefs,
  find,
  issue,
  listTitled,
  plan,
  problem,
  query,
  record,
  throughMemoAndFresh,
} from './fixtures';

/** The Bundle through the memo, after checking its bytes are those of a fresh build. */
async function bothWays(rec: PatientRecord, q: StructuredQuery, memo: ResourceMemo) {
  const { remembered, fresh } = await throughMemoAndFresh(rec, q, memo);
  expect(remembered).toBe(fresh);
  return JSON.parse(remembered) as Bundle;
}

// Made once, as the memory store holds its items: every request below gets these same objects.
const penicillin = allergy('a1', { consultationId: 'c1' });
const hypertension = problem('p1');
const amlodipine = plan('m1', { issues: [issue('i1')] });
const review = consultation('c1', {
  topics: [
    {
      title: 'Blood pressure',
      problemIds: ['p1'],
      headings: [
        {
          title: 'Plan',
          entries: [
            { kind: 'medicationIssue', id: 'i1' },
            { kind: 'note', id: 'n1', text: 'Review in four weeks.' },
          ],
        },
      ],
    },
    { title: 'Rash', entries: [{ kind: 'allergy', id: 'a1' }] },
  ],
});

const withMedication = record({
  consultations: area([review]),
  problems: area([hypertension]),
  allergies: { active: area([penicillin]) },
  medication: area([amlodipine]),
});
// Medication switched off: the store loads none, and the issue's link becomes the placeholder.
const withoutMedication = record({
  consultations: area([review]),
  problems: area([hypertension]),
  allergies: { active: area([penicillin]) },
});
const on = query({
  consultations: {},
  problems: { filters: [] },
  medication: { includePrescriptionIssues: true },
});
const off = query({ consultations: {}, problems: { filters: [] } }, ['medication']);

const MEDICATIONS = LINKED_LISTS.medication.consultation!.title;
const ALLERGIES = LINKED_LISTS.allergies.consultation!.title;
const PLAN_HEADING = 'c1-topic-1-heading-1';

describe('remembered consultation structures', () => {
  it('are reused on a second request, filing the same consultations-* Lists and bringing the notes', async () => {
    const memo = new ResourceMemo();
    const first = await bothWays(withMedication, on, memo);
    const mapped = memo.counts.mapped;
    const reused = memo.counts.reused;
    const second = await bothWays(withMedication, on, memo);
    expect(memo.counts.mapped).toBe(mapped);
    expect(memo.counts.reused).toBeGreaterThan(reused);
    for (const bundle of [first, second]) {
      expect(entryRefs(listTitled(bundle, MEDICATIONS))).toEqual(['MedicationRequest/i1']);
      expect(entryRefs(listTitled(bundle, ALLERGIES))).toEqual(['AllergyIntolerance/a1']);
      expect(find<Observation>(bundle, 'Observation', 'n1').comment).toBe('Review in four weeks.');
      expect(entryRefs(find<List>(bundle, 'List', PLAN_HEADING))).toEqual([
        'Observation/n1',
        'MedicationRequest/i1',
      ]);
    }
  });

  it('are rebuilt when a link resolves differently (an area switched off, then on again)', async () => {
    const memo = new ResourceMemo();
    for (const q of [on, off, on, off]) {
      const bundle = await bothWays(q === on ? withMedication : withoutMedication, q, memo);
      const heading = entryRefs(find<List>(bundle, 'List', PLAN_HEADING));
      if (q === on) {
        expect(heading).toEqual(['Observation/n1', 'MedicationRequest/i1']);
        expect(entryRefs(listTitled(bundle, MEDICATIONS))).toEqual(['MedicationRequest/i1']);
      } else {
        expect(heading).toEqual(['Observation/n1', 'display:Medication items have been disabled']);
        expect(bundle.entry?.map((e) => (e.resource as List).title)).not.toContain(MEDICATIONS);
      }
      // The allergy's link is filed either way, whether the structure was reused or rebuilt.
      expect(entryRefs(listTitled(bundle, ALLERGIES))).toEqual(['AllergyIntolerance/a1']);
    }
  });
});
