/**
 * gpc-admin over PostgreSQL: import (checked line by line first, one practice replaced at a time),
 * export, the practice switches changed at run time and seen by a running server without a restart,
 * the export → import round trip answering byte for byte as the in-memory store, and a database of the
 * one-practice release migrated in place.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AdminIo, runAdmin } from '../../src/cli/admin';
import { defaultExamplesDir, loadExamples } from '../../src/cli/examples';
import { type JsonObject, resolvePlaceholders, withNhsNumber } from '../../src/cli/request';
import { fixedClock } from '../../src/clock';
import type { CalendarDate } from '../../src/fhir/dates';
import { testPractice } from '../../src/record/memory/memory-practices';
import { embeddedPracticeFiles } from '../../src/record/memory/memory-practices';
import { MemoryPracticeStore } from '../../src/record/memory/memory-practices';
import { Database } from '../../src/record/postgres/database';
import { importPracticeFiles } from '../../src/record/postgres/import';
import { migrate } from '../../src/record/postgres/migrate';
import { MIGRATIONS } from '../../src/record/postgres/migrations';
import { PostgresPracticeStore } from '../../src/record/postgres/postgres-practices';
import { patientsRows, practiceRows, TABLE_ORDER } from '../../src/record/postgres/rows';
import { NHS, postRecord, TEST_NOW, type TestApp, testApp, TODAY } from '../support/app';
import { expectBundle, expectError, expectOperationOutcome, warningDiagnostics } from '../support/fhir';
import { area, bool, nhsNumber, parameters } from '../support/parameters';
import { createTestDatabase, TEST_DB_OPTIONS, type TestDatabase } from '../support/postgres';
import { P99002_ASID } from '../support/store';

const today = TODAY as CalendarDate;
const clock = fixedClock(TEST_NOW);

function io(url: string): AdminIo & { out: jest.Mock; err: jest.Mock; text(): string } {
  const out = jest.fn();
  const err = jest.fn();
  return {
    out,
    err,
    env: { DATABASE_URL: url },
    text: () => [...out.mock.calls, ...err.mock.calls].map((c) => String(c[0])).join('\n'),
  };
}

const body = (nhs: string) =>
  parameters(nhsNumber(nhs), area('includeAllergies', bool('includeResolvedAllergies', true)));
/** A request to P99002. */
function canal(t: TestApp, nhs = '9690941003', asid = P99002_ASID) {
  return postRecord(t, body(nhs), { ods: 'P99002', headers: { 'Ssp-To': asid } });
}

describe('gpc-admin', () => {
  let dir: string;
  let db: TestDatabase;
  let store: PostgresPracticeStore;
  let app: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpc-admin-'));
    db = await createTestDatabase();
    expect(await runAdmin(['migrate'], io(db.url))).toBe(0);
    const database = new Database({ url: db.url, ...TEST_DB_OPTIONS });
    await importPracticeFiles(database, embeddedPracticeFiles(), today);
    await database.close();
    // The server's view, re-reading settings on every request (PRACTICE_CACHE_MS=0).
    store = new PostgresPracticeStore({ url: db.url, ...TEST_DB_OPTIONS, practiceCacheMs: 0 });
    app = testApp({ clock, practices: store });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('practice list: one line per practice with ODS code, name, ASID and switches', async () => {
    const cli = io(db.url);
    expect(await runAdmin(['practice', 'list'], cli)).toBe(0);
    expect(cli.out.mock.calls.map((c) => String(c[0]).replace(/ +/g, ' '))).toEqual([
      'P99001 Riverside Medical Practice asid=200000000116 gpconnect=on structured=on disabled=none',
      'P99002 Canal Street Surgery asid=200000000216 gpconnect=on structured=on disabled=medication',
      'P99003 Moor Lane Health Centre asid=200000000316 gpconnect=on structured=off disabled=none',
    ]);
  });

  it('practice disable / enable / set change a running server without a restart, and are recorded', async () => {
    expectBundle(await canal(app));
    expect(await runAdmin(['practice', 'disable', 'P99002'], io(db.url))).toBe(0);
    expectError(await canal(app), 403, 'ACCESS DENIED', 'Access Record Structured');
    expect(await runAdmin(['practice', 'enable', 'P99002'], io(db.url))).toBe(0);
    expectBundle(await canal(app));
    expect(await runAdmin(['practice', 'disable', 'P99002', '--gp-connect'], io(db.url))).toBe(0);
    expectError(await canal(app), 403, 'ACCESS DENIED', 'GP Connect is disabled');
    expect(await runAdmin(['practice', 'enable', 'P99002'], io(db.url))).toBe(0);
    expect(
      await runAdmin(['practice', 'set', 'P99002', '--disabled-areas', 'allergies,documents'], io(db.url)),
    ).toBe(0);
    expect(warningDiagnostics(expectBundle(await canal(app)))).toEqual(['includeAllergies']);
    expect(
      await runAdmin(
        ['practice', 'set', 'P99002', '--asid', '918273645501', '--disabled-areas', 'medication'],
        io(db.url),
      ),
    ).toBe(0);
    expectError(await canal(app), 400, 'BAD_REQUEST', 'Ssp-To');
    expectBundle(await canal(app, '9690941003', '918273645501'));
    expect(await runAdmin(['practice', 'set', 'P99002', '--asid', P99002_ASID], io(db.url))).toBe(0);
    // P99001 was never touched.
    expectBundle(await postRecord(app, body(NHS.patient2)));

    const database = new Database({ url: db.url, ...TEST_DB_OPTIONS });
    const changes = await database.query<{
      ods_code: string;
      command: string;
      after: { structuredEnabled: boolean };
    }>("SELECT ods_code, command, after FROM practice_changes WHERE command LIKE 'practice %' ORDER BY seq");
    await database.close();
    expect(changes.map((c) => c.command)).toEqual([
      'practice disable P99002',
      'practice enable P99002',
      'practice disable P99002 --gp-connect',
      'practice enable P99002',
      'practice set P99002 --disabled-areas allergies,documents',
      'practice set P99002 --asid 918273645501 --disabled-areas medication',
      `practice set P99002 --asid ${P99002_ASID}`,
    ]);
    expect(changes[0].after.structuredEnabled).toBe(false);
  });

  it.each([
    [['practice', 'set', 'P99002', '--disabled-areas', 'letters'], /unknown clinical area\(s\) letters/],
    [['practice', 'set', 'P99002', '--asid', '12ab'], /--asid 12ab is not an ASID/],
    [
      ['practice', 'set', 'P99002', '--asid', '1234567890123'],
      /--asid 1234567890123 is not an ASID \(1 to 12 digits\)/,
    ],
    [['practice', 'enable'], /needs an ODS code/],
    [['export'], /export needs --practice ODS/],
    [['import'], /import needs at least one FILE/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('usage errors exit 64 with one clear line: %j', async (argv, message) => {
    const cli = io(db.url);
    expect(await runAdmin(argv, cli)).toBe(64);
    expect(cli.text()).toMatch(message);
  });

  it('practice enable of an ODS code the database does not hold fails clearly', async () => {
    const cli = io(db.url);
    expect(await runAdmin(['practice', 'enable', 'A12345'], cli)).toBe(1);
    expect(cli.text()).toContain('the database holds no practice A12345');
  });

  it('import: a bad line names the file, line and field, and nothing is loaded', async () => {
    const lines = readFileSync(embeddedPracticeFiles()[1], 'utf8').trimEnd().split('\n');
    const bad = JSON.parse(lines[2]) as {
      record: { allergies?: { recorderId?: string }[] };
      patient: { nhsNumber: string };
    };
    lines[2] = JSON.stringify({ ...bad, patient: { ...bad.patient, nhsNumber: '12345' } });
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const renamed = join(dir, 'renamed.jsonl');
    // A good file before the bad one is not loaded either: every file is checked first.
    const good = readFileSync(embeddedPracticeFiles()[2], 'utf8').replace(
      '"Moor Lane Health Centre"',
      '"Renamed"',
    );
    writeFileSync(renamed, good);
    const cli = io(db.url);
    expect(await runAdmin(['import', renamed, file], cli)).toBe(1);
    expect(cli.text()).toContain(`${file}:3: patient: patient.nhsNumber must match pattern "^[0-9]{10}$"`);
    expect(cli.text()).toContain('nothing was loaded');
    const list = io(db.url);
    await runAdmin(['practice', 'list'], list);
    expect(list.text()).toContain('Moor Lane Health Centre');
    expect(list.text()).not.toContain('Renamed');
  });

  it('import: a line that is not JSON, and a header of another format, are named', async () => {
    const notJson = join(dir, 'not-json.jsonl');
    writeFileSync(notJson, `${readFileSync(embeddedPracticeFiles()[2], 'utf8')}{"patient": \n`);
    const cli = io(db.url);
    expect(await runAdmin(['import', notJson], cli)).toBe(1);
    expect(cli.text()).toMatch(new RegExp(`${notJson}:3: not valid JSON`));
    const otherFormat = join(dir, 'other.jsonl');
    writeFileSync(otherFormat, '{"format":"csv","version":1}\n');
    const cli2 = io(db.url);
    expect(await runAdmin(['import', otherFormat], cli2)).toBe(1);
    expect(cli2.text()).toContain(`${otherFormat}:1: header:`);
  });

  it('import replaces one practice and leaves the others untouched', async () => {
    const before = io(db.url);
    await runAdmin(['export', '--practice', 'P99001'], before);
    const renamed = join(dir, 'p99003.jsonl');
    writeFileSync(
      renamed,
      readFileSync(embeddedPracticeFiles()[2], 'utf8').replace('"Moor Lane Health Centre"', '"Moor Lane"'),
    );
    const cli = io(db.url);
    expect(await runAdmin(['import', renamed], cli)).toBe(0);
    expect(cli.text()).toContain('practice P99003 replaced: 1 patients');
    const after = io(db.url);
    await runAdmin(['export', '--practice', 'P99001'], after);
    expect(after.out.mock.calls).toEqual(before.out.mock.calls);
    const list = io(db.url);
    await runAdmin(['practice', 'list'], list);
    expect(list.text()).toContain('Moor Lane ');
  });

  it('import keeps every character: tabs, newlines, backslashes, quotes, braces in text and names', async () => {
    // The loader sends rows as COPY text and given names as text[] literals: each escape must survive.
    const lines = readFileSync(embeddedPracticeFiles()[2], 'utf8').trimEnd().split('\n');
    type Line = { patient: { name: { given: string[] } }; record: { medication: { dosage: string }[] } };
    const line = JSON.parse(lines[1]) as Line;
    const given = ['Al"ice', 'Back\\slash {a,b}', 'NULL', 'tab\there'];
    const dosage = 'One capsule\tthree times\na day \\N \\t for 5 days\r\n— ünïcode 💊';
    line.patient.name.given = given;
    line.record.medication[0].dosage = dosage;
    lines[1] = JSON.stringify(line);
    const file = join(dir, 'odd-characters.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const cli = io(db.url);
    expect(await runAdmin(['import', file], cli)).toBe(0);
    const exported = io(db.url);
    expect(await runAdmin(['export', '--practice', 'P99003'], exported)).toBe(0);
    const back = JSON.parse(String(exported.out.mock.calls[1]?.[0])) as Line;
    expect(back.patient.name.given).toEqual(given);
    expect(back.record.medication[0].dosage).toBe(dosage);
    // Restore the embedded practice for the tests after this one.
    expect(await runAdmin(['import', embeddedPracticeFiles()[2]], io(db.url))).toBe(0);
  });

  it("verify-audit checks a trail's hash chain", async () => {
    const t = testApp();
    await postRecord(t, body(NHS.patient2));
    await t.audit.flushed();
    const file = join(dir, 'audit.log');
    writeFileSync(file, `${t.audit.lines.join('\n')}\n`);
    const ok = io(db.url);
    expect(await runAdmin(['verify-audit', file], ok)).toBe(0);
    expect(ok.text()).toMatch(/the chain verifies \(2 records\)/);
    writeFileSync(
      file,
      `${t.audit.lines.map((l, i) => (i === 1 ? l.replace('P99001', 'P99002') : l)).join('\n')}\n`,
    );
    const broken = io(db.url);
    expect(await runAdmin(['verify-audit', file], broken)).toBe(1);
    expect(broken.text()).toMatch(/the chain is BROKEN at line 2/);
    expect(await runAdmin(['verify-audit', join(dir, 'no-such.log')], io(db.url))).toBe(2);
  });
});

describe('export then import into an empty database answers every example request as the memory store does', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let dir: string;
  let store: PostgresPracticeStore;
  let memory: TestApp;
  let postgres: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpc-roundtrip-'));
    [source, target] = [await createTestDatabase(), await createTestDatabase()];
    const from = new Database({ url: source.url, ...TEST_DB_OPTIONS });
    await migrate(from);
    await importPracticeFiles(from, embeddedPracticeFiles().slice(0, 2), today);
    await from.close();
    for (const ods of ['P99001', 'P99002']) {
      expect(
        await runAdmin(['export', '--practice', ods, '--out', join(dir, `${ods}.jsonl`)], io(source.url)),
      ).toBe(0);
    }
    const to = new Database({ url: target.url, ...TEST_DB_OPTIONS });
    await migrate(to);
    await importPracticeFiles(to, [join(dir, 'P99001.jsonl'), join(dir, 'P99002.jsonl')], today);
    await to.close();
    store = new PostgresPracticeStore({ url: target.url, ...TEST_DB_OPTIONS, poolSize: 8 });
    memory = testApp({ clock, practices: MemoryPracticeStore.fromFiles(embeddedPracticeFiles(), today) });
    postgres = testApp({ clock, practices: store });
  }, 120_000);
  afterAll(async () => {
    await store.close();
    await source.drop();
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exporting the imported export gives the same file', async () => {
    const again = io(target.url);
    await runAdmin(['export', '--practice', 'P99001'], again);
    const first = readFileSync(join(dir, 'P99001.jsonl'), 'utf8').trimEnd().split('\n');
    expect(again.out.mock.calls.map((c) => String(c[0]))).toEqual(first);
  });

  const examplesDir = defaultExamplesDir();
  const examples = examplesDir ? loadExamples(examplesDir) : [];
  const patients = [
    ...testPractice(today).patients.map((p) => ['P99001', p.patient.nhsNumber] as const),
    ['P99002', '9690941003'] as const,
    ['P99002', '9690941011'] as const,
    ['P99002', NHS.patient3] as const,
  ];

  it('finds the example requests', () => {
    expect(examples.length).toBeGreaterThan(80);
  });

  it.each(patients)(
    '%s %s: every example request, byte for byte',
    async (ods, nhs) => {
      const asid = ods === 'P99002' ? P99002_ASID : undefined;
      // Not a vacuous comparison: the patient-only request reaches the record at its own practice.
      const own = await postRecord(postgres, parameters(nhsNumber(nhs)), {
        ods,
        headers: asid ? { 'Ssp-To': asid } : {},
      });
      const code =
        own.status === 200
          ? 'none'
          : (own.body as { issue: { details: { coding: { code: string }[] } }[] }).issue[0].details.coding[0]
              .code;
      expect(['none', 'PATIENT_NOT_FOUND', 'NO_PATIENT_CONSENT']).toContain(code);
      if (nhs === '9690941003' || nhs === NHS.patient2) expect(own.status).toBe(200);
      for (const example of examples) {
        const raw = JSON.parse(readFileSync(example.requestFile, 'utf8')) as JsonObject;
        const request = withNhsNumber(resolvePlaceholders(raw, today), nhs, false);
        const send = (t: TestApp) => postRecord(t, request, { ods, headers: asid ? { 'Ssp-To': asid } : {} });
        const [a, b] = await Promise.all([send(memory), send(postgres)]);
        expect(`${example.name} ${b.status} ${b.text}`).toBe(`${example.name} ${a.status} ${a.text}`);
      }
    },
    120_000,
  );
});

describe('a database of the one-practice release migrates in place', () => {
  let db: TestDatabase;
  let store: PostgresPracticeStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    const database = new Database({ url: db.url, ...TEST_DB_OPTIONS });
    // The schema and rows as the one-practice release wrote them (migration 001 only).
    await database.query(
      'CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    await database.query(MIGRATIONS[0].sql);
    await database.query('INSERT INTO schema_migrations (version) VALUES ($1)', [MIGRATIONS[0].version]);
    const dataset = testPractice(today);
    const rows = practiceRows(dataset);
    const patientRows = patientsRows(dataset.patients, 0);
    for (const table of TABLE_ORDER) {
      const list = [...rows[table], ...patientRows[table]];
      if (list.length > 0) {
        await database.query(
          `INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`,
          [JSON.stringify(list)],
        );
      }
    }
    await database.close();
    expect(await runAdmin(['migrate'], io(db.url))).toBe(0);
    store = new PostgresPracticeStore({ url: db.url, ...TEST_DB_OPTIONS, practiceCacheMs: 0 });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('keeps the practice, with its switches off until the operator enables it', async () => {
    const t = testApp({ clock, practices: store });
    expect(await store.list()).toEqual([
      expect.objectContaining({
        odsCode: 'P99001',
        asid: '200000000116',
        gpConnectEnabled: false,
        structuredEnabled: false,
      }),
    ]);
    expectOperationOutcome(await postRecord(t, body(NHS.patient2)), 403, 'ACCESS DENIED');
    expect(await runAdmin(['practice', 'enable', 'P99001'], io(db.url))).toBe(0);
    const memory = testApp({ clock });
    for (const nhs of [NHS.patient2, NHS.risk1, NHS.large1, NHS.notInSystem]) {
      const [a, b] = [await postRecord(memory, body(nhs)), await postRecord(t, body(nhs))];
      expect(b.status).toBe(a.status);
      expect(b.text).toBe(a.text);
    }
  });

  it('migrating again changes nothing', async () => {
    const cli = io(db.url);
    expect(await runAdmin(['migrate'], cli)).toBe(0);
    expect(cli.text()).toContain('none (up to date)');
  });
});
