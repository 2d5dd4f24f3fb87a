/**
 * Not-permitted parameter combinations (Retrieve a patient’s structured record — Not permitted parameter
 * combinations; vectors N01 to N13, A01 to A05) and the project's rule C14
 * (includeProblems.filterSignificance with includeConsultations). The rule table below is written from the
 * specification page, not imported from src, so the two are checked against each other.
 */
import { NHS, postRecord, rel, testApp, TODAY } from '../support/app';
import { expectBundle, expectError, warningsOf } from '../support/fhir';
import {
  area,
  bool,
  code,
  date,
  everyArea,
  int,
  nhsNumber,
  type Parameter,
  parameters,
  type Part,
  period,
} from '../support/parameters';

const t = testApp();
const P = (...more: Parameter[]) => parameters(nhsNumber(NHS.patient2), ...more);

interface Rule {
  readonly id: string;
  /** The top-level parameter whose presence forbids the part. */
  readonly when: 'includeConsultations' | 'includeProblems';
  readonly parameter: string;
  readonly part: string;
  /** Valid values for the part (each must be forbidden: presence counts, whatever the value). */
  readonly values: readonly Part[];
}

const MEDICATION_DATES = [
  date('medicationSearchFromDate', rel(-365)),
  date('medicationSearchFromDate', TODAY),
];
const UNCATEGORISED = [
  period('uncategorisedDataSearchPeriod', rel(-30), TODAY),
  period('uncategorisedDataSearchPeriod', undefined, TODAY),
  period('uncategorisedDataSearchPeriod', rel(-30)),
];
const REFERRALS = [period('referralSearchPeriod', rel(-30)), period('referralSearchPeriod', rel(-30), TODAY)];
const DIARY = [date('diaryEntriesSearchDate', rel(30)), date('diaryEntriesSearchDate', TODAY)];
const NOT_GIVEN = [bool('includeNotGiven', false), bool('includeNotGiven', true)];
const STATUS = [bool('includeStatus', true), bool('includeStatus', false)];

/** Retrieve a patient’s structured record — Not permitted parameter combinations, C1 to C13, plus the
 * project's C14. */
const RULES: readonly Rule[] = [
  {
    id: 'C1',
    when: 'includeConsultations',
    parameter: 'includeMedication',
    part: 'medicationSearchFromDate',
    values: MEDICATION_DATES,
  },
  {
    id: 'C2',
    when: 'includeConsultations',
    parameter: 'includeUncategorisedData',
    part: 'uncategorisedDataSearchPeriod',
    values: UNCATEGORISED,
  },
  {
    id: 'C3',
    when: 'includeConsultations',
    parameter: 'includeProblems',
    part: 'filterStatus',
    values: [code('filterStatus', 'active'), code('filterStatus', 'inactive')],
  },
  {
    id: 'C4',
    when: 'includeConsultations',
    parameter: 'includeReferrals',
    part: 'referralSearchPeriod',
    values: REFERRALS,
  },
  {
    id: 'C5',
    when: 'includeConsultations',
    parameter: 'includeDiaryEntries',
    part: 'diaryEntriesSearchDate',
    values: DIARY,
  },
  {
    id: 'C6',
    when: 'includeConsultations',
    parameter: 'includeImmunisations',
    part: 'includeNotGiven',
    values: NOT_GIVEN,
  },
  {
    id: 'C7',
    when: 'includeConsultations',
    parameter: 'includeImmunisations',
    part: 'includeStatus',
    values: STATUS,
  },
  {
    id: 'C8',
    when: 'includeProblems',
    parameter: 'includeMedication',
    part: 'medicationSearchFromDate',
    values: MEDICATION_DATES,
  },
  {
    id: 'C9',
    when: 'includeProblems',
    parameter: 'includeUncategorisedData',
    part: 'uncategorisedDataSearchPeriod',
    values: UNCATEGORISED,
  },
  {
    id: 'C10',
    when: 'includeProblems',
    parameter: 'includeReferrals',
    part: 'referralSearchPeriod',
    values: REFERRALS,
  },
  {
    id: 'C11',
    when: 'includeProblems',
    parameter: 'includeDiaryEntries',
    part: 'diaryEntriesSearchDate',
    values: DIARY,
  },
  {
    id: 'C12',
    when: 'includeProblems',
    parameter: 'includeImmunisations',
    part: 'includeNotGiven',
    values: NOT_GIVEN,
  },
  {
    id: 'C13',
    when: 'includeProblems',
    parameter: 'includeImmunisations',
    part: 'includeStatus',
    values: STATUS,
  },
  // Project decision (1.6.0/1.6.1 consumers): filterSignificance is supported but not with consultations.
  {
    id: 'C14',
    when: 'includeConsultations',
    parameter: 'includeProblems',
    part: 'filterSignificance',
    values: [code('filterSignificance', 'major'), code('filterSignificance', 'minor')],
  },
];

const ruleId = (id: string) => new RegExp(`\\b${id}\\b`);

function describePart(p: Part): string {
  const { name, ...value } = p;
  return `${name}=${JSON.stringify(Object.values(value)[0])}`;
}

describe('Not permitted parameter combinations, every rule with every value: → 422 INVALID_PARAMETER naming the rule and the part', () => {
  const rows = RULES.flatMap((rule) =>
    rule.values.map(
      (value) => [rule.id, `${rule.when} + ${rule.parameter}{${describePart(value)}}`, rule, value] as const,
    ),
  );

  it.each(rows)('%s %s → 422', async (_id, _title, rule, value) => {
    const body = P(area(rule.when), area(rule.parameter, value));
    expectError(
      await postRecord(t, body),
      422,
      'INVALID_PARAMETER',
      ruleId(rule.id),
      `${rule.parameter}.${rule.part}`,
    );
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))(
    '%s the same, with the forbidding parameter last → 422',
    async (_id, rule) => {
      const body = P(area(rule.parameter, rule.values[0]), area(rule.when));
      expectError(
        await postRecord(t, body),
        422,
        'INVALID_PARAMETER',
        ruleId(rule.id),
        `${rule.parameter}.${rule.part}`,
      );
    },
  );

  it.each(RULES.map((rule) => [rule.id, rule] as const))(
    '%s the same, with the forbidding parameter carrying its own parts → 422',
    async (_id, rule) => {
      const own =
        rule.when === 'includeConsultations'
          ? int('includeNumberOfMostRecent', 3)
          : code('filterStatus', 'active');
      const res = await postRecord(t, P(area(rule.when, own), area(rule.parameter, rule.values[0])));
      expectError(res, 422, 'INVALID_PARAMETER', ruleId(rule.id), `${rule.parameter}.${rule.part}`);
    },
  );

  it.each(RULES.map((rule) => [rule.id, rule] as const))(
    '%s the part without the forbidding parameter is permitted → 200',
    async (_id, rule) => {
      const bundle = expectBundle(await postRecord(t, P(area(rule.parameter, rule.values[0]))));
      expect(warningsOf(bundle)).toBeUndefined();
    },
  );
});

interface NVector {
  readonly id: string;
  readonly added: Parameter;
  readonly rule: string;
  readonly part: string;
}

/** docs/spec-notes.md "Test vectors": N01 to N07 on P(includeConsultations), N08 to N13 on
 * P(includeProblems). */
const N_CONSULTATIONS: readonly NVector[] = [
  {
    id: 'N01',
    added: area('includeMedication', date('medicationSearchFromDate', rel(-365))),
    rule: 'C1',
    part: 'includeMedication.medicationSearchFromDate',
  },
  {
    id: 'N02',
    added: area('includeUncategorisedData', period('uncategorisedDataSearchPeriod', rel(-30), TODAY)),
    rule: 'C2',
    part: 'includeUncategorisedData.uncategorisedDataSearchPeriod',
  },
  {
    id: 'N03',
    added: area('includeProblems', code('filterStatus', 'active')),
    rule: 'C3',
    part: 'includeProblems.filterStatus',
  },
  {
    id: 'N04',
    added: area('includeReferrals', period('referralSearchPeriod', rel(-30))),
    rule: 'C4',
    part: 'includeReferrals.referralSearchPeriod',
  },
  {
    id: 'N05',
    added: area('includeDiaryEntries', date('diaryEntriesSearchDate', rel(30))),
    rule: 'C5',
    part: 'includeDiaryEntries.diaryEntriesSearchDate',
  },
  {
    id: 'N06',
    added: area('includeImmunisations', bool('includeNotGiven', false)),
    rule: 'C6',
    part: 'includeImmunisations.includeNotGiven',
  },
  {
    id: 'N07',
    added: area('includeImmunisations', bool('includeStatus', true)),
    rule: 'C7',
    part: 'includeImmunisations.includeStatus',
  },
];
const N_PROBLEMS: readonly NVector[] = [
  {
    id: 'N08',
    added: area('includeMedication', date('medicationSearchFromDate', rel(-30))),
    rule: 'C8',
    part: 'includeMedication.medicationSearchFromDate',
  },
  {
    id: 'N09',
    added: area('includeUncategorisedData', period('uncategorisedDataSearchPeriod', undefined, TODAY)),
    rule: 'C9',
    part: 'includeUncategorisedData.uncategorisedDataSearchPeriod',
  },
  {
    id: 'N10',
    added: area('includeReferrals', period('referralSearchPeriod', rel(-30), TODAY)),
    rule: 'C10',
    part: 'includeReferrals.referralSearchPeriod',
  },
  {
    id: 'N11',
    added: area('includeDiaryEntries', date('diaryEntriesSearchDate', TODAY)),
    rule: 'C11',
    part: 'includeDiaryEntries.diaryEntriesSearchDate',
  },
  {
    id: 'N12',
    added: area('includeImmunisations', bool('includeNotGiven', true)),
    rule: 'C12',
    part: 'includeImmunisations.includeNotGiven',
  },
  {
    id: 'N13',
    added: area('includeImmunisations', bool('includeStatus', false)),
    rule: 'C13',
    part: 'includeImmunisations.includeStatus',
  },
];

describe('N: not-permitted combination vectors (docs/spec-notes.md "Test vectors") → 422 INVALID_PARAMETER', () => {
  it.each(N_CONSULTATIONS.map((v) => [v.id, v.rule, v.part, v] as const))(
    '%s P(includeConsultations) + %s part %s → 422',
    async (_id, _rule, _part, v) => {
      expectError(
        await postRecord(t, P(area('includeConsultations'), v.added)),
        422,
        'INVALID_PARAMETER',
        ruleId(v.rule),
        v.part,
      );
    },
  );

  it.each(N_PROBLEMS.map((v) => [v.id, v.rule, v.part, v] as const))(
    '%s P(includeProblems) + %s part %s → 422',
    async (_id, _rule, _part, v) => {
      expectError(
        await postRecord(t, P(area('includeProblems'), v.added)),
        422,
        'INVALID_PARAMETER',
        ruleId(v.rule),
        v.part,
      );
    },
  );

  it('N06 presence alone is enough: includeNotGiven:false (the default) is still forbidden', async () => {
    const res = await postRecord(
      t,
      P(area('includeConsultations'), area('includeImmunisations', bool('includeNotGiven', false))),
    );
    expectError(res, 422, 'INVALID_PARAMETER', ruleId('C6'));
  });

  it('N06 without the part, includeImmunisations alongside consultations is fine → 200', async () => {
    expectBundle(await postRecord(t, P(area('includeConsultations'), area('includeImmunisations'))));
  });

  it('N03 repeated includeProblems: filterStatus in either occurrence is forbidden with consultations', async () => {
    const body = P(
      area('includeConsultations'),
      area('includeProblems'),
      area('includeProblems', code('filterStatus', 'inactive')),
    );
    expectError(
      await postRecord(t, body),
      422,
      'INVALID_PARAMETER',
      ruleId('C3'),
      'includeProblems.filterStatus',
    );
  });

  it('a part that is invalid in itself is reported as that part, not as a combination (V-rules first)', async () => {
    const body = P(
      area('includeConsultations'),
      area('includeMedication', date('medicationSearchFromDate', rel(1))),
    );
    const oo = expectError(
      await postRecord(t, body),
      422,
      'INVALID_PARAMETER',
      'includeMedication.medicationSearchFromDate',
      'after the current date',
    );
    expect(oo.issue[0].diagnostics).not.toMatch(/\bC\d+\b/);
  });
});

describe('A: permitted combination vectors (docs/spec-notes.md "Test vectors") → 200', () => {
  const A: readonly [string, string, Parameter[]][] = [
    [
      'A01',
      'includeConsultations{includeNumberOfMostRecent:3} + includeProblems',
      [area('includeConsultations', int('includeNumberOfMostRecent', 3)), area('includeProblems')],
    ],
    [
      'A02',
      'includeConsultations + includeInvestigations{investigationSearchPeriod:{T-90,T}}',
      [
        area('includeConsultations'),
        area('includeInvestigations', period('investigationSearchPeriod', rel(-90), TODAY)),
      ],
    ],
    [
      'A03',
      'includeProblems{filterStatus:"inactive"} + includeMedication + includeAllergies{includeResolvedAllergies:false}',
      [
        area('includeProblems', code('filterStatus', 'inactive')),
        area('includeMedication'),
        area('includeAllergies', bool('includeResolvedAllergies', false)),
      ],
    ],
    [
      'A04',
      'includeMedication{T-90} + includeUncategorisedData{period} + includeReferrals{period} + includeDiaryEntries{T+30} + includeInvestigations{period}',
      [
        area('includeMedication', date('medicationSearchFromDate', rel(-90))),
        area('includeUncategorisedData', period('uncategorisedDataSearchPeriod', rel(-90), TODAY)),
        area('includeReferrals', period('referralSearchPeriod', rel(-90), TODAY)),
        area('includeDiaryEntries', date('diaryEntriesSearchDate', rel(30))),
        area('includeInvestigations', period('investigationSearchPeriod', rel(-90), TODAY)),
      ],
    ],
    [
      'A05',
      'includeConsultations{consultationSearchPeriod:{T-90,T}} + includeAllergies{true} + includeMedication{includePrescriptionIssues:false} + includeImmunisations + includeProblems',
      [
        area('includeConsultations', period('consultationSearchPeriod', rel(-90), TODAY)),
        area('includeAllergies', bool('includeResolvedAllergies', true)),
        area('includeMedication', bool('includePrescriptionIssues', false)),
        area('includeImmunisations'),
        area('includeProblems'),
      ],
    ],
  ];

  it.each(A)('%s %s → 200, no warnings', async (_id, _title, added) => {
    const bundle = expectBundle(await postRecord(t, P(...added)));
    expect(warningsOf(bundle)).toBeUndefined();
  });

  it('always allowed: every area requested with no parts at all → 200', async () => {
    expectBundle(await postRecord(t, P(...everyArea())));
  });

  it('always allowed: consultations and problems with investigationSearchPeriod and includePrescriptionIssues → 200', async () => {
    const body = P(
      area('includeConsultations', period('consultationSearchPeriod', rel(-30))),
      area('includeProblems'),
      area('includeInvestigations', period('investigationSearchPeriod', rel(-30))),
      area('includeMedication', bool('includePrescriptionIssues', true)),
    );
    expectBundle(await postRecord(t, body));
  });
});
