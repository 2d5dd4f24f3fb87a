import { MemoryRepository } from '../src/record/memory/memory-repository';
import { getMetadata, NHS, postRecord, testApp } from './support/app';
import { expectBundle, expectOperationOutcome, warningsOf } from './support/fhir';
import { nhsNumber, parameters } from './support/parameters';
import { OverlayStore, TEST_STORE } from './support/store';

describe(`smoke (${TEST_STORE} store)`, () => {
  const t = testApp();
  it('runs on the store under test', async () => {
    expect(t.practices instanceof OverlayStore).toBe(true);
    expect((await t.practices.find('P99001'))?.repository instanceof MemoryRepository).toBe(
      TEST_STORE === 'memory',
    );
  });
  it('answers metadata and a patient-only request', async () => {
    const meta = await getMetadata(t);
    expect(meta.status).toBe(200);
    const bundle = expectBundle(await postRecord(t, parameters(nhsNumber(NHS.patient2))));
    expect(bundle.id).toBe('629ea9ba-a077-4d99-b289-7a9b19fd4e03');
    expect(warningsOf(bundle)).toBeUndefined();
  });
  it('rejects a bad NHS number', async () => {
    expectOperationOutcome(
      await postRecord(t, parameters(nhsNumber('9999999990'))),
      400,
      'INVALID_NHS_NUMBER',
    );
  });
});
