/**
 * Loads a practice dataset into PostgreSQL, replacing what was there, in one transaction: each table
 * in one statement per chunk of patients (jsonb_populate_recordset), never a statement per item.
 */
import type { QueryResultRow } from 'pg';
import type { PatientData, PracticeDataset } from '../dataset';
import type { Database } from './database';
import { patientsRows, practiceRows, TABLE_ORDER, type Rows } from './rows';

const PATIENTS_PER_CHUNK = 250;

type Query = (text: string, values?: readonly unknown[]) => Promise<QueryResultRow[]>;

async function insertRows(query: Query, rows: Rows): Promise<void> {
  for (const table of TABLE_ORDER) {
    const list = rows[table];
    if (list.length === 0) continue;
    await query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [JSON.stringify(list)]);
  }
}

/** Replace the database's content with `dataset` (practice, actors, then patients in chunks). */
export async function seedDataset(db: Database, dataset: PracticeDataset, extraPatients: Iterable<PatientData> = []): Promise<number> {
  return db.transaction(async (query) => {
    await query(`TRUNCATE ${[...TABLE_ORDER].reverse().join(', ')} CASCADE`);
    await insertRows(query, practiceRows(dataset));
    let seq = 0;
    let chunk: PatientData[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      await insertRows(query, patientsRows(chunk, seq));
      seq += chunk.length;
      chunk = [];
    };
    // Two loops, not one spread: a generator of synthetic patients is streamed, never held whole.
    for (const source of [dataset.patients, extraPatients]) {
      for (const patient of source) {
        chunk.push(patient);
        if (chunk.length >= PATIENTS_PER_CHUNK) await flush();
      }
    }
    await flush();
    return seq;
  });
}
