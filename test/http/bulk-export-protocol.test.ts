/**
 * Bulk export, the protocol (FHIR Bulk Data Access adapted to GP Connect, docs/decisions.md D-B1 to
 * D-B3): kick-off, progress, manifest, downloads (plain and gzip), cancel, another consumer refused.
 */
import type { CapabilityStatement } from 'fhir/r3';

import { BASE, getMetadata, testApp } from '../support/app';
import { download, exportAll, kickOff, pathOf } from '../support/bulk-export';
import { TEST_STORE } from '../support/store';

describe('bulk export protocol', () => {
  it('kick-off answers 202 with the status URL under the practice base', async () => {
    const t = testApp();
    const res = await kickOff(t);
    expect(res.status).toBe(202);
    expect(pathOf(String(res.headers['content-location']))).toMatch(
      new RegExp(`^${BASE.replace(/[$]/g, '\\$')}/\\$export-status/[0-9a-f-]{36}$`),
    );
    await t.bulkExport.runner.idle();
  });

  it('writes a manifest whose files hold every line counted', async () => {
    const t = testApp();
    const { manifest } = await exportAll(t);
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.error).toEqual([]);
    expect(manifest.request).toContain('/Patient/$export');
    expect(manifest.output.map((o) => o.type)).toEqual(expect.arrayContaining(['Patient', 'Condition']));
    for (const output of manifest.output) {
      const lines = await download(t, output.url);
      expect(lines).toHaveLength(output.count);
      for (const line of lines) expect((line as { resourceType: string }).resourceType).toBe(output.type);
    }
  });
});

describe('discovery', () => {
  it('the CapabilityStatement lists the export and says where jobs live and where code-system versions are', async () => {
    const t = testApp();
    const res = await getMetadata(t);
    expect(res.status).toBe(200);
    const rest = (res.body as CapabilityStatement).rest?.[0];
    expect(rest?.operation).toContainEqual({
      name: 'export',
      definition: { reference: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' },
    });
    expect(rest?.documentation).toContain('GET /coding-schemes');
    expect(rest?.documentation).toContain(
      TEST_STORE === 'postgres' ? 'survive a restart' : "this process's memory",
    );
    const xml = await getMetadata(t, { headers: { Accept: 'application/fhir+xml' } });
    expect(xml.status).toBe(200);
    expect(xml.text).toContain('<name value="export"/>');
  });
});
