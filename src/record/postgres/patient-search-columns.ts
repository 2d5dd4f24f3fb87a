/**
 * The patients table's search columns, computed by the shared directory code (normaliseName,
 * mayBeFound) so that SQL selects exactly the patients the in-memory store would.
 */
import type { QueryResultRow } from 'pg';

import type { Patient } from '../model/people';
import { mayBeFound, normaliseName } from '../patient-directory';

export interface PatientSearchColumns {
  readonly family_norm: string;
  readonly given_norm: string[];
  readonly birth_date: string;
  readonly findable: boolean;
}

export function patientSearchColumns(patient: Patient): PatientSearchColumns {
  return {
    family_norm: normaliseName(patient.name.family),
    given_norm: patient.name.given.map(normaliseName),
    birth_date: patient.birthDate,
    findable: mayBeFound(patient),
  };
}

/** One statement in the migration's transaction (migrations.ts MigrationQuery). */
type Query = (text: string, values?: readonly unknown[]) => Promise<QueryResultRow[]>;

const BATCH = 1000;

/** Fills the columns of patients loaded before migration 002, a batch at a time. */
export async function backfillPatientSearch(query: Query): Promise<void> {
  for (;;) {
    const rows = await query('SELECT id, detail FROM patients WHERE findable IS NULL LIMIT $1', [BATCH]);
    if (rows.length === 0) return;
    const values = rows.map((r) => ({ id: String(r.id), ...patientSearchColumns(r.detail as Patient) }));
    await query(
      `UPDATE patients p
         SET family_norm = v.family_norm, given_norm = v.given_norm, birth_date = v.birth_date,
             findable = v.findable
       FROM jsonb_to_recordset($1::jsonb)
         AS v(id text, family_norm text, given_norm text[], birth_date date, findable boolean)
       WHERE p.id = v.id`,
      [JSON.stringify(values)],
    );
  }
}
