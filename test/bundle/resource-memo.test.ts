/**
 * Mapped resources remembered across requests (src/bundle/engine/resource-memo.ts, docs/decisions.md
 * D-RM1): an answer built through the memo is byte for byte the answer built afresh, whatever the
 * previous requests for the same items asked for, and a remembered resource cannot be changed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import type { AllergyIntolerance, Bundle, Condition, MedicationRequest } from 'fhir/r3';

import { ResourceMemo, sameValue } from '../../src/bundle/engine/resource-memo';
import { addDays, type CalendarDate } from '../../src/fhir/dates';
import { buildStructuredQuery } from '../../src/operations/structured-record/build-query';
import { DEFAULT_MEDICATION_DATE_TOLERANCE } from '../../src/operations/structured-record/predefined-searches';
import { testPractice } from '../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import { syntheticPatients } from '../../tools/synthetic-practice';
import { TODAY } from '../support/app';
import { parameters, predefinedSearch2 } from '../support/parameters';
import {
  allergy,
  area,
  build,
  consultation,
  find,
  issue,
  plan,
  problem,
  query,
  record,
  referral,
  resources,
  throughMemoAndFresh,
} from './fixtures';

// Items made once, as the memory store holds them: every request below gets these same objects.
const visit = consultation('c1');
const penicillin = allergy('a1', { consultationId: 'c1' });
const ended = allergy('a2', { ended: { date: '2025-01-02' } });
const hypertension = problem('p1', { linkedItems: [{ kind: 'medicationIssue', id: 'i1' }] });
const amlodipine = plan('m1', { issues: [issue('i1'), issue('i2')] });
const letter = referral('r1', { supportingInfo: [{ kind: 'allergy', id: 'a2' }] });

const withVisit = record({
  allergies: { active: area([penicillin]), resolved: area([ended]) },
  consultations: area([visit]),
});
const allergiesOnly = record({ allergies: { active: area([penicillin]), resolved: area([ended]) } });

describe('the resource memo', () => {
  it('reuses what it mapped when nothing a resource depends on changed, with the same bytes', async () => {
    const memo = new ResourceMemo();
    const q = query({ allergies: { includeResolved: true }, consultations: {} });
    const first = await throughMemoAndFresh(withVisit, q, memo);
    const mapped = memo.counts.mapped;
    const second = await throughMemoAndFresh(withVisit, q, memo);
    expect(first.remembered).toBe(first.fresh);
    expect(second.remembered).toBe(second.fresh);
    expect(memo.counts.mapped).toBe(mapped);
    expect(memo.counts.reused).toBeGreaterThanOrEqual(mapped);
  });

  it('maps afresh when a reference it wrote would now be different (the Encounter is not in this Bundle)', async () => {
    const memo = new ResourceMemo();
    await throughMemoAndFresh(
      withVisit,
      query({ allergies: { includeResolved: true }, consultations: {} }),
      memo,
    );
    const q = query({ allergies: { includeResolved: true } });
    const { remembered, fresh } = await throughMemoAndFresh(allergiesOnly, q, memo);
    expect(remembered).toBe(fresh);
    const active = find<AllergyIntolerance>(JSON.parse(remembered) as Bundle, 'AllergyIntolerance', 'a1');
    expect(active.extension ?? []).toEqual([]);
    // And back: the Encounter's return brings the associatedEncounter extension back.
    const again = await throughMemoAndFresh(
      withVisit,
      query({ allergies: { includeResolved: true }, consultations: {} }),
      memo,
    );
    expect(again.remembered).toBe(again.fresh);
    expect(again.remembered).toContain('"valueReference":{"reference":"Encounter/c1"}');
  });

  it('writes the disabled-area placeholder, and the link again, as the switches change', async () => {
    const memo = new ResourceMemo();
    const rec = record({ problems: area([hypertension]), medication: area([amlodipine]) });
    // Switched off, the store loads no medication: the problem's link has no target in the Bundle.
    const recOff = record({ problems: area([hypertension]) });
    const on = query({ problems: { filters: [] }, medication: { includePrescriptionIssues: true } });
    const off = query({ problems: { filters: [] } }, ['medication']);
    for (const q of [on, off, on, off]) {
      const { remembered, fresh } = await throughMemoAndFresh(q === on ? rec : recOff, q, memo);
      expect(remembered).toBe(fresh);
      const condition = find<Condition>(JSON.parse(remembered) as Bundle, 'Condition', 'p1');
      const links = (condition.extension ?? []).map((e) => e.valueReference);
      if (q === off) expect(links).toContainEqual({ display: 'Medication items have been disabled' });
      else expect(links).toContainEqual({ reference: 'MedicationRequest/i1' });
    }
  });

  it('brings in the same orders and the ended-allergy List id as a fresh build does', async () => {
    const memo = new ResourceMemo();
    const rec = record({
      referrals: area([letter]),
      medication: area([amlodipine]),
      allergies: { active: area([penicillin]), resolved: area([ended]) },
    });
    const withEnded = query({
      referrals: {},
      allergies: { includeResolved: true },
      medication: { includePrescriptionIssues: true },
    });
    const without = query({ referrals: {}, medication: { includePrescriptionIssues: false } });
    for (const q of [withEnded, without, withEnded]) {
      const { remembered, fresh } = await throughMemoAndFresh(rec, q, memo);
      expect(remembered).toBe(fresh);
      expect(resources<MedicationRequest>(JSON.parse(remembered) as Bundle, 'MedicationRequest').length).toBe(
        resources<MedicationRequest>(JSON.parse(fresh) as Bundle, 'MedicationRequest').length,
      );
    }
  });

  it('writes the identifiers of the practice asked for, when the same items are answered under another ODS code', async () => {
    const memo = new ResourceMemo();
    const q = query({ allergies: { includeResolved: true }, consultations: {} });
    await throughMemoAndFresh(withVisit, q, memo);
    // The same practice id under another practice object: a replay passes over identifier calls
    // only when made with the very function they were recorded with (one per practice object).
    const moved = { ...withVisit, practice: { ...withVisit.practice, odsCode: 'Q11111' } };
    const { remembered, fresh } = await throughMemoAndFresh(moved, q, memo);
    expect(remembered).toBe(fresh);
    expect(remembered).toContain('urn:gpconnect-structured:Q11111:record-item');
  });

  it('holds a remembered resource as its JSON: any JSON.stringify of the Bundle gives the fresh bytes', () => {
    const memo = new ResourceMemo();
    const q = query({ allergies: { includeResolved: true } });
    build(allergiesOnly, q, memo);
    const bundle = build(allergiesOnly, q, memo);
    const resource = find<AllergyIntolerance>(bundle, 'AllergyIntolerance', 'a1');
    expect([resource.resourceType, resource.id]).toEqual(['AllergyIntolerance', 'a1']);
    // The ended allergy is inside the "Ended allergies" List, which is written by JSON.stringify.
    expect(JSON.stringify(bundle)).toBe(JSON.stringify(build(allergiesOnly, q)));
    expect(JSON.stringify(bundle)).toContain('"clinicalStatus":"resolved"');
    expect(() => {
      (resource as { id?: string }).id = 'changed';
    }).toThrow(TypeError);
  });
});

describe('the resource memo over the memory store', () => {
  it('maps nothing afresh on a second request for the same patients, linked consultations included', async () => {
    const today = TODAY as CalendarDate;
    const patients = [...syntheticPatients(40, today)];
    const repository = new MemoryRepository({ ...testPractice(today), patients });
    const medicationFrom = addDays(today, -365);
    const queries = patients.map((p) =>
      buildStructuredQuery(
        parameters(...predefinedSearch2(p.patient.nhsNumber, medicationFrom)),
        today,
        DEFAULT_MEDICATION_DATE_TOLERANCE,
      ),
    );
    const memo = new ResourceMemo();
    let linkedConsultations = 0;
    const answerAll = async () => {
      for (const q of queries) {
        const rec = await repository.loadRecord((await repository.findPatient(q.nhsNumber))!, q);
        // Linked consultations are narrowed copies made afresh by every request (assemble-record.ts).
        linkedConsultations += rec.linked?.consultations?.length ?? 0;
        const { remembered, fresh } = await throughMemoAndFresh(rec, q, memo);
        expect(remembered).toBe(fresh);
      }
    };
    await answerAll();
    expect(linkedConsultations).toBeGreaterThan(0);
    const { mapped, reused } = memo.counts;
    await answerAll();
    expect(memo.counts.mapped).toBe(mapped);
    expect(memo.counts.reused).toBeGreaterThan(reused);
  });
});

describe('the resource memo’s memory budget (RESOURCE_MEMO_MB)', () => {
  it('starts afresh when over its budget, and answers stay the same', async () => {
    // A budget below one answer’s resources: the memo keeps letting everything go.
    const memo = new ResourceMemo(5_000);
    const q = query({ allergies: { includeResolved: true }, consultations: {} });
    for (let i = 0; i < 6; i++) {
      const { remembered, fresh } = await throughMemoAndFresh(withVisit, q, memo);
      expect(remembered).toBe(fresh);
    }
    expect(memo.counts.cleared).toBeGreaterThan(0);
    const unbounded = new ResourceMemo();
    for (let i = 0; i < 6; i++) await throughMemoAndFresh(withVisit, q, unbounded);
    expect(unbounded.counts.cleared).toBe(0);
    expect(memo.counts.mapped).toBeGreaterThan(unbounded.counts.mapped);
  });
});

describe('the resource memo’s count of what it holds', () => {
  // A full collection on demand, so that items dropped by the test are collected when it says so.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  /** Collects until `done` (the registry's callbacks run as tasks after a collection). */
  async function collectUntil(done: () => boolean, rounds = 50): Promise<void> {
    for (let i = 0; i < rounds && !done(); i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  const ITEMS = 40;
  /** A practice's worth of items, made afresh (a practice loaded again), each remembered in `memo`. */
  const loadAndMap = (memo: ResourceMemo): object[] => {
    const items = Array.from({ length: ITEMS }, (_, i) => ({ id: `o${String(i).padStart(3, '0')}` }));
    for (const item of items)
      memo.plain(item, 'organisation', [], () => ({ resourceType: 'Organization', id: item.id }));
    return items;
  };
  const bytesOfOne = (() => {
    const memo = new ResourceMemo();
    memo.plain({}, 'organisation', [], () => ({ resourceType: 'Organization', id: 'o000' }));
    return memo.heldBytes;
  })();

  it('gives back what a collected item held, so a reloaded practice does not make it start afresh', async () => {
    // Room for one practice's resources, not two.
    const memo = new ResourceMemo(bytesOfOne * ITEMS * 1.5);
    let practice: object[] | undefined = loadAndMap(memo);
    expect(memo.heldBytes).toBe(bytesOfOne * ITEMS);
    const kept = practice[0];
    practice = undefined; // the practice reloaded: its old items go, but one is still in use
    await collectUntil(() => memo.heldBytes === bytesOfOne);
    expect(memo.heldBytes).toBe(bytesOfOne);
    practice = loadAndMap(memo);
    expect(memo.counts.cleared).toBe(0);
    expect(memo.heldBytes).toBe(bytesOfOne * (ITEMS + 1));
    // The item still in use kept its entry.
    const reused = memo.counts.reused;
    memo.plain(kept, 'organisation', [], () => ({ resourceType: 'Organization', id: 'o000' }));
    expect(memo.counts.reused).toBe(reused + 1);
  });

  it('does not give back twice what it let go when it started afresh', async () => {
    // Room for a quarter of a practice: it starts afresh several times, then items of every
    // generation are collected.
    const memo = new ResourceMemo(bytesOfOne * (ITEMS / 4));
    let practice: object[] | undefined = loadAndMap(memo);
    expect(memo.counts.cleared).toBeGreaterThan(1);
    expect(memo.heldBytes).toBeGreaterThan(0);
    expect(practice.length).toBe(ITEMS);
    practice = undefined;
    await collectUntil(() => memo.heldBytes <= 0);
    expect(memo.heldBytes).toBe(0);
    // Any collection of the earlier generations' items still to come counts for nothing.
    await collectUntil(() => false, 3);
    expect(memo.heldBytes).toBe(0);
  });
});

describe('the resource memo’s interned references', () => {
  it('hands out one frozen reference per practice and target, counted in what it holds', () => {
    const memo = new ResourceMemo();
    const practice = {};
    const gp = memo.interned(practice).reference('Practitioner', 'gp1');
    expect(gp).toEqual({ reference: 'Practitioner/gp1' });
    expect(memo.interned(practice).reference('Practitioner', 'gp1')).toBe(gp);
    expect(memo.interned({}).reference('Practitioner', 'gp1')).not.toBe(gp);
    expect(Object.isFrozen(gp)).toBe(true);
    expect(memo.heldBytes).toBeGreaterThan(0);
  });
});

describe('sameValue (what decides reuse)', () => {
  it('compares structure, and key order, which decides the JSON bytes', () => {
    expect(sameValue({ reference: 'Patient/1' }, { reference: 'Patient/1' })).toBe(true);
    expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameValue([1, { a: [2] }], [1, { a: [2] }])).toBe(true);
    expect(sameValue([1], { 0: 1 })).toBe(false);
    expect(sameValue([1, 2], [1])).toBe(false);
    expect(sameValue([{ a: 1 }], [{ a: 2 }])).toBe(false);
    expect(sameValue({ a: undefined }, {})).toBe(false);
    expect(sameValue(undefined, { display: 'x' })).toBe(false);
  });
});
