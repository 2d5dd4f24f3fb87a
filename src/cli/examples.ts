/**
 * `gpc examples`: send every request payload in a directory (examples/requests/ by default) and
 * compare each answer with the expected outcome stored beside it:
 *
 *   <name>.json           the Parameters body (placeholders such as `today()-365 days` allowed)
 *   <name>.expected.json  { "description", "status", "spineCode"?, "lists"?, "warnings"?, "patient"? }
 *
 * `lists`: titles of query Lists the Bundle must contain; `warnings`: the exact set of `diagnostics` of
 * the Bundle's OperationOutcome issues ([] = no OperationOutcome); `patient`: an NHS number sent
 * instead of the default patient (an invalid or unknown number, a dissenting patient).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import type { CalendarDate } from '../fhir/dates';
import { jsonText } from '../fhir/json';
import {
  callGetStructuredRecord,
  type CallOutcome,
  callWithRetry,
  describeOperationOutcome,
  type RetryPolicy,
} from './client';
import {
  type ConsumerIdentity,
  isObject,
  type JsonObject,
  readRequestFile,
  resolvePlaceholders,
  spineHeaders,
  withNhsNumber,
} from './request';
import { isQueryList, resources, summariseBundle } from './summary';

export interface Expected {
  readonly description?: string;
  readonly status: number;
  readonly spineCode?: string;
  readonly lists?: readonly string[];
  readonly warnings?: readonly string[];
  readonly patient?: string;
}

export interface ExampleCase {
  readonly name: string;
  readonly requestFile: string;
  readonly expected?: Expected;
  /** Why the expected file could not be used, if so. */
  readonly problem?: string;
}

export interface ExampleResult {
  readonly name: string;
  readonly passed: boolean;
  /** What came back, in a few words: "200, 11 lists", "422 INVALID_PARAMETER". */
  readonly got: string;
  readonly failures: readonly string[];
  readonly diagnostics?: string;
  readonly unreachable?: boolean;
}

/** examples/requests of this package: found by walking up from this file (src/cli or dist/src/cli). */
export function defaultExamplesDir(from: string = __dirname): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'examples', 'requests');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function parseExpected(file: string): Expected | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return `${basename(file)} is not valid JSON: ${(error as Error).message}`;
  }
  if (!isObject(parsed) || typeof parsed.status !== 'number')
    return `${basename(file)} must be an object with a numeric "status"`;
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (parsed.spineCode !== undefined && typeof parsed.spineCode !== 'string')
    return `${basename(file)}: "spineCode" must be a string`;
  if (parsed.lists !== undefined && !strings(parsed.lists))
    return `${basename(file)}: "lists" must be an array of titles`;
  if (parsed.warnings !== undefined && !strings(parsed.warnings))
    return `${basename(file)}: "warnings" must be an array of strings`;
  if (parsed.patient !== undefined && typeof parsed.patient !== 'string')
    return `${basename(file)}: "patient" must be a string`;
  return parsed as unknown as Expected;
}

export function loadExamples(dir: string): ExampleCase[] {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
  return names.map((name) => {
    const f = `${name}.json`;
    const expectedFile = join(dir, `${name}.expected.json`);
    const requestFile = join(dir, f);
    if (!existsSync(expectedFile))
      return { name, requestFile, problem: `no ${name}.expected.json beside it` };
    const expected = parseExpected(expectedFile);
    return typeof expected === 'string'
      ? { name, requestFile, problem: expected }
      : { name, requestFile, expected };
  });
}

/** Compare one answer with its expectation; returns what failed (empty when it passed). */
export function compare(
  outcome: CallOutcome,
  expected: Expected,
  traceId: string,
): { got: string; failures: string[]; diagnostics?: string } {
  const failures: string[] = [];
  switch (outcome.kind) {
    case 'unreachable':
      return { got: 'no answer', failures: [outcome.message] };
    case 'notFhir':
      return { got: `${outcome.status}, not FHIR`, failures: [`the answer is not FHIR: ${outcome.why}`] };
    case 'operationOutcome': {
      const oo = describeOperationOutcome(outcome.outcome);
      const got = `${outcome.status} ${oo.spineCode ?? '(no Spine code)'}`;
      if (outcome.status !== expected.status)
        failures.push(`expected HTTP ${expected.status}, got ${outcome.status}`);
      if (expected.spineCode !== undefined && oo.spineCode !== expected.spineCode) {
        failures.push(`expected Spine code ${expected.spineCode}, got ${oo.spineCode ?? 'none'}`);
      }
      if (expected.status < 400 && failures.length === 0)
        failures.push(`expected a Bundle, got an OperationOutcome`);
      return { got, failures, ...(oo.diagnostics && { diagnostics: oo.diagnostics }) };
    }
    case 'bundle': {
      const summary = summariseBundle(outcome.bundle);
      const titles = new Set(
        resources(outcome.bundle)
          .filter(isQueryList)
          .map((l) => jsonText(l.title)),
      );
      const got = `${outcome.status}, ${titles.size} list${titles.size === 1 ? '' : 's'}${summary.warnings.length > 0 ? `, ${summary.warnings.length} warning${summary.warnings.length === 1 ? '' : 's'}` : ''}`;
      if (outcome.status !== expected.status) {
        failures.push(
          `expected HTTP ${expected.status}${expected.spineCode ? ` ${expected.spineCode}` : ''}, got ${outcome.status} and a Bundle`,
        );
        return { got, failures };
      }
      if (outcome.bundle.id !== traceId)
        failures.push(`Bundle.id ${jsonText(outcome.bundle.id)} is not the Ssp-TraceID ${traceId}`);
      if (outcome.bundle.type !== 'collection')
        failures.push(`Bundle.type is ${jsonText(outcome.bundle.type)}, not collection`);
      const missing = (expected.lists ?? []).filter((t) => !titles.has(t));
      if (missing.length > 0)
        failures.push(
          `missing List${missing.length === 1 ? '' : 's'}: ${missing.map((t) => `"${t}"`).join(', ')}`,
        );
      if (expected.warnings !== undefined) {
        const want = [...expected.warnings].sort();
        const have = summary.warnings.map((w) => w.diagnostics ?? '(none)').sort();
        if (JSON.stringify(want) !== JSON.stringify(have)) {
          failures.push(`expected warnings [${want.join(', ')}], got [${have.join(', ')}]`);
        }
      }
      return { got, failures };
    }
  }
}

export interface RunOptions {
  readonly baseUrl: string;
  readonly identity: ConsumerIdentity;
  readonly today: CalendarDate;
  readonly timeoutMs: number;
  /** Default patient for examples that do not pin one; undefined keeps the number in each file. */
  readonly nhsNumber?: string;
  readonly retry: RetryPolicy;
}

export async function runExample(example: ExampleCase, options: RunOptions): Promise<ExampleResult> {
  if (!example.expected)
    return {
      name: example.name,
      passed: false,
      got: 'not run',
      failures: [example.problem ?? 'no expectation'],
    };
  let body: JsonObject;
  try {
    body = readRequestFile(example.requestFile);
    const nhs = example.expected.patient ?? options.nhsNumber;
    if (nhs !== undefined) body = withNhsNumber(body, nhs, false);
    body = resolvePlaceholders(body, options.today);
  } catch (error) {
    return { name: example.name, passed: false, got: 'not run', failures: [(error as Error).message] };
  }
  const sent = body;
  const { outcome, request } = await callWithRetry(
    () => {
      const { traceId, headers } = spineHeaders(options.identity, options.baseUrl);
      return {
        traceId,
        options: { baseUrl: options.baseUrl, headers, body: sent, timeoutMs: options.timeoutMs },
      };
    },
    options.retry,
    callGetStructuredRecord,
  );
  const { got, failures, diagnostics } = compare(outcome, example.expected, request.traceId);
  return {
    name: example.name,
    passed: failures.length === 0,
    got,
    failures,
    ...(diagnostics && { diagnostics }),
    ...(outcome.kind === 'unreachable' && { unreachable: true }),
  };
}

export function expectedText(expected: Expected | undefined): string {
  if (!expected) return '';
  return expected.spineCode ? `${expected.status} ${expected.spineCode}` : String(expected.status);
}
