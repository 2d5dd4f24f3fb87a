/**
 * What a practice import removed, for the bulk export's `deleted` files (docs/decisions.md D-SD1 to
 * D-SD4). Inside the import's transaction: before the practice is replaced, its patients' `export_keys`
 * (the resources an export holds for each) are set aside; after the new data is loaded, every key the
 * old data had and the new has not becomes a tombstone dated at the import's instant (`now()`, the
 * transaction's start, which is also `practice.imported_at`), with the instant its patient was first
 * loaded (a `_since` before that means the consumer never had it). Keys back in the new data lose their
 * tombstone; tombstones older than the retention are purged, moving `deletions_known_from` on.
 */
import type { QueryResultRow } from 'pg';

type Query = (text: string, values?: readonly unknown[]) => Promise<QueryResultRow[]>;

/** Tombstones are kept this many days unless the import is told otherwise (EXPORT_DELETIONS_KEEP_DAYS). */
export const KEEP_DELETIONS_DAYS = 90;

/**
 * Sets the practice's current keys aside (a temporary table dropped at commit) and returns the instant
 * from which its deletions are known, to carry over the practice row's replacement.
 */
export async function rememberExportKeys(
  query: Query,
  ods: string,
): Promise<{ deletionsKnownFrom: Date | null }> {
  const [row] = await query('SELECT deletions_known_from FROM practice WHERE ods_code = $1', [ods]);
  await query(
    `CREATE TEMPORARY TABLE old_export_keys ON COMMIT DROP AS
       SELECT id AS patient_id, export_keys FROM patients
        WHERE practice_ods = $1 AND export_keys IS NOT NULL`,
    [ods],
  );
  return { deletionsKnownFrom: (row?.deletions_known_from as Date | null | undefined) ?? null };
}

/** Records what the load removed, forgets what it brought back, and purges old tombstones. */
export async function recordDeletions(query: Query, ods: string, keepDays: number): Promise<void> {
  // A resource in the record again is no longer deleted (same patient, same Type/id).
  await query(
    `DELETE FROM export_tombstone t USING patients n
      WHERE t.practice_ods = $1 AND n.practice_ods = $1 AND n.id = t.patient_id
        AND (t.resource_type || '/' || t.resource_id) = ANY (n.export_keys)`,
    [ods],
  );
  // Per patient, old keys minus new: a patient gone or no longer shared has no new keys at all.
  await query(
    `INSERT INTO export_tombstone
       (practice_ods, patient_id, resource_type, resource_id, existed_from, deleted_at)
     SELECT $1, o.patient_id, split_part(d.k, '/', 1), substr(d.k, strpos(d.k, '/') + 1),
            COALESCE(f.first_seen, '-infinity'), now()
       FROM old_export_keys o
       LEFT JOIN patients n ON n.practice_ods = $1 AND n.id = o.patient_id
       LEFT JOIN patient_first_seen f ON f.practice_ods = $1 AND f.patient_id = o.patient_id
       CROSS JOIN LATERAL (SELECT unnest(o.export_keys) EXCEPT SELECT unnest(n.export_keys)) AS d(k)
      ORDER BY o.patient_id, d.k`,
    [ods],
  );
  // Patients loaded for the first time (one index probe each; the others keep their first instant).
  await query(
    `INSERT INTO patient_first_seen (practice_ods, patient_id, first_seen)
     SELECT $1, id, now() FROM patients WHERE practice_ods = $1
     ON CONFLICT (practice_ods, patient_id) DO NOTHING`,
    [ods],
  );
  await query('DROP TABLE old_export_keys');
  // A `_since` before the newest purged tombstone could miss it: the practice says so from then on.
  await query(
    `WITH purged AS (
       DELETE FROM export_tombstone
        WHERE practice_ods = $1 AND deleted_at < now() - make_interval(days => $2::int)
        RETURNING deleted_at)
     UPDATE practice SET deletions_known_from = GREATEST(deletions_known_from, (SELECT max(deleted_at) FROM purged))
      WHERE ods_code = $1 AND EXISTS (SELECT 1 FROM purged)`,
    [ods, keepDays],
  );
}
