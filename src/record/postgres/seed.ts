/**
 * Loads one practice into PostgreSQL in one transaction, replacing that practice's content and
 * leaving every other practice untouched: each table in one COPY per chunk of patients (at most one
 * statement per table per chunk, never a statement per item; docs/decisions.md D-IMPORT-COPY).
 * Patients may come from a stream (a practice file being read): at most two chunks are in memory,
 * the one the server is taking and the one being read, so a large practice never sits in memory
 * whole and reading overlaps the server's work.
 */
import type { CalendarDate } from '../../fhir/dates';
import type { PatientData, PracticeDataset } from '../dataset';
import { allOn, type PracticeSettings } from '../practices';
import { COLUMN_TYPES_SQL, columnTypesOf, copyData } from './copy-rows';
import type { CopyIn, Database } from './database';
import { patientsRows, practiceRows, type Rows, TABLE_ORDER } from './rows';
import { KEEP_DELETIONS_DAYS, recordDeletions, rememberExportKeys } from './tombstones';

const PATIENTS_PER_CHUNK = 250;

async function copyRows(
  copyIn: CopyIn,
  rows: Rows,
  ods: string,
  types: ReturnType<typeof columnTypesOf>,
): Promise<void> {
  for (const table of TABLE_ORDER) {
    const list = rows[table];
    if (list.length === 0 || table === 'practice') continue;
    for (const row of list) row.practice_ods = ods;
    const { statement, data } = copyData(table, list, types);
    await copyIn(statement, data);
  }
}

export interface PracticeLoad {
  /** The practice and its actors (its `patients` are loaded first, then `more`). */
  readonly dataset: PracticeDataset;
  readonly settings: PracticeSettings;
  /** The day the data's relative dates were resolved to, when the file had `datesRelativeTo`. */
  readonly datesRelativeTo?: CalendarDate;
  readonly more?: Iterable<PatientData> | AsyncIterable<PatientData>;
  /** Called after each chunk with the number of patients loaded so far. */
  readonly progress?: (patients: number) => void;
  /** How long the bulk export's record of deleted resources is kept (days; D-SD4). */
  readonly keepDeletionsDays?: number;
}

/** Replace one practice's content (its row, actors and patients); returns the patients loaded. */
export async function loadPractice(db: Database, load: PracticeLoad): Promise<number> {
  const { dataset, settings } = load;
  const ods = dataset.practice.odsCode;
  return db.transaction(async (query, copyIn) => {
    // Two loaders of one practice at once take turns; other practices load side by side.
    await query('SELECT pg_advisory_xact_lock(hashtext($1))', [`practice:${ods}`]);
    // The foreign-key checks of every row loaded are planned once per connection from the tables'
    // statistics; tables last analysed empty would get sequential-scan plans, and each row's check
    // would then read the whole growing table (quadratic). Their lookups are always by key.
    await query('SET LOCAL enable_seqscan = off');
    const previous = await rememberExportKeys(query, ods);
    await query('DELETE FROM practice WHERE ods_code = $1', [ods]);
    await query(
      `INSERT INTO practice (id, ods_code, detail, asid, gpc_enabled, structured_enabled, disabled_areas,
         documents_disabled, dates_relative_to, deletions_known_from)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        dataset.practice.id,
        ods,
        JSON.stringify(dataset.practice),
        settings.asid,
        settings.gpConnectEnabled,
        settings.structuredEnabled,
        settings.disabledAreas,
        settings.documentsDisabled,
        load.datesRelativeTo ?? null,
        previous.deletionsKnownFrom,
      ],
    );
    const types = columnTypesOf(
      (await query(COLUMN_TYPES_SQL)) as { table_name: string; column_name: string; data_type: string }[],
    );
    await copyRows(copyIn, practiceRows(dataset), ods, types);
    let seq = 0;
    let chunk: PatientData[] = [];
    // The chunk the server is taking while the next one is read; awaited before the next is sent.
    let sending: Promise<void> = Promise.resolve();
    const flush = async () => {
      if (chunk.length === 0) return;
      const rows = patientsRows(chunk, seq);
      seq += chunk.length;
      chunk = [];
      const loaded = seq;
      await sending;
      sending = copyRows(copyIn, rows, ods, types).then(() => load.progress?.(loaded));
      // Its failure is reported when it is awaited (next flush, or the end), never as unhandled.
      sending.catch(() => undefined);
    };
    try {
      for (const source of [dataset.patients, load.more ?? []]) {
        for await (const patient of source) {
          chunk.push(patient);
          if (chunk.length >= PATIENTS_PER_CHUNK) await flush();
        }
      }
      await flush();
    } finally {
      // A bad line (or a failed chunk) ends the load: let the chunk in flight settle before ROLLBACK.
      await sending.catch(() => undefined);
    }
    await sending;
    await recordDeletions(query, ods, load.keepDeletionsDays ?? KEEP_DELETIONS_DAYS);
    return seq;
  });
}

/** Settings for a dataset loaded without its own (tests, synthetic data): everything switched on. */
export const ALL_ON: PracticeSettings = allOn('200000000116');

/** Load a dataset (and more patients), replacing its practice: the test and benchmark entry point. */
export function seedDataset(
  db: Database,
  dataset: PracticeDataset,
  extraPatients: Iterable<PatientData> = [],
  settings: PracticeSettings = ALL_ON,
): Promise<number> {
  return loadPractice(db, { dataset, settings, more: extraPatients });
}
