import { AREA_PROFILE } from '../../../src/bundle/areas/urls';
import { loadAssets } from '../../../tools/validator';

describe('areas-ii profiles', () => {
  it('every area profile the mappers claim is an official StructureDefinition in profiles/', () => {
    const { structures } = loadAssets();
    for (const profile of Object.values(AREA_PROFILE))
      expect({ profile, known: profile in structures }).toEqual({ profile, known: true });
  });
});
