/** The sliced Bundle serialiser writes exactly what JSON.stringify writes, however the slices fall. */
import type { Bundle } from 'fhir/r3';

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
    expect((await bundleJson(b)).toString('utf8')).toBe(JSON.stringify(b));
  });

  it('is byte-identical when it yields after every block of entries', async () => {
    const b = bundle(entries(200));
    const yieldsEveryTime = timeSlice(0);
    expect((await bundleJson(b, yieldsEveryTime)).toString('utf8')).toBe(JSON.stringify(b));
  });

  it('lets other work run while a large Bundle is written', async () => {
    const b = bundle(entries(2000));
    let ran = false;
    setImmediate(() => (ran = true));
    const written = bundleJson(b, timeSlice(0));
    await written;
    expect(ran).toBe(true);
  });

  it('keeps a string equal to the entry marker as data', async () => {
    const b = bundle(entries(2), { id: '\u0000entries\u0000' });
    expect((await bundleJson(b)).toString('utf8')).toBe(JSON.stringify(b));
  });
});
