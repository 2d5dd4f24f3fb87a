/**
 * `gpc` as a user runs it: a child process (node + ts-node, the source as shipped) against servers
 * started in this process on ephemeral loopback ports, asserting on stdout, stderr and exit codes.
 *
 * The servers run on the real clock (not the pinned test clock): gpc resolves `today()-365 days`
 * against today's Europe/London date, and the embedded practice is built relative to the same day.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { systemClock } from '../../src/clock';
import { addDays, addMonths, type CalendarDate } from '../../src/fhir/dates';
import { readPracticeFileSync } from '../../src/format/read-practice-file';
import type { PracticeDataset } from '../../src/record/dataset';
import { testPractice } from '../../src/record/memory/memory-practices';
import { embeddedPracticeFiles } from '../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import type { MedicationPlan } from '../../src/record/model';
import { BASE, NHS, testApp } from '../support/app';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '../..');
const EXAMPLES = join(ROOT, 'examples', 'requests');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `gpc ...args` in a child process; asynchronous, so the in-process servers keep answering. */
function gpc(...args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)),
  );
}

function close(server: Server): Promise<void> {
  return new Promise((done) => server.close(() => done()));
}

/**
 * The embedded practice with one change: risk1's paracetamol (problem-linked, 18 months old) was
 * prescribed 6 months ago instead, so the problem link and the medication search both reach it.
 */
function practiceWithRecentParacetamol(today: CalendarDate): PracticeDataset {
  const practice = testPractice(today);
  const month6 = addMonths(today, -6);
  return {
    ...practice,
    patients: practice.patients.map((p) => {
      if (p.patient.nhsNumber !== NHS.risk1) return p;
      const medication = p.record.medication?.map((plan): MedicationPlan =>
        plan.id !== 'r1-med-paracetamol'
          ? plan
          : {
              ...plan,
              recorded: `${month6}T09:20:00+00:00`,
              start: month6,
              end: month6,
              issues: plan.issues.map((issue) => ({
                ...issue,
                recorded: `${month6}T09:20:00+00:00`,
                date: month6,
                validUntil: month6,
              })),
            },
      );
      return { ...p, record: { ...p.record, medication } };
    }),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- loose walk over a parsed Bundle
type Json = Record<string, any>;

const lists = (bundle: Json): Json[] =>
  bundle.entry.map((e: Json) => e.resource).filter((r: Json) => r.resourceType === 'List' && !r.id);
const listByCode = (bundle: Json, code: string): Json | undefined =>
  lists(bundle).find((l) => l.code.coding[0].code === code);
const refsOf = (list: Json | undefined): string[] => (list?.entry ?? []).map((e: Json) => e.item.reference);

describe('gpc, run as a command against in-process servers', () => {
  const today = systemClock.today();
  const medicationFrom = addDays(today, -365);
  let practiceServer: Server;
  let controlServer: Server;
  let htmlServer: Server;
  let base: string;
  let controlBase: string;
  let htmlBase: string;
  let closedBase: string;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'gpc-test-'));
    practiceServer = createServer(testApp({ clock: systemClock }).app);
    base = `http://127.0.0.1:${await listen(practiceServer)}${BASE}`;
    const repository = new MemoryRepository(practiceWithRecentParacetamol(today));
    controlServer = createServer(testApp({ clock: systemClock, repository }).app);
    controlBase = `http://127.0.0.1:${await listen(controlServer)}${BASE}`;
    // Something that is not a FHIR server: a web page at the "base".
    htmlServer = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        '<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>It works</body></html>',
      );
    });
    htmlBase = `http://127.0.0.1:${await listen(htmlServer)}${BASE}`;
    // A port that was just free: nothing listens there any more.
    const probe = createServer();
    const closedPort = await listen(probe);
    await close(probe);
    closedBase = `http://127.0.0.1:${closedPort}${BASE}`;
  });

  afterAll(async () => {
    await Promise.all([close(practiceServer), close(controlServer), close(htmlServer)]);
  });

  describe('help', () => {
    it('gpc --help documents both commands and the exit codes', async () => {
      const run = await gpc('--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        'gpc record   --base URL --nhs NHS [--search predefined-1|predefined-2|all|FILE.json]',
      );
      expect(run.stdout).toContain('gpc examples --base URL');
      expect(run.stdout).toMatch(/^ {2}2 {3}record only: the clinical-risk warning was raised/m);
    });

    it('gpc record --help lists the identity options; a bad command line exits 64', async () => {
      const help = await gpc('record', '--help');
      expect(help.code).toBe(0);
      for (const option of [
        '--consumer-asid',
        '--provider-asid',
        '--org-ods',
        '--practitioner-id',
        '--device-id',
        '--out',
        '--search',
      ]) {
        expect(help.stdout).toContain(option);
      }
      const bad = await gpc('record', '--nhs', NHS.risk1);
      expect(bad.code).toBe(64);
      expect(bad.stderr).toContain('--base URL is required');
    });
  });

  describe('gpc record: the clinical-risk warning of predefined search 1', () => {
    it('on risk1, names the paracetamol that arrived only through a problem link, with its gap; exit code 2', async () => {
      const run = await gpc('record', '--base', base, '--nhs', NHS.risk1, '--search', 'predefined-1');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(2);
      expect(run.stdout).toContain(
        `Medication from: ${medicationFrom} (today()-365 days; today is ${today}, Europe/London)`,
      );
      expect(run.stdout).toContain('HTTP 200 application/fhir+json');
      // The summary table: the date-limited primary list holds the three recent acutes only.
      expect(run.stdout).toMatch(/^Medication +Medications and medical devices +933361000000108 +3$/m);
      expect(run.stdout).toMatch(
        /^ +Problems - medications related to problems +problems-medications-related-to-problems +\d+$/m,
      );

      const risk = run.stdout.slice(run.stdout.indexOf('CLINICAL RISK'));
      expect(run.stdout.indexOf('CLINICAL RISK')).toBeGreaterThan(
        run.stdout.indexOf('Medications and medical devices'),
      );
      expect(risk).toContain(
        `CLINICAL RISK: 1 medication older than the medication search date ${medicationFrom} arrived ONLY`,
      );
      // As the embedded practice file holds it, shifted to today (docs/data-format.md, datesRelativeTo).
      const risk1 = readPracticeFileSync(embeddedPracticeFiles()[0], today).dataset.patients.find(
        (p) => p.patient.id === 'risk1',
      );
      const paracetamolDate = risk1?.record.medication?.find((m) => m.id === 'r1-med-paracetamol')
        ?.start as CalendarDate;
      expect(risk).toContain('  Paracetamol 500mg tablets\n');
      expect(risk).toContain(
        `    acute, ${paracetamolDate} to ${paracetamolDate}  (MedicationStatement/r1-med-paracetamol)`,
      );
      expect(risk).toContain('    arrived through: Problems - medications related to problems');
      expect(risk).toContain('    linked from problem: Osteoarthritis of knee');
      expect(risk).toContain(
        `    gap it may hide: ${addDays(paracetamolDate, 1)} to ${addDays(medicationFrom, -1)} (`,
      );
      // The recent acutes matched the search: they are not part of the warning.
      for (const recent of ['Amoxicillin', 'Prednisolone', 'Salbutamol']) expect(risk).not.toContain(recent);
    });

    it('on the same patient with the linked paracetamol inside the window, raises nothing; exit code 0', async () => {
      const out = join(work, 'control.json');
      const run = await gpc(
        'record',
        '--base',
        controlBase,
        '--nhs',
        NHS.risk1,
        '--search',
        'predefined-1',
        '--out',
        out,
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain('CLINICAL RISK');
      // Why: the problem still links the paracetamol plan, and the medication search returned it too.
      const bundle = JSON.parse(readFileSync(out, 'utf8')) as Json;
      expect(refsOf(listByCode(bundle, 'problems-medications-related-to-problems'))).toContain(
        'MedicationRequest/r1-med-paracetamol',
      );
      expect(refsOf(listByCode(bundle, '933361000000108'))).toContain(
        'MedicationStatement/r1-med-paracetamol',
      );
      expect(run.stdout).toMatch(/^Medication +Medications and medical devices +933361000000108 +4$/m);
    });

    it('on nogap1, whose linked medication all falls inside the window, raises nothing; exit code 0', async () => {
      const out = join(work, 'nogap1.json');
      const run = await gpc(
        'record',
        '--base',
        base,
        '--nhs',
        NHS.nogap1,
        '--search',
        'predefined-1',
        '--out',
        out,
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain('CLINICAL RISK');
      // Why: the problem and the consultation link the amlodipine, and the medication search returned it too.
      const bundle = JSON.parse(readFileSync(out, 'utf8')) as Json;
      expect(refsOf(listByCode(bundle, 'problems-medications-related-to-problems'))).toContain(
        'MedicationRequest/ng1-plan-amlodipine',
      );
      expect(refsOf(listByCode(bundle, 'consultations-medications-contained-in-consultations'))).toEqual([
        expect.stringMatching(/^MedicationRequest\/ng1-issue-amlodipine-\d+$/),
      ]);
      expect(refsOf(listByCode(bundle, '933361000000108'))).toContain(
        'MedicationStatement/ng1-plan-amlodipine',
      );
    });

    it('on patient5, whose medication is not linked to any problem or consultation, raises nothing', async () => {
      const run = await gpc('record', '--base', base, '--nhs', NHS.patient5, '--search', 'predefined-2');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Medication +Medications and medical devices +933361000000108 +[1-9]\d*$/m);
      expect(run.stdout).not.toMatch(/medications (contained in consultations|related to problems)/);
      expect(run.stdout).not.toContain('CLINICAL RISK');
    });
  });

  describe('gpc record --search all --out', () => {
    it('on patient2, prints one row per List of every area and writes the Bundle to the file', async () => {
      const out = join(work, 'patient2.json');
      const run = await gpc('record', '--base', base, '--nhs', NHS.patient2, '--search', 'all', '--out', out);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0); // no medication search date, so no clinical-risk check applies
      expect(run.stdout).toContain(`Bundle written to ${out}`);
      const traceId = /^Ssp-TraceID: (\S+)$/m.exec(run.stdout)?.[1];
      const bundle = JSON.parse(readFileSync(out, 'utf8')) as Json;
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', id: traceId });
      expect(run.stdout).toContain('Patient: Mrs Margaret Anne Hughes (NHS 9690937286)');
      for (const [area, title] of [
        ['Consultations', 'List of consultations'],
        ['Problems', 'Problems'],
        ['Immunisations', 'Immunisations'],
        ['Uncategorised data', 'Uncategorised data'],
        ['Allergies', 'Allergies and adverse reactions'],
        ['Medication', 'Medications and medical devices'],
        ['Investigations', 'Investigations and results'],
        ['Referrals', 'Outbound referral'],
        ['Diary entries', 'Patient recall administration'],
      ]) {
        const list = lists(bundle).find((l) => l.title === title);
        expect(list).toBeDefined();
        expect(run.stdout).toMatch(
          new RegExp(
            `^${area} +${title} +${list!.code.coding[0].code} +${(list!.entry ?? []).length}\\b`,
            'm',
          ),
        );
      }
      // The warning codes column: patient2's medication list carries confidential-items.
      expect(run.stdout).toMatch(
        /^Medication +Medications and medical devices +933361000000108 +\d+ +confidential-items$/m,
      );
    });

    it('a request file with placeholders is resolved before sending', async () => {
      const file = join(work, 'meds-last-year.json');
      writeFileSync(
        file,
        JSON.stringify({
          resourceType: 'Parameters',
          parameter: [
            {
              name: 'includeMedication',
              part: [{ name: 'medicationSearchFromDate', valueDate: 'today()-365 days' }],
            },
          ],
        }),
      );
      const run = await gpc('record', '--base', base, '--nhs', NHS.patient5, '--search', file);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `Medication from: ${medicationFrom} (today()-365 days; today is ${today}, Europe/London)`,
      );
      expect(run.stdout).toContain('Patient: Mr Daniel Wright (NHS 9690937375)');
    });
  });

  describe('gpc record: clear errors', () => {
    it('provider down: says it cannot reach the provider; exit code 1', async () => {
      const run = await gpc('record', '--base', closedBase, '--nhs', NHS.patient2);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`gpc: Cannot reach the provider at ${closedBase}: connection refused`);
      expect(run.stderr).toContain('ECONNREFUSED');
    });

    it('a 4xx OperationOutcome: shows the HTTP status, Spine code and diagnostics; exit code 1', async () => {
      const run = await gpc('record', '--base', base, '--nhs', '9999999990');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        'gpc: the provider refused the request: HTTP 400 with an OperationOutcome',
      );
      expect(run.stderr).toContain('Spine code:  INVALID_NHS_NUMBER (Invalid NHS number)');
      expect(run.stderr).toMatch(/diagnostics: .*9999999990/);

      const file = join(work, 'future.json');
      writeFileSync(
        file,
        JSON.stringify({
          resourceType: 'Parameters',
          parameter: [
            {
              name: 'includeMedication',
              part: [{ name: 'medicationSearchFromDate', valueDate: 'today()+1 days' }],
            },
          ],
        }),
      );
      const future = await gpc('record', '--base', base, '--nhs', NHS.patient2, '--search', file);
      expect(future.code).toBe(1);
      expect(future.stderr).toContain('HTTP 422');
      expect(future.stderr).toContain('Spine code:  INVALID_PARAMETER');
      expect(future.stderr).toMatch(/diagnostics: .*includeMedication\.medicationSearchFromDate/);
    });

    it('a 429 with Retry-After is sent again after the wait, as a new request (new Ssp-TraceID)', async () => {
      const traceIds: string[] = [];
      const throttling = createServer((req, res) => {
        traceIds.push(String(req.headers['ssp-traceid']));
        req.resume();
        req.on('end', () => {
          res.setHeader('Content-Type', 'application/fhir+json;charset=utf-8');
          if (traceIds.length % 2 === 1) {
            res.writeHead(429, { 'Retry-After': '1' });
            res.end(
              JSON.stringify({
                resourceType: 'OperationOutcome',
                issue: [
                  {
                    severity: 'error',
                    code: 'throttled',
                    details: { coding: [{ code: 'TOO_MANY_REQUESTS' }] },
                  },
                ],
              }),
            );
          } else {
            res.end(
              JSON.stringify({
                resourceType: 'Bundle',
                id: traceIds[traceIds.length - 1],
                type: 'collection',
                entry: [],
              }),
            );
          }
        });
      });
      const throttlingBase = `http://127.0.0.1:${await listen(throttling)}${BASE}`;
      try {
        const run = await gpc('record', '--base', throttlingBase, '--nhs', NHS.patient2, '--search', 'all');
        expect(run.code).toBe(0);
        expect(run.stderr).toBe('gpc: HTTP 429 with Retry-After 1 s: sending the request again in 1 s\n');
        expect(traceIds).toHaveLength(2);
        expect(traceIds[0]).not.toBe(traceIds[1]);
        expect(run.stdout).toContain(`Bundle ${traceIds[1]}: no entries`);
        // --retries 0: the third request (throttled again) is reported as it is.
        const none = await gpc('record', '--base', throttlingBase, '--nhs', NHS.patient2, '--retries', '0');
        expect(none.code).toBe(1);
        expect(none.stderr).toContain('HTTP 429 with an OperationOutcome');
        expect(none.stderr).toContain('Spine code:  TOO_MANY_REQUESTS');
        expect(traceIds).toHaveLength(3);
      } finally {
        await close(throttling);
      }
    });

    it('an answer that is not FHIR (a web page): says so, with the content type; exit code 1', async () => {
      const run = await gpc('record', '--base', htmlBase, '--nhs', NHS.patient2);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        "gpc: the provider's answer is not FHIR: HTTP 200, Content-Type text/html; charset=utf-8: the body is not JSON",
      );
      expect(run.stderr).toContain('it begins: <!DOCTYPE html><html><head><title>Welcome to nginx!');
    });
  });

  describe('gpc examples', () => {
    const names = readdirSync(EXAMPLES)
      .filter((f) => f.endsWith('.expected.json'))
      .map((f) => f.slice(0, -'.expected.json'.length));

    it('covers the predefined searches, every area part, the search examples, N01–N13 + C14 and the main errors', () => {
      for (const name of [
        'predefined-1',
        'predefined-2',
        'warning-unknown-parameter',
        'not-permitted-c14-consultations-problem-significance',
      ]) {
        expect(names).toContain(name);
      }
      expect(names.filter((n) => /^not-permitted-n\d\d-/.test(n))).toHaveLength(13);
      expect(names.filter((n) => n.startsWith('search-'))).toHaveLength(16);
      for (const name of names) {
        const request = JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), 'utf8')) as Json;
        expect(request.resourceType).toBe('Parameters');
        const expected = JSON.parse(readFileSync(join(EXAMPLES, `${name}.expected.json`), 'utf8')) as Json;
        expect(typeof expected.description).toBe('string');
        expect([200, 400, 403, 404, 422]).toContain(expected.status);
      }
      // The spec's placeholder, kept as published.
      expect(readFileSync(join(EXAMPLES, 'predefined-1.json'), 'utf8')).toContain(
        '"valueDate": "today()-365 days"',
      );
    });

    it('every example passes against our server: one line each, a total, exit code 0', async () => {
      const run = await gpc('examples', '--base', base);
      expect(run.stderr).toBe('');
      const lines = run.stdout.split('\n').filter((l) => /^(PASS|FAIL) /.test(l));
      expect(lines).toHaveLength(names.length);
      expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
      expect(run.stdout).toMatch(
        /^PASS {2}not-permitted-n01-consultations-medication-date +expected 422 INVALID_PARAMETER +got 422 INVALID_PARAMETER$/m,
      );
      expect(run.stdout).toMatch(
        /^PASS {2}warning-unknown-parameter +expected 200 +got 200, \d+ lists, 1 warning$/m,
      );
      expect(run.stdout).toContain(`Total: ${names.length} examples, ${names.length} passed, 0 failed`);
      expect(run.code).toBe(0);
    });

    it('reports a mismatch as FAIL with the reason, and exits 1', async () => {
      // Against the HTML server every example fails the same way; --only keeps the run short.
      const run = await gpc('examples', '--base', htmlBase, '--only', 'predefined-1-reversed');
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^FAIL {2}predefined-1-reversed +expected 200 +got 200, not FHIR$/m);
      expect(run.stdout).toContain('      - the answer is not FHIR: the body is not JSON');
      expect(run.stdout).toContain('Total: 1 examples, 0 passed, 1 failed');
    });

    it('stops at once when the provider is down', async () => {
      const run = await gpc('examples', '--base', closedBase);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('connection refused');
      expect(run.stderr).toContain(`gpc: stopped after 1 of ${names.length} examples`);
      expect(run.stdout).toContain(
        `Total: ${names.length} examples, 0 passed, 1 failed, ${names.length - 1} not run`,
      );
    });
  });
});
