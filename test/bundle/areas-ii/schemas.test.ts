import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AREA_PROFILE } from '../../../src/bundle/areas/urls';
import { SCHEMA_FILES, schemaFor } from './validate';

describe('areas-ii JSON Schemas', () => {
  it.each(SCHEMA_FILES)('%s compiles in strict mode and its $id is the profile URL', (name) => {
    const doc = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'profiles', `${name}.schema.json`), 'utf8')) as { $id: string };
    expect(doc.$id.endsWith(`/${name}`)).toBe(true);
    expect(Object.values(AREA_PROFILE)).toContain(doc.$id);
    expect(typeof schemaFor(doc.$id)).toBe('function');
  });

  it('every area profile has a schema', () => {
    for (const profile of Object.values(AREA_PROFILE)) expect(() => schemaFor(profile)).not.toThrow();
  });
});
