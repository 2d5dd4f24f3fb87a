/**
 * The Parameters body (Retrieve a patient’s structured record — Payload request body; vectors B01 to B33 and
 * the V-rules no vector covers), the patient checks of docs/spec-notes.md "Retrieve a patient’s structured
 * record — Who may be shared", and "today" as the Europe/London date of the injected clock (D-1).
 */
import { fixedClock } from '../../src/clock';
import { NHS, postRecord, rel, testApp, TODAY } from '../support/app';
import {
  expectBundle,
  expectError,
  expectOperationOutcome,
  warningDiagnostics,
  warningsOf,
} from '../support/fhir';
import {
  area,
  bool,
  code,
  date,
  int,
  nhsNumber,
  type Parameter,
  parameters,
  type Part,
  period,
} from '../support/parameters';

const t = testApp();
/** P(...): patientNHSNumber of the rich patient plus the given parameters. */
const P = (...more: Parameter[]) => parameters(nhsNumber(NHS.patient2), ...more);

type Expected =
  | { readonly status: 200 }
  | { readonly status: 400 | 403 | 404 | 422; readonly code: string; readonly mentions: readonly string[] };

const ok: Expected = { status: 200 };
const fail = (status: 400 | 403 | 404 | 422, spineCode: string, ...mentions: string[]): Expected => ({
  status,
  code: spineCode,
  mentions,
});

interface Vector {
  readonly id: string;
  readonly title: string;
  readonly body: unknown;
  readonly expected: Expected;
}

const MED = 'includeMedication.medicationSearchFromDate';
const CONS = 'includeConsultations.consultationSearchPeriod';

/** docs/spec-notes.md "Test vectors", row by row. */
const B_VECTORS: readonly Vector[] = [
  { id: 'B01', title: 'body {not json', body: '{not json', expected: fail(422, 'INVALID_RESOURCE', 'JSON') },
  {
    id: 'B02',
    title: 'body {"resourceType":"Patient"}',
    body: { resourceType: 'Patient' },
    expected: fail(422, 'INVALID_RESOURCE', 'Parameters', 'Patient'),
  },
  {
    id: 'B03',
    title: 'only includeAllergies{includeResolvedAllergies:true}, no patientNHSNumber',
    body: parameters(area('includeAllergies', bool('includeResolvedAllergies', true))),
    expected: fail(422, 'INVALID_PARAMETER', 'patientNHSNumber'),
  },
  {
    id: 'B04',
    title: 'NHS number 9999999990 (bad check digit)',
    body: parameters(nhsNumber('9999999990')),
    expected: fail(400, 'INVALID_NHS_NUMBER', 'patientNHSNumber', '9999999990'),
  },
  {
    id: 'B05',
    title: 'NHS number 943476591 (9 digits)',
    body: parameters(nhsNumber('943476591')),
    expected: fail(400, 'INVALID_NHS_NUMBER', 'patientNHSNumber'),
  },
  {
    id: 'B06',
    title: 'NHS number 1234567890 (check digit would be 10)',
    body: parameters(nhsNumber('1234567890')),
    expected: fail(400, 'INVALID_NHS_NUMBER', 'patientNHSNumber'),
  },
  {
    id: 'B07',
    title: 'identifier system https://fhir.nhs.uk/Id/local-identifier',
    body: parameters(nhsNumber(NHS.patient2, 'https://fhir.nhs.uk/Id/local-identifier')),
    expected: fail(400, 'INVALID_IDENTIFIER_SYSTEM', 'patientNHSNumber', 'system'),
  },
  {
    id: 'B08',
    title: 'valid but unknown NHS number 9100000000',
    body: parameters(nhsNumber('9100000000')),
    expected: fail(404, 'PATIENT_NOT_FOUND'),
  },
  {
    id: 'B09',
    title: 'a patient who has dissented (patient15)',
    body: parameters(nhsNumber(NHS.patient15)),
    expected: fail(403, 'NO_PATIENT_CONSENT'),
  },
  {
    id: 'B10',
    title: 'includeAllergies with no parts',
    body: P(area('includeAllergies')),
    expected: fail(422, 'INVALID_PARAMETER', 'includeAllergies.includeResolvedAllergies'),
  },
  {
    id: 'B11',
    title: 'includeResolvedAllergies with no value[x]',
    body: P(area('includeAllergies', { name: 'includeResolvedAllergies' })),
    expected: fail(422, 'INVALID_PARAMETER', 'includeAllergies.includeResolvedAllergies'),
  },
  {
    id: 'B12',
    title: 'includeResolvedAllergies valueString "true"',
    body: P(area('includeAllergies', { name: 'includeResolvedAllergies', valueString: 'true' })),
    expected: fail(422, 'INVALID_PARAMETER', 'includeAllergies.includeResolvedAllergies'),
  },
  {
    id: 'B13',
    title: 'medicationSearchFromDate = T+1',
    body: P(area('includeMedication', date('medicationSearchFromDate', rel(1)))),
    expected: fail(422, 'INVALID_PARAMETER', MED, rel(1)),
  },
  {
    id: 'B14',
    title: 'medicationSearchFromDate = 2014-02',
    body: P(area('includeMedication', date('medicationSearchFromDate', '2014-02'))),
    expected: fail(422, 'INVALID_PARAMETER', MED, '2014-02'),
  },
  {
    id: 'B15',
    title: 'medicationSearchFromDate = 2015-10-23T11:08:32+00:00',
    body: P(area('includeMedication', date('medicationSearchFromDate', '2015-10-23T11:08:32+00:00'))),
    expected: fail(422, 'INVALID_PARAMETER', MED),
  },
  {
    id: 'B16',
    title: 'medicationSearchFromDate = T',
    body: P(area('includeMedication', date('medicationSearchFromDate', TODAY))),
    expected: ok,
  },
  {
    id: 'B17',
    title: 'consultationSearchPeriod {start T-10, end T-20}',
    body: P(area('includeConsultations', period('consultationSearchPeriod', rel(-10), rel(-20)))),
    expected: fail(422, 'INVALID_PARAMETER', CONS),
  },
  {
    id: 'B18',
    title: 'consultationSearchPeriod {start T-10, end T+1}',
    body: P(area('includeConsultations', period('consultationSearchPeriod', rel(-10), rel(1)))),
    expected: fail(422, 'INVALID_PARAMETER', `${CONS}.end`),
  },
  {
    id: 'B19',
    title: 'consultationSearchPeriod {start T-30} only',
    body: P(area('includeConsultations', period('consultationSearchPeriod', rel(-30)))),
    expected: ok,
  },
  {
    id: 'B20',
    title: 'consultationSearchPeriod + includeNumberOfMostRecent 3',
    body: P(
      area(
        'includeConsultations',
        period('consultationSearchPeriod', rel(-30), TODAY),
        int('includeNumberOfMostRecent', 3),
      ),
    ),
    expected: fail(422, 'INVALID_RESOURCE', CONS, 'includeConsultations.includeNumberOfMostRecent'),
  },
  {
    id: 'B21',
    title: 'includeNumberOfMostRecent 0 (D-22)',
    body: P(area('includeConsultations', int('includeNumberOfMostRecent', 0))),
    expected: fail(422, 'INVALID_PARAMETER', 'includeConsultations.includeNumberOfMostRecent'),
  },
  {
    id: 'B22',
    title: 'filterStatus resolved',
    body: P(area('includeProblems', code('filterStatus', 'resolved'))),
    expected: fail(422, 'INVALID_PARAMETER', 'includeProblems.filterStatus', 'resolved'),
  },
  {
    id: 'B23',
    title: 'filterStatus active (problems only)',
    body: P(area('includeProblems', code('filterStatus', 'active'))),
    expected: ok,
  },
  {
    id: 'B24',
    title: 'uncategorisedDataSearchPeriod {start T, end T}',
    body: P(area('includeUncategorisedData', period('uncategorisedDataSearchPeriod', TODAY, TODAY))),
    expected: ok,
  },
  {
    id: 'B25',
    title: 'uncategorisedDataSearchPeriod {start T-1, end T-5}',
    body: P(area('includeUncategorisedData', period('uncategorisedDataSearchPeriod', rel(-1), rel(-5)))),
    expected: fail(422, 'INVALID_PARAMETER', 'includeUncategorisedData.uncategorisedDataSearchPeriod'),
  },
  {
    id: 'B26',
    title: 'investigationSearchPeriod {start 2014, end 2016-01-01}',
    body: P(area('includeInvestigations', period('investigationSearchPeriod', '2014', '2016-01-01'))),
    expected: fail(422, 'INVALID_PARAMETER', 'includeInvestigations.investigationSearchPeriod.start'),
  },
  {
    id: 'B27',
    title: 'investigationSearchPeriod {start T-5, end T-10}',
    body: P(area('includeInvestigations', period('investigationSearchPeriod', rel(-5), rel(-10)))),
    expected: fail(422, 'INVALID_PARAMETER', 'includeInvestigations.investigationSearchPeriod'),
  },
  {
    id: 'B28',
    title: 'referralSearchPeriod {start T-5, end T+1}',
    body: P(area('includeReferrals', period('referralSearchPeriod', rel(-5), rel(1)))),
    expected: fail(422, 'INVALID_PARAMETER', 'includeReferrals.referralSearchPeriod.end'),
  },
  {
    id: 'B29',
    title: 'diaryEntriesSearchDate = T-20',
    body: P(area('includeDiaryEntries', date('diaryEntriesSearchDate', rel(-20)))),
    expected: fail(422, 'INVALID_PARAMETER', 'includeDiaryEntries.diaryEntriesSearchDate'),
  },
  {
    id: 'B30',
    title: 'diaryEntriesSearchDate = T',
    body: P(area('includeDiaryEntries', date('diaryEntriesSearchDate', TODAY))),
    expected: ok,
  },
  {
    id: 'B30',
    title: 'diaryEntriesSearchDate = T+3650',
    body: P(area('includeDiaryEntries', date('diaryEntriesSearchDate', rel(3650)))),
    expected: ok,
  },
  {
    id: 'B31',
    title: 'two medicationSearchFromDate parts',
    body: P(
      area(
        'includeMedication',
        date('medicationSearchFromDate', rel(-30)),
        date('medicationSearchFromDate', rel(-60)),
      ),
    ),
    expected: fail(422, 'INVALID_RESOURCE', MED),
  },
  {
    id: 'B32',
    title: 'two includeAllergies parameters (D-20)',
    body: P(
      area('includeAllergies', bool('includeResolvedAllergies', true)),
      area('includeAllergies', bool('includeResolvedAllergies', false)),
    ),
    expected: fail(422, 'INVALID_RESOURCE', 'includeAllergies'),
  },
  {
    id: 'B33',
    title: 'includeImmunisations, includeMedication and includeProblems with no parts',
    body: P(area('includeImmunisations'), area('includeMedication'), area('includeProblems')),
    expected: ok,
  },
];

async function check(body: unknown, expected: Expected, client = t) {
  const res = await postRecord(client, body);
  if (expected.status === 200) {
    const bundle = expectBundle(res);
    expect(warningsOf(bundle)).toBeUndefined();
    return;
  }
  expectError(res, expected.status, expected.code, ...expected.mentions);
}

describe('B: body and parameter validation vectors (docs/spec-notes.md "Test vectors")', () => {
  it.each(
    B_VECTORS.map(
      (v) =>
        [
          `${v.id} ${v.title} → ${v.expected.status === 200 ? '200' : `${v.expected.status} ${v.expected.code}`}`,
          v,
        ] as const,
    ),
  )('%s', async (_name, v) => {
    await check(v.body, v.expected);
  });

  it('B08 the 404 says exactly "Patient not found" (not-found)', async () => {
    const oo = expectOperationOutcome(
      await postRecord(t, parameters(nhsNumber('9100000000'))),
      404,
      'PATIENT_NOT_FOUND',
    );
    expect(oo.issue[0].code).toBe('not-found');
    expect(oo.issue[0].details?.coding?.[0].display).toBe('Patient not found');
  });

  it('B09 the 403 is forbidden with the consent display', async () => {
    const oo = expectOperationOutcome(
      await postRecord(t, parameters(nhsNumber(NHS.patient15))),
      403,
      'NO_PATIENT_CONSENT',
    );
    expect(oo.issue[0].code).toBe('forbidden');
    expect(oo.issue[0].details?.coding?.[0].display).toBe('Patient has not provided consent to share data');
  });

  it('B33 the Bundle still carries the patient asked for', async () => {
    const bundle = expectBundle(
      await postRecord(
        t,
        P(area('includeImmunisations'), area('includeMedication'), area('includeProblems')),
      ),
    );
    const patient = bundle.entry?.map((e) => e.resource).find((r) => r?.resourceType === 'Patient') as
      { identifier?: { value?: string }[] } | undefined;
    expect(patient?.identifier?.map((i) => i.value)).toContain(NHS.patient2);
  });
});

describe('patient checks (docs/spec-notes.md "Retrieve a patient’s structured record — Who may be shared"): every patient who may not be shared → 404 "Patient not found"', () => {
  it.each([
    ['patient9 (sensitive)', NHS.patient9],
    ['patient18 (deceased)', NHS.patient18],
    ['patient21 (registration inactive)', NHS.patient21],
    ['patient14 (NHS number not verified)', NHS.patient14],
    ['temporary1 (temporary registration)', NHS.temporary1],
    ['notInSystem 9999999999 (valid, unknown)', NHS.notInSystem],
  ])('%s → 404 PATIENT_NOT_FOUND', async (_who, nhs) => {
    const oo = expectOperationOutcome(
      await postRecord(t, parameters(nhsNumber(nhs))),
      404,
      'PATIENT_NOT_FOUND',
    );
    expect(oo.issue[0].code).toBe('not-found');
    expect(oo.issue[0].details?.coding?.[0].display).toBe('Patient not found');
  });

  it('the not-found answers do not differ between an unknown and a sensitive patient', async () => {
    const unknown = await postRecord(t, parameters(nhsNumber(NHS.notInSystem)));
    const sensitive = await postRecord(t, parameters(nhsNumber(NHS.patient9)));
    expect(sensitive.body).toEqual(unknown.body);
  });

  it.each([
    ['patient1', NHS.patient1],
    ['patient3', NHS.patient3],
    ['patient13 (record in transit)', NHS.patient13],
  ])('%s (registered, consenting) → 200', async (_who, nhs) => {
    expectBundle(await postRecord(t, parameters(nhsNumber(nhs))));
  });
});

describe('V-rules of docs/spec-notes.md "Retrieve a patient’s structured record — Payload request body" that no vector covers', () => {
  const cases: readonly [string, unknown, Expected][] = [
    // V1
    ['V1 an empty body', '', fail(422, 'INVALID_RESOURCE')],
    ['V1 a JSON array body', '[]', fail(422, 'INVALID_RESOURCE', 'Parameters')],
    ['V1 a JSON string body', '"Parameters"', fail(422, 'INVALID_RESOURCE', 'Parameters')],
    [
      'V1 no resourceType',
      { parameter: [nhsNumber(NHS.patient2)] },
      fail(422, 'INVALID_RESOURCE', 'resourceType'),
    ],
    [
      'V1 parameter is not an array',
      { resourceType: 'Parameters', parameter: nhsNumber(NHS.patient2) },
      fail(422, 'INVALID_RESOURCE', 'parameter'),
    ],
    [
      'V1 a parameter without a name',
      parameters(nhsNumber(NHS.patient2), { valueBoolean: true } as unknown as Parameter),
      fail(422, 'INVALID_RESOURCE', 'name'),
    ],
    [
      'V1 a parameter name that is not a string',
      parameters(nhsNumber(NHS.patient2), { name: 7 } as unknown as Parameter),
      fail(422, 'INVALID_RESOURCE', 'name'),
    ],
    [
      'V1 part is not an array',
      P({ name: 'includeAllergies', part: bool('includeResolvedAllergies', true) }),
      fail(422, 'INVALID_RESOURCE', 'includeAllergies.part'),
    ],
    [
      'V1 a part without a name',
      P(area('includeAllergies', { valueBoolean: true } as unknown as Part)),
      fail(422, 'INVALID_RESOURCE', 'includeAllergies.part[0].name'),
    ],
    // V2
    ['V2 no parameters at all', parameters(), fail(422, 'INVALID_PARAMETER', 'patientNHSNumber')],
    [
      'V2 only unrecognised parameters',
      parameters(area('includeFoo')),
      fail(422, 'INVALID_PARAMETER', 'recognised'),
    ],
    // V4
    [
      'V4 patientNHSNumber as valueString',
      parameters({ name: 'patientNHSNumber', valueString: NHS.patient2 }),
      fail(422, 'INVALID_PARAMETER', 'patientNHSNumber', 'valueIdentifier'),
    ],
    [
      'V4 patientNHSNumber with no value',
      parameters({ name: 'patientNHSNumber' }),
      fail(422, 'INVALID_PARAMETER', 'patientNHSNumber'),
    ],
    // V5, V6
    [
      'V5 identifier with no system',
      parameters({ name: 'patientNHSNumber', valueIdentifier: { value: NHS.patient2 } }),
      fail(400, 'INVALID_IDENTIFIER_SYSTEM', 'patientNHSNumber'),
    ],
    [
      'V5 the legacy system http://fhir.nhs.net/Id/nhs-number',
      parameters(nhsNumber(NHS.patient2, 'http://fhir.nhs.net/Id/nhs-number')),
      fail(400, 'INVALID_IDENTIFIER_SYSTEM', 'patientNHSNumber'),
    ],
    [
      'V6 NHS number with spaces (D-24)',
      parameters(nhsNumber('969 093 7286')),
      fail(400, 'INVALID_NHS_NUMBER', 'patientNHSNumber'),
    ],
    [
      'V6 NHS number with dashes (D-24)',
      parameters(nhsNumber('969-093-7286')),
      fail(400, 'INVALID_NHS_NUMBER', 'patientNHSNumber'),
    ],
    ['V6 empty NHS number', parameters(nhsNumber('')), fail(400, 'INVALID_NHS_NUMBER', 'patientNHSNumber')],
    [
      'V6 NHS number with a letter (943476591X)',
      parameters(nhsNumber('943476591X')),
      fail(400, 'INVALID_NHS_NUMBER', 'patientNHSNumber'),
    ],
    [
      'V6 NHS number as a JSON number',
      parameters({
        name: 'patientNHSNumber',
        valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: 9690937286 },
      }),
      fail(400, 'INVALID_NHS_NUMBER', 'patientNHSNumber'),
    ],
    [
      'V6 NHS number with no value',
      parameters({
        name: 'patientNHSNumber',
        valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number' },
      }),
      fail(400, 'INVALID_NHS_NUMBER', 'patientNHSNumber'),
    ],
    // V7
    [
      'V7 two patientNHSNumber parameters',
      parameters(nhsNumber(NHS.patient2), nhsNumber(NHS.patient1)),
      fail(422, 'INVALID_RESOURCE', 'patientNHSNumber'),
    ],
    [
      'V7 two includeConsultations',
      P(area('includeConsultations'), area('includeConsultations')),
      fail(422, 'INVALID_RESOURCE', 'includeConsultations'),
    ],
    [
      'V7 two includeResolvedAllergies parts',
      P(
        area(
          'includeAllergies',
          bool('includeResolvedAllergies', true),
          bool('includeResolvedAllergies', true),
        ),
      ),
      fail(422, 'INVALID_RESOURCE', 'includeAllergies.includeResolvedAllergies'),
    ],
    [
      'V7 a part with two value[x]',
      P(
        area('includeAllergies', {
          name: 'includeResolvedAllergies',
          valueBoolean: true,
          valueString: 'true',
        }),
      ),
      fail(422, 'INVALID_RESOURCE', 'includeAllergies.includeResolvedAllergies'),
    ],
    // V9
    [
      'V9 valuePeriod {} (D-21)',
      P(area('includeConsultations', period('consultationSearchPeriod'))),
      fail(422, 'INVALID_PARAMETER', CONS),
    ],
    [
      'V9 valuePeriod {start: null, end: null}',
      P(area('includeReferrals', { name: 'referralSearchPeriod', valuePeriod: { start: null, end: null } })),
      fail(422, 'INVALID_PARAMETER', 'includeReferrals.referralSearchPeriod'),
    ],
    [
      'V9 a null valueBoolean',
      P(area('includeAllergies', { name: 'includeResolvedAllergies', valueBoolean: null })),
      fail(422, 'INVALID_PARAMETER', 'includeAllergies.includeResolvedAllergies'),
    ],
    [
      'V9 a null valueDate',
      P(area('includeMedication', { name: 'medicationSearchFromDate', valueDate: null })),
      fail(422, 'INVALID_PARAMETER', MED),
    ],
    [
      'V9 includePrescriptionIssues with no value',
      P(area('includeMedication', { name: 'includePrescriptionIssues' })),
      fail(422, 'INVALID_PARAMETER', 'includeMedication.includePrescriptionIssues'),
    ],
    // V10
    [
      'V10 "3" for positiveInt',
      P(area('includeConsultations', { name: 'includeNumberOfMostRecent', valuePositiveInt: '3' })),
      fail(422, 'INVALID_PARAMETER', 'includeConsultations.includeNumberOfMostRecent'),
    ],
    [
      'V10 valueInteger for includeNumberOfMostRecent',
      P(area('includeConsultations', { name: 'includeNumberOfMostRecent', valueInteger: 3 })),
      fail(422, 'INVALID_PARAMETER', 'includeConsultations.includeNumberOfMostRecent'),
    ],
    [
      'V10 valueDateTime for medicationSearchFromDate',
      P(area('includeMedication', { name: 'medicationSearchFromDate', valueDateTime: rel(-10) })),
      fail(422, 'INVALID_PARAMETER', MED),
    ],
    [
      'V10 valueDate for a Period part',
      P(area('includeInvestigations', date('investigationSearchPeriod', rel(-10)))),
      fail(422, 'INVALID_PARAMETER', 'includeInvestigations.investigationSearchPeriod'),
    ],
    [
      'V10 valueString for filterStatus',
      P(area('includeProblems', { name: 'filterStatus', valueString: 'active' })),
      fail(422, 'INVALID_PARAMETER', 'includeProblems.filterStatus'),
    ],
    [
      'V10 valueBoolean "false" as a string for includeNotGiven',
      P(area('includeImmunisations', { name: 'includeNotGiven', valueBoolean: 'false' })),
      fail(422, 'INVALID_PARAMETER', 'includeImmunisations.includeNotGiven'),
    ],
    [
      'V10 a valuePeriod that is a string',
      P(area('includeUncategorisedData', { name: 'uncategorisedDataSearchPeriod', valuePeriod: rel(-10) })),
      fail(422, 'INVALID_PARAMETER', 'includeUncategorisedData.uncategorisedDataSearchPeriod'),
    ],
    // V11
    [
      'V11 2023-02-29 is not a calendar date',
      P(area('includeMedication', date('medicationSearchFromDate', '2023-02-29'))),
      fail(422, 'INVALID_PARAMETER', MED, '2023-02-29'),
    ],
    [
      'V11 2024-04-31 is not a calendar date',
      P(area('includeMedication', date('medicationSearchFromDate', '2024-04-31'))),
      fail(422, 'INVALID_PARAMETER', MED),
    ],
    [
      'V11 2024-13-01 is not a calendar date',
      P(area('includeMedication', date('medicationSearchFromDate', '2024-13-01'))),
      fail(422, 'INVALID_PARAMETER', MED),
    ],
    [
      'V11 a year-only medicationSearchFromDate',
      P(area('includeMedication', date('medicationSearchFromDate', '2014'))),
      fail(422, 'INVALID_PARAMETER', MED),
    ],
    [
      'V11 a diaryEntriesSearchDate with a time',
      P(area('includeDiaryEntries', date('diaryEntriesSearchDate', `${rel(10)}T10:00:00Z`))),
      fail(422, 'INVALID_PARAMETER', 'includeDiaryEntries.diaryEntriesSearchDate'),
    ],
    [
      'V11 a diaryEntriesSearchDate YYYY-MM',
      P(area('includeDiaryEntries', date('diaryEntriesSearchDate', rel(40).slice(0, 7)))),
      fail(422, 'INVALID_PARAMETER', 'includeDiaryEntries.diaryEntriesSearchDate'),
    ],
    [
      'V11 a date with single-digit month',
      P(area('includeMedication', date('medicationSearchFromDate', '2024-1-05'))),
      fail(422, 'INVALID_PARAMETER', MED),
    ],
    // V12, V13
    [
      'V12 medicationSearchFromDate far in the past is fine',
      P(area('includeMedication', date('medicationSearchFromDate', '1900-01-01'))),
      ok,
    ],
    [
      'V12 medicationSearchFromDate T+365',
      P(area('includeMedication', date('medicationSearchFromDate', rel(365)))),
      fail(422, 'INVALID_PARAMETER', MED),
    ],
    [
      'V13 diaryEntriesSearchDate T-1',
      P(area('includeDiaryEntries', date('diaryEntriesSearchDate', rel(-1)))),
      fail(422, 'INVALID_PARAMETER', 'includeDiaryEntries.diaryEntriesSearchDate'),
    ],
    // V14, V15, V16
    [
      'V14 consultationSearchPeriod start T+1',
      P(area('includeConsultations', period('consultationSearchPeriod', rel(1)))),
      fail(422, 'INVALID_PARAMETER', `${CONS}.start`),
    ],
    [
      'V14 consultationSearchPeriod start YYYY-MM',
      P(area('includeConsultations', period('consultationSearchPeriod', '2020-01'))),
      fail(422, 'INVALID_PARAMETER', `${CONS}.start`),
    ],
    [
      'V14 uncategorisedDataSearchPeriod end with a time',
      P(
        area(
          'includeUncategorisedData',
          period('uncategorisedDataSearchPeriod', undefined, `${rel(-1)}T00:00:00Z`),
        ),
      ),
      fail(422, 'INVALID_PARAMETER', 'includeUncategorisedData.uncategorisedDataSearchPeriod.end'),
    ],
    [
      'V14 investigationSearchPeriod end T+1',
      P(area('includeInvestigations', period('investigationSearchPeriod', undefined, rel(1)))),
      fail(422, 'INVALID_PARAMETER', 'includeInvestigations.investigationSearchPeriod.end'),
    ],
    [
      'V14 referralSearchPeriod start 2023-02-29',
      P(area('includeReferrals', period('referralSearchPeriod', '2023-02-29'))),
      fail(422, 'INVALID_PARAMETER', 'includeReferrals.referralSearchPeriod.start'),
    ],
    [
      'V15 referralSearchPeriod start after end',
      P(area('includeReferrals', period('referralSearchPeriod', rel(-1), rel(-2)))),
      fail(422, 'INVALID_PARAMETER', 'includeReferrals.referralSearchPeriod'),
    ],
    [
      'V16 investigationSearchPeriod with only an end',
      P(area('includeInvestigations', period('investigationSearchPeriod', undefined, rel(-1)))),
      ok,
    ],
    [
      'V16 referralSearchPeriod with only a start',
      P(area('includeReferrals', period('referralSearchPeriod', rel(-100)))),
      ok,
    ],
    [
      'V15 a one-day consultationSearchPeriod (start = end = T-3)',
      P(area('includeConsultations', period('consultationSearchPeriod', rel(-3), rel(-3)))),
      ok,
    ],
    // V18, V19
    [
      'V18 negative includeNumberOfMostRecent',
      P(area('includeConsultations', int('includeNumberOfMostRecent', -1))),
      fail(422, 'INVALID_PARAMETER', 'includeConsultations.includeNumberOfMostRecent'),
    ],
    [
      'V18 fractional includeNumberOfMostRecent',
      P(area('includeConsultations', int('includeNumberOfMostRecent', 2.5))),
      fail(422, 'INVALID_PARAMETER', 'includeConsultations.includeNumberOfMostRecent'),
    ],
    [
      'V18 includeNumberOfMostRecent 1',
      P(area('includeConsultations', int('includeNumberOfMostRecent', 1))),
      ok,
    ],
    [
      'V19 filterStatus is case-sensitive (Active)',
      P(area('includeProblems', code('filterStatus', 'Active'))),
      fail(422, 'INVALID_PARAMETER', 'includeProblems.filterStatus'),
    ],
    ['V19 filterStatus inactive', P(area('includeProblems', code('filterStatus', 'inactive'))), ok],
    // Order of checks (D-27): the first failure wins
    [
      'D-27 a duplicate (V7) is reported before a missing NHS number (V3)',
      parameters(
        area('includeAllergies', bool('includeResolvedAllergies', true)),
        area('includeAllergies', bool('includeResolvedAllergies', true)),
      ),
      fail(422, 'INVALID_RESOURCE', 'includeAllergies'),
    ],
    [
      'D-27 a bad NHS number (V6) is reported before a bad part (V11)',
      parameters(
        nhsNumber('9999999990'),
        area('includeMedication', date('medicationSearchFromDate', '2014')),
      ),
      fail(400, 'INVALID_NHS_NUMBER', 'patientNHSNumber'),
    ],
    [
      'D-27 a bad part (V12) is reported before the patient lookup',
      parameters(
        nhsNumber(NHS.notInSystem),
        area('includeMedication', date('medicationSearchFromDate', rel(1))),
      ),
      fail(422, 'INVALID_PARAMETER', MED),
    ],
  ];

  it.each(
    cases.map(
      ([title, body, expected]) =>
        [
          `${title} → ${expected.status === 200 ? '200' : `${expected.status} ${expected.code}`}`,
          body,
          expected,
        ] as const,
    ),
  )('%s', async (_name, body, expected) => {
    await check(body, expected);
  });

  it('V21 unknown parts on known parameters → 200 with one warning per part', async () => {
    const bundle = expectBundle(
      await postRecord(
        t,
        P(
          area('includeAllergies', bool('includeResolvedAllergies', true), bool('includeFoo', true)),
          area('includeReferrals', period('referralsSearchPeriod', rel(-30))),
        ),
      ),
    );
    expect(warningDiagnostics(bundle)).toEqual([
      'includeAllergies.includeFoo',
      'includeReferrals.referralsSearchPeriod',
    ]);
  });

  it('V21 an unknown part is not validated: includeMedication{medicationSearchFromTime:"garbage"} → 200 with a warning', async () => {
    const bundle = expectBundle(
      await postRecord(
        t,
        P(area('includeMedication', { name: 'medicationSearchFromTime', valueString: 'garbage' })),
      ),
    );
    expect(warningDiagnostics(bundle)).toEqual(['includeMedication.medicationSearchFromTime']);
  });

  it.each([
    ['valueBoolean true', { valueBoolean: true }],
    ['valueString "yes"', { valueString: 'yes' }],
    ['valueBoolean false', { valueBoolean: false }],
  ])('V22 a known top-level include* with %s is ignored (D-23) → 200, no warning', async (_what, value) => {
    const bundle = expectBundle(
      await postRecord(t, P({ name: 'includeProblems', ...value }, { name: 'includeMedication', ...value })),
    );
    expect(warningsOf(bundle)).toBeUndefined();
  });

  it('meta.profile on the Parameters (as in the spec examples) is tolerated → 200', async () => {
    const body = {
      ...P(area('includeAllergies', bool('includeResolvedAllergies', false))),
      meta: {
        profile: [
          'https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1/_history/1.16',
        ],
      },
    };
    expectBundle(await postRecord(t, body));
  });

  it('parameters in any order: patientNHSNumber last → 200', async () => {
    const body = parameters(
      area('includeAllergies', bool('includeResolvedAllergies', true)),
      area('includeMedication'),
      nhsNumber(NHS.patient2),
    );
    expectBundle(await postRecord(t, body));
  });

  it('project decision: a repeated includeProblems is accepted (union of filters) → 200, no warning', async () => {
    const bundle = expectBundle(
      await postRecord(
        t,
        P(
          area('includeProblems', code('filterStatus', 'active')),
          area('includeProblems', code('filterSignificance', 'major')),
        ),
      ),
    );
    expect(warningsOf(bundle)).toBeUndefined();
  });

  it('a repeated includeProblems still validates each occurrence: the second with filterStatus resolved → 422', async () => {
    await check(
      P(
        area('includeProblems', code('filterStatus', 'active')),
        area('includeProblems', code('filterStatus', 'resolved')),
      ),
      fail(422, 'INVALID_PARAMETER', 'includeProblems.filterStatus'),
    );
  });

  it('V10 a deeply nested valueDate (10,000-deep array) → 422 INVALID_PARAMETER, not a 500', async () => {
    const body = JSON.stringify(
      P(area('includeMedication', { name: 'medicationSearchFromDate', valueDate: 'RAW' })),
    ).replace('"RAW"', '['.repeat(10_000) + ']'.repeat(10_000));
    expectError(await postRecord(t, body), 422, 'INVALID_PARAMETER', MED);
  });

  it('V19 a huge non-string valueCode is not echoed back: diagnostics stay short', async () => {
    const body = P(
      area('includeProblems', { name: 'filterStatus', valueCode: { text: 'x'.repeat(200_000) } }),
    );
    const oo = expectError(
      await postRecord(t, body),
      422,
      'INVALID_PARAMETER',
      'includeProblems.filterStatus',
    );
    expect(oo.issue[0].diagnostics!.length).toBeLessThan(300);
  });

  it('a body over the 1 MB limit (D-31) → 413 OperationOutcome, not a crash', async () => {
    const big = JSON.stringify(P({ name: 'includeFoo', valueString: 'x'.repeat(1024 * 1024) }));
    const res = await postRecord(t, big);
    expect(res.status).toBe(413);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('"today" is the Europe/London date of the injected clock (D-1)', () => {
  // 23:30 UTC on 1 July is 00:30 BST on 2 July in London.
  const late = testApp({ clock: fixedClock('2026-07-01T23:30:00Z') });

  it('the pinned clock gives London date 2026-07-02', () => {
    expect(late.clock.today()).toBe('2026-07-02');
  });

  it('medicationSearchFromDate 2026-07-02 (London today, UTC tomorrow) → 200', async () => {
    await check(P(area('includeMedication', date('medicationSearchFromDate', '2026-07-02'))), ok, late);
  });

  it('medicationSearchFromDate 2026-07-03 (London tomorrow) → 422', async () => {
    await check(
      P(area('includeMedication', date('medicationSearchFromDate', '2026-07-03'))),
      fail(422, 'INVALID_PARAMETER', MED, '2026-07-03'),
      late,
    );
  });

  it('diaryEntriesSearchDate 2026-07-01 (UTC today, London yesterday) → 422', async () => {
    await check(
      P(area('includeDiaryEntries', date('diaryEntriesSearchDate', '2026-07-01'))),
      fail(422, 'INVALID_PARAMETER', 'includeDiaryEntries.diaryEntriesSearchDate', '2026-07-01'),
      late,
    );
  });

  it('diaryEntriesSearchDate 2026-07-02 → 200', async () => {
    await check(P(area('includeDiaryEntries', date('diaryEntriesSearchDate', '2026-07-02'))), ok, late);
  });

  it('a period ending on the London date 2026-07-02 → 200', async () => {
    await check(
      P(area('includeReferrals', period('referralSearchPeriod', '2026-06-01', '2026-07-02'))),
      ok,
      late,
    );
  });
});
