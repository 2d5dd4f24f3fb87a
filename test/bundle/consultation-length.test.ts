/**
 * A consultation's length (Encounter.length) is read from its period without Date.parse's general
 * parser (src/fhir/dates.ts instantMs): every instant must be the one Date.parse gives,
 * including the forms it rejects or reads differently (years below 100, day 31 of a short month).
 */
import { instantMs } from '../../src/fhir/dates';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('instantMs', () => {
  it('is Date.parse for record dateTimes, their edges and malformed ones', () => {
    const zones = [
      'Z',
      '+00:00',
      '+01:00',
      '-05:30',
      '+14:00',
      '+23:59',
      '+24:00',
      '-00:60',
      '+05:7x',
      'z',
      '+0100',
    ];
    const samples: string[] = [
      '2025-03-04T10:15:00.000Z',
      '2025-03-04T10:15Z',
      '2025-03-04',
      'x',
      '2025-0a-04T10:15:00Z',
    ];
    for (const y of [0, 99, 100, 999, 1000, 1970, 2026, 9999])
      for (const mo of [0, 1, 2, 12, 13])
        for (const d of [0, 1, 28, 29, 30, 31, 32])
          for (const [h, mi, s] of [
            [0, 0, 0],
            [23, 59, 59],
            [24, 0, 0],
            [9, 60, 0],
            [9, 0, 60],
          ])
            for (const z of zones)
              samples.push(
                `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${z}`,
              );
    const differ = samples.filter((s) => !Object.is(instantMs(s), Date.parse(s)));
    expect(differ).toEqual([]);
    expect(instantMs('2016-05-21T09:48:00+00:00') - instantMs('2016-05-21T09:30:00+00:00')).toBe(18 * 60000);
  });
});
