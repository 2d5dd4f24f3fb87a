/** The sliced Bundle serialiser writes exactly what JSON.stringify writes, however the slices fall. */
import type { Bundle } from 'fhir/r3';

import { ResourceMemo, WrittenResource } from '../../src/bundle/engine/resource-memo';
import { bundleJson } from '../../src/http/serialise-bundle';
import { timeSlice } from '../../src/ops/time-slice';

const bundle = (entry: unknown[] | undefined, extra: Record<string, unknown> = {}): Bundle =>
  ({
    resourceType: 'Bundle',
    id: 'b1',
    meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1'] },
    type: 'collection',
    entry,
    ...extra,
  }) as Bundle;

const entries = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    resource: {
      resourceType: 'Observation',
      id: `o${i}`,
      valueString: `é "quoted" \u2028 ${i}`,
      note: undefined,
    },
  }));

describe('bundleJson', () => {
  it.each([
    ['no entries', bundle(undefined)],
    ['an empty entry list', bundle([])],
    ['one entry', bundle(entries(1))],
    ['many entries', bundle(entries(500))],
    ['entry not the last element', bundle(entries(3), { signature: { type: [] } })],
    ['an undefined entry (null, as JSON.stringify writes it)', bundle([undefined, ...entries(2)])],
    ['undefined entries across blocks', bundle([...entries(64), undefined, ...entries(70), undefined])],
  ])('is byte-identical to JSON.stringify with %s', async (_name, b) => {
    expect(Buffer.concat(await bundleJson(b)).toString('utf8')).toBe(JSON.stringify(b));
  });

  it('is byte-identical when it yields after every block of entries', async () => {
    const b = bundle(entries(200));
    const yieldsEveryTime = timeSlice(0);
    expect(Buffer.concat(await bundleJson(b, yieldsEveryTime)).toString('utf8')).toBe(JSON.stringify(b));
  });

  it('lets other work run while a large Bundle is written', async () => {
    const b = bundle(entries(2000));
    let ran = false;
    setImmediate(() => (ran = true));
    const written = bundleJson(b, timeSlice(0));
    await written;
    expect(ran).toBe(true);
  });

  it('writes each slice as a Buffer of its own, which together are JSON.stringify', async () => {
    const b = bundle(entries(200));
    const chunks = await bundleJson(b, timeSlice(0));
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(JSON.stringify(b));
  });

  describe('with remembered resources (their JSON kept as bytes, resource-memo.ts)', () => {
    const memo = new ResourceMemo();
    /** The i-th entry: remembered when `remember(i)`, with text outside ASCII either way. */
    const mixed = (n: number, remember: (i: number) => boolean) =>
      entries(n).map((entry, i) =>
        remember(i) ? { resource: memo.plain({ i }, 'slot', [], () => entry.resource) } : entry,
      );
    it.each([
      ['every entry remembered', mixed(150, () => true)],
      ['the first remembered, then runs of others', mixed(150, (i) => i % 7 === 0)],
      ['the first not remembered', mixed(150, (i) => i % 3 === 1)],
      ['runs longer than a block', mixed(300, (i) => i === 100 || i === 250)],
      ['only the last remembered', mixed(70, (i) => i === 69)],
      [
        'a remembered resource in an entry with more than `resource`',
        mixed(3, () => true).map((e, i) => (i === 1 ? { fullUrl: 'urn:x', ...e } : e)),
      ],
      ['holes beside them', [undefined, ...mixed(5, (i) => i % 2 === 0), undefined]],
      // Written for this request as JSON text (a query List, D-LJ2) beside remembered and plain ones.
      [
        'written resources among remembered and plain ones',
        mixed(150, (i) => i % 5 === 0).map((e, i) =>
          i % 3 === 0
            ? {
                resource: new WrittenResource(
                  'Observation',
                  `o${i}`,
                  JSON.stringify(entries(i + 1)[i].resource),
                ),
              }
            : e,
        ),
      ],
    ])('is byte-identical to JSON.stringify with %s, however the slices fall', async (_name, list) => {
      const b = bundle(list, { signature: { type: [] } });
      const expected = JSON.stringify(b);
      expect(Buffer.concat(await bundleJson(b)).toString('utf8')).toBe(expected);
      expect(Buffer.concat(await bundleJson(b, timeSlice(0))).toString('utf8')).toBe(expected);
    });
  });

  it('keeps a string equal to the entry marker as data', async () => {
    const b = bundle(entries(2), { id: '\u0000entries\u0000' });
    expect(Buffer.concat(await bundleJson(b)).toString('utf8')).toBe(JSON.stringify(b));
  });
});
