/**
 * A per-area summary of a structured Bundle, read only from what the Bundle carries (List page): each query
 * List's title, code, entry count, warning codes and empty reason, grouped by the clinical area it belongs
 * to, plus the warnings of the Bundle's OperationOutcome (Configuration for supported clinical areas).
 */
import { PRIMARY_LISTS, STRUCTURE_LIST_CODES, WARNING_CODE_EXTENSION } from '../bundle/list-definitions';
import { isObject, type Json, type JsonObject } from './request';

export interface ListSummary {
  readonly area: string;
  readonly title: string;
  readonly code: string;
  readonly entries: number;
  readonly warnings: readonly string[];
  readonly emptyReason?: string;
}

export interface BundleWarningSummary {
  readonly code?: string;
  readonly diagnostics?: string;
  readonly text?: string;
}

export interface BundleSummary {
  readonly bundleId?: string;
  readonly patient?: string;
  readonly resourceCounts: ReadonlyMap<string, number>;
  readonly lists: readonly ListSummary[];
  readonly warnings: readonly BundleWarningSummary[];
}

const AREA_OF_PRIMARY: ReadonlyMap<string, string> = new Map([
  [PRIMARY_LISTS.consultations.code.code, 'Consultations'],
  [PRIMARY_LISTS.problems.code.code, 'Problems'],
  [PRIMARY_LISTS.immunisations.code.code, 'Immunisations'],
  [PRIMARY_LISTS.uncategorisedData.code.code, 'Uncategorised data'],
  [PRIMARY_LISTS.allergies.code.code, 'Allergies'],
  [PRIMARY_LISTS.endedAllergies.code.code, 'Allergies'],
  [PRIMARY_LISTS.medication.code.code, 'Medication'],
  [PRIMARY_LISTS.investigations.code.code, 'Investigations'],
  [PRIMARY_LISTS.referrals.code.code, 'Referrals'],
  [PRIMARY_LISTS.diaryEntries.code.code, 'Diary entries'],
]);

/** The order the spec's "Bundle population illustrated" diagram suggests (Retrieve a patient’s structured
 * record — Bundle population illustrated). */
const AREA_ORDER = [
  'Consultations',
  'Problems',
  'Immunisations',
  'Uncategorised data',
  'Allergies',
  'Medication',
  'Investigations',
  'Referrals',
  'Diary entries',
  'Linked problems',
  'Other',
];

const STRUCTURE_CODES: ReadonlySet<string> = new Set(Object.values(STRUCTURE_LIST_CODES).map((c) => c.code));

export const resources = (bundle: JsonObject): JsonObject[] =>
  (Array.isArray(bundle.entry) ? bundle.entry : [])
    .map((e) => (isObject(e) ? e.resource : undefined))
    .filter(isObject);

export const firstCoding = (concept: Json | undefined): JsonObject | undefined =>
  isObject(concept) && Array.isArray(concept.coding) ? concept.coding.find(isObject) : undefined;

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export function listCode(list: JsonObject): string {
  return str(firstCoding(list.code)?.code) ?? '';
}

/** A query List (primary or secondary), not a Consultation/Topic/Heading structure List (List page —
 * consultation structure). */
export function isQueryList(resource: JsonObject): boolean {
  return resource.resourceType === 'List' && !STRUCTURE_CODES.has(listCode(resource));
}

function areaOf(code: string): string {
  const primary = AREA_OF_PRIMARY.get(code);
  if (primary) return primary;
  if (code === 'problems-linked-problems-not-relating-to-the-primary-query') return 'Linked problems';
  if (code.startsWith('consultations-')) return 'Consultations';
  if (code.startsWith('problems-')) return 'Problems';
  return 'Other';
}

export function summariseList(list: JsonObject): ListSummary {
  const code = listCode(list);
  const extensions = Array.isArray(list.extension) ? list.extension.filter(isObject) : [];
  const warnings = extensions
    .filter((e) => e.url === WARNING_CODE_EXTENSION)
    .map((e) => str(e.valueCode) ?? str(firstCoding(e.valueCodeableConcept)?.code) ?? '?');
  const empty = firstCoding(list.emptyReason);
  return {
    area: areaOf(code),
    title: str(list.title) ?? '(no title)',
    code,
    entries: Array.isArray(list.entry) ? list.entry.length : 0,
    warnings,
    ...(list.emptyReason !== undefined && {
      emptyReason: str(empty?.code) ?? str(empty?.display) ?? 'present',
    }),
  };
}

function patientLabel(patient: JsonObject | undefined): string | undefined {
  if (!patient) return undefined;
  const identifiers = Array.isArray(patient.identifier) ? patient.identifier.filter(isObject) : [];
  const nhs = str(identifiers.find((i) => i.system === 'https://fhir.nhs.uk/Id/nhs-number')?.value);
  const name = Array.isArray(patient.name) ? patient.name.find(isObject) : undefined;
  const parts = name
    ? [name.prefix, name.given, name.family]
        .flatMap((p) => (Array.isArray(p) ? p : [p]))
        .filter((p): p is string => typeof p === 'string')
    : [];
  const label = parts.join(' ') || str(patient.id) || 'Patient';
  return nhs ? `${label} (NHS ${nhs})` : label;
}

export function summariseBundle(bundle: JsonObject): BundleSummary {
  const all = resources(bundle);
  const resourceCounts = new Map<string, number>();
  for (const r of all) {
    const type = str(r.resourceType) ?? '?';
    resourceCounts.set(type, (resourceCounts.get(type) ?? 0) + 1);
  }
  const lists = all
    .filter(isQueryList)
    .map(summariseList)
    .map((l, i) => ({ l, i }))
    .sort((a, b) => AREA_ORDER.indexOf(a.l.area) - AREA_ORDER.indexOf(b.l.area) || a.i - b.i)
    .map(({ l }) => l);
  const warnings = all
    .filter((r) => r.resourceType === 'OperationOutcome')
    .flatMap((oo) => (Array.isArray(oo.issue) ? oo.issue.filter(isObject) : []))
    .map((issue) => {
      const details = isObject(issue.details) ? issue.details : undefined;
      return {
        code: str(firstCoding(details)?.code),
        diagnostics: str(issue.diagnostics),
        text: str(details?.text),
      };
    });
  return {
    bundleId: str(bundle.id),
    patient: patientLabel(all.find((r) => r.resourceType === 'Patient')),
    resourceCounts,
    lists,
    warnings,
  };
}

/** Plain text columns, padded to the widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function renderSummary(summary: BundleSummary): string {
  const out: string[] = [];
  if (summary.patient) out.push(`Patient: ${summary.patient}`);
  const counts = [...summary.resourceCounts].map(([t, n]) => `${t} ${n}`).join(', ');
  out.push(`Bundle ${summary.bundleId ?? '(no id)'}: ${counts || 'no entries'}`);
  out.push('');
  if (summary.lists.length === 0) {
    out.push('No query Lists in the Bundle (only patientNHSNumber was sent, or the provider returned none).');
  } else {
    let previousArea = '';
    const rows = summary.lists.map((l) => {
      const area = l.area === previousArea ? '' : l.area;
      previousArea = l.area;
      return [area, l.title, l.code, String(l.entries), l.warnings.join(', '), l.emptyReason ?? ''];
    });
    out.push(table(['Area', 'List', 'Code', 'Entries', 'Warnings', 'Empty reason'], rows));
  }
  if (summary.warnings.length > 0) {
    out.push('');
    out.push(`Warnings in the Bundle's OperationOutcome (${summary.warnings.length}):`);
    for (const w of summary.warnings) {
      out.push(`  ${w.diagnostics ?? '(no diagnostics)'}: ${w.text ?? ''}${w.code ? ` [${w.code}]` : ''}`);
    }
  }
  return out.join('\n');
}
