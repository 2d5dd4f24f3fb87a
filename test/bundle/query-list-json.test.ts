/**
 * Query Lists written as JSON text for JSON answers (queryListWriter, docs/decisions.md D-LJ2): the
 * text is exactly JSON.stringify of the List queryList builds, whatever the definition, id, warnings,
 * entries, contained resources and characters.
 */
import type { Reference, Resource } from 'fhir/r3';

import { wholeRecordQuery } from '../../bench/whole-record-query';
import { buildBundle } from '../../src/bundle/build-bundle';
import { LINKED_PROBLEMS_LIST, type ListWarning, PRIMARY_LISTS } from '../../src/bundle/list-definitions';
import { queryList, type QueryListParts, queryListWriter } from '../../src/bundle/query-list';
import { LINKED_LISTS } from '../../src/contract/item-kinds';
import type { ListDefinition } from '../../src/contract/list-definition';
import type { CalendarDate } from '../../src/fhir/dates';
import { testPractice } from '../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../src/record/memory/memory-repository';

const definitions: ListDefinition[] = [
  ...Object.values(PRIMARY_LISTS),
  ...Object.values(LINKED_LISTS).flatMap((d) => [d.consultation, d.problem].filter((x) => x !== undefined)),
  LINKED_PROBLEMS_LIST,
];

const since = '2026-01-02' as CalendarDate;
const warningSets: ListWarning[][] = [
  [],
  [{ code: 'confidential-items' }],
  [
    { code: 'confidential-items' },
    { code: 'data-in-transit', since },
    { code: 'data-awaiting-filing', since },
  ],
];

class Odd {
  constructor(readonly reference: string) {}
}
const entrySets: Reference[][] = [
  [],
  [{ reference: 'Condition/p1' }, Object.freeze({ reference: 'MedicationRequest/i1' })],
  // Text JSON escapes (a quote, a backslash, a control character, U+2028, lone and paired surrogates).
  [
    { reference: 'Observation/a"b\\c\u0001d\u2028e' },
    { reference: 'X/\ud800' },
    { reference: 'Y/\ud83d\ude00' },
  ],
  // Not a plain { reference }: a display, another key first, a class instance, an undefined value.
  [
    { display: 'Medication items have been disabled' },
    { display: 'x', reference: 'Condition/p2' },
    new Odd('Condition/p3'),
    { reference: 'Condition/p4', identifier: undefined },
  ],
];

const allergy = { resourceType: 'AllergyIntolerance', id: 'a2', clinicalStatus: 'resolved' } as Resource;

describe('query Lists written as JSON text', () => {
  it('are exactly JSON.stringify of the List queryList builds', () => {
    let checked = 0;
    for (const [patientId, date] of [
      ['p1', '2026-11-21T12:00:00Z'],
      ['p"2\\', '2026-11-21T12:00:00+00:00'],
    ]) {
      const write = queryListWriter(patientId, date);
      for (const definition of definitions)
        for (const warnings of warningSets)
          for (const entries of entrySets)
            for (const extra of [
              {},
              { id: 'p1-ended-allergies' },
              { id: 'q"', contained: [allergy] },
              { contained: [] },
            ]) {
              const parts: QueryListParts = { definition, warnings, entries, ...extra };
              expect(write(parts)).toBe(JSON.stringify(queryList({ ...parts, patientId, date })));
              checked++;
            }
    }
    expect(checked).toBe(2 * definitions.length * warningSets.length * entrySets.length * 4);
  });
});

describe('a JSON answer without a memo (the PostgreSQL store) writes its query Lists as text', () => {
  const today = '2026-11-21' as CalendarDate;
  const practice = testPractice(today);
  const repository = new MemoryRepository(practice);

  it.each(practice.patients.map((p) => [p.patient.nhsNumber]))(
    'the whole record of %s: the same bytes as the Lists built as objects',
    async (nhs) => {
      const query = wholeRecordQuery(nhs, today);
      const patient = await repository.findPatient(nhs);
      if (!patient) throw new Error(`${nhs} not found`);
      const record = await repository.loadRecord(patient, query);
      const context = { traceId: 't', newId: () => 'oo', date: '2026-11-21T12:00:00Z', warnings: [] };
      const asObjects = buildBundle(record, query, context);
      const asText = buildBundle(record, query, { ...context, jsonAnswer: true });
      const lists = (b: typeof asText) => (b.entry ?? []).filter((e) => e.resource?.resourceType === 'List');
      // Query Lists carry no id (the structure Lists do): those are the ones written as text.
      const written = lists(asText).filter((e) => e.resource?.id === undefined);
      expect(written.length).toBeGreaterThan(0);
      for (const e of written) expect(Object.getPrototypeOf(e.resource)).not.toBe(Object.prototype);
      expect(JSON.stringify(asText)).toBe(JSON.stringify(asObjects));
    },
  );
});
