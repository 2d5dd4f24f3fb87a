/**
 * Forwards compatibility and clinical-area configuration (API Version Compatibility — Forwards compatibility;
 * Configuration for supported clinical areas; vectors F01 to F08), with the project decision on
 * includeProblems.filterSignificance (1.6.0/1.6.1 consumers).
 */
import type { Bundle, OperationOutcome, OperationOutcomeIssue } from 'fhir/r3';

import { NHS, postRecord, rel, testApp } from '../support/app';
import {
  expectBundle,
  expectError,
  OPERATION_OUTCOME_PROFILE,
  SPINE_CODE_SYSTEM,
  warningsOf,
} from '../support/fhir';
import { area, bool, code, int, nhsNumber, type Parameter, parameters, period } from '../support/parameters';

const t = testApp();
const P = (...more: Parameter[]) => parameters(nhsNumber(NHS.patient2), ...more);

/** The issue the spec prescribes for one unrecognised parameter or disabled area. */
function warning(text: string, diagnostics: string): OperationOutcomeIssue {
  return {
    severity: 'warning',
    code: 'not-supported',
    details: {
      coding: [{ system: SPINE_CODE_SYSTEM, code: 'NOT_IMPLEMENTED', display: 'Not implemented' }],
      text,
    },
    diagnostics,
  };
}
const unrecognised = (name: string) => warning(`${name} is an unrecognised parameter`, name);
const disabled = (name: string) => warning(`${name} has been disabled`, name);

/** The single warnings OperationOutcome of a 200 Bundle, checked for the shape API Version Compatibility —
 * Forwards compatibility requires. */
function outcomeOf(bundle: Bundle): OperationOutcome {
  const outcome = warningsOf(bundle);
  expect(outcome).toBeDefined();
  expect(outcome!.id).toEqual(expect.any(String));
  expect(outcome!.id!.length).toBeGreaterThan(0);
  expect(outcome!.meta?.profile).toEqual([OPERATION_OUTCOME_PROFILE]);
  const entry = bundle.entry!.find((e) => e.resource?.resourceType === 'OperationOutcome')!;
  // Bundle guidance: entries carry no fullUrl.
  expect(entry.fullUrl).toBeUndefined();
  return outcome!;
}

async function warningsFor(body: unknown, client = t): Promise<OperationOutcomeIssue[]> {
  return outcomeOf(expectBundle(await postRecord(client, body))).issue;
}

describe('F: forwards compatibility and configuration vectors (docs/spec-notes.md "Test vectors")', () => {
  it('F01 + top-level includeFoo (no value) → 200, one warning "includeFoo is an unrecognised parameter"', async () => {
    expect(await warningsFor(P(area('includeFoo')))).toEqual([unrecognised('includeFoo')]);
  });

  it('F02 (project decision) includeProblems{filterSignificance:"major"} is supported → 200 with NO OperationOutcome', async () => {
    const bundle = expectBundle(
      await postRecord(t, P(area('includeProblems', code('filterSignificance', 'major')))),
    );
    expect(warningsOf(bundle)).toBeUndefined();
  });

  it('F02 (project decision) filterSignificance "minor" → 200 with no OperationOutcome', async () => {
    expect(
      warningsOf(
        expectBundle(await postRecord(t, P(area('includeProblems', code('filterSignificance', 'minor'))))),
      ),
    ).toBeUndefined();
  });

  it('F02 (project decision) filterSignificance with filterStatus → 200 with no OperationOutcome', async () => {
    const body = P(
      area('includeProblems', code('filterStatus', 'active'), code('filterSignificance', 'major')),
    );
    expect(warningsOf(expectBundle(await postRecord(t, body)))).toBeUndefined();
  });

  it.each(['severe', 'Major', ''])(
    'F02 (project decision) filterSignificance "%s" → 422 INVALID_PARAMETER',
    async (value) => {
      expectError(
        await postRecord(t, P(area('includeProblems', code('filterSignificance', value)))),
        422,
        'INVALID_PARAMETER',
        'includeProblems.filterSignificance',
      );
    },
  );

  it('F02 (project decision) filterSignificance as valueString → 422 INVALID_PARAMETER', async () => {
    const body = P(area('includeProblems', { name: 'filterSignificance', valueString: 'major' }));
    expectError(await postRecord(t, body), 422, 'INVALID_PARAMETER', 'includeProblems.filterSignificance');
  });

  it('F02 (project decision, rule C14) filterSignificance together with includeConsultations → 422 INVALID_PARAMETER', async () => {
    const body = P(
      area('includeConsultations'),
      area('includeProblems', code('filterSignificance', 'major')),
    );
    expectError(
      await postRecord(t, body),
      422,
      'INVALID_PARAMETER',
      'C14',
      'includeProblems.filterSignificance',
    );
  });

  it('F03 includeFoo{bar:true} → 200, exactly one issue, diagnostics includeFoo (parts of an unknown parameter are not reported)', async () => {
    expect(await warningsFor(P(area('includeFoo', bool('bar', true))))).toEqual([unrecognised('includeFoo')]);
  });

  it('F04 includeMedication{filterPrescriptionType:"repeat"} → 200, warning includeMedication.filterPrescriptionType', async () => {
    const issues = await warningsFor(P(area('includeMedication', code('filterPrescriptionType', 'repeat'))));
    expect(issues).toEqual([unrecognised('includeMedication.filterPrescriptionType')]);
  });

  it('F05 a top-level consultationSearchPeriod with no parent → 200, warning consultationSearchPeriod', async () => {
    expect(await warningsFor(P(period('consultationSearchPeriod', rel(-30), rel(0))))).toEqual([
      unrecognised('consultationSearchPeriod'),
    ]);
  });

  it('F06 includeProblems{includeStatus:"active"} (1.3.0 name) + includeConsultations{includeNumberOfMostRecent:3} → 200, warning includeProblems.includeStatus; an unknown part does not trigger C3', async () => {
    const body = P(
      area('includeProblems', code('includeStatus', 'active')),
      area('includeConsultations', int('includeNumberOfMostRecent', 3)),
    );
    expect(await warningsFor(body)).toEqual([unrecognised('includeProblems.includeStatus')]);
  });

  describe('F07/F08 the problems area switched off at the site (problems in its disabled areas)', () => {
    const off = testApp({ settings: { P99001: { disabledAreas: ['problems'] } } });

    it('F07 request includeProblems → 200, issue text "includeProblems has been disabled", diagnostics includeProblems', async () => {
      expect(await warningsFor(P(area('includeProblems')), off)).toEqual([disabled('includeProblems')]);
    });

    it('F07 the other areas are still answered: includeProblems + includeAllergies → 200 with only the disabled warning', async () => {
      const body = P(
        area('includeProblems'),
        area('includeAllergies', bool('includeResolvedAllergies', true)),
      );
      expect(await warningsFor(body, off)).toEqual([disabled('includeProblems')]);
    });

    it('F07 a disabled area that was not requested adds no warning: P() → no OperationOutcome', async () => {
      expect(warningsOf(expectBundle(await postRecord(off, P())))).toBeUndefined();
    });

    it('F07 a request for a disabled area is still validated: includeProblems{filterStatus:"resolved"} → 422', async () => {
      expectError(
        await postRecord(off, P(area('includeProblems', code('filterStatus', 'resolved')))),
        422,
        'INVALID_PARAMETER',
        'includeProblems.filterStatus',
      );
    });

    it('F08 two unknown top-level parameters + one disabled area → 200, ONE OperationOutcome with exactly 3 issues', async () => {
      const bundle = expectBundle(
        await postRecord(
          off,
          P(area('includeFoo'), area('includeProblems'), area('includeBar', bool('baz', true))),
        ),
      );
      const outcomes = bundle.entry!.filter((e) => e.resource?.resourceType === 'OperationOutcome');
      expect(outcomes).toHaveLength(1);
      const issues = outcomeOf(bundle).issue;
      expect(issues).toHaveLength(3);
      expect(issues).toEqual(
        expect.arrayContaining([
          unrecognised('includeFoo'),
          unrecognised('includeBar'),
          disabled('includeProblems'),
        ]),
      );
    });
  });

  describe('F07 several areas switched off (medication and referrals in its disabled areas)', () => {
    const off = testApp({ settings: { P99001: { disabledAreas: ['medication', 'referrals'] } } });
    it('F07 both requested → 200, one warning each', async () => {
      const issues = await warningsFor(P(area('includeMedication'), area('includeReferrals')), off);
      expect(issues).toHaveLength(2);
      expect(issues).toEqual(
        expect.arrayContaining([disabled('includeMedication'), disabled('includeReferrals')]),
      );
    });
  });
});

describe('warning rules (API Version Compatibility — Forwards compatibility)', () => {
  it('no warnings → no OperationOutcome in the Bundle', async () => {
    const body = P(
      area('includeAllergies', bool('includeResolvedAllergies', true)),
      area('includeProblems', code('filterStatus', 'active')),
    );
    expect(warningsOf(expectBundle(await postRecord(t, body)))).toBeUndefined();
  });

  it('unknown parameter and unknown part together → one OperationOutcome, issues in request order', async () => {
    const body = P(
      area('includeFoo'),
      area('includeAllergies', bool('includeResolvedAllergies', false), code('filterSeverity', 'high')),
      area('includeDocuments'),
    );
    expect(await warningsFor(body)).toEqual([
      unrecognised('includeFoo'),
      unrecognised('includeAllergies.filterSeverity'),
      unrecognised('includeDocuments'),
    ]);
  });

  it('includeFullRecord (a migrate-only parameter) on E1 is an unrecognised parameter → 200 with a warning', async () => {
    expect(
      await warningsFor(P(area('includeFullRecord', bool('includeSensitiveInformation', false)))),
    ).toEqual([unrecognised('includeFullRecord')]);
  });

  it('parameter names are case-sensitive: includeallergies is unrecognised', async () => {
    expect(await warningsFor(P(area('includeallergies', bool('includeResolvedAllergies', true))))).toEqual([
      unrecognised('includeallergies'),
    ]);
  });
});
