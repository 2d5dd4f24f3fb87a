/**
 * Bulk export, the content (docs/decisions.md D-B5, D-B7): every NDJSON line conforms to its GP Connect
 * profile, a patient's resources in the extract are exactly those of their whole structured record,
 * patients who may not be shared give nothing, `_type` narrows the files, downloads stream with gzip.
 */
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

import type { Bundle, Resource } from 'fhir/r3';

import { NHS, postRecord, spineHeaders, testApp } from '../support/app';
import {
  download,
  EXPORT_INTERACTION,
  exportAll,
  getUrl,
  type Manifest,
  pathOf,
} from '../support/bulk-export';
import { allAreas, parameters } from '../support/parameters';
import { resourceErrors } from '../support/profiles';

const t = testApp({ env: { EXPORT_FILE_MAX_BYTES: '64kb', EXPORT_BATCH_SIZE: '7' } });
let manifest: Manifest;
let lines: Resource[];

beforeAll(async () => {
  ({ manifest } = await exportAll(t));
  lines = [];
  for (const output of manifest.output) lines.push(...((await download(t, output.url)) as Resource[]));
}, 120_000);

/** Whether a resource belongs to this patient (is them, or names them as subject or patient). */
function isPatients(resource: Resource, patientId: string): boolean {
  const ref = `Patient/${patientId}`;
  const r = resource as Resource & { subject?: { reference?: string }; patient?: { reference?: string } };
  if (resource.resourceType === 'Patient') return resource.id === patientId;
  return r.subject?.reference === ref || r.patient?.reference === ref;
}

it('writes every line valid against its GP Connect profile', () => {
  expect(lines.length).toBeGreaterThan(100);
  const errors = lines.flatMap((r) => resourceErrors(r));
  expect(errors).toEqual([]);
});

it("splits a type's file at EXPORT_FILE_MAX_BYTES, never a line", async () => {
  const observations = manifest.output.filter((o) => o.type === 'Observation');
  expect(observations.length).toBeGreaterThan(1);
  for (const o of observations) {
    const res = await getUrl(t, o.url);
    expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(64 * 1024);
    expect(res.text.endsWith('\n')).toBe(true);
  }
});

it.each([NHS.patient2, NHS.large1, NHS.patient3])(
  'gives patient %s exactly the resources of their whole structured record',
  async (nhs) => {
    const res = await postRecord(t, parameters(...allAreas(nhs)));
    expect(res.status).toBe(200);
    const bundle = res.body as Bundle;
    const inRecord = (bundle.entry ?? [])
      .map((e) => e.resource as Resource)
      .filter((r) => r.resourceType !== 'OperationOutcome');
    const patient = inRecord.find((r) => r.resourceType === 'Patient');
    const extract = new Set(lines.map((r) => JSON.stringify(r)));
    // Every resource of the record is in the extract, byte for byte (shared ones written once).
    const missing = inRecord.filter((r) => !extract.has(JSON.stringify(r)));
    expect(missing.map((r) => `${r.resourceType}/${r.id ?? '(no id)'}`)).toEqual([]);
    // And the extract holds nothing of the patient's that the record does not.
    const record = new Set(inRecord.map((r) => JSON.stringify(r)));
    const extra = lines.filter((r) => isPatients(r, patient?.id ?? '') && !record.has(JSON.stringify(r)));
    expect(extra.map((r) => `${r.resourceType}/${r.id ?? '(no id)'}`)).toEqual([]);
  },
);

it('leaves out patients who may not be shared (sensitive, deceased, dissented, not registered)', async () => {
  const patients = lines.filter((r) => r.resourceType === 'Patient') as (Resource & {
    identifier?: { value?: string }[];
  })[];
  const exported = new Set(patients.map((p) => p.identifier?.[0]?.value));
  const unshared = [NHS.patient9, NHS.patient10, NHS.patient14, NHS.patient15, NHS.patient18, NHS.patient21];
  for (const nhs of [...unshared, NHS.temporary1]) {
    // The structured record refuses each (PATIENT_NOT_FOUND or NO_PATIENT_CONSENT); the export skips it.
    expect((await postRecord(t, parameters(...allAreas(nhs)))).status).not.toBe(200);
    expect(exported.has(nhs)).toBe(false);
  }
  for (const nhs of [NHS.patient2, NHS.patient4, NHS.large1]) expect(exported.has(nhs)).toBe(true);
});

it('writes each shared resource (organisation, practitioner, location, medication) once', () => {
  const shared = lines.filter((r) =>
    ['Organization', 'Practitioner', 'PractitionerRole', 'Location', 'Medication'].includes(r.resourceType),
  );
  const keys = shared.map((r) => JSON.stringify(r));
  expect(new Set(keys).size).toBe(keys.length);
  const ids = shared.map((r) => `${r.resourceType}/${r.id}`);
  expect(new Set(ids).size).toBe(ids.length);
});

it('downloads with gzip when asked: gzip bytes on the wire, the same lines once inflated', async () => {
  const output = manifest.output.find((o) => o.type === 'Condition')!;
  const plain = await getUrl(t, output.url);
  expect(plain.status).toBe(200);
  expect(plain.headers['content-type']).toBe('application/fhir+ndjson');
  // A raw client: supertest would inflate the body itself.
  const server = t.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const headers = spineHeaders(t, EXPORT_INTERACTION, 'patient/*.read', {
      headers: { 'Accept-Encoding': 'gzip' },
    });
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get({ host: '127.0.0.1', port, path: pathOf(output.url), headers }, resolve).on('error', reject),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.concat(chunks)).toString('utf8')).toBe(plain.text);
  } finally {
    server.close();
  }
});

it('_type writes only the types named', async () => {
  const { manifest: narrow } = await exportAll(t, '?_type=Patient,AllergyIntolerance');
  expect([...new Set(narrow.output.map((o) => o.type))].sort()).toEqual(['AllergyIntolerance', 'Patient']);
  const all = (type: string) =>
    manifest.output.filter((o) => o.type === type).reduce((n, o) => n + o.count, 0);
  const some = (type: string) =>
    narrow.output.filter((o) => o.type === type).reduce((n, o) => n + o.count, 0);
  expect(some('Patient')).toBe(all('Patient'));
  expect(some('AllergyIntolerance')).toBe(all('AllergyIntolerance'));
});

it('gives each file its own URL under the practice base', () => {
  for (const o of manifest.output) {
    expect(pathOf(o.url)).toMatch(
      /^\/P99001\/STU3\/1\/gpconnect\/structured\/\$export-file\/[0-9a-f-]{36}\/[A-Za-z]+-[0-9]+\.ndjson$/,
    );
  }
});
