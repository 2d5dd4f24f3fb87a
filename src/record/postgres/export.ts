/**
 * Writes one practice of a PostgreSQL database as a practice file (docs/data-format.md): the header
 * from the practice row and its actors, then its patients in their order, a page at a time (a fixed
 * number of statements per page), so a large practice is never held in memory whole. The stored
 * items are the domain model itself (`detail`), so the file reads back to the same record.
 */
import type { QueryResultRow } from 'pg';

import type { CalendarDate } from '../../fhir/dates';
import { headerOf, patientLine } from '../../format/practice-file';
import type { PatientData } from '../dataset';
import type { PatientClinicalRecord } from '../model';
import type {
  Device,
  HealthcareService,
  Location,
  Organisation,
  Patient,
  Practice,
  Practitioner,
} from '../model/people';
import { CLINICAL_AREAS, type PracticeSettings } from '../practices';
import type { Database } from './database';
import { AREA_TABLE } from './rows';

const PAGE = 500;

interface PracticeRow {
  detail: Practice;
  asid: string;
  gpc_enabled: boolean;
  structured_enabled: boolean;
  disabled_areas: string[];
  documents_disabled: boolean;
  dates_relative_to: string | null;
}

/** Every line of the practice's file, in order; throws when the database holds no such practice. */
export async function* exportPractice(db: Database, odsCode: string): AsyncGenerator<string> {
  const [row] = await db.query<PracticeRow>(
    `SELECT detail, asid, gpc_enabled, structured_enabled, disabled_areas, documents_disabled,
       to_char(dates_relative_to, 'YYYY-MM-DD') AS dates_relative_to FROM practice WHERE ods_code = $1`,
    [odsCode],
  );
  if (!row) throw new Error(`the database holds no practice ${odsCode}`);
  const actors = async <T>(table: string) =>
    (
      await db.query<{ detail: T }>(`SELECT detail FROM ${table} WHERE practice_ods = $1 ORDER BY id`, [
        odsCode,
      ])
    ).map((r) => r.detail);
  const settings: PracticeSettings = {
    asid: row.asid,
    gpConnectEnabled: row.gpc_enabled,
    structuredEnabled: row.structured_enabled,
    disabledAreas: CLINICAL_AREAS.filter((a) => row.disabled_areas.includes(a)),
    documentsDisabled: row.documents_disabled,
  };
  const header = headerOf(
    {
      practice: row.detail,
      practitioners: await actors<Practitioner>('practitioners'),
      organisations: await actors<Organisation>('organisations'),
      locations: await actors<Location>('locations'),
      healthcareServices: await actors<HealthcareService>('healthcare_services'),
      devices: await actors<Device>('devices'),
    },
    settings,
    (row.dates_relative_to ?? undefined) as CalendarDate | undefined,
  );
  yield JSON.stringify(header);
  let after = -1;
  for (;;) {
    const patients = await db.query<{ seq: number; id: string; detail: Patient }>(
      'SELECT seq, id, detail FROM patients WHERE practice_ods = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [odsCode, after, PAGE],
    );
    if (patients.length === 0) return;
    const records = await recordsOf(
      (text, values) => db.query(text, values),
      odsCode,
      patients.map((p) => p.id),
    );
    for (const p of patients)
      yield patientLine({ patient: p.detail, record: records.get(p.id) ?? {} } satisfies PatientData);
    after = patients[patients.length - 1].seq;
  }
}

/** One statement (a pool's or a transaction's). */
export type RecordsQuery = (text: string, values: readonly unknown[]) => Promise<QueryResultRow[]>;

/**
 * The clinical records of some patients: every area in one statement, items in their own order.
 * `issuesFromTable`: each plan's issues read from medication_issues, for migration 008's backfill,
 * which runs before 009 puts them into the plan's detail (also right after it: they replace the same
 * issues; every detail is then read as jsonb, whatever the column's type).
 */
export async function recordsOf(
  query: RecordsQuery,
  odsCode: string,
  ids: string[],
  options: { readonly issuesFromTable?: boolean } = {},
): Promise<Map<string, PatientClinicalRecord>> {
  const fromTable = options.issuesFromTable === true;
  const parts = Object.entries(AREA_TABLE).map(([area, table]) => {
    const detail = !fromTable
      ? 'p.detail'
      : area === 'medication'
        ? `p.detail::jsonb || jsonb_build_object('issues', COALESCE((SELECT jsonb_agg(i.detail ORDER BY i.seq) FROM medication_issues i
             WHERE i.practice_ods = p.practice_ods AND i.plan_id = p.id), '[]'::jsonb))`
        : 'p.detail::jsonb';
    return `SELECT '${area}'::text AS area, p.patient_id, p.seq, ${detail} AS detail FROM ${table} p
      WHERE p.practice_ods = $1 AND p.patient_id = ANY($2::text[])`;
  });
  const rows = (await query(`${parts.join('\nUNION ALL\n')} ORDER BY patient_id, area, seq`, [
    odsCode,
    ids,
  ])) as { area: string; patient_id: string; seq: number; detail: unknown }[];
  const records = new Map<string, Record<string, unknown[]>>();
  for (const r of rows) {
    let record = records.get(r.patient_id);
    if (!record) records.set(r.patient_id, (record = {}));
    (record[r.area] ??= []).push(r.detail);
  }
  return records;
}
