/**
 * The two predefined multi-area searches (Multi area searches; D-25; vectors S01 to S11):
 * exempt from C1/C8 only when the request is exactly one of them, and every single change that
 * matters makes it an ordinary request again (→ 422 naming the rule it breaks).
 */
import { NHS, postRecord, rel, testApp, TODAY } from '../support/app';
import { expectBundle, expectError, warningDiagnostics, warningsOf } from '../support/fhir';
import {
  area,
  bool,
  code,
  int,
  type Parameter,
  parameters,
  type Part,
  period,
  predefinedSearch1,
  predefinedSearch2,
} from '../support/parameters';

const t = testApp();
const YEAR_AGO = rel(-365);
const search1 = (from = YEAR_AGO) => predefinedSearch1(NHS.patient2, from);
const search2 = (from = YEAR_AGO) => predefinedSearch2(NHS.patient2, from);

/** A search with one parameter's parts replaced (the parameter keeps its position). */
function withParts(search: Parameter[], name: string, ...parts: Part[]): Parameter[] {
  return search.map((p) => (p.name === name ? area(name, ...parts) : p));
}

/** A search with parts added to one parameter. */
function addParts(search: Parameter[], name: string, ...parts: Part[]): Parameter[] {
  return search.map((p) =>
    p.name === name ? area(name, ...((p.part as Part[] | undefined) ?? []), ...parts) : p,
  );
}

async function expectOk(params: Parameter[], client = t) {
  const bundle = expectBundle(await postRecord(client, parameters(...params)));
  return bundle;
}

async function expect422(params: Parameter[], ...mentions: (string | RegExp)[]) {
  return expectError(await postRecord(t, parameters(...params)), 422, 'INVALID_PARAMETER', ...mentions);
}

/** C1 is the first rule a predefined search breaks once it stops being one. */
const C1 = /\bC1\b/;

describe('S: predefined search vectors (docs/spec-notes.md "Test vectors")', () => {
  it('S01 predefined search 1 exactly, medicationSearchFromDate = T-365 → 200, no warnings', async () => {
    expect(warningsOf(await expectOk(search1()))).toBeUndefined();
  });

  it('S02 predefined search 2 exactly, T-365 → 200, no warnings', async () => {
    expect(warningsOf(await expectOk(search2()))).toBeUndefined();
  });

  it('S03 predefined search 1 with the parameters in reverse order → 200', async () => {
    await expectOk([...search1()].reverse());
  });

  it('S03 predefined search 2 in reverse order → 200', async () => {
    await expectOk([...search2()].reverse());
  });

  it('S04 predefined search 1 with T-366 → 200 (D-25 tolerance, default 365 to 366 days)', async () => {
    await expectOk(search1(rel(-366)));
  });

  it('S04 predefined search 2 with T-366 → 200', async () => {
    await expectOk(search2(rel(-366)));
  });

  it('S04 the tolerance is configurable: PREDEFINED_MEDICATION_DAYS_MAX=365 makes T-366 a 422', async () => {
    const strict = testApp({ env: { PREDEFINED_MEDICATION_DAYS_MAX: '365' } });
    await expectOk(search1(), strict);
    expectError(
      await postRecord(strict, parameters(...search1(rel(-366)))),
      422,
      'INVALID_PARAMETER',
      C1,
      'includeMedication.medicationSearchFromDate',
    );
  });

  it('S04 the tolerance is configurable: MIN=360, MAX=370 accepts T-360 and T-370 but not T-371', async () => {
    const wide = testApp({
      env: { PREDEFINED_MEDICATION_DAYS_MIN: '360', PREDEFINED_MEDICATION_DAYS_MAX: '370' },
    });
    await expectOk(search1(rel(-360)), wide);
    await expectOk(search1(rel(-370)), wide);
    expectError(await postRecord(wide, parameters(...search1(rel(-371)))), 422, 'INVALID_PARAMETER', C1);
    expectError(await postRecord(wide, parameters(...search1(rel(-359)))), 422, 'INVALID_PARAMETER', C1);
  });

  it('S05 predefined search 1 with T-200 → 422 INVALID_PARAMETER', async () => {
    await expect422(search1(rel(-200)), C1, 'includeMedication.medicationSearchFromDate');
  });

  it('S06 predefined search 1 with includeNumberOfMostRecent 5 → 422 INVALID_PARAMETER', async () => {
    await expect422(
      withParts(search1(), 'includeConsultations', int('includeNumberOfMostRecent', 5)),
      C1,
      'includeConsultations.includeNumberOfMostRecent',
    );
  });

  it('S07 predefined search 1 + includeProblems{filterStatus:"active"} → 422 INVALID_PARAMETER', async () => {
    await expect422(
      withParts(search1(), 'includeProblems', code('filterStatus', 'active')),
      /\bC(1|3|8)\b/,
      'includeProblems.filterStatus',
    );
  });

  it('S08 predefined search 1 + includeInvestigations → 422 INVALID_PARAMETER', async () => {
    await expect422([...search1(), area('includeInvestigations')], C1, 'includeInvestigations');
  });

  it('S09 predefined search 1 + includeImmunisations (no includeUncategorisedData) → 422 INVALID_PARAMETER', async () => {
    await expect422([...search1(), area('includeImmunisations')], C1, 'includeUncategorisedData');
  });

  it('S10 predefined search 1 with the literal "today()-365 days" → 422 INVALID_PARAMETER (V11)', async () => {
    await expect422(
      search1('today()-365 days'),
      'includeMedication.medicationSearchFromDate',
      'today()-365 days',
    );
  });

  it('S11 predefined search 2 + includeImmunisations{includeStatus:true} → 422 INVALID_PARAMETER', async () => {
    await expect422(
      withParts(search2(), 'includeImmunisations', bool('includeStatus', true)),
      C1,
      'includeImmunisations.includeStatus',
    );
  });
});

describe('predefined searches: each single change that matters → 422 INVALID_PARAMETER naming the broken rule', () => {
  const changes: readonly [string, Parameter[], string][] = [
    [
      'search 1 + includeInvestigations',
      [...search1(), area('includeInvestigations')],
      'includeInvestigations',
    ],
    ['search 1 + includeReferrals', [...search1(), area('includeReferrals')], 'includeReferrals'],
    ['search 1 + includeDiaryEntries', [...search1(), area('includeDiaryEntries')], 'includeDiaryEntries'],
    [
      'search 2 + includeInvestigations',
      [...search2(), area('includeInvestigations')],
      'includeInvestigations',
    ],
    ['search 2 + includeReferrals', [...search2(), area('includeReferrals')], 'includeReferrals'],
    ['search 2 + includeDiaryEntries', [...search2(), area('includeDiaryEntries')], 'includeDiaryEntries'],
    [
      'search 1 + includeUncategorisedData only',
      [...search1(), area('includeUncategorisedData')],
      'includeImmunisations',
    ],
    [
      'search 1 without includeAllergies',
      search1().filter((p) => p.name !== 'includeAllergies'),
      'includeAllergies',
    ],
    [
      'search 1 without includeConsultations (still breaks C8)',
      search1().filter((p) => p.name !== 'includeConsultations'),
      'includeConsultations',
    ],
    [
      'search 2 without includeProblems (still breaks C1)',
      search2().filter((p) => p.name !== 'includeProblems'),
      'includeProblems',
    ],
    [
      'search 1 with 2 consultations',
      withParts(search1(), 'includeConsultations', int('includeNumberOfMostRecent', 2)),
      'includeConsultations.includeNumberOfMostRecent',
    ],
    [
      'search 1 with 4 consultations',
      withParts(search1(), 'includeConsultations', int('includeNumberOfMostRecent', 4)),
      'includeConsultations.includeNumberOfMostRecent',
    ],
    [
      'search 2 with 4 consultations',
      withParts(search2(), 'includeConsultations', int('includeNumberOfMostRecent', 4)),
      'includeConsultations.includeNumberOfMostRecent',
    ],
    [
      'search 1 with no includeNumberOfMostRecent',
      withParts(search1(), 'includeConsultations'),
      'includeConsultations.includeNumberOfMostRecent',
    ],
    [
      'search 1 with a consultationSearchPeriod instead',
      withParts(search1(), 'includeConsultations', period('consultationSearchPeriod', rel(-365), TODAY)),
      'includeConsultations',
    ],
    [
      'search 1 with medication from T-335 (30 days late)',
      search1(rel(-335)),
      'includeMedication.medicationSearchFromDate',
    ],
    [
      'search 1 with medication from T-395 (30 days early)',
      search1(rel(-395)),
      'includeMedication.medicationSearchFromDate',
    ],
    ['search 2 with medication from T-335', search2(rel(-335)), 'includeMedication.medicationSearchFromDate'],
    ['search 2 with medication from T-395', search2(rel(-395)), 'includeMedication.medicationSearchFromDate'],
    ['search 1 with medication from T-364', search1(rel(-364)), 'includeMedication.medicationSearchFromDate'],
    ['search 1 with medication from T-367', search1(rel(-367)), 'includeMedication.medicationSearchFromDate'],
    [
      'search 1 + includeProblems{filterStatus:"inactive"}',
      addParts(search1(), 'includeProblems', code('filterStatus', 'inactive')),
      'includeProblems.filterStatus',
    ],
    [
      'search 2 + includeProblems{filterStatus:"active"}',
      addParts(search2(), 'includeProblems', code('filterStatus', 'active')),
      'includeProblems.filterStatus',
    ],
    [
      'search 1 + includeProblems{filterSignificance:"major"} (project rule C14)',
      addParts(search1(), 'includeProblems', code('filterSignificance', 'major')),
      'includeProblems.filterSignificance',
    ],
    [
      'search 2 + includeImmunisations{includeNotGiven:false}',
      addParts(search2(), 'includeImmunisations', bool('includeNotGiven', false)),
      'includeImmunisations.includeNotGiven',
    ],
    [
      'search 2 + includeImmunisations{includeNotGiven:true}',
      addParts(search2(), 'includeImmunisations', bool('includeNotGiven', true)),
      'includeImmunisations.includeNotGiven',
    ],
    [
      'search 2 + includeImmunisations{includeStatus:false}',
      addParts(search2(), 'includeImmunisations', bool('includeStatus', false)),
      'includeImmunisations.includeStatus',
    ],
    [
      'search 2 + includeUncategorisedData{uncategorisedDataSearchPeriod}',
      addParts(
        search2(),
        'includeUncategorisedData',
        period('uncategorisedDataSearchPeriod', rel(-365), TODAY),
      ),
      'includeUncategorisedData.uncategorisedDataSearchPeriod',
    ],
  ];

  it.each(changes)('%s → 422', async (_what, params, mentioned) => {
    await expect422(params, /\bC\d+\b/, mentioned);
  });

  it('a duplicated includeProblems in search 1 whose copy has filterStatus → 422', async () => {
    await expect422(
      [...search1(), area('includeProblems', code('filterStatus', 'active'))],
      /\bC\d+\b/,
      'includeProblems.filterStatus',
    );
  });
});

describe('predefined searches: allowed variants → 200', () => {
  it('search 1 with includeResolvedAllergies false → 200', async () => {
    await expectOk(withParts(search1(), 'includeAllergies', bool('includeResolvedAllergies', false)));
  });

  it('search 2 with includeResolvedAllergies false → 200', async () => {
    await expectOk(withParts(search2(), 'includeAllergies', bool('includeResolvedAllergies', false)));
  });

  it.each([true, false])('search 1 + includePrescriptionIssues %s → 200', async (value) => {
    await expectOk(addParts(search1(), 'includeMedication', bool('includePrescriptionIssues', value)));
  });

  it('search 2 + includePrescriptionIssues false → 200', async () => {
    await expectOk(addParts(search2(), 'includeMedication', bool('includePrescriptionIssues', false)));
  });

  it('search 1 + an unknown top-level parameter → 200 with a warning for it', async () => {
    const bundle = await expectOk([...search1(), area('includeFoo')]);
    expect(warningDiagnostics(bundle)).toEqual(['includeFoo']);
  });

  it('search 2 + an unknown part on includeConsultations → 200 with a warning for it', async () => {
    const bundle = await expectOk(
      addParts(search2(), 'includeConsultations', bool('includeAttachments', true)),
    );
    expect(warningDiagnostics(bundle)).toEqual(['includeConsultations.includeAttachments']);
  });

  it('search 1 shuffled, with the NHS number in the middle → 200', async () => {
    const [nhs, cons, probs, allergies, meds] = search1();
    await expectOk([meds, allergies, nhs, probs, cons]);
  });

  it('search 1 for another patient (patient1) → 200', async () => {
    await expectOk(predefinedSearch1(NHS.patient1, YEAR_AGO));
  });

  it('search 1 still validates first: a dissenting patient → 403 NO_PATIENT_CONSENT', async () => {
    const res = await postRecord(t, parameters(...predefinedSearch1(NHS.patient15, YEAR_AGO)));
    expect(res.status).toBe(403);
    expect(res.body.issue[0].details.coding[0].code).toBe('NO_PATIENT_CONSENT');
  });
});
