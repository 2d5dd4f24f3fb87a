/** The actors kept under a practice's version (D-PI4): what is answered without a read, and what is not. */
import { ActorCache } from '../../src/record/actor-cache';
import { expandActors } from '../../src/record/expand-actors';
import type { ActorIds } from '../../src/record/item-refs';
import type { Organisation, Practitioner } from '../../src/record/model/people';
import type { Actors } from '../../src/record/source';

const org = (id: string): Organisation => ({ id, odsCode: id.toUpperCase(), name: id }) as Organisation;
const practitioner = (id: string, orgId: string): Practitioner => ({
  id,
  name: { family: id, given: [] },
  roles: [{ id: `role-${id}`, organisationId: orgId, jobRole: { code: 'R0260', display: 'GP' } }],
  version: '1',
});

const ids = (over: Partial<ActorIds>): ActorIds => ({
  practitioners: [],
  organisations: [],
  locations: [],
  healthcareServices: [],
  devices: [],
  ...over,
});

const DB = {
  practitioners: new Map([['p1', practitioner('p1', 'o1')]]),
  organisations: new Map([
    ['o1', org('o1')],
    ['o2', org('o2')],
  ]),
  locations: new Map(),
  healthcareServices: new Map(),
  devices: new Map(),
};
/** What a store reading DB under `version` gives. */
const read = (wanted: ActorIds, version: string): Actors => ({
  ...expandActors(wanted, DB),
  actorsVersion: version,
});

describe('ActorCache', () => {
  it('answers a later lookup under the same version as the read did, the named organisations included', () => {
    const cache = new ActorCache();
    const asked = ids({ practitioners: ['p1'] });
    expect(cache.lookup('7', asked)).toBeUndefined();
    cache.remember('7', asked, read(asked, '7'));
    const hit = cache.lookup('7', asked);
    expect(hit?.practitioners.map((p) => p.id)).toEqual(['p1']);
    expect(hit?.organisations.map((o) => o.id)).toEqual(['o1']);
    expect(hit?.organisations).toEqual(read(asked, '7').organisations);
  });

  it('answers nothing under another version, and starts afresh when a read of a new one comes in', () => {
    const cache = new ActorCache();
    const asked = ids({ practitioners: ['p1'] });
    cache.remember('7', asked, read(asked, '7'));
    expect(cache.lookup('8', asked)).toBeUndefined();
    const other = ids({ organisations: ['o2'] });
    cache.remember('8', other, read(other, '8'));
    expect(cache.lookup('8', other)?.organisations.map((o) => o.id)).toEqual(['o2']);
    expect(cache.lookup('8', asked)).toBeUndefined();
    expect(cache.lookup('7', asked)).toBeUndefined();
  });

  it('keeps nothing from a read that saw another version than the request’s first round', () => {
    const cache = new ActorCache();
    const asked = ids({ practitioners: ['p1'] });
    cache.remember('7', asked, read(asked, '6'));
    cache.remember('7', asked, { ...expandActors(asked, DB) });
    expect(cache.lookup('7', asked)).toBeUndefined();
  });

  it('remembers an id that was not found, and asks again for one never asked for', () => {
    const cache = new ActorCache();
    const asked = ids({ practitioners: ['p1', 'gone'], devices: ['d9'] });
    cache.remember('7', asked, read(asked, '7'));
    expect(cache.lookup('7', asked)?.practitioners.map((p) => p.id)).toEqual(['p1']);
    expect(cache.lookup('7', ids({ practitioners: ['p1', 'new'] }))).toBeUndefined();
    expect(cache.lookup('7', ids({ organisations: ['o2'] }))).toBeUndefined();
  });

  it('starts afresh past its bound, so a flood of dangling ids cannot grow it without end', () => {
    const cache = new ActorCache(3);
    const many = ids({ devices: ['a', 'b', 'c', 'd'] });
    cache.remember('7', many, read(many, '7'));
    expect(cache.lookup('7', many)).toBeDefined();
    const one = ids({ practitioners: ['p1'] });
    cache.remember('7', one, read(one, '7'));
    expect(cache.lookup('7', one)).toBeDefined();
    expect(cache.lookup('7', many)).toBeUndefined();
  });
});
