/**
 * Issue 12 items 2, 3, 5 and 6, one behaviour at a time: ASID headers, parameter limits, warning
 * caps, FHIR integer ranges. The seeded mix is in hostile.test.ts.
 */
import { gzipSync } from 'node:zlib';

import {
  getMetadata,
  INTERACTION,
  NHS,
  postRecord,
  RECORD_PATH,
  spineHeaders,
  testApp,
} from '../support/app';
import { expectBundle, expectError, warningDiagnostics } from '../support/fhir';
import { sendHostile, serve, spineCodeOf } from '../support/hostile';
import { area, int, nhsNumber, parameters } from '../support/parameters';

const t = testApp();
const patient2 = nhsNumber(NHS.patient2);

describe('Ssp-From and Ssp-To are ASIDs', () => {
  it.each([
    ['Ssp-From', 'abc'],
    ['Ssp-From', '1234567890123'],
    ['Ssp-From', '12 34'],
    ['Ssp-From', 'x'.repeat(13_000)],
    ['Ssp-To', '20000000011a'],
    ['Ssp-To', '2000000001160'],
  ])('%s %j → 400 BAD_REQUEST naming the header, the value cut short', async (header, value) => {
    const res = await postRecord(t, parameters(patient2), { headers: { [header]: value } });
    const outcome = expectError(
      res,
      400,
      'BAD_REQUEST',
      `${header} header`,
      'is not an ASID (1 to 12 digits)',
    );
    expect(outcome.issue[0].diagnostics?.length).toBeLessThan(120);
  });

  it.each(['Ssp-From', 'Ssp-To', 'Ssp-TraceID', 'Ssp-InteractionID'])(
    '%s sent twice → 400 BAD_REQUEST naming it',
    async (header) => {
      const value = spineHeaders(t, INTERACTION.record, 'patient/*.read')[header];
      const { port, agent, close } = await serve(t);
      try {
        const res = await sendHostile(t, port, agent, {
          name: 'repeated',
          kind: 'headers',
          method: 'POST',
          path: RECORD_PATH,
          headers: { [header]: [value, value] },
          body: Buffer.from(JSON.stringify(parameters(patient2))),
        });
        expect(res.status).toBe(400);
        expect(spineCodeOf(res)).toBe('BAD_REQUEST');
        expect(res.body.toString()).toContain(`${header} header must be sent once; it was repeated`);
      } finally {
        close();
      }
    },
  );

  it('a 12-digit ASID is accepted on both endpoints', async () => {
    expect((await getMetadata(t, { headers: { 'Ssp-From': '918999198738' } })).status).toBe(200);
    expectBundle(await postRecord(t, parameters(patient2), { headers: { 'Ssp-From': '1' } }));
  });
});

describe('bounded Parameters', () => {
  it('more than 100 parameters → 422 INVALID_RESOURCE, even 38,000 repeats of includeProblems, quickly', async () => {
    const body = parameters(patient2, ...Array.from({ length: 38_000 }, () => area('includeProblems')));
    const started = Date.now();
    expectError(
      await postRecord(t, body),
      422,
      'INVALID_RESOURCE',
      'Parameters has 38001 parameters; this provider accepts at most 100',
    );
    // Gzipped (2.7 KB on the wire), the same.
    const res = await postRecord(t, gzipSync(JSON.stringify(body)).toString('latin1'), {
      headers: { 'Content-Encoding': 'gzip' },
    });
    expect([400, 422]).toContain(res.status);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('100 repeats of includeProblems are parsed and served', async () => {
    expectBundle(
      await postRecord(t, parameters(patient2, ...Array.from({ length: 99 }, () => area('includeProblems')))),
    );
  });

  it('more than 20 parts, or a name over 100 characters → 422 INVALID_RESOURCE', async () => {
    const parts = Array.from({ length: 21 }, (_, i) => ({ name: `p${i}`, valueBoolean: true }));
    expectError(
      await postRecord(t, parameters(patient2, { name: 'includeProblems', part: parts })),
      422,
      'INVALID_RESOURCE',
      'includeProblems has 21 parts; this provider accepts at most 20',
    );
    expectError(
      await postRecord(t, parameters(patient2, { name: 'x'.repeat(101) })),
      422,
      'INVALID_RESOURCE',
      'Parameters.parameter[1].name is 101 characters long; at most 100 are accepted',
    );
  });

  it('a value over 256 characters → 422 INVALID_PARAMETER', async () => {
    const res = await postRecord(
      t,
      parameters(patient2, {
        name: 'includeProblems',
        part: [{ name: 'filterStatus', valueCode: 'a'.repeat(300) }],
      }),
    );
    expectError(
      res,
      422,
      'INVALID_PARAMETER',
      'includeProblems.filterStatus: valueCode is 300 characters long; at most 256 are accepted',
    );
  });

  it('unrecognised names: at most 10 warnings, each cut to 100 characters, the last saying how many more', async () => {
    const names = Array.from({ length: 40 }, (_, i) => ({
      name: `${'u'.repeat(98)}${String(i).padStart(2, '0')}`,
    }));
    const warnings = warningDiagnostics(expectBundle(await postRecord(t, parameters(patient2, ...names))));
    expect(warnings).toHaveLength(10);
    expect(warnings.slice(0, 9)).toEqual(names.slice(0, 9).map((n) => n.name));
    expect(warnings[9]).toBe('31 more unrecognised parameters omitted');
    // Part names are reported as parameter.part, cut to 100 characters.
    const part = { name: 'includeProblems', part: [{ name: 'p'.repeat(100), valueBoolean: true }] };
    const [partWarning] = warningDiagnostics(expectBundle(await postRecord(t, parameters(patient2, part))));
    expect(partWarning).toBe(`includeProblems.${'p'.repeat(84)}…`);
  });
});

describe('FHIR integer ranges (the same on every store)', () => {
  it.each([2_147_483_648, 1e300, Number.MAX_SAFE_INTEGER + 2])(
    'includeNumberOfMostRecent %d → 422 INVALID_PARAMETER',
    async (n) => {
      const res = await postRecord(
        t,
        parameters(patient2, area('includeConsultations', int('includeNumberOfMostRecent', n))),
      );
      expectError(
        res,
        422,
        'INVALID_PARAMETER',
        'valuePositiveInt must be a whole number from 1 to 2147483647',
      );
    },
  );

  it('includeNumberOfMostRecent 2147483647 is served', async () => {
    expectBundle(
      await postRecord(
        t,
        parameters(patient2, area('includeConsultations', int('includeNumberOfMostRecent', 2_147_483_647))),
      ),
    );
  });

  it('year 0000 is not a FHIR date → 422 INVALID_PARAMETER', async () => {
    const res = await postRecord(
      t,
      parameters(
        patient2,
        area('includeMedication', { name: 'medicationSearchFromDate', valueDate: '0000-06-01' }),
      ),
    );
    expectError(res, 422, 'INVALID_PARAMETER', 'must be a full date');
  });
});
