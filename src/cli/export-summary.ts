/**
 * The manifest summary `gpc export` prints: per resource type the files, resources and bytes written,
 * and (with `_since`) what the provider says was deleted since.
 */

export interface FileResult {
  readonly type: string;
  readonly file: string;
  readonly lines: number;
  readonly bytes: number;
  readonly expected?: number;
}

export interface TypeTotal {
  readonly type: string;
  files: number;
  resources: number;
  bytes: number;
}

export function totalsByType(files: readonly FileResult[]): TypeTotal[] {
  const totals = new Map<string, TypeTotal>();
  for (const f of files) {
    const t = totals.get(f.type) ?? { type: f.type, files: 0, resources: 0, bytes: 0 };
    t.files += 1;
    t.resources += f.lines;
    t.bytes += f.bytes;
    totals.set(f.type, t);
  }
  return [...totals.values()];
}

const n = (value: number) => value.toLocaleString('en-GB');

export function renderTotals(files: readonly FileResult[]): string {
  const rows = totalsByType(files);
  const all = rows.reduce(
    (sum, r) => ({
      type: 'Total',
      files: sum.files + r.files,
      resources: sum.resources + r.resources,
      bytes: sum.bytes + r.bytes,
    }),
    { type: 'Total', files: 0, resources: 0, bytes: 0 },
  );
  const table = [['Type', 'Files', 'Resources', 'Bytes']];
  for (const r of [...rows, all]) table.push([r.type, n(r.files), n(r.resources), n(r.bytes)]);
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(table[0]), rule, ...table.slice(1, -1).map(line), rule, line(table[table.length - 1])].join(
    '\n',
  );
}

/** One line: the resources the deleted files delete, by type (Bulk Data `deleted`). */
export function renderDeleted(byType: ReadonlyMap<string, number>, files: number): string {
  const total = [...byType.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return 'Deleted since _since: none';
  const types = [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `${type} ${n(count)}`)
    .join(', ');
  return `Deleted since _since: ${n(total)} resource${total === 1 ? '' : 's'} (${types}) in ${n(files)} file${files === 1 ? '' : 's'}`;
}
