/**
 * The Documents switch (Configuration for supported clinical areas, Configuration for supported clinical
 * areas): documents have no parameter, so with the practice's Documents switch off the DocumentReferences that
 * links would bring are left out, each link becomes "Document items have been disabled", and one warning
 * names DocumentReferences.
 */
import type { DocumentReference, List } from 'fhir/r3';

import { parseAreaList } from '../../src/record/practices';
import { NHS, postRecord, testApp } from '../support/app';
import { expectBundle, resourcesOf, warningsOf } from '../support/fhir';
import { area, nhsNumber, parameters } from '../support/parameters';

const body = parameters(nhsNumber(NHS.patient2), area('includeConsultations'), area('includeProblems'));

function displays(lists: List[]): string[] {
  return lists
    .flatMap((l) => (l.entry ?? []).map((e) => e.item.display))
    .filter((d): d is string => d !== undefined);
}

describe('the Documents switch', () => {
  it('on (the default): linked documents arrive as DocumentReferences, with no warning', async () => {
    const bundle = expectBundle(await postRecord(testApp(), body));
    expect(resourcesOf<DocumentReference>(bundle, 'DocumentReference').length).toBeGreaterThan(0);
    expect(displays(resourcesOf<List>(bundle, 'List'))).not.toContain('Document items have been disabled');
    expect(warningsOf(bundle)).toBeUndefined();
  });

  it('off: no DocumentReference, the links say so, and one warning names DocumentReferences', async () => {
    const bundle = expectBundle(
      await postRecord(testApp({ settings: { P99001: { documentsDisabled: true } } }), body),
    );
    expect(resourcesOf<DocumentReference>(bundle, 'DocumentReference')).toEqual([]);
    expect(displays(resourcesOf<List>(bundle, 'List'))).toContain('Document items have been disabled');
    const outcome = warningsOf(bundle);
    expect(outcome?.issue).toEqual([
      {
        severity: 'warning',
        code: 'not-supported',
        details: {
          coding: [
            {
              system: 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1',
              code: 'NOT_IMPLEMENTED',
              display: 'Not implemented',
            },
          ],
          text: 'DocumentReferences has been disabled',
        },
        diagnostics: 'DocumentReferences',
      },
    ]);
  });

  it('off, for a request that reaches no document: no warning', async () => {
    const t = testApp({ settings: { P99001: { documentsDisabled: true } } });
    const bundle = expectBundle(
      await postRecord(
        t,
        parameters(
          nhsNumber(NHS.patient4),
          area('includeAllergies', { name: 'includeResolvedAllergies', valueBoolean: false }),
        ),
      ),
    );
    expect(warningsOf(bundle)).toBeUndefined();
  });

  it('is set with the other areas (gpc-admin practice set --disabled-areas); an unknown area is refused', () => {
    expect(parseAreaList('documents, problems')).toEqual({ areas: ['problems'], documents: true });
    expect(() => parseAreaList('problems,letters')).toThrow(
      /unknown clinical area\(s\) letters; known: .*documents/,
    );
  });
});
