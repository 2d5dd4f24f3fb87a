/** A patient search answer as a table a person can read: one row per Patient of the searchset. */
import { isObject, type JsonObject } from './request';

const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function nameOf(patient: JsonObject): string {
  const names = Array.isArray(patient.name) ? patient.name.filter(isObject) : [];
  const name = names.find((n) => n.use === 'official') ?? names[0];
  if (!name) return '(no name)';
  const family = typeof name.family === 'string' ? name.family.toUpperCase() : '';
  return [...strings(name.prefix), ...strings(name.given), family].filter((p) => p !== '').join(' ');
}

function nhsOf(patient: JsonObject): string {
  const ids = Array.isArray(patient.identifier) ? patient.identifier.filter(isObject) : [];
  const found = ids.find((i) => i.system === NHS_SYSTEM);
  return typeof found?.value === 'string' ? found.value : '(none)';
}

function addressOf(patient: JsonObject): string {
  const first = Array.isArray(patient.address) ? patient.address.find(isObject) : undefined;
  if (!first) return '';
  return [...strings(first.line), first.city, first.postalCode]
    .filter((p): p is string => typeof p === 'string')
    .join(', ');
}

export function renderPatients(bundle: JsonObject): string {
  const patients = (Array.isArray(bundle.entry) ? bundle.entry : [])
    .filter(isObject)
    .map((e) => e.resource)
    .filter((r): r is JsonObject => isObject(r) && r.resourceType === 'Patient');
  if (patients.length === 0) return 'No patient matches (patients who may not be shared are never returned).';
  const header = ['NHS number', 'Name', 'Born', 'Gender', 'Address', 'Id'];
  const rows = patients.map((p) => [
    nhsOf(p),
    nameOf(p),
    typeof p.birthDate === 'string' ? p.birthDate : '',
    typeof p.gender === 'string' ? p.gender : '',
    addressOf(p),
    typeof p.id === 'string' ? p.id : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    `${patients.length} patient${patients.length === 1 ? '' : 's'}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
