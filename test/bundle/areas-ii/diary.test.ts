import { diaryEntryResource, MEDICATION_REVIEW_DUE } from '../../../src/bundle/areas/diary';
import { AREA_PROFILE } from '../../../src/bundle/areas/urls';
import type { DiaryEntry } from '../../../src/record/model';
import { fakeContext, IDENTIFIER_SYSTEM } from './fake-context';
import { expectInvalid, expectValid } from './validate';

const review: DiaryEntry = {
  id: 'diary-1',
  recorded: '2024-06-01T08:30:00+01:00',
  recorderId: 'prac-gp',
  consultationId: 'cons-2',
  code: { ...MEDICATION_REVIEW_DUE },
  planned: '2024-09-01',
  reasons: [{ code: '38341003', display: 'Hypertensive disorder' }],
  supportingInfo: [{ kind: 'medicationPlan', id: 'plan-1' }],
  note: 'Check BP and renal function',
};

describe('diaryEntryResource', () => {
  const ctx = fakeContext({ encounters: ['cons-2'] });
  const pr = diaryEntryResource(review, ctx);

  it('conforms to CareConnect-GPC-ProcedureRequest-1', () => {
    expectValid(pr);
  });

  it('is active, intent plan, coded, with subject, authoredOn and context', () => {
    expect(pr.meta).toEqual({ profile: [AREA_PROFILE.procedureRequest] });
    expect(pr.identifier).toEqual([{ system: IDENTIFIER_SYSTEM, value: 'diary-1' }]);
    expect(pr.status).toBe('active');
    expect(pr.intent).toBe('plan');
    expect(pr.code.coding?.[0]).toMatchObject({
      system: 'http://snomed.info/sct',
      code: '314529007',
      display: 'Medication review due',
    });
    expect(pr.subject).toEqual({ reference: 'Patient/pat-1' });
    expect(pr.authoredOn).toBe(review.recorded);
    expect(pr.context).toEqual({ reference: 'Encounter/cons-2' });
  });

  it('has the recorder as requester.agent, and never onBehalfOf', () => {
    expect(pr.requester).toEqual({ agent: { reference: 'Practitioner/prac-gp' } });
  });

  it.each([
    ['device', 'Device/dev-gpsys'],
    ['organisation', 'Organization/org-practice'],
  ] as const)('a system-generated entry has the %s as requester.agent', (kind, reference) => {
    const id = kind === 'device' ? 'dev-gpsys' : 'org-practice';
    const c = fakeContext();
    const r = expectValid(diaryEntryResource({ ...review, requester: { kind, id } }, c));
    expect(r.requester).toEqual({ agent: { reference } });
    expect(c.actors).toContainEqual({ kind, id });
  });

  it('writes a planned date as occurrenceDateTime', () => {
    expect(pr.occurrenceDateTime).toBe('2024-09-01');
    expect(pr).not.toHaveProperty('occurrencePeriod');
  });

  it('writes a planned range as occurrencePeriod', () => {
    const r = expectValid(
      diaryEntryResource({ ...review, planned: { start: '2024-09', end: '2024-10' } }, fakeContext()),
    );
    expect(r.occurrencePeriod).toEqual({ start: '2024-09', end: '2024-10' });
    expect(r).not.toHaveProperty('occurrenceDateTime');
    const open = diaryEntryResource({ ...review, planned: { start: '2024-09-15' } }, fakeContext());
    expect(open.occurrencePeriod).toEqual({ start: '2024-09-15' });
  });

  it('has no occurrence when nothing was planned', () => {
    const { planned: _p, ...unplanned } = review;
    const r = expectValid(diaryEntryResource(unplanned, fakeContext()));
    expect(r).not.toHaveProperty('occurrenceDateTime');
    expect(r).not.toHaveProperty('occurrencePeriod');
    expect(r).not.toHaveProperty('context');
  });

  it('carries reasonCode, supportingInfo through the context and note', () => {
    expect(pr.reasonCode?.[0]?.coding?.[0]?.code).toBe('38341003');
    expect(pr.supportingInfo).toEqual([{ reference: 'MedicationRequest/plan-1' }]);
    expect(ctx.items).toEqual([{ kind: 'medicationPlan', id: 'plan-1' }]);
    expect(pr.note).toEqual([{ text: 'Check BP and renal function' }]);
  });

  it('accepts a text-only code', () => {
    const r = expectValid(
      diaryEntryResource({ ...review, code: { text: 'Recall for smear' } }, fakeContext()),
    );
    expect(r.code).toEqual({ text: 'Recall for smear' });
  });

  it('never populates the elements the diary profile does not use', () => {
    for (const key of [
      'priority',
      'doNotPerform',
      'category',
      'asNeededBoolean',
      'asNeededCodeableConcept',
      'performerType',
      'performer',
      'reasonReference',
      'specimen',
      'bodySite',
      'relevantHistory',
    ]) {
      expect(pr).not.toHaveProperty(key);
    }
  });

  it('the schema rejects unused elements, onBehalfOf, both occurrence forms and a missing authoredOn', () => {
    expectInvalid({ ...pr, occurrencePeriod: { start: '2024-09-01' } });
    expectInvalid({ ...pr, status: 'completed' });
    expectInvalid({ ...pr, supportingInfo: [{ reference: 'Condition/p1' }] });
  });
});
