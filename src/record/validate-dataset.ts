/**
 * Load-time consistency check of a practice dataset, run by the in-memory store at construction so a
 * broken test record fails at start-up with a clear message instead of producing a Bundle with
 * dangling references or duplicate resource ids. Checks:
 * - patient ids and NHS numbers are unique;
 * - every item reference (consultation structure, problem links, supporting info, prior plan, parent
 *   observation) resolves within the same patient's record;
 * - ids are unique per FHIR resource type across the whole practice: plans and issues both become
 *   MedicationRequests; uncategorised items, immunisation status records, report groups, results and
 *   filing comments, and consultation notes all become Observations; diary entries and test requests
 *   both become ProcedureRequests;
 * - every actor id names an actor of the dataset (organisations: the practice or another organisation);
 * - an item's consultationId names a consultation of the same patient whose structure references it
 *   (for medication, a reference to the plan or to any of its issues counts for both);
 * - every date a filter reads is a readable FHIR date (year, year-month, date or dateTime).
 */
import { partialDateInterval } from '../fhir/dates';
import type { PatientData, PracticeDataset } from './dataset';
import {
  type ActorIds,
  ActorIdSet,
  AREA_KIND,
  type AreaItem,
  collectActors,
  consultationRefs,
  itemRefsOf,
  RECORD_AREAS,
  type RecordArea,
  refKey,
  refTo,
} from './item-refs';
import type { DatePeriod, ItemRef, MedicationPlan, PartialDate } from './model';

export class DatasetError extends Error {
  constructor(readonly issues: readonly string[]) {
    const shown = issues.slice(0, 20).map((i) => `  - ${i}`);
    const more = issues.length > shown.length ? [`  … and ${issues.length - shown.length} more`] : [];
    super(
      [
        `Invalid practice dataset (${issues.length} problem${issues.length === 1 ? '' : 's'}):`,
        ...shown,
        ...more,
      ].join('\n'),
    );
    this.name = 'DatasetError';
  }
}

/** Throws one DatasetError listing every problem found, each naming the patient and the item. */
export function validateDataset(dataset: PracticeDataset): void {
  const issues: string[] = [];
  checkPatients(dataset, issues);
  checkUniqueIds(dataset, issues);
  const actors = new ActorDirectory(dataset);
  actors.checkPracticeActors(dataset, issues);
  for (const data of dataset.patients) checkPatient(data, actors, issues);
  if (issues.length > 0) throw new DatasetError(issues);
}

function checkPatients(dataset: PracticeDataset, issues: string[]): void {
  const ids = new Set<string>();
  const nhsNumbers = new Map<string, string>();
  for (const { patient } of dataset.patients) {
    if (ids.has(patient.id)) issues.push(`patient ${patient.id}: the patient id is used twice`);
    ids.add(patient.id);
    const other = nhsNumbers.get(patient.nhsNumber);
    if (other !== undefined)
      issues.push(`patient ${patient.id}: NHS number ${patient.nhsNumber} is also patient ${other}'s`);
    nhsNumbers.set(patient.nhsNumber, patient.id);
  }
}

/** The FHIR resource ids each item produces, by resource type. */
function resourceIds<A extends RecordArea>(area: A, item: AreaItem<A>): [string, string, string][] {
  const own: [string, string, string][] = [];
  const add = (type: string, id: string, what: string) => own.push([type, id, what]);
  switch (area) {
    case 'allergies':
      add('AllergyIntolerance', item.id, `allergy ${item.id}`);
      break;
    case 'medication':
      add('MedicationRequest', item.id, `medicationPlan ${item.id}`);
      for (const issue of (item as MedicationPlan).issues)
        add('MedicationRequest', issue.id, `medicationIssue ${issue.id}`);
      break;
    case 'problems':
      add('Condition', item.id, `problem ${item.id}`);
      break;
    case 'consultations': {
      const c = item as AreaItem<'consultations'>;
      add('Encounter', c.id, `consultation ${c.id}`);
      for (const topic of c.topics) {
        if (topic.id !== undefined) add('List', topic.id, `topic ${topic.id} of consultation ${c.id}`);
        for (const heading of topic.headings ?? [])
          if (heading.id !== undefined)
            add('List', heading.id, `heading ${heading.id} of consultation ${c.id}`);
        const entries = topic.headings ? topic.headings.flatMap((h) => h.entries) : topic.entries;
        for (const e of entries)
          if (e.kind === 'note') add('Observation', e.id, `note ${e.id} of consultation ${c.id}`);
      }
      break;
    }
    case 'immunisations':
      add('Immunization', item.id, `immunisation ${item.id}`);
      break;
    case 'immunisationStatuses':
      add('Observation', item.id, `immunisationStatus ${item.id}`);
      break;
    case 'uncategorisedData':
      add('Observation', item.id, `observation ${item.id}`);
      break;
    case 'investigations': {
      const r = item as AreaItem<'investigations'>;
      const of = `of investigation ${r.id}`;
      add('DiagnosticReport', r.id, `investigation ${r.id}`);
      if (r.request) add('ProcedureRequest', r.request.id, `test request ${r.request.id} ${of}`);
      for (const s of r.specimens ?? []) add('Specimen', s.id, `specimen ${s.id} ${of}`);
      const results = [...(r.results ?? []), ...(r.groups ?? []).flatMap((g) => g.results)];
      for (const g of r.groups ?? []) add('Observation', g.id, `test group ${g.id} ${of}`);
      for (const res of results) add('Observation', res.id, `test result ${res.id} ${of}`);
      const comments = [
        ...(r.filingComments ?? []),
        ...(r.groups ?? []).flatMap((g) => g.filingComments ?? []),
        ...results.flatMap((x) => x.filingComments ?? []),
      ];
      for (const fc of comments) add('Observation', fc.id, `filing comment ${fc.id} ${of}`);
      break;
    }
    case 'referrals':
      add('ReferralRequest', item.id, `referral ${item.id}`);
      break;
    case 'diaryEntries':
      add('ProcedureRequest', item.id, `diaryEntry ${item.id}`);
      break;
    case 'documents':
      add('DocumentReference', item.id, `document ${item.id}`);
      break;
  }
  return own;
}

function checkUniqueIds(dataset: PracticeDataset, issues: string[]): void {
  const seen = new Map<string, string>();
  for (const { patient, record } of dataset.patients) {
    for (const area of RECORD_AREAS) {
      for (const item of (record[area] ?? []) as readonly AreaItem<RecordArea>[]) {
        for (const [type, id, what] of resourceIds(area, item)) {
          const here = `patient ${patient.id} ${what}`;
          const first = seen.get(`${type}/${id}`);
          if (first !== undefined) issues.push(`${here}: ${type} id "${id}" is already used by ${first}`);
          else seen.set(`${type}/${id}`, here);
        }
      }
    }
  }
}

/** The actors of the dataset, by kind. */
class ActorDirectory {
  private readonly known: Readonly<Record<keyof ActorIds, ReadonlySet<string>>>;

  constructor(dataset: PracticeDataset) {
    const ids = (items: readonly { readonly id: string }[] | undefined) =>
      new Set((items ?? []).map((i) => i.id));
    this.known = {
      practitioners: ids(dataset.practitioners),
      organisations: ids([dataset.practice, ...dataset.organisations]),
      locations: ids(dataset.locations),
      healthcareServices: ids(dataset.healthcareServices),
      devices: ids(dataset.devices),
    };
  }

  /** Every id in `named` that the dataset lacks, as "practitioner x". */
  missing(named: ActorIdSet): string[] {
    const out: string[] = [];
    const kinds = [
      ['practitioners', 'practitioner'],
      ['organisations', 'organisation'],
      ['locations', 'location'],
      ['healthcareServices', 'healthcare service'],
      ['devices', 'device'],
    ] as const;
    for (const [set, label] of kinds)
      for (const id of named[set]) if (!this.known[set].has(id)) out.push(`${label} ${id}`);
    return out;
  }

  /** The organisations practitioners, locations and services name, and the practice's locations. */
  checkPracticeActors(dataset: PracticeDataset, issues: string[]): void {
    const check = (what: string, fill: (ids: ActorIdSet) => void) => {
      const ids = new ActorIdSet();
      fill(ids);
      for (const m of this.missing(ids))
        issues.push(`${what} names ${m}, which is not in the practice dataset`);
    };
    for (const p of dataset.practitioners)
      check(`practitioner ${p.id}`, (ids) => p.roles.forEach((r) => ids.organisation(r.organisationId)));
    for (const l of dataset.locations)
      check(`location ${l.id}`, (ids) => ids.organisation(l.managingOrganisationId));
    for (const s of dataset.healthcareServices ?? [])
      check(`healthcare service ${s.id}`, (ids) => ids.organisation(s.providedByOrganisationId));
    check(`practice ${dataset.practice.id}`, (ids) =>
      (dataset.practice.locationIds ?? []).forEach((id) => ids.location(id)),
    );
  }
}

function checkPatient(data: PatientData, actors: ActorDirectory, issues: string[]): void {
  const { patient, record } = data;
  const report = (what: string, problem: string) => issues.push(`patient ${patient.id}: ${what} ${problem}`);

  const usualGp = new ActorIdSet();
  usualGp.practitioner(patient.usualGpId);
  for (const m of actors.missing(usualGp))
    report('usual GP', `names ${m}, which is not in the practice dataset`);

  // Every item this patient holds, by ref key (a plan's issues under their own keys).
  const present = new Set<string>();
  const planOfIssue = new Map<string, string>();
  for (const area of RECORD_AREAS) {
    for (const item of (record[area] ?? []) as readonly AreaItem<RecordArea>[]) {
      present.add(refKey(refTo(area, item)));
      if (area === 'medication') {
        for (const issue of (item as MedicationPlan).issues) {
          present.add(refKey({ kind: 'medicationIssue', id: issue.id }));
          planOfIssue.set(issue.id, item.id);
        }
      }
    }
  }

  // What each consultation's structure references; medication refs count for the plan and all its issues.
  const referencedBy = new Map<string, Set<string>>();
  for (const c of record.consultations ?? []) {
    const keys = new Set<string>();
    for (const ref of consultationRefs(c)) {
      keys.add(refKey(ref));
      const planId =
        ref.kind === 'medicationIssue'
          ? planOfIssue.get(ref.id)
          : ref.kind === 'medicationPlan'
            ? ref.id
            : undefined;
      if (planId !== undefined) keys.add(`medication:${planId}`);
    }
    referencedBy.set(c.id, keys);
  }

  const checkContext = (what: string, consultationId: string | undefined, keys: readonly string[]) => {
    if (consultationId === undefined) return;
    const refs = referencedBy.get(consultationId);
    if (!refs)
      report(what, `was recorded in consultation ${consultationId}, which is not in this patient's record`);
    else if (!keys.some((k) => refs.has(k)))
      report(what, `was recorded in consultation ${consultationId}, which does not reference it`);
  };

  for (const area of RECORD_AREAS) {
    for (const item of (record[area] ?? []) as readonly AreaItem<RecordArea>[]) {
      const ref = refTo(area, item);
      const what = `${AREA_KIND[area]} ${item.id}`;
      for (const target of itemRefsOf(area, item)) {
        if (!present.has(refKey(target)))
          report(what, `references ${describe(target)}, which is not in this patient's record`);
      }
      const named = new ActorIdSet();
      collectActors(area, item, named);
      for (const m of actors.missing(named)) report(what, `names ${m}, which is not in the practice dataset`);
      if (area !== 'consultations') {
        const keys = area === 'medication' ? [refKey(ref), `medication:${item.id}`] : [refKey(ref)];
        checkContext(what, (item as { readonly consultationId?: string }).consultationId, keys);
      }
      if (area === 'medication') {
        for (const issue of (item as MedicationPlan).issues) {
          checkContext(`medicationIssue ${issue.id}`, issue.consultationId, [
            `medicationIssue:${issue.id}`,
            `medication:${item.id}`,
          ]);
        }
      }
      for (const date of filterDates(area, item)) {
        if (partialDateInterval(date) === undefined) report(what, `has an unreadable date "${date}"`);
      }
      // DiagnosticReport.issued is a FHIR instant: a partial date would pass the filter but not the profile.
      if (
        area === 'investigations' &&
        !/^\d{4}-\d{2}-\d{2}T/.test((item as AreaItem<'investigations'>).issued)
      )
        report(
          what,
          `has an issued time "${(item as AreaItem<'investigations'>).issued}" that is not a full timestamp`,
        );
    }
  }
}

function describe(ref: ItemRef): string {
  return `${ref.kind} ${ref.id}`;
}

/** The dates the filters of filters.ts read for an item. */
function filterDates<A extends RecordArea>(area: A, item: AreaItem<A>): PartialDate[] {
  const period = (p: PartialDate | DatePeriod | undefined): PartialDate[] =>
    p === undefined ? [] : typeof p === 'string' ? [p] : [p.start, ...(p.end === undefined ? [] : [p.end])];
  switch (area) {
    case 'medication': {
      const plan = item as MedicationPlan;
      return [plan.start, ...period(plan.end), ...plan.issues.map((i) => i.date)];
    }
    case 'consultations':
      return period((item as AreaItem<'consultations'>).period);
    case 'immunisationStatuses':
    case 'uncategorisedData':
      return period((item as AreaItem<'uncategorisedData'>).effective);
    case 'investigations':
      return [(item as AreaItem<'investigations'>).issued];
    case 'referrals':
      return period((item as AreaItem<'referrals'>).authored);
    case 'diaryEntries':
      return period((item as AreaItem<'diaryEntries'>).planned);
    default:
      return [];
  }
}
