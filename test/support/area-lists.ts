/**
 * The kit of the single-area HTTP tests (test/http/areas-*.test.ts): the suite patients they walk and
 * the ones refused, an area's List checked against the embedded record (oracles in test/bundle/dataset.ts)
 * and against the repository, and purpose-made practices served over HTTP.
 */
import type { Bundle, List } from 'fhir/r3';

import type { CalendarDate } from '../../src/fhir/dates';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import type { PatientClinicalRecord } from '../../src/record/model';
import type { PatientRecord } from '../../src/record/repository';
import {
  CONFIDENTIAL_NOTE,
  EMPTY_REASON,
  type ExpectedList,
  idsOf,
  linkedProblems,
  list,
  listsByTitle,
  raw,
  refsOf,
  TITLE,
} from '../bundle/dataset';
import { resources, warningCodes } from '../bundle/fixtures';
import { type AreaQuery, practiceWith, query } from '../record/contract-fixtures';
import { NHS, postRecord, type TestApp, testApp, TODAY } from './app';
import { expectOperationOutcome } from './fhir';
import { nhsNumber, type Parameter, parameters } from './parameters';

// ---- the suite patients (docs/spec-notes.md "Provider test pack — test patients")
// -------------------------------------------------------

/** The acceptance-suite patients whose record may be shared: every single-area test runs on each. */
export const SUITE_PATIENTS = [
  ['patient1', NHS.patient1],
  ['patient2', NHS.patient2],
  ['patient3', NHS.patient3],
  ['patient4', NHS.patient4],
  ['patient5', NHS.patient5],
  ['patient6', NHS.patient6],
  ['patient7', NHS.patient7],
  ['patient8', NHS.patient8],
  ['patient12', NHS.patient12],
  ['patient13', NHS.patient13],
  ['patient16', NHS.patient16],
  ['patient17', NHS.patient17],
] as const;

/** The suite patients no record is returned for, with the status and error code the request gets. */
export const REFUSED_PATIENTS = [
  ['patient9 (sensitive)', NHS.patient9, 404, 'PATIENT_NOT_FOUND'],
  ['patient14 (NHS number not verified)', NHS.patient14, 404, 'PATIENT_NOT_FOUND'],
  ['patient15 (dissented)', NHS.patient15, 403, 'NO_PATIENT_CONSENT'],
  ['patient18 (deceased)', NHS.patient18, 404, 'PATIENT_NOT_FOUND'],
  ['patient21 (inactive)', NHS.patient21, 404, 'PATIENT_NOT_FOUND'],
  ['notInSystem', NHS.notInSystem, 404, 'PATIENT_NOT_FOUND'],
] as const;

/** For each refused suite patient, a test that a request for `parameter`'s area gets its status and error code. */
export function describeRefusals(t: TestApp, parameter: Parameter): void {
  describe.each(REFUSED_PATIENTS)('%s', (_name, nhs, status, code) => {
    it(`${parameter.name} → ${status} ${code}`, async () => {
      expectOperationOutcome(await postRecord(t, parameters(nhsNumber(nhs), parameter)), status, code);
    });
  });
}

// ---- the repository ----------------------------------------------------------------------------------

/** The repository's answer for the same query (the ids the primary list must hold). */
export async function fromRepository(app: TestApp, nhs: string, areas: AreaQuery): Promise<PatientRecord> {
  const repository = (await app.practices.find('P99001'))!.repository;
  const patient = await repository.findPatient(nhs);
  return repository.loadRecord(patient!, query({ nhsNumber: nhs, today: TODAY as CalendarDate, ...areas }));
}

// ---- an area's List against the record ---------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The data-in-transit note for a record transferred on `registeredOn` (YYYY-MM-DD). */
export const transitNote = (registeredOn: string) =>
  `Patient record transfer from previous GP practice not yet complete; information recorded before ${registeredOn.slice(8, 10)}-${MONTHS[Number(registeredOn.slice(5, 7)) - 1]}-${registeredOn.slice(0, 4)} may be missing.`;

/** The List's warning extensions and its single note exactly as List page — warning codes/List page — empty
 * lists build them; emptyReason only when empty. */
export function expectListState(l: List, nhs: string, confidential: boolean): void {
  const p = raw(nhs).patient;
  const empty = (l.entry ?? []).length === 0;
  const warnings: [string, string][] = [
    ...(confidential ? [['confidential-items', CONFIDENTIAL_NOTE] as [string, string]] : []),
    ...(p.recordInTransit
      ? [['data-in-transit', transitNote(p.recordInTransit.registeredOn)] as [string, string]]
      : []),
  ];
  expect(warningCodes(l)).toEqual(warnings.map((w) => w[0]));
  const texts = [...warnings.map((w) => w[1]), ...(empty ? ['Information not available'] : [])];
  expect(l.note).toEqual(texts.length > 0 ? [{ text: texts.join(' ') }] : undefined);
  expect(l.emptyReason).toEqual(empty ? EMPTY_REASON : undefined);
}

/** The area's List holds exactly the expected entries, with the warnings, note and emptyReason the record calls for. */
export function expectAreaList(bundle: Bundle, nhs: string, title: string, expected: ExpectedList): List {
  const l = list(bundle, title);
  expect(refsOf(l)).toEqual(expected.entries);
  expectListState(l, nhs, expected.confidential);
  return l;
}

/**
 * A single-area Bundle as the record says: the area's List (expectAreaList) and, when a returned item
 * is linked to a problem (shared or withheld), the linked-problems List naming exactly the linked
 * problems, which are the Bundle's only Conditions; no other List, no OperationOutcome.
 */
export function expectSingleAreaBundle(
  bundle: Bundle,
  nhs: string,
  title: string,
  expected: ExpectedList,
): List {
  const linked = linkedProblems(nhs, expected.refs);
  const titles = [title, ...(linked.ids.length > 0 || linked.withheld ? [TITLE.linked] : [])];
  expect([...listsByTitle(bundle).keys()].sort()).toEqual([...titles].sort());
  const l = expectAreaList(bundle, nhs, title, expected);
  expect(idsOf(bundle, 'Condition').sort()).toEqual([...linked.ids].sort());
  if (titles.includes(TITLE.linked))
    expect(refsOf(list(bundle, TITLE.linked)).sort()).toEqual([...linked.ids].sort());
  expect(resources(bundle, 'OperationOutcome')).toEqual([]);
  return l;
}

/** Empty with emptyReason and exactly one note, "Information not available", and nothing else in it (no warning text). */
export function expectNothingRecorded(l: List): void {
  expect(l.entry ?? []).toEqual([]);
  expect(l.emptyReason).toEqual(EMPTY_REASON);
  expect(l.note).toEqual([{ text: 'Information not available' }]);
}

/** The Bundle's only query List is the area's, and nothing is recorded in it (expectNothingRecorded). */
export function expectOnlyEmptyList(bundle: Bundle, title: string): List {
  expect([...listsByTitle(bundle).keys()]).toEqual([title]);
  const l = list(bundle, title);
  expectNothingRecorded(l);
  return l;
}

// ---- purpose-made practices --------------------------------------------------------------------------

/**
 * An app over a purpose-made practice (practiceWith: patient id → record), each patient answering to
 * the NHS number given for its id: the builders' own numbers do not pass the request checks.
 */
export function purposeMadeApp(
  records: Record<string, PatientClinicalRecord>,
  nhsFor: Readonly<Record<string, string>>,
): TestApp {
  const base = practiceWith(records);
  const patients = base.patients.map((p) => {
    const nhs = nhsFor[p.patient.id];
    if (nhs === undefined) throw new Error(`no NHS number for ${p.patient.id}`);
    return { ...p, patient: { ...p.patient, nhsNumber: nhs } };
  });
  return testApp({ repository: new MemoryRepository({ ...base, patients }) });
}
