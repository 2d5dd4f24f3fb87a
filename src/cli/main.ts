#!/usr/bin/env node
/**
 * `gpc`: a GP Connect Access Record: Structured consumer for consumer developers and conformance
 * testers. `gpc record` sends one getstructuredrecord request and summarises the Bundle (with the
 * clinical-risk check of the multi-area searches); `gpc examples` sends every example payload and
 * compares each answer with its expected outcome. Any provider, ours or anyone's.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { type CalendarDate, parseWholeDate } from '../fhir/dates';
import { jsonText } from '../fhir/json';
import { BULK_EXPORT_INTERACTION } from './bulk-export';
import {
  callGetStructuredRecord,
  type CallOutcome,
  callPatientSearch,
  callWithRetry,
  DEFAULT_RETRY,
  describeOperationOutcome,
  type RetryPolicy,
} from './client';
import { findClinicalRisk, renderClinicalRisk } from './clinical-risk';
import { defaultExamplesDir, expectedText, loadExamples, runExample } from './examples';
import { runExport } from './export-run';
import { renderPatients } from './patient-summary';
import {
  type ConsumerIdentity,
  DEFAULT_IDENTITY,
  type JsonObject,
  londonToday,
  medicationSearchFromDate,
  medicationSearchFromValue,
  nhsNumberOf,
  PlaceholderError,
  predefinedSearch,
  readRequestFile,
  type ReasonForRequest,
  RequestFileError,
  resolvePlaceholders,
  spineHeaders,
  wholeRecordSearch,
  withNhsNumber,
} from './request';
import { renderSummary, summariseBundle } from './summary';

export const EXIT = { ok: 0, failed: 1, clinicalRisk: 2, usage: 64, interrupted: 130 } as const;

const D = DEFAULT_IDENTITY;

const COMMON_HELP = `Consumer identity (sent in the Ssp-* headers and the unsigned JWT; test defaults in brackets):
  --consumer-asid ASID          Ssp-From [${D.consumerAsid}]
  --provider-asid ASID          Ssp-To: the provider endpoint's ASID [${D.providerAsid}]
  --org-ods CODE                requesting_organization ODS code [${D.organisation.odsCode}]
  --org-name NAME               requesting_organization name [${D.organisation.name}]
  --practitioner-id ID          requesting_practitioner.id and JWT sub [${D.practitioner.id}]
  --sds-user-id ID              practitioner SDS user id, or UNK [${D.practitioner.sdsUserId}]
  --sds-role-profile-id ID      practitioner SDS role profile id, or UNK [${D.practitioner.sdsRoleProfileId}]
  --practitioner-family NAME    [${D.practitioner.family}]
  --practitioner-given NAME     [${D.practitioner.given}]
  --practitioner-prefix TEXT    [${D.practitioner.prefix}]
  --device-id ID                requesting_device identifier [${D.device.id}]
  --device-model TEXT           [${D.device.model}]
  --device-version TEXT         [${D.device.version}]
  --iss URL                     JWT iss: the consumer system's endpoint [${D.issuer}]
  --aud URL                     JWT aud [the --base URL]

Other options:
  --today YYYY-MM-DD            the date today() placeholders resolve against [today in Europe/London]
  --timeout MS                  give up on a request after this long [30000]
  --retries N                   a 429 or 503 answer with a Retry-After of at most 30 s is sent again
                                (new trace id and JWT) after that wait, up to N times [3]
  -h, --help                    this text`;

const EXIT_HELP = `Exit codes:
  0   success: record: a Bundle came back and no clinical-risk warning was raised;
      examples: every example passed
  1   failure: the provider could not be reached or did not answer, answered 4xx/5xx with an
      OperationOutcome, or answered something that is not FHIR; examples: any example failed
  2   record only: the clinical-risk warning was raised (medication older than the medication
      search date that arrived only through problems or consultations)
  64  the command line is wrong`;

const MAIN_HELP = `gpc: a GP Connect Access Record: Structured 1.6.2 consumer (FHIR STU3)

Usage:
  gpc record   --base URL --nhs NHS [--search predefined-1|predefined-2|all|FILE.json] [--out FILE]
  gpc examples --base URL [--dir DIR] [--nhs NHS] [--only TEXT] [--verbose]
  gpc patient  --base URL (--nhs NHS | [--family F] [--given G] [--birthdate D]) [--nhs NHS]
  gpc export   (--base URL | --ods CODE [--server URL]) [--type T,T] [--since INSTANT] [--out DIR]
  gpc help [record|examples|patient|export]

--base is the provider's FHIR service root, for example
  http://localhost:8080/P99001/STU3/1/gpconnect/structured
Each request carries Ssp-TraceID (a new UUID), Ssp-From, Ssp-To, Ssp-InteractionID and an unsigned
GP Connect JWT (alg none, exp = iat + 300) for the consumer identity below.

${EXIT_HELP}

Run "gpc record --help", "gpc export --help" (and so on) for the command's own options.`;

const RECORD_HELP = `gpc record: send one getstructuredrecord request and summarise the answer

Usage:
  gpc record --base URL --nhs NHS [--search predefined-1|predefined-2|all|FILE.json] [--out FILE]

  --base URL        the provider's FHIR service root (required)
  --nhs NHS         the patient's NHS number (required unless FILE.json names the patient; it
                    replaces the number in FILE.json when both are given). Sent as given, not checked.
  --search WHAT     predefined-1  last 3 consultations, problems, allergies with ended ones,
                                  medication from today()-365 days (spec predefined search 1) [default]
                    predefined-2  predefined-1 plus immunisations and uncategorised data
                    all           every clinical area, no filters
                    FILE.json     a Parameters resource of your own; the placeholders today(),
                                  today()-N days and today()+N days are resolved before sending
  --out FILE        also write the Bundle (pretty JSON) to FILE
  --trace-id ID     Ssp-TraceID to send [a new UUID]

Output: one table row per query List (area, title, code, entry count, warning codes, empty reason),
the warnings of the Bundle's OperationOutcome, and, when the request has a medication search date,
the clinical-risk list: medication older than that date that arrived only through problems or
consultations (it is not in "Medications and medical devices"), with the gap it may hide.

${COMMON_HELP}

${EXIT_HELP}`;

const EXAMPLES_HELP = `gpc examples: send every example payload and compare each answer with its expected outcome

Usage:
  gpc examples --base URL [--dir DIR] [--nhs NHS] [--only TEXT] [--verbose]

  --base URL        the provider's FHIR service root (required)
  --dir DIR         where the examples are: <name>.json (a Parameters body, placeholders allowed)
                    beside <name>.expected.json (status, spineCode, lists, warnings, patient)
                    [examples/requests of this package]
  --nhs NHS         the patient for examples that do not name their own [the number in each file:
                    9690937286, patient2 of the GP Connect provider acceptance suite]
  --only TEXT       run only the examples whose name contains TEXT
  --verbose         also print the diagnostics of each OperationOutcome

Prints one line per example (PASS or FAIL, what was expected, what came back) and a total.

${COMMON_HELP}

${EXIT_HELP}`;

const PATIENT_HELP = `gpc patient: find a patient (GET [base]/Patient?…) before asking for the record

Usage:
  gpc patient --base URL --nhs NHS
  gpc patient --base URL [--family F] [--given G] [--birthdate [eq|ge|le]YYYY-MM-DD] [--nhs NHS]

  --base URL        the provider's FHIR service root (required)
  --nhs NHS         GP Connect Foundations "Find a patient": identifier=https://fhir.nhs.uk/Id/nhs-number|NHS
  --family F        the start of the family name (case and accents ignored)
  --given G         the start of any given name
  --birthdate D     the date of birth, or a bound on it with ge or le
  --count N         at most N patients (_count); the provider asks to narrow a search matching more
  --trace-id ID     Ssp-TraceID to send [a new UUID]

family, given and birthdate are this provider's demographic search (IM1), beyond GP Connect: another
provider may refuse them. Every search is audited with its terms: search only for a patient you are
caring for. Prints one row per patient (NHS number, name, birth date, gender, address, logical id).

${COMMON_HELP}

Exit codes: 0 the search was answered (even with no patient); 1 it failed; 64 a bad command line.`;

const EXPORT_HELP = `gpc export: a bulk extract of every patient of a practice (FHIR Bulk Data $export)

Usage:
  gpc export (--base URL | --ods CODE [--server URL]) [--type T,T] [--since INSTANT] [--out DIR]
  gpc export --status URL [--out DIR]

  --base URL        the practice's FHIR service root
  --ods CODE        instead of --base: the practice's ODS code, under --server with this provider's
                    path (SERVER/CODE/STU3/1/gpconnect/structured)
  --server URL      the provider's origin for --ods [http://localhost:8080]
  --type T,T        only these resource types (_type), for example Patient,AllergyIntolerance
  --since INSTANT   only what changed after this instant (_since), with its time zone, for example
                    2026-11-01T00:00:00Z
  --out DIR         where the NDJSON files and manifest.json are written (created) [export]
  --status URL      resume a job already kicked off: poll its status URL and download its files
  --reason WHY      the JWT reason_for_request: secondaryuses or directcare [secondaryuses]
  --interaction-id ID  Ssp-InteractionID to send [${BULK_EXPORT_INTERACTION}]
  --max-wait S      a Retry-After longer than S seconds is not waited for: stop, the job keeps running [600]
  --deadline S      stop waiting for the job after S seconds, leaving it running [21600]

Kicks off GET [base]/Patient/$export (Prefer: respond-async), polls the status URL as often as its
Retry-After asks, with a progress bar on a terminal (a line per change of progress otherwise), then
downloads every file (gzip-compressed in transfer, written decoded, streamed: any size), checks each
file's lines against the manifest's count, and prints the summary: files, resources and bytes per
type, and the errors the provider reported. Ctrl-C while the job runs cancels it (DELETE) and exits.
An extract of the whole practice is heavy: run it off-peak (docs/consumer-guide.md, "Bulk extracts").

${COMMON_HELP}

Exit codes: 0 every file downloaded and matches the manifest, no errors reported; 1 the export
failed, was refused, or its files do not match the manifest, or the provider reported errors; 64 a
bad command line; 130 interrupted (Ctrl-C).`;

class UsageError extends Error {}

const COMMON_OPTIONS = {
  base: { type: 'string' },
  nhs: { type: 'string' },
  'consumer-asid': { type: 'string' },
  'provider-asid': { type: 'string' },
  'org-ods': { type: 'string' },
  'org-name': { type: 'string' },
  'practitioner-id': { type: 'string' },
  'sds-user-id': { type: 'string' },
  'sds-role-profile-id': { type: 'string' },
  'practitioner-family': { type: 'string' },
  'practitioner-given': { type: 'string' },
  'practitioner-prefix': { type: 'string' },
  'device-id': { type: 'string' },
  'device-model': { type: 'string' },
  'device-version': { type: 'string' },
  iss: { type: 'string' },
  aud: { type: 'string' },
  today: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

type Values = Record<string, string | boolean | undefined>;

function parse<O extends ParseArgsConfig['options']>(args: string[], options: O): Values {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const text = (values: Values, name: string): string | undefined => {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
};

function identityOf(values: Values): ConsumerIdentity {
  const t = (name: string, fallback: string) => {
    const v = text(values, name);
    if (v !== undefined && v.trim() === '') throw new UsageError(`--${name} must not be empty`);
    return v ?? fallback;
  };
  const aud = text(values, 'aud');
  return {
    consumerAsid: t('consumer-asid', D.consumerAsid),
    providerAsid: t('provider-asid', D.providerAsid),
    issuer: t('iss', D.issuer),
    ...(aud !== undefined && { audience: aud }),
    organisation: { odsCode: t('org-ods', D.organisation.odsCode), name: t('org-name', D.organisation.name) },
    practitioner: {
      id: t('practitioner-id', D.practitioner.id),
      sdsUserId: t('sds-user-id', D.practitioner.sdsUserId),
      sdsRoleProfileId: t('sds-role-profile-id', D.practitioner.sdsRoleProfileId),
      family: t('practitioner-family', D.practitioner.family),
      given: t('practitioner-given', D.practitioner.given),
      prefix: t('practitioner-prefix', D.practitioner.prefix),
    },
    device: {
      system: D.device.system,
      id: t('device-id', D.device.id),
      model: t('device-model', D.device.model),
      version: t('device-version', D.device.version),
    },
  };
}

function baseOf(values: Values): string {
  const base = text(values, 'base');
  if (!base) throw new UsageError("--base URL is required (the provider's FHIR service root)");
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`--base ${base} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--base ${base} must be an http or https URL`);
  return base.replace(/\/+$/, '');
}

function todayOf(values: Values): CalendarDate {
  const given = text(values, 'today');
  if (given === undefined) return londonToday();
  const date = parseWholeDate(given);
  if (!date) throw new UsageError(`--today ${given} is not a date (YYYY-MM-DD)`);
  return date;
}

function timeoutOf(values: Values): number {
  const given = text(values, 'timeout');
  if (given === undefined) return 30000;
  const ms = Number(given);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new UsageError(`--timeout ${given} must be a whole number of milliseconds`);
  return ms;
}

function retryOf(values: Values, io: Io): RetryPolicy {
  const given = text(values, 'retries');
  const retries = given === undefined ? DEFAULT_RETRY.retries : Number(given);
  if (!Number.isInteger(retries) || retries < 0)
    throw new UsageError(`--retries ${given} must be a whole number`);
  return {
    ...DEFAULT_RETRY,
    retries,
    onRetry: (status, wait) =>
      io.err(`gpc: HTTP ${status} with Retry-After ${wait} s: sending the request again in ${wait} s`),
  };
}

interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Redraws the progress line in place: given only when the output is a terminal. */
  readonly redraw?: (text: string) => void;
}

/** A failed call, explained: which kind of failure, and what the provider said. */
function explainFailure(outcome: Exclude<CallOutcome, { kind: 'bundle' }>, io: Io): void {
  switch (outcome.kind) {
    case 'unreachable':
      io.err(`gpc: ${outcome.message}`);
      return;
    case 'operationOutcome': {
      const oo = describeOperationOutcome(outcome.outcome);
      io.err(`gpc: the provider refused the request: HTTP ${outcome.status} with an OperationOutcome`);
      io.err(`  Spine code:  ${oo.spineCode ?? '(none)'}${oo.display ? ` (${oo.display})` : ''}`);
      io.err(`  issue code:  ${oo.issueCode ?? '(none)'}`);
      io.err(`  diagnostics: ${oo.diagnostics ?? '(none)'}`);
      return;
    }
    case 'notFhir':
      io.err(
        `gpc: the provider's answer is not FHIR: HTTP ${outcome.status}, Content-Type ${outcome.contentType || '(none)'}: ${outcome.why}`,
      );
      if (outcome.snippet) io.err(`  it begins: ${outcome.snippet}`);
      io.err(
        '  Check that --base is the FHIR service root (…/STU3/1/gpconnect/structured), not a web page or a proxy.',
      );
  }
}

const SEARCH_LABEL: Record<string, string> = {
  'predefined-1': 'predefined search 1',
  'predefined-2': 'predefined search 2',
  all: 'every clinical area, no filters',
};

async function record(args: string[], io: Io): Promise<number> {
  const values = parse(args, {
    ...COMMON_OPTIONS,
    search: { type: 'string' },
    out: { type: 'string' },
    'trace-id': { type: 'string' },
  });
  if (values.help) {
    io.out(RECORD_HELP);
    return EXIT.ok;
  }
  const baseUrl = baseOf(values);
  const identity = identityOf(values);
  const today = todayOf(values);
  const timeoutMs = timeoutOf(values);
  const search = text(values, 'search') ?? 'predefined-1';
  const nhs = text(values, 'nhs');

  let body: JsonObject;
  let label: string;
  if (search === 'predefined-1' || search === 'predefined-2' || search === 'all') {
    if (!nhs) throw new UsageError('--nhs NHS is required');
    body =
      search === 'all' ? wholeRecordSearch(nhs) : predefinedSearch(search === 'predefined-1' ? 1 : 2, nhs);
    label = SEARCH_LABEL[search];
  } else if (search.toLowerCase().endsWith('.json')) {
    try {
      body = readRequestFile(search);
    } catch (error) {
      if (error instanceof RequestFileError) throw new UsageError(error.message);
      throw error;
    }
    if (nhs) body = withNhsNumber(body, nhs);
    else if (nhsNumberOf(body) === undefined)
      throw new UsageError(`--nhs NHS is required: ${search} has no patientNHSNumber`);
    label = search;
  } else {
    throw new UsageError(`--search ${search}: expected predefined-1, predefined-2, all or a FILE.json`);
  }
  const medicationAsWritten = medicationSearchFromValue(body);
  try {
    body = resolvePlaceholders(body, today);
  } catch (error) {
    if (error instanceof PlaceholderError) throw new UsageError(error.message);
    throw error;
  }
  const searchFrom = medicationSearchFromDate(body);

  const retry = retryOf(values, io);
  io.out(`POST ${baseUrl}/Patient/$gpc.getstructuredrecord`);
  io.out(`Search: ${label}, NHS number ${nhsNumberOf(body) ?? '(none)'}`);
  if (searchFrom) {
    const placeholder = medicationAsWritten !== undefined && medicationAsWritten !== searchFrom;
    io.out(
      `Medication from: ${searchFrom}${placeholder ? ` (${medicationAsWritten}; today is ${today}, Europe/London)` : ''}`,
    );
  }

  const fixedTraceId = text(values, 'trace-id');
  const sent = body;
  const { outcome, request } = await callWithRetry(
    () => {
      const built = spineHeaders(
        identity,
        baseUrl,
        fixedTraceId === undefined ? {} : { traceId: fixedTraceId },
      );
      io.out(`Ssp-TraceID: ${built.traceId}`);
      return { traceId: built.traceId, options: { baseUrl, headers: built.headers, body: sent, timeoutMs } };
    },
    retry,
    callGetStructuredRecord,
  );
  const { traceId } = request;
  if (outcome.kind !== 'bundle') {
    explainFailure(outcome, io);
    return EXIT.failed;
  }
  io.out(`HTTP ${outcome.status} ${outcome.contentType}`);
  io.out('');
  io.out(renderSummary(summariseBundle(outcome.bundle)));
  if (outcome.bundle.id !== traceId) {
    io.out('');
    io.out(
      `Note: Bundle.id ${jsonText(outcome.bundle.id)} is not the Ssp-TraceID sent (${traceId}); the spec requires them to be equal.`,
    );
  }
  const out = text(values, 'out');
  if (out) {
    try {
      writeFileSync(out, `${JSON.stringify(outcome.bundle, null, 2)}\n`);
    } catch (error) {
      io.err(`gpc: cannot write the Bundle to ${out}: ${(error as Error).message}`);
      return EXIT.failed;
    }
    io.out('');
    io.out(`Bundle written to ${out}`);
  }
  if (searchFrom) {
    const risk = findClinicalRisk(outcome.bundle, searchFrom);
    if (risk.medications.length > 0) {
      io.out('');
      io.out(renderClinicalRisk(risk));
      return EXIT.clinicalRisk;
    }
  }
  return EXIT.ok;
}

const SEARCH_INTERACTION = 'urn:nhs:names:services:gpconnect:fhir:rest:search:patient-1';

async function patient(args: string[], io: Io): Promise<number> {
  const values = parse(args, {
    ...COMMON_OPTIONS,
    family: { type: 'string' },
    given: { type: 'string' },
    birthdate: { type: 'string' },
    count: { type: 'string' },
    'trace-id': { type: 'string' },
  });
  if (values.help) {
    io.out(PATIENT_HELP);
    return EXIT.ok;
  }
  const baseUrl = baseOf(values);
  const identity = identityOf(values);
  const timeoutMs = timeoutOf(values);
  const searchParams: Record<string, string> = {};
  const nhs = text(values, 'nhs');
  if (nhs !== undefined) searchParams.identifier = `https://fhir.nhs.uk/Id/nhs-number|${nhs}`;
  for (const name of ['family', 'given', 'birthdate'] as const) {
    const v = text(values, name);
    if (v !== undefined) searchParams[name] = v;
  }
  if (Object.keys(searchParams).length === 0) {
    throw new UsageError('give --nhs, or one or more of --family, --given, --birthdate');
  }
  const count = text(values, 'count');
  if (count !== undefined) searchParams._count = count;
  io.out(`GET ${baseUrl}/Patient?${new URLSearchParams(searchParams).toString()}`);
  const fixedTraceId = text(values, 'trace-id');
  const { outcome } = await callWithRetry(
    () => {
      const built = spineHeaders(identity, baseUrl, {
        interactionId: SEARCH_INTERACTION,
        ...(fixedTraceId !== undefined && { traceId: fixedTraceId }),
      });
      io.out(`Ssp-TraceID: ${built.traceId}`);
      return { options: { baseUrl, headers: built.headers, searchParams, timeoutMs } };
    },
    retryOf(values, io),
    callPatientSearch,
  );
  if (outcome.kind !== 'bundle') {
    explainFailure(outcome, io);
    return EXIT.failed;
  }
  io.out(`HTTP ${outcome.status} ${outcome.contentType}`);
  io.out('');
  io.out(renderPatients(outcome.bundle));
  return EXIT.ok;
}

async function examples(args: string[], io: Io): Promise<number> {
  const values = parse(args, {
    ...COMMON_OPTIONS,
    dir: { type: 'string' },
    only: { type: 'string' },
    verbose: { type: 'boolean' },
  });
  if (values.help) {
    io.out(EXAMPLES_HELP);
    return EXIT.ok;
  }
  const baseUrl = baseOf(values);
  const options = {
    baseUrl,
    identity: identityOf(values),
    today: todayOf(values),
    timeoutMs: timeoutOf(values),
    retry: retryOf(values, io),
    ...(text(values, 'nhs') !== undefined && { nhsNumber: text(values, 'nhs') }),
  };
  const dir = text(values, 'dir') ?? defaultExamplesDir();
  if (!dir) throw new UsageError('cannot find examples/requests; give --dir DIR');
  let cases;
  try {
    cases = loadExamples(dir);
  } catch (error) {
    throw new UsageError(`cannot read --dir ${dir}: ${(error as Error).message}`);
  }
  const only = text(values, 'only');
  if (only !== undefined) cases = cases.filter((c) => c.name.includes(only));
  if (cases.length === 0)
    throw new UsageError(`no examples in ${dir}${only !== undefined ? ` matching "${only}"` : ''}`);

  io.out(
    `Sending ${cases.length} example${cases.length === 1 ? '' : 's'} from ${dir} to ${baseUrl} (today() = ${options.today})`,
  );
  const width = Math.max(...cases.map((c) => c.name.length));
  const expectedWidth = Math.max(...cases.map((c) => expectedText(c.expected).length));
  let passed = 0;
  let run = 0;
  for (const example of cases) {
    const result = await runExample(example, options);
    run += 1;
    if (result.passed) passed += 1;
    const expected = expectedText(example.expected);
    io.out(
      `${result.passed ? 'PASS' : 'FAIL'}  ${result.name.padEnd(width)}  expected ${expected.padEnd(expectedWidth)}  got ${result.got}`,
    );
    for (const f of result.passed ? [] : result.failures) io.out(`      - ${f}`);
    if (values.verbose && result.diagnostics) io.out(`      diagnostics: ${result.diagnostics}`);
    if (result.unreachable) {
      io.err(`gpc: ${result.failures[0]}`);
      io.err(`gpc: stopped after ${run} of ${cases.length} examples`);
      break;
    }
  }
  const failed = run - passed;
  io.out('');
  io.out(
    `Total: ${cases.length} examples, ${passed} passed, ${failed} failed${run < cases.length ? `, ${cases.length - run} not run` : ''}`,
  );
  return passed === cases.length ? EXIT.ok : EXIT.failed;
}

const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
/** A FHIR instant: seconds and a time zone required (FHIR Bulk Data Access — Query Parameters, _since). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function seconds(values: Values, name: string, fallback: number): number {
  const given = text(values, name);
  if (given === undefined) return fallback;
  const value = Number(given);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`--${name} ${given} must be a whole number of seconds`);
  return value;
}

function exportBaseOf(values: Values): string {
  const ods = text(values, 'ods');
  if (ods === undefined) return baseOf(values);
  if (text(values, 'base') !== undefined) throw new UsageError('give --base or --ods, not both');
  if (!/^[A-Za-z0-9]{1,10}$/.test(ods)) throw new UsageError(`--ods ${ods} is not an ODS code`);
  const server = (text(values, 'server') ?? 'http://localhost:8080').replace(/\/+$/, '');
  return baseOf({ base: `${server}/${ods.toUpperCase()}/STU3/1/gpconnect/structured` });
}

async function exportCommand(args: string[], io: Io): Promise<number> {
  const { nhs: _nhs, today: _today, ...common } = COMMON_OPTIONS;
  const values = parse(args, {
    ...common,
    ods: { type: 'string' },
    server: { type: 'string' },
    type: { type: 'string' },
    since: { type: 'string' },
    out: { type: 'string' },
    status: { type: 'string' },
    reason: { type: 'string' },
    'interaction-id': { type: 'string' },
    'max-wait': { type: 'string' },
    deadline: { type: 'string' },
  });
  if (values.help) {
    io.out(EXPORT_HELP);
    return EXIT.ok;
  }
  const statusUrl = text(values, 'status');
  if (statusUrl !== undefined) {
    try {
      new URL(statusUrl);
    } catch {
      throw new UsageError(`--status ${statusUrl} is not a URL`);
    }
  }
  // resuming: the base the status URL sits under (this provider's form), for the JWT's aud
  const baseUrl =
    statusUrl !== undefined && text(values, 'base') === undefined && text(values, 'ods') === undefined
      ? statusUrl.replace(/\/(?:\$|%24)export-status\/[^/]*$/, '')
      : exportBaseOf(values);
  const types = text(values, 'type')
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  for (const t of types ?? [])
    if (!RESOURCE_TYPE.test(t)) throw new UsageError(`--type ${t} is not a FHIR resource type`);
  if (types !== undefined && types.length === 0)
    throw new UsageError('--type needs at least one resource type');
  const since = text(values, 'since');
  if (since !== undefined && (!INSTANT.test(since) || Number.isNaN(Date.parse(since))))
    throw new UsageError(`--since ${since} is not an instant with a time zone (2026-11-01T00:00:00Z)`);
  const reason = text(values, 'reason') ?? 'secondaryuses';
  if (reason !== 'secondaryuses' && reason !== 'directcare')
    throw new UsageError(`--reason ${reason}: expected secondaryuses or directcare`);
  const reasonForRequest: ReasonForRequest = reason;
  const interactionId = text(values, 'interaction-id') ?? BULK_EXPORT_INTERACTION;
  const identity = identityOf(values);
  const retry = retryOf(values, io);

  const interrupt = new AbortController();
  const onSigint = () => {
    // a second Ctrl-C does not wait for the DELETE
    if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await runExport(
      {
        baseUrl,
        parameters: { ...(types && { types }), ...(since !== undefined && { since }) },
        outDir: text(values, 'out') ?? 'export',
        ...(statusUrl !== undefined && { statusUrl }),
        headers: () => spineHeaders(identity, baseUrl, { interactionId, reasonForRequest }).headers,
        timeoutMs: timeoutOf(values),
        retries: retry.retries,
        maxWaitSeconds: seconds(values, 'max-wait', 600),
        deadlineSeconds: seconds(values, 'deadline', 21_600),
        signal: interrupt.signal,
      },
      {
        line: (t) => io.out(t),
        ...(io.redraw && { redraw: io.redraw }),
        err: (t) => io.err(t),
        explain: (failure) => explainFailure(failure, io),
        now: () => Date.now(),
      },
    );
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'record':
        return await record(rest, io);
      case 'examples':
        return await examples(rest, io);
      case 'patient':
        return await patient(rest, io);
      case 'export':
        return await exportCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        const topic = rest[0];
        const help: Record<string, string> = {
          record: RECORD_HELP,
          examples: EXAMPLES_HELP,
          patient: PATIENT_HELP,
          export: EXPORT_HELP,
        };
        io.out((topic !== undefined && help[topic]) || MAIN_HELP);
        return command === undefined ? EXIT.usage : EXIT.ok;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`gpc: ${error.message}`);
      io.err('Run "gpc --help" for usage.');
      return EXIT.usage;
    }
    io.err(
      `gpc: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return EXIT.failed;
  }
}

if (require.main === module) {
  const io: Io = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    ...(process.stdout.isTTY && { redraw: (text: string) => process.stdout.write(`\r\x1b[K${text}`) }),
  };
  void runCli(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
