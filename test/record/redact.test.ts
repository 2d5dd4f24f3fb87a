/**
 * Redaction copies only what it changes (src/record/redact.ts): an item with nothing withheld is handed
 * out as the store's own object (the memory store's resource memo is keyed by it, docs/decisions.md
 * D-RM1), and an item that loses a link is a copy without it, the store's item untouched.
 */
import type { ItemRef } from '../../src/record/model';
import { narrowConsultation, NOTHING_HIDDEN, redactConsultation, redactItem } from '../../src/record/redact';
import { consultation, issue, plan, problem, referral } from '../bundle/fixtures';

const nothing = () => false;
const withheld =
  (...refs: ItemRef[]) =>
  (r: ItemRef) =>
    refs.some((w) => w.kind === r.kind && w.id === r.id);

describe('redaction copies only what it changes', () => {
  const visit = consultation('c1', {
    topics: [
      {
        problemIds: ['p1'],
        entries: [
          { kind: 'allergy', id: 'a1' },
          { kind: 'note', id: 'n1', text: 'seen' },
        ],
      },
    ],
  });
  const amlodipine = plan('m1', { issues: [issue('i1'), issue('i2', { consultationId: 'c9' })] });
  const hypertension = problem('p1', { linkedItems: [{ kind: 'allergy', id: 'a1' }] });
  const letter = referral('r1', { supportingInfo: [{ kind: 'allergy', id: 'a1' }] });

  it('with nothing withheld, every item is the same object', () => {
    expect(redactItem('consultations', visit, nothing)).toBe(visit);
    expect(redactItem('medication', amlodipine, nothing)).toBe(amlodipine);
    expect(redactItem('problems', hypertension, nothing)).toBe(hypertension);
    expect(redactItem('referrals', letter, nothing)).toBe(letter);
  });

  it('a withheld link is left out of a copy; the store’s item keeps it', () => {
    const hidden = withheld({ kind: 'allergy', id: 'a1' }, { kind: 'consultation', id: 'c9' });
    const c = redactConsultation(visit, hidden);
    expect(c).not.toBe(visit);
    expect(c.topics[0].entries).toEqual([{ kind: 'note', id: 'n1', text: 'seen' }]);
    expect(visit.topics[0].entries).toHaveLength(2);
    expect(redactItem('problems', hypertension, hidden).linkedItems).toEqual([]);
    expect(hypertension.linkedItems).toHaveLength(1);
    expect(redactItem('referrals', letter, hidden).supportingInfo).toEqual([]);
    const m = redactItem('medication', amlodipine, hidden);
    expect(m.issues[1]).not.toHaveProperty('consultationId');
    expect(m.issues[0]).toBe(amlodipine.issues[0]);
    expect(amlodipine.issues[1].consultationId).toBe('c9');
  });

  it('with NOTHING_HIDDEN (a record that withholds nothing), confidential notes still go', () => {
    const confidentialNote = consultation('c2', {
      topics: [
        {
          entries: [
            { kind: 'allergy', id: 'a1' },
            { kind: 'note', id: 'n2', text: 'private', confidential: true },
          ],
        },
      ],
    });
    const c = redactItem('consultations', confidentialNote, NOTHING_HIDDEN);
    expect(c.topics[0].entries).toEqual([{ kind: 'allergy', id: 'a1' }]);
    expect(confidentialNote.topics[0].entries).toHaveLength(2);
    expect(redactItem('consultations', visit, NOTHING_HIDDEN)).toBe(visit);
    expect(redactItem('medication', amlodipine, NOTHING_HIDDEN)).toBe(amlodipine);
    // Narrowed to the topics naming a problem, without notes: the visit's note goes, its links stay.
    const narrowed = narrowConsultation(visit, NOTHING_HIDDEN, (id) => id === 'p1');
    expect(narrowed.topics[0].entries).toEqual([{ kind: 'allergy', id: 'a1' }]);
    expect(narrowed.topics[0].problemIds).toEqual(['p1']);
  });

  it('a linked consultation keeps only the topics naming a kept problem, with only those links', () => {
    const review = consultation('c3', {
      topics: [
        { problemIds: ['p1', 'p2'], entries: [{ kind: 'allergy', id: 'a1' }] },
        { problemIds: ['p2'], entries: [{ kind: 'allergy', id: 'a2' }] },
        { entries: [{ kind: 'allergy', id: 'a3' }] },
        {
          problemIds: ['p3'],
          headings: [
            {
              entries: [
                { kind: 'allergy', id: 'a4' },
                { kind: 'note', id: 'n4', text: 'plan' },
              ],
            },
          ],
        },
      ],
    });
    const keep = (id: string) => id !== 'p2';
    const narrowed = narrowConsultation(review, NOTHING_HIDDEN, keep);
    expect(narrowed.topics).toEqual([
      { problemIds: ['p1'], entries: [{ kind: 'allergy', id: 'a1' }] },
      { problemIds: ['p3'], headings: [{ entries: [{ kind: 'allergy', id: 'a4' }] }] },
    ]);
    const hidden = withheld({ kind: 'allergy', id: 'a1' }, { kind: 'problem', id: 'p3' });
    expect(narrowConsultation(review, hidden, keep).topics).toEqual([
      { problemIds: ['p1'], entries: [] },
      { problemIds: [], headings: [{ entries: [{ kind: 'allergy', id: 'a4' }] }] },
    ]);
    expect(review.topics[0].problemIds).toEqual(['p1', 'p2']);
  });
});
