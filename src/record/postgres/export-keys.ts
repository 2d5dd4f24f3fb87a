/**
 * The `export_keys` column of patients (src/record/exported-resources.ts): what a bulk export holds for
 * each patient, so an import can record what it removed (docs/decisions.md D-SD2). Filled at load like
 * every derived column; migration 008 fills it for patients loaded before it, a page at a time.
 */
import type { QueryResultRow } from 'pg';

import { exportedResourceKeys } from '../exported-resources';
import type { Patient } from '../model/people';
import { recordsOf } from './export';

/** One statement in the migration's transaction (migrations.ts MigrationQuery). */
type Query = (text: string, values?: readonly unknown[]) => Promise<QueryResultRow[]>;

const PAGE = 500;

/** Fills export_keys of every patient loaded before migration 008: two statements per page. */
export async function backfillExportKeys(query: Query): Promise<void> {
  for (;;) {
    const rows = (await query(
      `SELECT practice_ods, id, detail FROM patients WHERE export_keys IS NULL
        ORDER BY practice_ods, seq LIMIT $1`,
      [PAGE],
    )) as { practice_ods: string; id: string; detail: Patient }[];
    if (rows.length === 0) return;
    // One practice per page keeps the records read to one statement.
    const ods = rows[0].practice_ods;
    const page = rows.filter((r) => r.practice_ods === ods);
    // Migration 008 runs before 009 puts each plan's issues into its detail.
    const records = await recordsOf(
      (text, values) => query(text, values),
      ods,
      page.map((r) => r.id),
      { issuesFromTable: true },
    );
    const values = page.map((r) => ({
      id: r.id,
      keys: exportedResourceKeys({ patient: r.detail, record: records.get(r.id) ?? {} }),
    }));
    await query(
      `UPDATE patients p SET export_keys = ARRAY(SELECT jsonb_array_elements_text(v.keys))
         FROM jsonb_to_recordset($2::jsonb) AS v(id text, keys jsonb)
        WHERE p.practice_ods = $1 AND p.id = v.id`,
      [ods, JSON.stringify(values)],
    );
  }
}
