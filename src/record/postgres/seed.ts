/**
 * Loads one practice into PostgreSQL in one transaction, replacing that practice's content and
 * leaving every other practice untouched: each table in one statement per chunk of patients
 * (jsonb_populate_recordset), never a statement per item. Patients may come from a stream (a
 * practice file being read), so a large practice never sits in memory whole.
 */
import type { QueryResultRow } from 'pg';

import type { CalendarDate } from '../../fhir/dates';
import type { PatientData, PracticeDataset } from '../dataset';
import { allOn, type PracticeSettings } from '../practices';
import type { Database } from './database';
import { patientsRows, practiceRows, type Rows, TABLE_ORDER } from './rows';

const PATIENTS_PER_CHUNK = 250;

type Query = (text: string, values?: readonly unknown[]) => Promise<QueryResultRow[]>;

async function insertRows(query: Query, rows: Rows, ods: string): Promise<void> {
  for (const table of TABLE_ORDER) {
    const list = rows[table];
    if (list.length === 0 || table === 'practice') continue;
    for (const row of list) row.practice_ods = ods;
    await query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
      JSON.stringify(list),
    ]);
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
}

/** Replace one practice's content (its row, actors and patients); returns the patients loaded. */
export async function loadPractice(db: Database, load: PracticeLoad): Promise<number> {
  const { dataset, settings } = load;
  const ods = dataset.practice.odsCode;
  return db.transaction(async (query) => {
    // Two loaders of one practice at once take turns; other practices load side by side.
    await query('SELECT pg_advisory_xact_lock(hashtext($1))', [`practice:${ods}`]);
    await query('DELETE FROM practice WHERE ods_code = $1', [ods]);
    await query(
      `INSERT INTO practice (id, ods_code, detail, asid, gpc_enabled, structured_enabled, disabled_areas,
         documents_disabled, dates_relative_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
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
      ],
    );
    await insertRows(query, practiceRows(dataset), ods);
    let seq = 0;
    let chunk: PatientData[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      await insertRows(query, patientsRows(chunk, seq), ods);
      seq += chunk.length;
      chunk = [];
      load.progress?.(seq);
    };
    for (const source of [dataset.patients, load.more ?? []]) {
      for await (const patient of source) {
        chunk.push(patient);
        if (chunk.length >= PATIENTS_PER_CHUNK) await flush();
      }
    }
    await flush();
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
