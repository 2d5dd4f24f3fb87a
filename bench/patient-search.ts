/**
 * Latency of the demographic patient search on PostgreSQL over 100,000 patients (issue 16):
 *
 *   npm run bench:patient-search [-- --patients 100000 --requests 600 --concurrency 4]
 *
 * PostgreSQL: DATABASE_URL when set (it must be allowed to CREATE DATABASE: a fresh database is made
 * beside it and dropped at the end), else a throwaway cluster from Debian's server binaries. The bench
 * migrates, seeds the embedded practice plus N patients (demographics only: the search never reads
 * the record) whose names are drawn from a few hundred family names and ~40 given names (some
 * accented), runs ANALYZE, then sends GET Patient searches with valid Spine headers and JWT over
 * 127.0.0.1 to an app (same middleware chain as production), a fixed mix of kinds, and prints
 * p50/p90/p99/max per kind and overall, and every status seen. Exit code 1 when a 5xx or a
 * connection error occurred, or when the overall p99 is 1 s or more (the spec's response time).
 */
import { parseArgs } from 'node:util';

import type { CalendarDate } from '../src/fhir/dates';
import type { PatientData } from '../src/record/dataset';
import { mulberry32 } from '../tools/random';
import { FAMILY, GIVEN as GIVEN_NAMES } from '../tools/synthetic-practice';
import { percentile } from './worker-run';

const { values: opts } = parseArgs({
  options: {
    patients: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '600' },
    concurrency: { type: 'string', default: '4' },
  },
});

// Accented stems beside the synthetic practice's common names: the search must fold case and accents.
const FAMILY_STEMS = [...FAMILY, 'Müller', 'Núñez', 'Ångström', 'Ó Súilleabháin'];
const FAMILY_ENDINGS = [
  '',
  'son',
  'ley',
  'ton',
  'ford',
  'wood',
  'field',
  'well',
  'by',
  'ham',
  'more',
  'stone',
];
// The synthetic practice's given names, plus accented ones the search must fold.
const GIVEN = [...GIVEN_NAMES.male, ...GIVEN_NAMES.female, 'Zoë', 'José', 'Siobhán', 'Chloé'];

/** The endpoint's ASID in the benchmark (Ssp-To). */
const PROVIDER_ASID = '200000000116';
const secondsSince = (started: number): string => ((Date.now() - started) / 1000).toFixed(1);
const ms = (value: number): string => value.toFixed(1).padStart(6);
const year = (date: string): string => date.slice(0, 4);

async function main(): Promise<number> {
  const http = await import('node:http');
  const { randomBytes } = await import('node:crypto');
  const { Writable } = await import('node:stream');
  const { testPractice } = await import('../src/record/memory/memory-practices');
  const { allOn, singlePracticeStore } = await import('../src/record/practices');
  const { createApp } = await import('../src/app');
  const { fixedClock } = await import('../src/clock');
  const { loadConfig } = await import('../src/config');
  const { createLogger } = await import('../src/logger');
  const { createOps } = await import('../src/ops/ops');
  const { migrate } = await import('../src/record/postgres/migrate');
  const { PostgresRepository } = await import('../src/record/postgres/postgres-repository');
  const { seedDataset } = await import('../src/record/postgres/seed');
  const { scratchPostgres } = await import('./scratch-postgres');
  const { softwareInfo } = await import('../src/software');
  const { nhsNumbers } = await import('../tools/synthetic-practice');
  const { jwt, validClaims } = await import('../tools/test-jwt');

  const patients = Number(opts.patients);
  const requests = Number(opts.requests);
  const concurrency = Number(opts.concurrency);
  const log = (line = '') => console.log(line);
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const scratch = await scratchPostgres();
    cleanups.push(() => scratch.drop());
    log(scratch.description);
    const url = scratch.url;

    const clock = fixedClock(new Date());
    const embedded = testPractice(clock.today());
    const random = mulberry32(16); // the same patients and searches on every run
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const families = FAMILY_STEMS.flatMap((stem) => FAMILY_ENDINGS.map((end) => `${stem}${end}`));
    function* generated(): Generator<PatientData> {
      const numbers = nhsNumbers(6_000_000_010);
      for (let n = 1; n <= patients; n++) {
        const day = new Date(Date.UTC(1925, 0, 1) + Math.floor(random() * 36_500) * 86_400_000)
          .toISOString()
          .slice(0, 10);
        yield {
          patient: {
            id: `bench-${n}`,
            nhsNumber: numbers.next().value as string,
            nhsNumberStatus: random() < 0.02 ? '02' : '01',
            name: {
              family: pick(families),
              given: random() < 0.3 ? [pick(GIVEN), pick(GIVEN)] : [pick(GIVEN)],
            },
            gender: 'unknown',
            birthDate: day as CalendarDate,
            registration: { type: 'R', status: 'active', startDate: '2015-01-01' as CalendarDate },
            sensitive: random() < 0.01,
            sharingConsent: 'consented',
            version: '1',
          },
          record: {},
        };
      }
    }
    const repository = new PostgresRepository(
      { url: url.toString(), poolSize: concurrency + 2, statementTimeoutMs: 60_000, retryAfterSeconds: 5 },
      embedded.practice.odsCode,
    );
    cleanups.push(() => repository.close());
    let started = Date.now();
    await migrate(repository.database);
    const seeded = await seedDataset(repository.database, embedded, generated());
    await repository.database.query('ANALYZE');
    log(`seeded ${seeded} patients (${families.length} family names) in ${secondsSince(started)} s`);

    const config = loadConfig({
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_BURST: '1000000',
      MAX_EVENT_LOOP_UTILISATION: '1',
      MAX_IN_FLIGHT: '1000',
    });
    const logger = createLogger('silent');
    const software = softwareInfo();
    const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const ops = createOps(config, {
      software,
      logger,
      now: () => clock.now(),
      audit: { stream: discard },
      processMetrics: false,
    });
    cleanups.push(() => ops.audit.close());
    const practices = singlePracticeStore(embedded.practice, allOn(PROVIDER_ASID), repository);
    const app = createApp({ config, practices, clock, logger, software, ops });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const patient2Nhs = embedded.patients[1]?.patient.nhsNumber ?? '';
    const prefix = (text: string, n: number) => encodeURIComponent([...text].slice(0, n).join(''));
    const day = () =>
      new Date(Date.UTC(1925, 0, 1) + Math.floor(random() * 36_500) * 86_400_000).toISOString().slice(0, 10);
    const KINDS: Record<string, () => string> = {
      'family prefix (3) + birthdate': () => `family=${prefix(pick(families), 3)}&birthdate=${day()}`,
      'family + given': () => `family=${encodeURIComponent(pick(families))}&given=${prefix(pick(GIVEN), 4)}`,
      'family + birthdate range': () =>
        `family=${encodeURIComponent(pick(families))}` +
        `&birthdate=ge${year(day())}-01-01&birthdate=le${year(day())}-12-31`,
      'birthdate alone': () => `birthdate=${day()}`,
      'given + birthdate (no family)': () => `given=${prefix(pick(GIVEN), 3)}&birthdate=${day()}`,
      'family prefix (2) alone: too broad': () => `family=${prefix(pick(families), 2)}`,
      identifier: () =>
        `identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${patient2Nhs}`)}`,
    };
    const kinds = Object.keys(KINDS);
    const plan = Array.from({ length: requests }, (_, i) => {
      const kind = kinds[i % kinds.length];
      return { kind, query: KINDS[kind]?.() ?? '' };
    });
    const headers = () => ({
      'Ssp-TraceID': randomBytes(8).toString('hex'),
      'Ssp-From': '200000000115',
      'Ssp-To': PROVIDER_ASID,
      'Ssp-InteractionID': 'urn:nhs:names:services:gpconnect:fhir:rest:search:patient-1',
      Authorization: `Bearer ${jwt(validClaims(Math.floor(Date.now() / 1000), 'patient/*.read'))}`,
      Accept: 'application/fhir+json',
    });
    // The plan of one search of each kind, so the figures can be read against the indexes used.
    const { patientSearchSql } = await import('../src/record/postgres/postgres-source');
    const { parsePatientSearch } = await import('../src/operations/patient/search-parameters');
    for (const kind of kinds) {
      const query = parsePatientSearch(new URLSearchParams(KINDS[kind]?.() ?? ''), config.patientSearch);
      const { text, values } = patientSearchSql(embedded.practice.odsCode, query.criteria, query.count + 1);
      const plan = await repository.database.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
      const scans = plan
        .map((r) => r['QUERY PLAN'])
        .filter((l) => /Scan/.test(l))
        .map((l) => l.trim().replace(/\s+\(cost.*$/, ''));
      log(`plan  ${kind.padEnd(36)} ${scans.join('; ')}`);
    }
    // The store alone (one SQL statement per search), sequentially: what the index gives, without
    // HTTP, JWT and the event loop of a busy machine.
    const { loadavg, cpus } = await import('node:os');
    log(`${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}`);
    for (const kind of kinds) {
      const times: number[] = [];
      for (let i = 0; i < 50; i++) {
        const query = parsePatientSearch(new URLSearchParams(KINDS[kind]?.() ?? ''), config.patientSearch);
        const t0 = performance.now();
        await repository.searchPatients(embedded.practice.odsCode, query.criteria, query.count + 1);
        times.push(performance.now() - t0);
      }
      log(
        `store ${kind.padEnd(36)} n=  50  p50 ${ms(percentile(times, 50))}  ` +
          `p99 ${ms(percentile(times, 99))} ms`,
      );
    }
    const results: { kind: string; status: number; ms: number }[] = [];
    let next = 0;
    started = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < plan.length) {
          const { kind, query } = plan[next++];
          const t0 = performance.now();
          let status = 0;
          try {
            const res = await fetch(
              `http://127.0.0.1:${port}${config.basePath.replace('{ods}', embedded.practice.odsCode)}/Patient?${query}`,
              {
                headers: headers(),
              },
            );
            await res.arrayBuffer();
            status = res.status;
          } catch {
            status = 0;
          }
          results.push({ kind, status, ms: performance.now() - t0 });
        }
      }),
    );
    log(`${results.length} searches, concurrency ${concurrency}, in ${secondsSince(started)} s`);
    const row = (label: string, times: number[], statuses: string) =>
      log(
        `${label.padEnd(36)} n=${String(times.length).padStart(4)}  p50 ${ms(percentile(times, 50))}  ` +
          `p90 ${ms(percentile(times, 90))}  p99 ${ms(percentile(times, 99))}  ` +
          `max ${ms(Math.max(...times))} ms  ${statuses}`,
      );
    const statusesOf = (list: typeof results) =>
      Object.entries(
        list.reduce<Record<string, number>>(
          (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
          {},
        ),
      )
        .map(([s, n]) => `${s}×${n}`)
        .join(' ');
    for (const kind of kinds) {
      const list = results.filter((r) => r.kind === kind);
      row(
        kind,
        list.map((r) => r.ms),
        statusesOf(list),
      );
    }
    const all = results.map((r) => r.ms);
    row('all', all, statusesOf(results));
    const bad = results.filter((r) => r.status === 0 || r.status >= 500).length;
    const p99 = percentile(all, 99);
    log(
      bad === 0 && p99 < 1000
        ? `OK: p99 ${p99.toFixed(1)} ms < 1000 ms, no 5xx`
        : `FAIL: p99 ${p99.toFixed(1)} ms, ${bad} 5xx/errors`,
    );
    return bad === 0 && p99 < 1000 ? 0 : 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
