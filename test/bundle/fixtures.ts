/**
 * Hand-made PatientRecords and queries for the engine's unit tests, and small readers for the Bundle
 * they produce. Nothing here reads the embedded test practice: each test states the record it needs.
 */
import type { Bundle, FhirResource, List, OperationOutcome, Resource } from 'fhir/r3';

import { buildBundle } from '../../src/bundle/build-bundle';
import type { ResourceMemo } from '../../src/bundle/engine/resource-memo';
import type { ClinicalArea, StructuredQuery } from '../../src/contract/structured-query';
import type { CalendarDate } from '../../src/fhir/dates';
import { bundleJson } from '../../src/http/serialise-bundle';
import type {
  Allergy,
  Consultation,
  MedicationIssue,
  MedicationPlan,
  Observation,
  Problem,
  Referral,
  Timestamp,
} from '../../src/record/model';
import type { Location, Organisation, Patient, Practice, Practitioner } from '../../src/record/model/people';
import type { PatientRecord } from '../../src/record/repository';

export const TRACE_ID = '5d0a1c52-3f1e-4a5b-9a0e-2f6c7b1d9e44';
export const NOW = '2026-11-21T12:00:00Z';
export const T = (date: string, time = '10:00:00'): Timestamp => `${date}T${time}+00:00` as Timestamp;

export const PRACTICE: Practice = {
  id: 'org-practice',
  odsCode: 'A12345',
  name: 'Example Surgery',
  version: '1',
};
export const HOSPITAL: Organisation = {
  id: 'org-hospital',
  odsCode: 'RR8',
  name: 'Leeds Teaching Hospitals',
  version: '2',
};
const GMP = { code: 'R0260', display: 'General Medical Practitioner' };
export const GP: Practitioner = {
  id: 'prac-gp',
  name: { family: 'Jones', given: ['Ravi'], prefix: ['Dr'] },
  sdsUserId: 'G1234567',
  roles: [{ id: 'role-gp', organisationId: PRACTICE.id, jobRole: GMP }],
  version: '1',
};
export const NURSE: Practitioner = {
  id: 'prac-nurse',
  name: { family: 'Clarke', given: ['Helen'] },
  roles: [
    { id: 'role-nurse', organisationId: PRACTICE.id, jobRole: { code: 'R0690', display: 'Practice Nurse' } },
  ],
  version: '3',
};
/** Two roles in play: GP Connect's known issue means no PractitionerRole at all for him (Retrieve a patient’s
 * structured record — Payload response body). */
export const LOCUM: Practitioner = {
  id: 'prac-locum',
  name: { family: 'Hussain', given: ['Imran'] },
  roles: [
    { id: 'role-locum-1', organisationId: PRACTICE.id, jobRole: GMP },
    { id: 'role-locum-2', organisationId: HOSPITAL.id, jobRole: { code: 'R0050', display: 'Consultant' } },
  ],
  version: '1',
};
export const SURGERY: Location = {
  id: 'loc-main',
  name: 'Main surgery',
  odsSiteCode: 'A12345',
  managingOrganisationId: PRACTICE.id,
  version: '4',
};

export const PATIENT: Patient = {
  id: 'pat-1',
  nhsNumber: '9690937278',
  nhsNumberStatus: '01',
  name: { family: 'Smith', given: ['Ann'] },
  gender: 'female',
  birthDate: '1970-04-02' as CalendarDate,
  registration: { type: 'R', status: 'active', startDate: '2004-03-01' as CalendarDate },
  sensitive: false,
  sharingConsent: 'consented',
  usualGpId: GP.id,
  version: '7',
};

/** A record with only the patient and actors; spread area results and `linked` over it. */
export function record(overrides: Partial<PatientRecord> = {}): PatientRecord {
  return {
    patient: PATIENT,
    practice: PRACTICE,
    practitioners: [GP, NURSE, LOCUM],
    organisations: [HOSPITAL],
    locations: [SURGERY],
    ...overrides,
  };
}

export function query(
  overrides: Partial<StructuredQuery> = {},
  disabled: ClinicalArea[] = [],
): StructuredQuery {
  return {
    nhsNumber: PATIENT.nhsNumber,
    today: '2026-11-21' as CalendarDate,
    warnings: [],
    disabledAreas: new Set(disabled),
    ...overrides,
  };
}

/** The Bundle for a record and query; through `memo` when given (src/bundle/engine/resource-memo.ts). */
export function build(rec: PatientRecord, q: StructuredQuery, memo?: ResourceMemo): Bundle {
  let n = 0;
  return buildBundle(rec, q, {
    traceId: TRACE_ID,
    newId: () => `oo-${++n}`,
    date: NOW,
    warnings: q.warnings,
    ...(memo && { memo }),
  });
}

/** The bytes through the memo (the service's writer), beside the bytes of a fresh build (no memo). */
export async function throughMemoAndFresh(
  rec: PatientRecord,
  q: StructuredQuery,
  memo: ResourceMemo,
): Promise<{ remembered: string; fresh: string }> {
  const remembered = Buffer.concat(await bundleJson(build(rec, q, memo))).toString('utf8');
  return { remembered, fresh: JSON.stringify(build(rec, q)) };
}

export const area = <T>(items: readonly T[], withheldConfidential = false) => ({
  items,
  withheldConfidential,
});

// ---- items ---------------------------------------------------------------------------------------

export function allergy(id: string, extra: Partial<Allergy> = {}): Allergy {
  return {
    id,
    recorded: T('2019-06-11'),
    recorderId: GP.id,
    code: { code: '373270004', display: 'Penicillin' },
    ...extra,
  };
}

export function issue(id: string, extra: Partial<MedicationIssue> = {}): MedicationIssue {
  return { id, recorded: T('2026-01-10'), recorderId: GP.id, date: '2026-01-10', supplyDays: 28, ...extra };
}

export function plan(id: string, extra: Partial<MedicationPlan> = {}): MedicationPlan {
  return {
    id,
    recorded: T('2026-01-10'),
    recorderId: GP.id,
    product: { code: '319283006', display: 'Amlodipine 5mg tablets' },
    prescriptionType: 'repeat',
    start: '2026-01-10',
    status: 'active',
    dosage: 'One tablet daily',
    quantity: { value: 28, unit: 'tablet' },
    supplyDays: 28,
    issues: [],
    ...extra,
  } as MedicationPlan;
}

export function problem(id: string, extra: Partial<Problem> = {}): Problem {
  return {
    id,
    recorded: T('2024-02-01'),
    recorderId: GP.id,
    code: { code: '38341003', display: 'Hypertension' },
    status: 'active',
    significance: 'major',
    ...extra,
  };
}

export function observation(id: string, extra: Partial<Observation> = {}): Observation {
  return {
    id,
    recorded: T('2025-05-05'),
    recorderId: NURSE.id,
    code: { code: '27113001', display: 'Body weight' },
    effective: '2025-05-05',
    value: { type: 'quantity', value: 70, unit: 'kg', ucum: 'kg' },
    ...extra,
  };
}

export function referral(id: string, extra: Partial<Referral> = {}): Referral {
  return {
    id,
    recorded: T('2025-03-03'),
    recorderId: GP.id,
    authored: '2025-03-03',
    reason: { code: '183519002', display: 'Referral to cardiology service' },
    ...extra,
  };
}

export function consultation(id: string, extra: Partial<Consultation> = {}): Consultation {
  return {
    id,
    recorded: T('2026-03-01', '09:30:00'),
    recorderId: GP.id,
    type: { code: '185317003', display: 'Telephone encounter' },
    period: { start: T('2026-03-01', '09:10:00'), end: T('2026-03-01', '09:25:00') },
    locationId: SURGERY.id,
    topics: [],
    ...extra,
  };
}

// ---- readers -------------------------------------------------------------------------------------

export function resources<T extends Resource = FhirResource>(bundle: Bundle, type: string): T[] {
  return (bundle.entry ?? [])
    .map((e) => e.resource as Resource)
    .filter((r) => r.resourceType === type) as T[];
}

/** Query lists (no encounter): primary and secondary. */
export function queryLists(bundle: Bundle): List[] {
  return resources<List>(bundle, 'List').filter((l) => l.encounter === undefined);
}

export function structureLists(bundle: Bundle): List[] {
  return resources<List>(bundle, 'List').filter((l) => l.encounter !== undefined);
}

export const titles = (bundle: Bundle) => queryLists(bundle).map((l) => l.title);

export function listTitled(bundle: Bundle, title: string): List {
  const found = queryLists(bundle).filter((l) => l.title === title);
  expect(found).toHaveLength(1);
  return found[0];
}

export const entryRefs = (list: List) =>
  (list.entry ?? []).map((e) => e.item.reference ?? `display:${e.item.display}`);

export function warningCodes(list: List): string[] {
  return (list.extension ?? [])
    .filter(
      (e) =>
        e.url === 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1',
    )
    .map((e) => e.valueCode ?? '');
}

export function outcome(bundle: Bundle): OperationOutcome | undefined {
  return resources<OperationOutcome>(bundle, 'OperationOutcome')[0];
}

export const keys = (bundle: Bundle) =>
  (bundle.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id ?? ''}`);

export function find<T extends Resource>(bundle: Bundle, type: string, id: string): T {
  const r = resources<T>(bundle, type).find((x) => x.id === id);
  if (!r) throw new Error(`${type}/${id} not in bundle: ${keys(bundle).join(', ')}`);
  return r;
}
