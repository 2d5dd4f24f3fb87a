import type { QueryResultRow } from 'pg';

import { backfillExportKeys } from './export-keys';
import { backfillPatientSearch } from './patient-search-columns';

/**
 * The PostgreSQL schema, as ordered migrations (kept in TypeScript so a build carries them).
 *
 * Shape: one table per record area, keyed by the GP system's id, with foreign keys to the patient
 * and the actors, a `seq` column holding the record's own order, and a column for every value a
 * filter or a link needs (dates as the inclusive day span the shared filter code derives from partial
 * dates, statuses, flags), each indexed for the per-patient queries. The item itself, whose nested
 * detail (codings, dosage, structures, reference ranges) no query looks inside, is kept whole in a
 * `detail` column (json since 010, returned as stored), so the store returns exactly what the
 * in-memory store returns.
 */
export interface Migration {
  readonly version: string;
  readonly sql: string;
  /**
   * Work SQL cannot do, run in the same transaction after `sql`: filling derived columns of rows
   * already loaded with the shared TypeScript code that computes them at load time.
   */
  readonly after?: (query: MigrationQuery) => Promise<void>;
}

export type MigrationQuery = (text: string, values?: readonly unknown[]) => Promise<QueryResultRow[]>;

/** The per-patient item tables: key columns every clinical area shares. */
const itemTable = (name: string, extra: string) => `
CREATE TABLE ${name} (
  id              text PRIMARY KEY,
  patient_id      text NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  seq             integer NOT NULL,
  recorded        timestamptz NOT NULL,
  recorder_id     text NOT NULL REFERENCES practitioners(id),
  consultation_id text,
  confidential    boolean NOT NULL DEFAULT false,
  ${extra}
  detail          jsonb NOT NULL,
  UNIQUE (patient_id, seq)
);`;

/** Tables holding one practice's data, besides `practice` itself. */
const ACTOR_TABLES = ['organisations', 'practitioners', 'locations', 'healthcare_services', 'devices'];
const ITEM_TABLES = [
  'allergies',
  'medication_plans',
  'problems',
  'consultations',
  'immunisations',
  'immunisation_statuses',
  'observations',
  'investigations',
  'referrals',
  'diary_entries',
  'documents',
];
const PATIENT_TABLES = [
  'patients',
  ...ITEM_TABLES,
  'medication_issues',
  'topic_problem_links',
  'withheld_items',
];

/** The per-patient indexes of 001, now led by the practice. */
const INDEXES: readonly [string, string, string][] = [
  ['allergies_patient', 'allergies', 'patient_id, resolved'],
  ['medication_plans_patient', 'medication_plans', 'patient_id, active_hi'],
  ['medication_issues_patient', 'medication_issues', 'patient_id'],
  ['problems_patient', 'problems', 'patient_id'],
  ['consultations_patient', 'consultations', 'patient_id, start_lo'],
  ['immunisations_patient', 'immunisations', 'patient_id, not_given'],
  ['immunisation_statuses_patient', 'immunisation_statuses', 'patient_id'],
  ['observations_patient', 'observations', 'patient_id, span_lo, span_hi'],
  ['investigations_patient', 'investigations', 'patient_id, issued_on'],
  ['referrals_patient', 'referrals', 'patient_id, span_lo, span_hi'],
  ['diary_entries_patient', 'diary_entries', 'patient_id, planned_lo'],
  ['documents_patient', 'documents', 'patient_id'],
];

/**
 * 002: many practices in one database. Every table gains `practice_ods` (filled, for a database of
 * the one-practice release, with the ODS code of the practice it holds), every key and index is led by
 * it, and every foreign key stays inside one practice. The practice row gains its settings; a
 * migrated practice's switches are off (a real practice's switches ship disabled) and its ASID is
 * the one-practice release's default until `gpc-admin practice set` changes it.
 */
function manyPractices(): string {
  const all = [...ACTOR_TABLES, ...PATIENT_TABLES];
  const ods = '(SELECT ods_code FROM practice ORDER BY ods_code LIMIT 1)';
  const fk = (table: string, cols: string, target: string, targetCols: string, cascade = true) =>
    `ALTER TABLE ${table} ADD FOREIGN KEY (practice_ods, ${cols}) REFERENCES ${target} (practice_ods, ${targetCols})${cascade ? ' ON DELETE CASCADE' : ''};`;
  return `
DO $$ DECLARE r record; BEGIN
  IF (SELECT count(*) FROM practice) > 1 THEN RAISE EXCEPTION 'more than one practice row: cannot tell whose data it is'; END IF;
  FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
           WHERE contype = 'f' AND connamespace = 'public'::regnamespace LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname);
  END LOOP;
  FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
           WHERE contype IN ('p', 'u') AND connamespace = 'public'::regnamespace
             AND conrelid::regclass::text <> 'schema_migrations' LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname);
  END LOOP;
END $$;
${INDEXES.map(([name]) => `DROP INDEX IF EXISTS ${name};`).join('\n')}
DROP INDEX IF EXISTS confidential_allergies;

ALTER TABLE practice
  ADD COLUMN asid text NOT NULL DEFAULT '200000000116' CHECK (asid ~ '^[0-9]{1,12}$'),
  ADD COLUMN gpc_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN structured_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN disabled_areas text[] NOT NULL DEFAULT '{}',
  ADD COLUMN documents_disabled boolean NOT NULL DEFAULT false,
  -- Set when the file imported had datesRelativeTo: the day its dates were shifted to (export writes it back).
  ADD COLUMN dates_relative_to date,
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE practice ADD PRIMARY KEY (ods_code);

${all
  .map(
    (t) => `ALTER TABLE ${t} ADD COLUMN practice_ods text;
UPDATE ${t} SET practice_ods = ${ods};
ALTER TABLE ${t} ALTER COLUMN practice_ods SET NOT NULL;
ALTER TABLE ${t} ADD FOREIGN KEY (practice_ods) REFERENCES practice (ods_code) ON DELETE CASCADE;`,
  )
  .join('\n')}

${ACTOR_TABLES.map((t) => `ALTER TABLE ${t} ADD PRIMARY KEY (practice_ods, id);`).join('\n')}
ALTER TABLE patients ADD PRIMARY KEY (practice_ods, id);
ALTER TABLE patients ADD UNIQUE (practice_ods, seq);
ALTER TABLE patients ADD UNIQUE (practice_ods, nhs_number);
${fk('patients', 'usual_gp_id', 'practitioners', 'id', false)}
${ITEM_TABLES.map(
  (t) => `ALTER TABLE ${t} ADD PRIMARY KEY (practice_ods, id);
ALTER TABLE ${t} ADD UNIQUE (practice_ods, patient_id, seq);
${fk(t, 'patient_id', 'patients', 'id')}
${fk(t, 'recorder_id', 'practitioners', 'id', false)}`,
).join('\n')}
ALTER TABLE medication_issues ADD PRIMARY KEY (practice_ods, id);
ALTER TABLE medication_issues ADD UNIQUE (practice_ods, plan_id, seq);
${fk('medication_issues', 'plan_id', 'medication_plans', 'id')}
${fk('medication_issues', 'patient_id', 'patients', 'id')}
ALTER TABLE topic_problem_links ADD PRIMARY KEY (practice_ods, patient_id, seq);
${fk('topic_problem_links', 'patient_id', 'patients', 'id')}
${fk('topic_problem_links', 'consultation_id', 'consultations', 'id')}
${fk('topic_problem_links', 'problem_id', 'problems', 'id')}
ALTER TABLE withheld_items ADD PRIMARY KEY (practice_ods, patient_id, seq);
${fk('withheld_items', 'patient_id', 'patients', 'id')}

${INDEXES.map(([name, table, cols]) => `CREATE INDEX ${name} ON ${table} (practice_ods, ${cols});`).join('\n')}
CREATE INDEX confidential_allergies ON allergies (practice_ods, patient_id) WHERE confidential;

-- The audit trail of settings changes (gpc-admin practice …): kept when a practice is re-imported.
CREATE TABLE practice_changes (
  seq         bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  ods_code    text NOT NULL,
  changed_by  text NOT NULL,
  command     text NOT NULL,
  before      jsonb,
  after       jsonb NOT NULL
);
`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: '001_clinical_record',
    sql: `
CREATE TABLE practice (
  id        text PRIMARY KEY,
  ods_code  text NOT NULL UNIQUE,
  detail    jsonb NOT NULL
);
CREATE TABLE organisations (
  id        text PRIMARY KEY,
  ods_code  text NOT NULL,
  detail    jsonb NOT NULL
);
CREATE TABLE practitioners (
  id          text PRIMARY KEY,
  sds_user_id text,
  detail      jsonb NOT NULL
);
CREATE TABLE locations (
  id                         text PRIMARY KEY,
  managing_organisation_id   text,
  detail                     jsonb NOT NULL
);
CREATE TABLE healthcare_services (
  id                          text PRIMARY KEY,
  provided_by_organisation_id text,
  detail                      jsonb NOT NULL
);
CREATE TABLE devices (
  id      text PRIMARY KEY,
  detail  jsonb NOT NULL
);
CREATE TABLE patients (
  id            text PRIMARY KEY,
  seq           integer NOT NULL UNIQUE,
  nhs_number    char(10) NOT NULL UNIQUE,
  usual_gp_id   text REFERENCES practitioners(id),
  detail        jsonb NOT NULL
);
${itemTable('allergies', 'resolved boolean NOT NULL,')}
${itemTable(
  'medication_plans',
  `
  -- The span in which the plan is active (filters.medicationActiveSpan); NULL hi: ongoing; both NULL: undated.
  active_lo date, active_hi date,
  exempt_from_date boolean NOT NULL,`,
)}
CREATE TABLE medication_issues (
  id          text PRIMARY KEY,
  plan_id     text NOT NULL REFERENCES medication_plans(id) ON DELETE CASCADE,
  patient_id  text NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  confidential boolean NOT NULL DEFAULT false,
  detail      jsonb NOT NULL,
  UNIQUE (plan_id, seq)
);
${itemTable('problems', `status text NOT NULL, significance text NOT NULL,`)}
${itemTable(
  'consultations',
  `
  -- filters.consultationInPeriod: the start's latest day and the end's earliest day; NULL: undated.
  start_lo date, start_hi date, end_lo date,
  has_content boolean NOT NULL,`,
)}
-- Derived at load by the shared record code (memory-source topicLinksOf / withheldItemsOf), so both
-- stores hand the assembly the same link hub.
CREATE TABLE topic_problem_links (
  patient_id      text NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  seq             integer NOT NULL,
  consultation_id text NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
  problem_id      text NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
  refs            jsonb NOT NULL,
  PRIMARY KEY (patient_id, seq)
);
CREATE TABLE withheld_items (
  patient_id  text NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  kind        text NOT NULL,
  item_id     text NOT NULL,
  reason      text NOT NULL CHECK (reason IN ('confidential', 'enteredInError')),
  PRIMARY KEY (patient_id, seq)
);
${itemTable('immunisations', 'not_given boolean NOT NULL,')}
${itemTable('immunisation_statuses', 'entered_in_error boolean NOT NULL,')}
${itemTable('observations', 'span_lo date, span_hi date,')}
${itemTable('investigations', 'issued_on date NOT NULL, any_part_confidential boolean NOT NULL,')}
${itemTable('referrals', 'span_lo date, span_hi date, entered_in_error boolean NOT NULL,')}
${itemTable('diary_entries', 'planned_lo date, incomplete boolean NOT NULL,')}
${itemTable('documents', '')}

CREATE INDEX allergies_patient ON allergies (patient_id, resolved);
CREATE INDEX medication_plans_patient ON medication_plans (patient_id, active_hi);
CREATE INDEX medication_issues_patient ON medication_issues (patient_id);
CREATE INDEX problems_patient ON problems (patient_id);
CREATE INDEX consultations_patient ON consultations (patient_id, start_lo);
CREATE INDEX immunisations_patient ON immunisations (patient_id, not_given);
CREATE INDEX immunisation_statuses_patient ON immunisation_statuses (patient_id);
CREATE INDEX observations_patient ON observations (patient_id, span_lo, span_hi);
CREATE INDEX investigations_patient ON investigations (patient_id, issued_on);
CREATE INDEX referrals_patient ON referrals (patient_id, span_lo, span_hi);
CREATE INDEX diary_entries_patient ON diary_entries (patient_id, planned_lo);
CREATE INDEX documents_patient ON documents (patient_id);
CREATE INDEX confidential_allergies ON allergies (patient_id) WHERE confidential;
`,
  },
  {
    // The patient directory (Foundations search and the demographic search): normalised names in
    // code-unit order ("C"), so a name prefix is an index range scan and both stores sort alike.
    version: '002_patient_search',
    sql: `
ALTER TABLE patients
  ADD COLUMN family_norm text COLLATE "C",
  ADD COLUMN given_norm  text[] COLLATE "C",
  ADD COLUMN birth_date  date,
  ADD COLUMN findable    boolean;
CREATE INDEX patients_family_birth ON patients (family_norm, birth_date) WHERE findable;
CREATE INDEX patients_birth ON patients (birth_date) WHERE findable;
`,
    after: backfillPatientSearch,
  },
  {
    // After 002_patient_search: every key and index scoped by practice, the search indexes too.
    version: '003_many_practices',
    sql: `${manyPractices()}
DROP INDEX IF EXISTS patients_family_birth;
DROP INDEX IF EXISTS patients_birth;
CREATE INDEX patients_family_birth ON patients (practice_ods, family_norm, birth_date) WHERE findable;
CREATE INDEX patients_birth ON patients (practice_ods, birth_date) WHERE findable;
`,
  },
  {
    // AUDIT_SINK=postgres (src/ops/postgres-audit.ts, D-S1): every instance's records in one chain.
    // `line` is the record exactly as hashed (with its hash), so verification needs no re-encoding;
    // the head row is what each append transaction locks, so instances take turns.
    version: '004_audit_trail',
    sql: `
CREATE TABLE audit_trail (
  seq      bigint PRIMARY KEY,
  instance text NOT NULL,
  line     text NOT NULL,
  hash     char(64) NOT NULL
);
CREATE TABLE audit_chain_head (
  one  boolean PRIMARY KEY DEFAULT true CHECK (one),
  seq  bigint NOT NULL,
  hash char(64) NOT NULL
);
INSERT INTO audit_chain_head (one, seq, hash) VALUES (true, 0, '${'0'.repeat(64)}');
-- Append-only: a record once written is never changed or removed by the service's own statements.
CREATE FUNCTION audit_trail_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE ON audit_trail
  FOR EACH ROW EXECUTE FUNCTION audit_trail_append_only();
`,
  },
  {
    // Bulk export (docs/decisions.md D-B4, D-B6): the jobs, shared by every process over this database,
    // and the instant an item without its own lastUpdated counts as changed (the practice's import).
    version: '005_bulk_export',
    sql: `
ALTER TABLE practice ADD COLUMN imported_at timestamptz NOT NULL DEFAULT now();
CREATE TABLE export_job (
  id               text PRIMARY KEY,
  practice_ods     text NOT NULL,
  consumer_asid    text NOT NULL,
  request          jsonb NOT NULL,
  transaction_time timestamptz NOT NULL,
  state            text NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed')),
  owner            text,
  heartbeat_at     timestamptz,
  attempts         integer NOT NULL DEFAULT 0,
  total            integer,
  done             integer NOT NULL DEFAULT 0,
  files            jsonb NOT NULL DEFAULT '[]'::jsonb,
  error            text,
  expires_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX export_job_unfinished ON export_job (created_at) WHERE state IN ('queued', 'running');
CREATE INDEX export_job_expiry ON export_job (expires_at) WHERE expires_at IS NOT NULL;
`,
  },
  {
    // Replacing a practice (docs/decisions.md D-CL1): `DELETE FROM practice` cascades row by row, and
    // each row deleted checks every foreign key that references it. A key with no index led by its
    // columns makes each check scan the practice's rows: quadratic in the practice's size. These are
    // all such keys (test/postgres/cascade-indexes.test.ts finds any new one from the catalog).
    version: '006_cascade_indexes',
    sql: `
CREATE INDEX topic_problem_links_consultation ON topic_problem_links (practice_ods, consultation_id);
CREATE INDEX topic_problem_links_problem ON topic_problem_links (practice_ods, problem_id);
CREATE INDEX patients_usual_gp ON patients (practice_ods, usual_gp_id);
${ITEM_TABLES.map((t) => `CREATE INDEX ${t}_recorder ON ${t} (practice_ods, recorder_id);`).join('\n')}
`,
  },
  {
    // EXPORT_STORAGE=database (docs/decisions.md D-ES1, D-ES2): a job's files as chunks beside the job,
    // so every instance over this database serves every file. `export_file` is written when a file is
    // complete; `owner` is the run that wrote a row, so a run discards only its own.
    version: '007_export_files',
    sql: `
CREATE TABLE export_file (
  job_id text NOT NULL REFERENCES export_job (id) ON DELETE CASCADE,
  name   text NOT NULL,
  owner  text NOT NULL,
  bytes  bigint NOT NULL,
  chunks integer NOT NULL,
  PRIMARY KEY (job_id, name)
);
CREATE TABLE export_file_chunk (
  job_id text NOT NULL REFERENCES export_job (id) ON DELETE CASCADE,
  name   text NOT NULL,
  seq    integer NOT NULL,
  owner  text NOT NULL,
  data   bytea NOT NULL,
  PRIMARY KEY (job_id, name, seq)
);
`,
  },
  {
    // Bulk export deletions (docs/decisions.md D-SD1 to D-SD5): each patient's exported resources as
    // `Type/id` keys (computed at load by src/record/exported-resources.ts), when each patient was first
    // loaded, and what an import removed (old keys minus new, in the import's transaction). No foreign
    // key to the practice: an import deletes and re-inserts the practice row, and these must outlive
    // that. deletions_known_from: a `_since` before it may miss deletions (before this migration, or
    // purged). Patients already loaded count as always there ('-infinity').
    version: '008_export_tombstones',
    sql: `
ALTER TABLE patients ADD COLUMN export_keys text[];
ALTER TABLE practice ADD COLUMN deletions_known_from timestamptz;
UPDATE practice SET deletions_known_from = now();
CREATE TABLE patient_first_seen (
  practice_ods text NOT NULL,
  patient_id   text NOT NULL,
  first_seen   timestamptz NOT NULL,
  PRIMARY KEY (practice_ods, patient_id)
);
INSERT INTO patient_first_seen (practice_ods, patient_id, first_seen)
  SELECT practice_ods, id, '-infinity' FROM patients;
CREATE TABLE export_tombstone (
  seq           bigserial PRIMARY KEY,
  practice_ods  text NOT NULL,
  patient_id    text NOT NULL,
  resource_type text NOT NULL,
  resource_id   text NOT NULL,
  -- When the patient was first loaded: a consumer whose _since is earlier never had the resource.
  existed_from  timestamptz NOT NULL,
  deleted_at    timestamptz NOT NULL
);
CREATE INDEX export_tombstone_practice ON export_tombstone (practice_ods, seq);
CREATE INDEX export_tombstone_age ON export_tombstone (practice_ods, deleted_at);
`,
    after: backfillExportKeys,
  },
  {
    // A plan is stored with its issues in `detail`, as it is read (docs/decisions.md D-PC1): the reads
    // select it alone instead of aggregating the issues into a new document per request. The issue rows
    // stay for the lookups by issue id.
    version: '009_plan_issues_in_detail',
    sql: `
UPDATE medication_plans p SET detail = p.detail || jsonb_build_object('issues', COALESCE(
  (SELECT jsonb_agg(i.detail ORDER BY i.seq) FROM medication_issues i
    WHERE i.practice_ods = p.practice_ods AND i.plan_id = p.id), '[]'::jsonb));
`,
  },
  {
    // The items' detail as json, returned as stored (docs/decisions.md D-PC2): jsonb printed every
    // item back to text on every read, the largest part of the server's CPU per request. No query
    // looks inside an item's detail; the actors, patients and practice keep jsonb.
    version: '010_item_detail_json',
    sql: ITEM_TABLES.map((t) => `ALTER TABLE ${t} ALTER COLUMN detail TYPE json USING detail::json;`).join(
      '\n',
    ),
  },
  {
    // The practice's version (docs/decisions.md D-PI4): a new number from one sequence whenever its row
    // or any row of its actors changes, however written (an import, a settings change, SQL by hand).
    // The service keeps the actors it read under a version and reads them again only once it moved.
    version: '011_practice_version',
    sql: `
CREATE SEQUENCE practice_version;
ALTER TABLE practice ADD COLUMN version bigint NOT NULL DEFAULT nextval('practice_version');
CREATE FUNCTION practice_new_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := nextval('practice_version');
  RETURN NEW;
END $$;
CREATE TRIGGER practice_version BEFORE UPDATE ON practice
  FOR EACH ROW EXECUTE FUNCTION practice_new_version();
-- Statement-level, over the rows changed: an import's COPY of thousands of actors costs one update.
CREATE FUNCTION practice_actors_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE practice SET version = 0 WHERE ods_code IN (SELECT practice_ods FROM new_rows);
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE practice SET version = 0
      WHERE ods_code IN (SELECT practice_ods FROM new_rows UNION SELECT practice_ods FROM old_rows);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE practice SET version = 0 WHERE ods_code IN (SELECT practice_ods FROM old_rows);
  ELSE
    UPDATE practice SET version = 0;
  END IF;
  RETURN NULL;
END $$;
${ACTOR_TABLES.map(
  (t) => `CREATE TRIGGER ${t}_inserted AFTER INSERT ON ${t} REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION practice_actors_changed();
CREATE TRIGGER ${t}_updated AFTER UPDATE ON ${t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION practice_actors_changed();
CREATE TRIGGER ${t}_deleted AFTER DELETE ON ${t} REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION practice_actors_changed();
CREATE TRIGGER ${t}_truncated AFTER TRUNCATE ON ${t}
  FOR EACH STATEMENT EXECUTE FUNCTION practice_actors_changed();`,
).join('\n')}
`,
  },
];
