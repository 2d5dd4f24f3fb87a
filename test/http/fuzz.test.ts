/**
 * A seeded, deterministic fuzz of the whole request pipeline: several hundred malformed requests
 * through one running app. Every answer must be a 4xx FHIR OperationOutcome (never a 5xx, never a
 * crash, never a stack trace, never a huge echo of the input), and a valid request must still
 * succeed afterwards.
 *
 * Every generated request is invalid by construction (the comments say why), so a 200 is a finding
 * too: it would mean a malformed request was accepted.
 */
import http from 'node:http';

import request from 'supertest';

import { type Claims, jwt } from '../../tools/test-jwt';
import {
  BASE,
  INTERACTION,
  METADATA_PATH,
  NHS,
  PROVIDER_ASID,
  RECORD_PATH,
  rel,
  spineHeaders,
  testApp,
  TODAY,
  validJwtClaims,
} from '../support/app';
import { area, bool, code, date, int, nhsNumber, parameters, period } from '../support/parameters';
import { bodyOf, FHIR_XML } from '../support/xml';

// ---------------------------------------------------------------------------------------------
// Deterministic randomness (mulberry32): the same seed gives the same requests on every run.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const t = testApp();
const SEED = 0x6c9c0de;
const random = mulberry32(SEED);
const int0 = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int0(items.length)];
const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
const randomText = (min: number, max: number, alphabet = PRINTABLE) =>
  Array.from({ length: min + int0(max - min + 1) }, () => alphabet[int0(alphabet.length)]).join('');
const randomBytes = (n: number) => {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = int0(256);
  return bytes;
};
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// ---------------------------------------------------------------------------------------------
// Valid starting points. Each is checked to be a 200 first, so every mutation below is the cause
// of the failure it gets.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const BASES: Record<string, Json> = {
  allAreasButConsultationsAndProblems: parameters(
    nhsNumber(NHS.patient2),
    area('includeAllergies', bool('includeResolvedAllergies', true)),
    area(
      'includeMedication',
      bool('includePrescriptionIssues', false),
      date('medicationSearchFromDate', rel(-30)),
    ),
    area('includeImmunisations', bool('includeNotGiven', true), bool('includeStatus', false)),
    area('includeUncategorisedData', period('uncategorisedDataSearchPeriod', rel(-60), TODAY)),
    area('includeInvestigations', period('investigationSearchPeriod', rel(-60), TODAY)),
    area('includeReferrals', period('referralSearchPeriod', rel(-60), TODAY)),
    area('includeDiaryEntries', date('diaryEntriesSearchDate', rel(30))),
  ) as Json,
  consultationsByPeriod: parameters(
    nhsNumber(NHS.patient2),
    area('includeConsultations', period('consultationSearchPeriod', rel(-60), TODAY)),
    area('includeProblems'),
    area('includeAllergies', bool('includeResolvedAllergies', false)),
  ) as Json,
  consultationsMostRecent: parameters(
    nhsNumber(NHS.patient2),
    area('includeConsultations', int('includeNumberOfMostRecent', 3)),
  ) as Json,
  problemsFiltered: parameters(
    nhsNumber(NHS.patient2),
    area('includeProblems', code('filterStatus', 'active'), code('filterSignificance', 'major')),
  ) as Json,
};

const VALID_BODY = JSON.stringify(BASES.allAreasButConsultationsAndProblems);

// ---------------------------------------------------------------------------------------------
// The cases.

interface FuzzCase {
  readonly name: string;
  readonly method?: 'get' | 'post' | 'put' | 'delete' | 'patch' | 'options';
  readonly path?: string;
  readonly interaction?: string;
  readonly body?: string | Buffer;
  /** Header overrides; undefined removes a header. */
  readonly headers?: Record<string, string | undefined>;
}

const cases: FuzzCase[] = [];
const add = (c: FuzzCase) => cases.push(c);

/** Wrong JSON values for a part of each type: none of them can be read as a valid value. */
const WRONG_VALUE: Record<string, readonly Json[]> = {
  valueBoolean: [null, 0, 1, 'true', 'false', '', {}, [], [true]],
  valueDate: [
    null,
    0,
    20240101,
    true,
    {},
    [],
    [rel(-30)],
    '',
    '2024',
    '2024-02',
    '2024-02-30',
    'yesterday',
    `${rel(-30)}T00:00:00Z`,
    '2024-1-1',
    ' 2024-01-01',
  ],
  valuePeriod: [
    null,
    0,
    'x',
    true,
    [],
    {},
    { start: 0 },
    { end: true },
    { start: [] },
    { start: {} },
    { start: '2024' },
    { end: 'x' },
    { start: rel(1) },
    { end: '2024-02-30' },
  ],
  valuePositiveInt: [null, 0, -1, 1.5, '3', true, {}, [], [3]],
  valueCode: [null, 0, true, {}, [], '', 'Active', 'resolved', 'severe', ['active'], ' active'],
};
const WRONG_NAME: readonly Json[] = [null, 0, true, {}, [''], '', '   '];
const NOT_AN_ARRAY: readonly Json[] = [0, 'x', false, { name: 'x' }];
const NOT_AN_OBJECT: readonly Json[] = [null, 0, 'x', true, [{}]];

type ParameterJson = {
  name: string;
  part?: { name: string; [k: string]: Json }[];
  [k: string]: Json | undefined;
};
const paramsOf = (body: Json) => (body as { parameter: ParameterJson[] }).parameter;

function addBody(name: string, body: Json | string | Buffer, headers?: Record<string, string | undefined>) {
  add({
    name,
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    headers,
  });
}

// 1. Wrong types and nulls at every level of every base.
// The structure (body, resourceType, parameter list, names) is mutated on the first base only; the
// part values on every base, so each part type is covered once.
for (const [baseName, base] of Object.entries(BASES)) {
  const structure = baseName === 'allAreasButConsultationsAndProblems';
  for (const v of (structure ? [null, 0, 1.5, 'Parameters', true, false, [], [base]] : []) as Json[])
    addBody(`${baseName}: body = ${JSON.stringify(v).slice(0, 30)}`, JSON.stringify(v));
  for (const v of (structure
    ? [null, 0, true, {}, [], 'Patient', 'parameters', 'Parameters ', '', 'OperationOutcome']
    : []) as Json[]) {
    const b = clone(base) as Record<string, Json>;
    b.resourceType = v;
    addBody(`${baseName}: resourceType = ${JSON.stringify(v)}`, b);
  }
  if (structure) {
    const b = clone(base) as Record<string, Json>;
    delete b.resourceType;
    addBody(`${baseName}: no resourceType`, b);
  }
  // A null parameter list means no parameters at all (V2).
  for (const v of structure ? [null, ...NOT_AN_ARRAY] : []) {
    const b = clone(base) as Record<string, Json>;
    b.parameter = v;
    addBody(`${baseName}: parameter = ${JSON.stringify(v)}`, b);
  }
  const count = paramsOf(base).length;
  for (let i = 0; i < count; i++) {
    const pname = paramsOf(base)[i].name;
    for (const v of structure ? NOT_AN_OBJECT : []) {
      const b = clone(base);
      (paramsOf(b) as Json[])[i] = v;
      addBody(`${baseName}: parameter[${i}] (${pname}) = ${JSON.stringify(v)}`, b);
    }
    for (const v of structure ? WRONG_NAME : WRONG_NAME.slice(0, 2)) {
      const b = clone(base);
      (paramsOf(b)[i] as Record<string, Json>).name = v;
      addBody(`${baseName}: ${pname}.name = ${JSON.stringify(v)}`, b);
    }
    {
      const b = clone(base);
      delete (paramsOf(b)[i] as Partial<ParameterJson>).name;
      addBody(`${baseName}: ${pname} without a name`, b);
    }
    // `part: null` reads as "no parts", which is only an error where a part is mandatory.
    for (const v of structure ? NOT_AN_ARRAY : NOT_AN_ARRAY.slice(0, 2)) {
      const b = clone(base);
      (paramsOf(b)[i] as Record<string, Json>).part = v;
      addBody(`${baseName}: ${pname}.part = ${JSON.stringify(v)}`, b);
    }
    const parts = paramsOf(base)[i].part ?? [];
    for (let j = 0; j < parts.length; j++) {
      const partName = parts[j].name;
      const label = `${baseName}: ${pname}.${partName}`;
      for (const v of structure ? NOT_AN_OBJECT : NOT_AN_OBJECT.slice(0, 2)) {
        const b = clone(base);
        (paramsOf(b)[i].part as Json[])[j] = v;
        addBody(`${label} part = ${JSON.stringify(v)}`, b);
      }
      for (const v of structure ? WRONG_NAME : WRONG_NAME.slice(0, 2)) {
        const b = clone(base);
        (paramsOf(b)[i].part![j] as Record<string, Json>).name = v;
        addBody(`${label}.name = ${JSON.stringify(v)}`, b);
      }
      const valueKey = Object.keys(parts[j]).find((k) => k.startsWith('value'))!;
      for (const v of WRONG_VALUE[valueKey]) {
        const b = clone(base);
        paramsOf(b)[i].part![j][valueKey] = v;
        addBody(`${label}.${valueKey} = ${JSON.stringify(v)}`, b);
      }
      for (const otherKey of ['valueString', valueKey === 'valueBoolean' ? 'valueCode' : 'valueBoolean']) {
        const b = clone(base);
        const part = paramsOf(b)[i].part![j];
        part[otherKey] = part[valueKey];
        delete part[valueKey];
        addBody(`${label} as ${otherKey}`, b);
      }
      {
        const b = clone(base);
        delete paramsOf(b)[i].part![j][valueKey];
        addBody(`${label} with no value`, b);
      }
      {
        const b = clone(base);
        paramsOf(b)[i].part![j].valueString = 'second value';
        addBody(`${label} with two value[x]`, b);
      }
      {
        const b = clone(base);
        paramsOf(b)[i].part!.push(clone(parts[j]));
        addBody(`${label} twice`, b);
      }
    }
  }
  // patientNHSNumber: the identifier and its members.
  const nhsIndex = paramsOf(base).findIndex((p) => p.name === 'patientNHSNumber');
  for (const v of (structure ? [null, 0, 'x', true, [], ['9690937286'], NHS.patient2] : []) as Json[]) {
    const b = clone(base);
    paramsOf(b)[nhsIndex].valueIdentifier = v;
    addBody(`${baseName}: valueIdentifier = ${JSON.stringify(v)}`, b);
  }
  for (const v of (structure
    ? [null, 0, true, {}, [], '', 'https://fhir.nhs.uk/Id/NHS-number', 'https://fhir.nhs.uk/Id/nhs-number ']
    : []) as Json[]) {
    const b = clone(base);
    (paramsOf(b)[nhsIndex].valueIdentifier as Record<string, Json>).system = v;
    addBody(`${baseName}: NHS system = ${JSON.stringify(v)}`, b);
  }
  for (const v of (structure
    ? [
        null,
        0,
        9690937286,
        true,
        {},
        [],
        [NHS.patient2],
        '',
        '9690937287',
        ' 9690937286',
        '96909372860',
        '969093728６',
      ]
    : []) as Json[]) {
    const b = clone(base);
    (paramsOf(b)[nhsIndex].valueIdentifier as Record<string, Json>).value = v;
    addBody(`${baseName}: NHS value = ${JSON.stringify(v)}`, b);
  }
  if (structure) {
    const b = clone(base);
    paramsOf(b).push(clone(paramsOf(base)[nhsIndex]));
    addBody(`${baseName}: patientNHSNumber twice`, b);
  }
}

// 2. Broken JSON text. A proper prefix of a JSON object is never JSON; nor is anything followed by
// non-space text, a raw control character, or an unmatched quote (the bodies hold no backslashes).
for (let n = 0; n < 50; n++) {
  const text = JSON.stringify(pick(Object.values(BASES)));
  addBody(`truncated at ${n}`, text.slice(0, 1 + int0(text.length - 1)));
}
for (let n = 0; n < 25; n++)
  addBody(
    `trailing garbage ${n}`,
    VALID_BODY + pick(['}', ']', ',', 'x', '0', '{}', '"', 'null']) + randomText(0, 5),
  );
for (let n = 0; n < 25; n++) {
  const at = int0(VALID_BODY.length);
  const control = String.fromCharCode(pick([0, 1, 2, 7, 8, 11, 12, 14, 27, 31]));
  addBody(`control character at ${at}`, VALID_BODY.slice(0, at) + control + VALID_BODY.slice(at));
}
for (let n = 0; n < 25; n++) {
  const at = int0(VALID_BODY.length);
  addBody(`unmatched quote at ${at}`, VALID_BODY.slice(0, at) + '"' + VALID_BODY.slice(at));
}
for (const text of [
  '{not json',
  '{',
  '}',
  '[',
  '"',
  "{'resourceType':'Parameters'}",
  'NaN',
  'undefined',
  '{"resourceType":"Parameters",}',
  '{"resourceType":"Parameters" "parameter":[]}',
  '\uFEFF' + VALID_BODY.slice(0, 10),
  '<Parameters xmlns="http://hl7.org/fhir"/>',
  ' ',
  '\n\n',
]) {
  addBody(`broken JSON ${JSON.stringify(text).slice(0, 30)}`, text);
}
addBody('empty body', '');

// 3. Wrong resourceType, random ones included.
for (let n = 0; n < 30; n++) {
  const b = clone(BASES.allAreasButConsultationsAndProblems) as Record<string, Json>;
  b.resourceType = pick([
    randomText(1, 20, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    'Bundle',
    'Patient',
    'parameters',
    'PARAMETERS',
    'Parameter',
  ]);
  addBody(`resourceType ${b.resourceType}`, b);
}

// 4. Random bytes and random printable text.
for (let n = 0; n < 40; n++) addBody(`random bytes ${n}`, randomBytes(1 + int0(2000)));
for (let n = 0; n < 30; n++) addBody(`random text ${n}`, randomText(1, 500));

// 5. Invalid UTF-8 inside an otherwise valid body.
const INVALID_UTF8 = [
  [0xff],
  [0xfe],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
  [0xf4, 0x90, 0x80, 0x80],
];
for (let n = 0; n < 25; n++) {
  const bytes = Buffer.from(VALID_BODY, 'utf8');
  const at = int0(bytes.length);
  addBody(
    `invalid UTF-8 at ${at}`,
    Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(INVALID_UTF8)), bytes.subarray(at)]),
  );
}

// 6. Deep nesting and wide values, at the top and inside parts.
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '0' + '}'.repeat(depth);
const withRaw = (placeholder: string, raw: string, body: Json) =>
  JSON.stringify(body).replace(`"${placeholder}"`, raw);
const PLACEHOLDER = '__RAW__';
const medicationWith = (raw: Json) =>
  parameters(
    nhsNumber(NHS.patient2),
    area('includeMedication', { name: 'medicationSearchFromDate', valueDate: raw }),
  ) as Json;
for (const depth of [10_000]) {
  addBody(`body is a ${depth}-deep array`, deepArray(depth));
  addBody(`body is a ${depth}-deep object`, deepObject(depth));
  addBody(
    `valueDate is a ${depth}-deep array`,
    withRaw(PLACEHOLDER, deepArray(depth), medicationWith(PLACEHOLDER)),
  );
  addBody(
    `valueDate is a ${depth}-deep object`,
    withRaw(PLACEHOLDER, deepObject(depth), medicationWith(PLACEHOLDER)),
  );
  addBody(
    `valueCode is a ${depth}-deep array`,
    withRaw(
      PLACEHOLDER,
      deepArray(depth),
      parameters(
        nhsNumber(NHS.patient2),
        area('includeProblems', { name: 'filterStatus', valueCode: PLACEHOLDER }),
      ) as Json,
    ),
  );
  addBody(
    `valuePeriod.start is a ${depth}-deep array`,
    withRaw(
      PLACEHOLDER,
      deepArray(depth),
      parameters(
        nhsNumber(NHS.patient2),
        area('includeReferrals', { name: 'referralSearchPeriod', valuePeriod: { start: PLACEHOLDER } }),
      ) as Json,
    ),
  );
  addBody(
    `resourceType is a ${depth}-deep array`,
    withRaw(PLACEHOLDER, deepArray(depth), { resourceType: PLACEHOLDER, parameter: [] }),
  );
  addBody(
    `parameter name is a ${depth}-deep array`,
    withRaw(PLACEHOLDER, deepArray(depth), parameters({ name: PLACEHOLDER }) as Json),
  );
  addBody(
    `NHS value is a ${depth}-deep array`,
    withRaw(
      PLACEHOLDER,
      deepArray(depth),
      parameters({
        name: 'patientNHSNumber',
        valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: PLACEHOLDER },
      }) as Json,
    ),
  );
  // The unknown parameter is not read; the bad NHS number makes the request invalid.
  addBody(
    `an unknown parameter holding a ${depth}-deep array`,
    withRaw(
      PLACEHOLDER,
      deepArray(depth),
      parameters(nhsNumber('9999999990'), { name: 'includeFoo', valueString: PLACEHOLDER }) as Json,
    ),
  );
}
// 100,000 deep (200 kB, under the body limit) where the value is actually read.
addBody('body is a 100000-deep array', deepArray(100_000));
addBody(
  'valueDate is a 100000-deep array',
  withRaw(PLACEHOLDER, deepArray(100_000), medicationWith(PLACEHOLDER)),
);
addBody(
  'valueCode is a 100000-deep object',
  withRaw(
    PLACEHOLDER,
    deepObject(100_000),
    parameters(
      nhsNumber(NHS.patient2),
      area('includeProblems', { name: 'filterStatus', valueCode: PLACEHOLDER }),
    ) as Json,
  ),
);
const wide = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => i));
addBody('valueDate is an array of 100,000 numbers', withRaw(PLACEHOLDER, wide, medicationWith(PLACEHOLDER)));
addBody(
  'valueCode is a 500 kB object',
  withRaw(
    PLACEHOLDER,
    JSON.stringify({ x: 'y'.repeat(500_000) }),
    parameters(
      nhsNumber(NHS.patient2),
      area('includeProblems', { name: 'filterStatus', valueCode: PLACEHOLDER }),
    ) as Json,
  ),
);
addBody('valueDate is a 500 kB string', medicationWith('2'.repeat(500_000)));
addBody(
  'a parameter name of 500 kB',
  parameters(
    nhsNumber(NHS.patient2),
    area('includeAllergies', { name: 'x'.repeat(500_000), valueBoolean: true }),
  ) as Json,
);
addBody(
  '8,000 patientNHSNumber parameters',
  parameters(...Array.from({ length: 8_000 }, () => nhsNumber(NHS.patient2))) as Json,
);

// 7. Bodies over the limit.
addBody(
  'a 10 MB body of JSON',
  `{"resourceType":"Parameters","parameter":[{"name":"x","valueString":"${'a'.repeat(10 * 1024 * 1024)}"}]}`,
);
// 64 kB of random bytes repeated: generating 10 MB byte by byte would dominate the run time.
const block = randomBytes(64 * 1024);
addBody('a 10 MB body of random bytes', Buffer.concat(Array.from({ length: 160 }, () => block)));

// 8. Header garbage. Each header value below is invalid whatever the body; the body is picked at
// random from valid and malformed ones.
const someBody = () =>
  random() < 0.5 ? VALID_BODY : pick(cases.filter((c) => c.body !== undefined && c.body.length < 5000)).body!;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.';
const NOT_ID = ' !"#$%&\'()*+,/:;<=>?@[\\]^_`{|}~';
for (let n = 0; n < 30; n++) {
  const traceId =
    random() < 0.2
      ? ID_ALPHABET[0].repeat(65 + int0(100))
      : `${randomText(1, 20, ID_ALPHABET)}${pick([...NOT_ID])}${randomText(1, 20, ID_ALPHABET)}`;
  add({
    name: `Ssp-TraceID ${JSON.stringify(traceId)}`,
    body: someBody(),
    headers: { 'Ssp-TraceID': traceId },
  });
}
for (let n = 0; n < 20; n++) {
  const to = random() < 0.5 ? randomText(1, 30) : String(int0(1e12)).padStart(12, '9');
  if (to.trim() === PROVIDER_ASID) continue;
  add({ name: `Ssp-To ${JSON.stringify(to)}`, body: someBody(), headers: { 'Ssp-To': to } });
}
for (let n = 0; n < 20; n++) {
  const interaction =
    random() < 0.5
      ? randomText(1, 80)
      : `urn:nhs:names:services:gpconnect:${randomText(1, 40, 'abcdefghijklmnopqrstuvwxyz:.-')}`;
  add({
    name: `Ssp-InteractionID ${JSON.stringify(interaction)}`,
    body: someBody(),
    headers: { 'Ssp-InteractionID': interaction },
  });
}
for (const header of ['Ssp-TraceID', 'Ssp-From', 'Ssp-To', 'Ssp-InteractionID', 'Authorization']) {
  add({ name: `${header} missing`, body: someBody(), headers: { [header]: undefined } });
  add({ name: `${header} blank`, body: someBody(), headers: { [header]: '   ' } });
}
// Ssp-From is audit-only (any value is accepted), so it is paired with a malformed body.
for (let n = 0; n < 10; n++)
  add({
    name: `Ssp-From garbage ${n}`,
    body: `{${randomText(0, 40)}`,
    headers: { 'Ssp-From': randomText(1, 60) },
  });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const validClaimsNow = () => validJwtClaims(t);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
for (let n = 0; n < 20; n++)
  add({
    name: `Authorization random text ${n}`,
    body: someBody(),
    headers: { Authorization: randomText(1, 200) },
  });
for (let n = 0; n < 20; n++) {
  const segments = Array.from({ length: pick([1, 2, 4, 5]) }, () => randomText(0, 60, B64URL));
  add({
    name: `JWT with ${segments.length} segments`,
    body: someBody(),
    headers: bearer(segments.join('.')),
  });
}
for (let n = 0; n < 20; n++) {
  add({
    name: `JWT random payload ${n}`,
    body: someBody(),
    headers: bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${randomText(1, 300, B64URL)}.`),
  });
}
for (let n = 0; n < 10; n++) {
  add({
    name: `JWT random header ${n}`,
    body: someBody(),
    headers: bearer(`${randomText(1, 60, B64URL)}.${b64(validClaimsNow())}.`),
  });
}
for (let n = 0; n < 10; n++) {
  const payload = Buffer.from(randomBytes(1 + int0(200))).toString('base64url');
  add({
    name: `JWT payload of random bytes ${n}`,
    body: someBody(),
    headers: bearer(`${b64({ alg: 'none' })}.${payload}.`),
  });
}
/** Claim values that can never be valid for that claim. */
const WRONG_CLAIM: Record<string, readonly Json[]> = {
  iss: [null, 0, true, {}, [], ''],
  sub: [null, 0, true, {}, [], '', '2'],
  aud: [null, 0, true, {}, [], ''],
  exp: [null, 'soon', true, {}, [], 1.5, 0],
  iat: [null, 'now', true, {}, [], 1.5],
  reason_for_request: [null, 0, true, {}, [], '', 'DIRECTCARE', 'migration', randomText(1, 20)],
  requested_scope: [
    null,
    0,
    true,
    {},
    [],
    '',
    'patient/*.write',
    'organization/*.read',
    'badScope',
    `patient/*.read ${randomText(1, 10, 'abcdefghij')}`,
  ],
  requesting_device: [
    null,
    0,
    'Device',
    true,
    [],
    {},
    { resourceType: 'Patient' },
    { resourceType: 'InvalidResourceType' },
    { resourceType: 'Device', invalidField: 1 },
  ],
  requesting_organization: [
    null,
    0,
    'Organization',
    true,
    [],
    {},
    { resourceType: 'Organization' },
    { resourceType: 7 },
  ],
  requesting_practitioner: [
    null,
    0,
    'Practitioner',
    true,
    [],
    {},
    { resourceType: 'Practitioner', id: '1' },
    { resourceType: 'Patient', id: '1' },
  ],
};
for (const [claim, values] of Object.entries(WRONG_CLAIM)) {
  for (const value of values) {
    const claims: Claims = validClaimsNow();
    claims[claim] = value;
    add({ name: `JWT ${claim} = ${JSON.stringify(value)}`, body: someBody(), headers: bearer(jwt(claims)) });
  }
}
// Deep values inside JWT claims (kept under Node's 16 kB header limit).
for (const depth of [1_000, 4_000]) {
  const claims = validClaimsNow();
  const token = `${b64({ alg: 'none' })}.${Buffer.from(JSON.stringify(claims).replace('"Device"', deepArray(depth))).toString('base64url')}.`;
  add({
    name: `JWT requesting_device.resourceType is a ${depth}-deep array`,
    body: VALID_BODY,
    headers: bearer(token),
  });
  const token2 = `${b64({ alg: 'none' })}.${Buffer.from(JSON.stringify(claims).replace('"directcare"', deepArray(depth))).toString('base64url')}.`;
  add({ name: `JWT reason_for_request is a ${depth}-deep array`, body: VALID_BODY, headers: bearer(token2) });
  add({
    name: `JWT payload is a ${depth}-deep array`,
    body: VALID_BODY,
    headers: bearer(`${b64({ alg: 'none' })}.${Buffer.from(deepArray(depth)).toString('base64url')}.`),
  });
}

// Odd Content-Type, Accept and Content-Encoding, always with a malformed body.
const malformedBody = () =>
  pick([
    '{not json',
    '[]',
    '{"resourceType":"Patient"}',
    VALID_BODY.slice(0, 40),
    '{"resourceType":"Parameters"}',
  ]);
const ODD_TYPES = [
  'text/plain',
  'application/xml',
  'application/fhir+xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/fhir+json; charset=latin1',
  'application/fhir+json;charset=utf-16',
  '*/*',
  'application/*',
  '',
  ';;;',
  'json',
  'application/fhir+json;q=0',
  'text/html, application/xhtml+xml',
  'image/png',
];
for (let n = 0; n < 25; n++) {
  const contentType = random() < 0.6 ? pick(ODD_TYPES) : randomText(1, 40);
  add({
    name: `Content-Type ${JSON.stringify(contentType)}`,
    body: malformedBody(),
    headers: { 'Content-Type': contentType },
  });
}
for (let n = 0; n < 25; n++) {
  const accept = random() < 0.6 ? pick(ODD_TYPES) : randomText(1, 40);
  add({ name: `Accept ${JSON.stringify(accept)}`, body: malformedBody(), headers: { Accept: accept } });
}
for (const encoding of [
  'gzip',
  'deflate',
  'br',
  'x-unknown',
  'gzip, gzip',
  'identity, gzip',
  randomText(1, 20, 'abcdefghijklmnopqrstuvwxyz'),
]) {
  // The body is not compressed, so it cannot inflate; or the encoding is unknown.
  add({ name: `Content-Encoding ${encoding}`, body: VALID_BODY, headers: { 'Content-Encoding': encoding } });
}

// 9. Paths and verbs.
for (let n = 0; n < 20; n++) {
  add({
    name: `random path ${n}`,
    method: pick(['get', 'post'] as const),
    path: `${BASE}/${encodeURIComponent(randomText(1, 40))}`,
    body: VALID_BODY,
  });
}
for (const method of ['put', 'delete', 'patch', 'options'] as const) {
  for (const path of [METADATA_PATH, RECORD_PATH])
    add({ name: `${method} ${path}`, method, path, body: someBody() });
}
add({ name: 'GET on the operation', method: 'get', path: RECORD_PATH, interaction: INTERACTION.record });
for (let n = 0; n < 15; n++) {
  const header = pick(['Ssp-TraceID', 'Ssp-To', 'Ssp-InteractionID']);
  const value =
    header === 'Ssp-TraceID'
      ? `${randomText(1, 10, ID_ALPHABET)}_${randomText(1, 10, ID_ALPHABET)}`
      : randomText(1, 30, 'xyz:/ ');
  add({
    name: `metadata with ${header} ${JSON.stringify(value)}`,
    method: 'get',
    path: METADATA_PATH,
    interaction: INTERACTION.metadata,
    headers: { [header]: value },
  });
}

// ---------------------------------------------------------------------------------------------
// Sending, through one server.

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

let server: http.Server;

beforeAll(async () => {
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function send(c: FuzzCase): Promise<Answer> {
  const method = c.method ?? 'post';
  const interaction = c.interaction ?? (c.path === METADATA_PATH ? INTERACTION.metadata : INTERACTION.record);
  const scope = interaction === INTERACTION.metadata ? 'organization/*.read' : 'patient/*.read';
  const headers: Record<string, string | undefined> = {
    ...(c.body !== undefined && { 'Content-Type': 'application/fhir+json;charset=utf-8' }),
    ...c.headers,
  };
  const all = spineHeaders(t, interaction, scope, { headers });
  let req = request(server)
    [method](c.path ?? RECORD_PATH)
    .set(all);
  req = req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
  });
  // Bytes go out exactly as generated: superagent would otherwise JSON-serialise a Buffer body.
  req = req.serialize((data: unknown) => data as string);
  const res =
    c.body === undefined
      ? await req
      : await req.send(Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body, 'utf8'));
  return { status: res.status, headers: res.headers, text: res.body as string };
}

/**
 * The condition of an error answer: its Spine code, or for a provider-local condition (sent under the
 * nearest Spine code, D-34) the name in details.text; undefined when there is none.
 */
function spineCodeOf(answer: Answer): string | undefined {
  try {
    type Issue = { details?: { coding?: { code?: unknown }[]; text?: unknown } };
    const details = (bodyOf(answer) as { issue?: Issue[] }).issue?.[0]?.details;
    const local = typeof details?.text === 'string' ? /^([A-Z_]+): /.exec(details.text)?.[1] : undefined;
    const code = local ?? details?.coding?.[0]?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** What is wrong with an answer, or undefined when it is a proper FHIR client error. */
function problemWith(answer: Answer): string | undefined {
  if (answer.status < 400 || answer.status > 499) return `status ${answer.status}`;
  // An XML answer where the request asked for XML (Accept: application/xml…), JSON otherwise.
  const type = answer.headers['content-type'];
  if (type !== 'application/fhir+json;charset=utf-8' && type !== FHIR_XML) return `content-type ${type}`;
  if (answer.headers['cache-control'] !== 'no-store') return 'no Cache-Control: no-store';
  if (answer.text.length > 4096) return `an error body of ${answer.text.length} characters`;
  if (/\n\s+at |node_modules|\.ts:\d+|\/work\/|RangeError|TypeError|SyntaxError/.test(answer.text))
    return 'internals in the body';
  let body: {
    resourceType?: unknown;
    issue?: { severity?: unknown; code?: unknown; diagnostics?: unknown }[];
  };
  try {
    body = bodyOf(answer);
  } catch {
    return 'the body is not FHIR JSON or XML';
  }
  if (body.resourceType !== 'OperationOutcome') return `resourceType ${String(body.resourceType)}`;
  const issue = body.issue?.[0];
  if (body.issue?.length !== 1 || !issue) return 'not exactly one issue';
  if (issue.severity !== 'error' || typeof issue.code !== 'string') return 'issue severity/code';
  if (spineCodeOf(answer) === undefined) return 'no Spine code';
  if (typeof issue.diagnostics !== 'string') return 'no diagnostics';
  return undefined;
}

interface RunResult {
  readonly findings: string[];
  /** How many answers carried each Spine code. */
  readonly codes: Map<string, number>;
}

async function run(batch: readonly FuzzCase[], concurrency = 8): Promise<RunResult> {
  const findings: string[] = [];
  const codes = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const c = batch[next++];
      try {
        const answer = await send(c);
        const code = spineCodeOf(answer) ?? `HTTP ${answer.status}`;
        codes.set(code, (codes.get(code) ?? 0) + 1);
        const problem = problemWith(answer);
        if (problem) findings.push(`${c.name}: ${problem}`);
      } catch (error) {
        findings.push(`${c.name}: no answer (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { findings, codes };
}

describe(`fuzz (seed ${SEED.toString(16)})`, () => {
  it('every starting body is valid on its own → 200 (so each mutation is what fails)', async () => {
    for (const [name, base] of Object.entries(BASES)) {
      const answer = await send({ name, body: JSON.stringify(base) });
      expect({
        name,
        status: answer.status,
        text: answer.status === 200 ? undefined : answer.text.slice(0, 600),
      }).toEqual({ name, status: 200 });
    }
  });

  it('generates at least 500 malformed requests', () => {
    expect(cases.length).toBeLessThan(1300); // keeps the run well under 30 s
    expect(cases.length).toBeGreaterThanOrEqual(500);
    expect(new Set(cases.map((c) => c.name)).size).toBeGreaterThan(500);
  });

  // A few seconds on an idle machine; the generous timeout only absorbs a heavily loaded one.
  it('every malformed request gets a 4xx FHIR OperationOutcome: no 5xx, no crash, no stack trace, no large echo', async () => {
    const { findings, codes } = await run(cases);
    expect(findings).toEqual([]);
    // The requests reached every stage of the pipeline, not just the first check.
    expect([...codes.keys()].sort()).toEqual(
      expect.arrayContaining([
        'BAD_REQUEST',
        'INVALID_IDENTIFIER_SYSTEM',
        'INVALID_NHS_NUMBER',
        'INVALID_PARAMETER',
        'INVALID_RESOURCE',
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
      ]),
    );
    expect(codes.get('INVALID_PARAMETER')).toBeGreaterThan(100);
    expect(codes.get('INVALID_RESOURCE')).toBeGreaterThan(100);
  }, 120_000);

  it('afterwards a valid request still returns 200 with its Bundle, on the same app', async () => {
    const answer = await send({
      name: 'valid',
      body: VALID_BODY,
      headers: { 'Ssp-TraceID': 'after-fuzz-1' },
    });
    expect(answer.status).toBe(200);
    const bundle = JSON.parse(answer.text) as { resourceType: string; id: string };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.id).toBe('after-fuzz-1');
    const meta = await send({ name: 'metadata', method: 'get', path: METADATA_PATH });
    expect(meta.status).toBe(200);
  });
});
