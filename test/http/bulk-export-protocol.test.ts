/**
 * Bulk export, the protocol (FHIR Bulk Data Access adapted to GP Connect, docs/decisions.md D-B1 to
 * D-B3): kick-off, progress, manifest, downloads (plain and gzip), cancel, another consumer refused.
 */
import { BASE, testApp } from '../support/app';
import { download, exportAll, kickOff, pathOf } from '../support/bulk-export';

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
