/**
 * What `npm run bench` sends: a synthetic practice file, its patients' NHS numbers, and predefined
 * search 2 (Parameters body as in README "Example: predefined search 1", plus immunisations and
 * uncategorised data) for each, with valid Spine headers; and, fetched once before the runs, the
 * service's answer to each, which both checks every request answers 200 and feeds the bare server.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { systemClock } from '../src/clock';
import { addDays } from '../src/fhir/dates';
import { allAreas, parameters, predefinedSearch2 } from '../test/support/parameters';
import { jwt, validClaims } from '../tools/test-jwt';
import type { AnswersFile } from './bare-server';
import type { Cleanup } from './cleanup';
import type { LoadTarget } from './load-result';
import { ROOT } from './service-process';

export interface PracticeFileFacts {
  readonly file: string;
  readonly odsCode: string;
  readonly asid: string;
  /** Every patient's NHS number, in file order. */
  readonly nhsNumbers: readonly string[];
}

/** Writes an N-patient synthetic practice file (tools/synthetic-practice-file.ts) in its own process. */
export async function writeSyntheticPractice(
  file: string,
  patients: number,
  odsCode: string,
  cleanup: Cleanup,
): Promise<void> {
  const out = createWriteStream(file);
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      join(ROOT, 'tools', 'synthetic-practice-file.ts'),
      String(patients),
      odsCode,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const forget = cleanup.killOnExit(child);
  child.stdout?.pipe(out);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  forget();
  await new Promise((resolve) => out.end(resolve));
  if (code !== 0) throw new Error(`tools/synthetic-practice-file.ts ${patients} exited ${code}`);
}

/** The practice's ODS code and ASID (header line) and its patients' NHS numbers, read as a stream. */
export async function readPracticeFacts(file: string): Promise<PracticeFileFacts> {
  let odsCode = '';
  let asid = '';
  const nhsNumbers: string[] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (odsCode === '') {
      const header = JSON.parse(line) as { practice: { odsCode: string }; settings: { asid: string } };
      odsCode = header.practice.odsCode;
      asid = header.settings.asid;
      continue;
    }
    // The patient's own NHS number comes first on its line; parsing 40 KB of record per line is not needed.
    const m = /"nhsNumber":"(\d{10})"/.exec(line);
    if (m) nhsNumbers.push(m[1]);
  }
  return { file, odsCode, asid, nhsNumbers };
}

/** count items spread evenly over list (all of them when it is shorter). */
export function spread<T>(list: readonly T[], count: number): T[] {
  if (list.length <= count) return [...list];
  return Array.from({ length: count }, (_, i) => list[Math.floor((i * list.length) / count)]);
}

const INTERACTION = 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1';

/** A bearer token valid for 5 minutes from now (the spec fixes exp = iat + 300). */
export const freshAuthorization = () => `Bearer ${jwt(validClaims(Math.floor(Date.now() / 1000)))}`;

/** Valid Spine headers and JWT (as test/http sends them); the token is valid for 5 minutes from now. */
export function spineHeaders(asid: string): Record<string, string> {
  return {
    'Ssp-TraceID': '629ea9ba-a077-4d99-b289-7a9b19fd4e03',
    'Ssp-From': '200000000115',
    'Ssp-To': asid,
    'Ssp-InteractionID': INTERACTION,
    Authorization: freshAuthorization(),
    Accept: 'application/fhir+json',
    'Content-Type': 'application/fhir+json',
  };
}

export const recordUrl = (port: number, odsCode: string) =>
  `http://127.0.0.1:${port}/${odsCode}/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord`;

/** Predefined search 2 for each patient (medicationSearchFromDate a year before today). */
export function predefinedSearch2Target(
  port: number,
  odsCode: string,
  asid: string,
  nhs: readonly string[],
): LoadTarget {
  const from = addDays(systemClock.today(), -365);
  return {
    url: recordUrl(port, odsCode),
    headers: spineHeaders(asid),
    bodies: nhs.map((n) => JSON.stringify(parameters(...predefinedSearch2(n, from)))),
  };
}

/** The whole record (every area, ended allergies included) of one patient. */
export function wholeRecordTarget(port: number, odsCode: string, asid: string, nhs: string): LoadTarget {
  return {
    url: recordUrl(port, odsCode),
    headers: spineHeaders(asid),
    bodies: [JSON.stringify(parameters(...allAreas(nhs)))],
  };
}

interface Fetched {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

function post(target: LoadTarget, body: string, agent: http.Agent): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      target.url,
      { method: 'POST', agent, headers: { ...target.headers, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends every body of target once (4 at a time), failing on the first answer that is not 200: the
 * run would otherwise measure errors. Also the warm-up. Returns the answers for the bare server.
 */
export async function fetchAnswers(target: LoadTarget): Promise<{ file: AnswersFile; meanBytes: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const answers: AnswersFile['answers'][number][] = new Array(target.bodies.length);
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < target.bodies.length) {
      const i = next++;
      const answer = await post(target, target.bodies[i], agent);
      if (answer.status !== 200) {
        throw new Error(
          `request ${i + 1} of the rotation answered ${answer.status}, not 200: ` +
            answer.body.toString('utf8').slice(0, 400),
        );
      }
      bytes += answer.body.length;
      answers[i] = {
        request: target.bodies[i],
        status: answer.status,
        contentType: answer.contentType,
        bodyBase64: answer.body.toString('base64'),
      };
    }
  };
  try {
    await Promise.all(Array.from({ length: 4 }, worker));
  } finally {
    agent.destroy();
  }
  return { file: { answers }, meanBytes: bytes / Math.max(1, target.bodies.length) };
}
