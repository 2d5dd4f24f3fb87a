/**
 * The clinical risk of the multi-area searches (docs/spec-notes.md "Multi area searches — clinical risk",
 * Retrieve a patient’s structured record — Not permitted parameter combinations): medication reached through
 * problems or consultations is returned whatever `medicationSearchFromDate` says, with no flag. Such
 * medication sits in `consultations-medications-contained-in-consultations` and
 * `problems-medications-related-to-problems` (as MedicationRequest references) and NOT in the primary
 * "Medications and medical devices" list. When it is older than the search date, the record shown looks
 * continuous while the period between that medication and the search date may hold medication that is in no
 * part of the response (a stopped anticoagulant linked to nothing, for instance).
 *
 * This module finds those medications in a Bundle, using only what the Bundle carries.
 */
import { PRIMARY_LISTS, STRUCTURE_LIST_CODES } from '../bundle/list-definitions';
import { addDays, type CalendarDate, daysBetween, partialDateInterval } from '../fhir/dates';
import { jsonText } from '../fhir/json';
import { isObject, type Json, type JsonObject } from './request';
import { firstCoding, isQueryList, listCode, resources } from './summary';

export const LINKED_MEDICATION_LISTS = [
  'consultations-medications-contained-in-consultations',
  'problems-medications-related-to-problems',
] as const;

export interface RiskMedication {
  /** Medication.code display (or text). */
  readonly name: string;
  /** The plan MedicationRequest reference, `MedicationRequest/<id>`. */
  readonly plan: string;
  readonly statement?: string;
  readonly prescriptionType?: string;
  readonly start?: string;
  /** The last day the medication was active (the end of its active interval, Cross-organisation audit and
   * provenance — JWT claims). */
  readonly end: CalendarDate;
  /** Titles of the secondary lists it was found in. */
  readonly via: readonly string[];
  /** Problems (Condition.code display) that link it. */
  readonly problems: readonly string[];
  /** Consultations (date and type) that hold it. */
  readonly consultations: readonly string[];
  /** Days between the medication's end and the search date, both exclusive (may be 0). */
  readonly gapDays: number;
  readonly gapStart: CalendarDate;
  readonly gapEnd: CalendarDate;
}

export interface ClinicalRiskReport {
  readonly searchFrom: CalendarDate;
  readonly medications: readonly RiskMedication[];
}

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const refOf = (v: Json | undefined): string | undefined => (isObject(v) ? str(v.reference) : undefined);

function conceptName(concept: Json | undefined): string | undefined {
  if (!isObject(concept)) return undefined;
  return str(concept.text) ?? str(firstCoding(concept)?.display) ?? str(firstCoding(concept)?.code);
}

/** Every `valueReference.reference` anywhere in a resource's extensions (problem links, Retrieve a patient’s
 * structured record — Payload request body). */
function extensionReferences(value: Json, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => extensionReferences(v, out));
  else if (isObject(value)) {
    const ref = refOf(value.valueReference);
    if (ref) out.add(ref);
    for (const v of Object.values(value)) extensionReferences(v, out);
  }
  return out;
}

function prescriptionTypeOf(request: JsonObject): string | undefined {
  const extensions = Array.isArray(request.extension) ? request.extension.filter(isObject) : [];
  const ext = extensions.find((e) => str(e.url)?.endsWith('Extension-CareConnect-GPC-PrescriptionType-1'));
  return str(firstCoding(ext?.valueCodeableConcept)?.code);
}

/** The latest day a FHIR date or dateTime may stand for (a year-only end means 31 December). */
function lastDay(value: string | undefined): CalendarDate | undefined {
  return value === undefined ? undefined : partialDateInterval(value)?.end;
}

/**
 * Medications that arrived only through problems or consultations and whose active interval ended
 * before `searchFrom`. An authorisation with no end is treated as the spec does (Cross-organisation audit and
 * provenance — JWT claims): an acute (or delayed prescription) is active on its start date only; anything
 * else is ongoing, hence not older.
 */
export function findClinicalRisk(bundle: JsonObject, searchFrom: CalendarDate): ClinicalRiskReport {
  const all = resources(bundle);
  const byRef = new Map<string, JsonObject>();
  for (const r of all)
    if (typeof r.resourceType === 'string' && typeof r.id === 'string')
      byRef.set(`${r.resourceType}/${r.id}`, r);

  const queryLists = all.filter(isQueryList);
  const primary = new Set<string>();
  for (const list of queryLists.filter((l) => listCode(l) === PRIMARY_LISTS.medication.code.code)) {
    for (const e of Array.isArray(list.entry) ? list.entry : []) {
      const ref = isObject(e) ? refOf(e.item) : undefined;
      if (ref) primary.add(ref);
    }
  }

  // Plan reference → titles of the secondary lists that reach it (directly or through one of its issues).
  const linkedPlans = new Map<string, Set<string>>();
  const requestsOfPlan = new Map<string, Set<string>>();
  for (const list of queryLists.filter((l) =>
    (LINKED_MEDICATION_LISTS as readonly string[]).includes(listCode(l)),
  )) {
    for (const e of Array.isArray(list.entry) ? list.entry : []) {
      const ref = isObject(e) ? refOf(e.item) : undefined;
      if (!ref) continue;
      const request = byRef.get(ref);
      const plan =
        request && request.intent === 'order'
          ? (refOf(Array.isArray(request.basedOn) ? request.basedOn[0] : undefined) ?? ref)
          : ref;
      if (!linkedPlans.has(plan)) linkedPlans.set(plan, new Set());
      linkedPlans.get(plan)!.add(str(list.title) ?? listCode(list));
      if (!requestsOfPlan.has(plan)) requestsOfPlan.set(plan, new Set([plan]));
      requestsOfPlan.get(plan)!.add(ref);
    }
  }

  const statementOfPlan = new Map<string, JsonObject>();
  for (const s of all.filter((r) => r.resourceType === 'MedicationStatement')) {
    for (const b of Array.isArray(s.basedOn) ? s.basedOn : []) {
      const ref = refOf(b);
      if (ref) statementOfPlan.set(ref, s);
    }
  }

  const conditions = all
    .filter((r) => r.resourceType === 'Condition')
    .map((c) => ({ c, refs: extensionReferences(c.extension ?? []) }));
  const structureCodes: ReadonlySet<string> = new Set(Object.values(STRUCTURE_LIST_CODES).map((c) => c.code));
  const structureLists = all.filter((r) => r.resourceType === 'List' && structureCodes.has(listCode(r)));

  const medications: RiskMedication[] = [];
  for (const [plan, via] of linkedPlans) {
    const statement = statementOfPlan.get(plan);
    const statementRef = statement ? `MedicationStatement/${jsonText(statement.id)}` : undefined;
    if (statementRef && primary.has(statementRef)) continue; // it also matched the medication search
    const planResource = byRef.get(plan);
    const effective = isObject(statement?.effectivePeriod) ? statement.effectivePeriod : undefined;
    const dispense = isObject(planResource?.dispenseRequest) ? planResource.dispenseRequest : undefined;
    const validity = isObject(dispense?.validityPeriod) ? dispense.validityPeriod : undefined;
    const start = str(effective?.start) ?? str(validity?.start);
    const prescriptionType = planResource ? prescriptionTypeOf(planResource) : undefined;
    let end = lastDay(str(effective?.end) ?? str(validity?.end));
    if (end === undefined) {
      const acute = prescriptionType === 'acute' || prescriptionType === 'delayed-prescribing';
      if (!acute || start === undefined) continue; // ongoing: not older than any search date
      end = lastDay(start);
    }
    if (end === undefined || end >= searchFrom) continue;

    const requests = requestsOfPlan.get(plan) ?? new Set([plan]);
    const medication = byRef.get(
      refOf(planResource?.medicationReference) ?? refOf(statement?.medicationReference) ?? '',
    );
    const name =
      conceptName(medication?.code) ??
      conceptName(planResource?.medicationCodeableConcept) ??
      conceptName(statement?.medicationCodeableConcept) ??
      plan;
    const problems = conditions
      .filter(({ refs }) => [...requests].some((r) => refs.has(r)))
      .map(({ c }) => conceptName(c.code) ?? `Condition/${jsonText(c.id)}`);
    const consultations = new Set<string>();
    for (const list of structureLists) {
      const items = (Array.isArray(list.entry) ? list.entry : []).map((e) =>
        isObject(e) ? refOf(e.item) : undefined,
      );
      if (!items.some((i) => i !== undefined && requests.has(i))) continue;
      const encounter = byRef.get(refOf(list.encounter) ?? '');
      const date = isObject(encounter?.period) ? str(encounter.period.start)?.slice(0, 10) : undefined;
      const type = Array.isArray(encounter?.type) ? conceptName(encounter.type[0]) : undefined;
      consultations.add([date, type].filter(Boolean).join(' ') || (refOf(list.encounter) ?? 'consultation'));
    }
    const gapStart = addDays(end, 1);
    const gapEnd = addDays(searchFrom, -1);
    medications.push({
      name,
      plan,
      ...(statementRef && { statement: statementRef }),
      ...(prescriptionType && { prescriptionType }),
      ...(start && { start: start.slice(0, 10) }),
      end,
      via: [...via],
      problems,
      consultations: [...consultations],
      gapStart,
      gapEnd,
      gapDays: Math.max(0, daysBetween(end, searchFrom) - 1),
    });
  }
  medications.sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : a.name.localeCompare(b.name)));
  return { searchFrom, medications };
}

export function renderClinicalRisk(report: ClinicalRiskReport): string {
  const n = report.medications.length;
  const bar = '!'.repeat(100);
  const out = [
    bar,
    `!! CLINICAL RISK: ${n} medication${n === 1 ? '' : 's'} older than the medication search date ${report.searchFrom} arrived ONLY`,
    `!! through problems or consultations. ${n === 1 ? 'It is' : 'They are'} NOT in "Medications and medical devices", and the`,
    `!! period between ${n === 1 ? 'it' : 'each one'} and the search date may hold medication that is in no part of this response.`,
    bar,
  ];
  for (const m of report.medications) {
    out.push('');
    out.push(`  ${m.name}`);
    out.push(
      `    ${[m.prescriptionType, `${m.start ?? '?'} to ${m.end}`].filter(Boolean).join(', ')}  (${m.statement ?? m.plan})`,
    );
    out.push(`    arrived through: ${m.via.join('; ')}`);
    if (m.problems.length > 0) out.push(`    linked from problem: ${m.problems.join('; ')}`);
    if (m.consultations.length > 0) out.push(`    recorded in consultation: ${m.consultations.join('; ')}`);
    out.push(
      m.gapDays > 0
        ? `    gap it may hide: ${m.gapStart} to ${m.gapEnd} (${m.gapDays} days): medication that ended in this period is in this response only if a returned problem or consultation links it`
        : '    gap it may hide: none (it ended the day before the search date)',
    );
  }
  out.push('');
  out.push(
    'Do not read the medication shown as the complete history: ask the practice for medication before',
  );
  out.push(`${report.searchFrom}, or request the medication area without a search date.`);
  return out.join('\n');
}
