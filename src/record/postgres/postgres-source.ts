/**
 * The PostgreSQL store's bulk reads (RecordSource). Every read is ONE statement, whatever the record's
 * size: the request's candidates of all areas in one UNION ALL with the filters pushed down to the
 * indexed columns, items by reference in one statement per round, actors in one. The shared assembly
 * code re-applies the exact predicates, so SQL only ever needs to return a superset.
 */
import type { StructuredQuery } from '../../contract/structured-query';
import { expandActors } from '../expand-actors';
import type { ActorIds, AreaItem, RecordArea } from '../item-refs';
import { KIND_AREA, RECORD_AREAS } from '../item-refs';
import type { ItemRef } from '../model';
import type {
  Device,
  HealthcareService,
  Location,
  Organisation,
  Patient,
  Practice,
  Practitioner,
} from '../model/people';
import type { PatientCriteria } from '../patient-directory';
import type {
  Actors,
  CandidateRound,
  DeletedResource,
  FirstRound,
  PatientRefs,
  Placed,
  PlacedItems,
  PlacedPatient,
  RecordSource,
  TopicLink,
  WithheldItem,
} from '../source';
import type { Database } from './database';
import type { DetailCache } from './detail-cache';
import { AREA_TABLE } from './rows';

/** An item's row: its id, and its stored document as text, parsed by the source (its DetailCache). */
interface ItemRow {
  area: RecordArea;
  seq: number;
  id: string;
  detail: string;
}

/**
 * Parses a stored document: the row of `table` (an area, an actor kind, `patient`, `practice`) with
 * this id, through the source's DetailCache, or afresh where nothing is shared.
 */
type ParseDetail = <T>(table: string, id: string, text: string) => T;

/** The `area` of the practice's row in item round 1's statement (loadCandidates). */
const PRACTICE_ROW = 'practice';
/** The `area` of the patient's row in findPatientWithCandidates's statement. */
const PATIENT_ROW = 'patient';
/** The `kind` of the row of loadActors's statement that gives the practice's version (in `id`). */
const VERSION_ROW = 'version';

const parseAfresh: ParseDetail = <T>(_table: string, _id: string, text: string) => JSON.parse(text) as T;

/**
 * The link hub's rows as json documents (sent as text, like the items), keys in the order jsonb gave
 * them before D-PC2 (shorter keys first), so the objects handed to the assembly are unchanged:
 * json_build_object prints its arguments as given, with no jsonb document built and printed back.
 */
const TOPIC_LINK_DETAIL = `json_build_object('refs', refs, 'problemId', problem_id, 'consultationId', consultation_id)::text`;
const WITHHELD_DETAIL = `json_build_object('ref', json_build_object('id', item_id, 'kind', kind), 'reason', reason)::text`;

/**
 * One patient ($2 a patient id), one patient by NHS number ($2 the number, the patient's id read by the
 * statement's CTE `pt`, D-PI3), or a batch of them for the bulk export ($2 an array of patient ids;
 * every row then says whose it is).
 */
type Scope = 'patient' | 'nhs' | 'batch';

/** The patient id a row of one patient must have, by scope (a batch's rows: any of $2). */
const PATIENT_ID: Readonly<Record<Exclude<Scope, 'batch'>, string>> = {
  patient: '$2',
  nhs: '(SELECT id FROM pt)',
};

/** The statement's patient row, by NHS number ($2): one lookup, read by every part through `pt`. */
const PATIENT_BY_NHS_CTE =
  'WITH pt AS (SELECT id, detail FROM patients WHERE practice_ods = $1 AND nhs_number = $2)';

function selectArea(area: RecordArea, where: string): string {
  return selectAreaIn(area, where, 'patient');
}

function selectAreaIn(area: RecordArea, where: string, scope: Scope): string {
  const table = AREA_TABLE[area];
  const whose = scope === 'batch' ? 'p.patient_id = ANY($2::text[])' : `p.patient_id = ${PATIENT_ID[scope]}`;
  const owner = scope === 'batch' ? 'p.patient_id, ' : '';
  return `SELECT '${area}'::text AS area, ${owner}p.seq, p.id, p.detail::text AS detail FROM ${table} p WHERE p.practice_ods = $1 AND ${whose} AND (${where})`;
}

/** Collects positional parameters for one statement: $1 is always the practice, $2 the patient if any. */
class Params {
  readonly values: unknown[] = [];
  constructor(odsCode: string, patientId?: string | readonly string[]) {
    this.values.push(odsCode);
    if (patientId !== undefined) this.values.push(patientId);
  }
  add(value: unknown, cast: string): string {
    this.values.push(value ?? null);
    return `$${this.values.length}::${cast}`;
  }
}

/** docs/decisions.md "Partial dates" overlap of a stored [lo, hi] span with a window; an undated row (lo
 * NULL) always qualifies. */
function overlapSql(p: Params, window: { start?: string; end?: string } | undefined): string {
  if (!window) return 'true';
  const start = p.add(window.start, 'date');
  const end = p.add(window.end, 'date');
  return `p.span_lo IS NULL OR ((${start} IS NULL OR p.span_hi IS NULL OR p.span_hi >= ${start}) AND (${end} IS NULL OR p.span_lo <= ${end}))`;
}

function candidateSql(query: StructuredQuery, p: Params, scope: Scope = 'patient'): string[] {
  const selectArea = (area: RecordArea, where: string) => selectAreaIn(area, where, scope);
  const parts: string[] = [selectArea('problems', 'true')];
  if (query.allergies)
    parts.push(selectArea('allergies', query.allergies.includeResolved ? 'true' : 'NOT p.resolved'));
  if (query.medication) {
    const from = p.add(query.medication.searchFromDate, 'date');
    parts.push(
      selectArea(
        'medication',
        `${from} IS NULL OR p.exempt_from_date OR p.active_lo IS NULL OR p.active_hi IS NULL OR p.active_hi >= ${from}`,
      ),
    );
  }
  if (query.consultations) {
    const { mostRecent, searchPeriod } = query.consultations;
    if (mostRecent !== undefined) {
      // Every undated one, and every dated one on or after the N-th latest start day (ties included).
      const n = p.add(mostRecent, 'integer');
      parts.push(
        selectArea(
          'consultations',
          `p.has_content AND (p.start_lo IS NULL OR p.start_lo >= COALESCE((
        SELECT c.start_lo FROM consultations c WHERE c.practice_ods = $1 AND c.patient_id = ${scope === 'batch' ? 'p.patient_id' : PATIENT_ID[scope]} AND c.has_content AND c.start_lo IS NOT NULL
        ORDER BY c.start_lo DESC OFFSET ${n} - 1 LIMIT 1), '-infinity'::date))`,
        ),
      );
    } else {
      const start = p.add(searchPeriod?.start, 'date');
      const end = p.add(searchPeriod?.end, 'date');
      parts.push(
        selectArea(
          'consultations',
          `p.has_content AND (p.start_lo IS NULL OR (
        (${start} IS NULL OR p.start_hi >= ${start}) AND (${end} IS NULL OR p.end_lo <= ${end})))`,
        ),
      );
    }
  }
  if (query.immunisations) {
    parts.push(selectArea('immunisations', query.immunisations.includeNotGiven ? 'true' : 'NOT p.not_given'));
    if (query.immunisations.includeStatus)
      parts.push(selectArea('immunisationStatuses', 'NOT p.entered_in_error'));
  }
  if (query.uncategorisedData)
    parts.push(selectArea('uncategorisedData', overlapSql(p, query.uncategorisedData.searchPeriod)));
  if (query.investigations) {
    const w = query.investigations.searchPeriod;
    const start = p.add(w?.start, 'date');
    const end = p.add(w?.end, 'date');
    parts.push(
      selectArea(
        'investigations',
        `(${start} IS NULL OR p.issued_on >= ${start}) AND (${end} IS NULL OR p.issued_on <= ${end})`,
      ),
    );
  }
  if (query.referrals)
    parts.push(
      selectArea('referrals', `NOT p.entered_in_error AND (${overlapSql(p, query.referrals.searchPeriod)})`),
    );
  if (query.diaryEntries) {
    const date = p.add(query.diaryEntries.searchDate, 'date');
    parts.push(
      selectArea(
        'diaryEntries',
        `p.incomplete AND (p.planned_lo IS NULL OR ${date} IS NULL OR p.planned_lo <= ${date})`,
      ),
    );
  }
  return parts;
}

/**
 * Item round 1 of one patient (by id or, through `pt`, by NHS number): the candidates, the link hub's
 * rows and the practice's row (its version in `id`, D-PI4), one UNION ALL (the practice rides along:
 * a round trip costs the service a socket write and a wake-up of the server, more than the row itself).
 */
function firstRoundSql(query: StructuredQuery, p: Params, scope: Exclude<Scope, 'batch'>): string {
  const whose = `patient_id = ${PATIENT_ID[scope]}`;
  const hub = `
      SELECT 'topicLink'::text AS area, seq, NULL::text AS id, ${TOPIC_LINK_DETAIL} AS detail
        FROM topic_problem_links WHERE practice_ods = $1 AND ${whose}
      UNION ALL
      SELECT 'withheld'::text, seq, NULL::text, ${WITHHELD_DETAIL}
        FROM withheld_items WHERE practice_ods = $1 AND ${whose}
      UNION ALL
      SELECT '${PRACTICE_ROW}'::text, 0, version::text, detail::text FROM practice WHERE ods_code = $1`;
  return [...candidateSql(query, p, scope), hub].join('\nUNION ALL\n');
}

/**
 * A row of item round 1: a candidate item, or a row of the link hub (a topic link, a withheld item);
 * each document as text (one UNION ALL: one column type).
 */
interface HubOrItemRow {
  area: string;
  seq: number;
  /** An item's id; null for the hub's rows. */
  id: string | null;
  detail: string;
}

/** Item round 1's rows (of one patient) → the round. */
function candidateRound(rows: readonly HubOrItemRow[], parse: ParseDetail): CandidateRound {
  const hubRows = rows
    .filter((r) => r.area === 'topicLink' || r.area === 'withheld')
    .sort((a, b) => a.seq - b.seq);
  const { items, problems } = placeRows(
    rows.filter((r) => r.area !== 'topicLink' && r.area !== 'withheld') as ItemRow[],
    parse,
  );
  return {
    candidates: items,
    problems,
    // The hub's rows are small and of this request's shape only: parsed afresh, never shared.
    topicLinks: hubRows.filter((r) => r.area === 'topicLink').map((r) => JSON.parse(r.detail) as TopicLink),
    withheld: hubRows.filter((r) => r.area === 'withheld').map((r) => JSON.parse(r.detail) as WithheldItem),
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Rows → items by area, in `seq` order (the record's own order). */
function placeRows(
  rows: readonly ItemRow[],
  parse: ParseDetail,
): {
  items: PlacedItems;
  problems: Placed<AreaItem<'problems'>>[];
} {
  const items: { [A in RecordArea]?: Placed<AreaItem<RecordArea>>[] } = {};
  for (const row of [...rows].sort((a, b) => a.seq - b.seq)) {
    (items[row.area] ??= []).push({
      seq: row.seq,
      item: parse<AreaItem<RecordArea>>(row.area, row.id, row.detail),
    });
  }
  const problems = (items.problems ?? []) as Placed<AreaItem<'problems'>>[];
  delete items.problems;
  return { items: items as PlacedItems, problems };
}

/** A LIKE pattern matching values that start with `prefix`, whatever characters it holds. */
function startsWith(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The least string above every string that starts with `prefix`, in code point order (the order of
 * the "C" collation over UTF-8): the prefix with its last code point raised by one; undefined when
 * there is none (an empty prefix, or only the highest code points).
 */
export function justAbove(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0) ?? 0);
  while (points.length > 0) {
    let last = (points.pop() ?? 0) + 1;
    if (last >= 0xd800 && last <= 0xdfff) last = 0xe000;
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last);
  }
  return undefined;
}

const COMPARATOR_SQL = { eq: '=', ge: '>=', le: '<=' } as const;

/**
 * One statement, with only the conditions the search has (so the planner sees each as it is): the
 * family prefix and birth date use patients_family_birth, a birth date alone patients_birth (each
 * led by the practice).
 */
export function patientSearchSql(
  odsCode: string,
  criteria: PatientCriteria,
  limit: number,
): { text: string; values: unknown[] } {
  const p = new Params(odsCode);
  const where = ['practice_ods = $1::text', 'findable'];
  // The column's own type (char(10)): compared as text, the unique index would not be used.
  if (criteria.nhsNumber !== undefined) where.push(`nhs_number = ${p.add(criteria.nhsNumber, 'char(10)')}`);
  if (criteria.family !== undefined) {
    // The prefix as a range too: a generic plan (D-S2) cannot derive an index range from LIKE $n.
    const above = justAbove(criteria.family);
    where.push(`family_norm >= ${p.add(criteria.family, 'text')}`);
    if (above !== undefined) where.push(`family_norm < ${p.add(above, 'text')}`);
    where.push(`family_norm LIKE ${p.add(startsWith(criteria.family), 'text')}`);
  }
  if (criteria.given !== undefined) {
    const pattern = p.add(startsWith(criteria.given), 'text');
    where.push(`EXISTS (SELECT 1 FROM unnest(given_norm) g WHERE g LIKE ${pattern})`);
  }
  for (const c of criteria.birthDate ?? []) {
    where.push(`birth_date ${COMPARATOR_SQL[c.comparator]} ${p.add(c.date, 'date')}`);
  }
  const text = `SELECT detail FROM patients WHERE ${where.join(' AND ')}
    ORDER BY family_norm, COALESCE(given_norm[1], ''), birth_date, nhs_number
    LIMIT ${p.add(limit, 'integer')}`;
  return { text, values: p.values };
}

/**
 * One practice's reads: every statement names the practice ($1), so no row of another can come back.
 * The reads behind a structured record (the practice, the patient, their items, the actors) come as
 * text and are parsed through `details` when given (shared objects across requests, D-PI1); the
 * bulk export's batch reads parse afresh, so one pass over a practice does not displace what live
 * requests share.
 */
export class PostgresSource implements RecordSource {
  private readonly parse: ParseDetail;

  constructor(
    private readonly db: Database,
    readonly odsCode: string,
    details?: DetailCache,
  ) {
    // Keyed by practice, table and id: one cache serves every practice of the process.
    this.parse = details
      ? <T>(table: string, id: string, text: string) =>
          details.parse<T>(`${odsCode}\u0000${table}\u0000${id}`, text)
      : parseAfresh;
  }

  async practice(): Promise<Practice> {
    const rows = await this.db.read<{ detail: string }>(
      'SELECT detail::text AS detail FROM practice WHERE ods_code = $1',
      [this.odsCode],
    );
    if (rows.length === 0) throw new Error(`The database holds no practice ${this.odsCode}`);
    return this.parse<Practice>('practice', this.odsCode, rows[0].detail);
  }

  async findPatient(nhsNumber: string): Promise<Patient | undefined> {
    const rows = await this.db.read<{ id: string; detail: string }>(
      'SELECT id, detail::text AS detail FROM patients WHERE practice_ods = $1 AND nhs_number = $2',
      [this.odsCode, nhsNumber],
    );
    return rows[0] && this.parse<Patient>('patient', rows[0].id, rows[0].detail);
  }

  async searchPatients(odsCode: string, criteria: PatientCriteria, limit: number): Promise<Patient[]> {
    // This source reads one practice: another practice's patients are never found here.
    if (odsCode !== this.odsCode) return [];
    const { text, values } = patientSearchSql(odsCode, criteria, limit);
    const rows = await this.db.read<{ detail: Patient }>(text, values);
    return rows.map((r) => r.detail);
  }

  async readPatient(odsCode: string, id: string): Promise<Patient | undefined> {
    return this.readOne<Patient>('patients', odsCode, id);
  }

  async readOrganisation(odsCode: string, id: string): Promise<Organisation | undefined> {
    if (odsCode !== this.odsCode) return undefined;
    const rows = await this.db.read<{ detail: Organisation }>(
      `SELECT detail FROM practice WHERE ods_code = $1 AND id = $2
       UNION ALL SELECT o.detail FROM organisations o WHERE o.practice_ods = $1 AND o.id = $2`,
      [odsCode, id],
    );
    return rows[0]?.detail;
  }

  async readPractitioner(odsCode: string, id: string): Promise<Practitioner | undefined> {
    return this.readOne<Practitioner>('practitioners', odsCode, id);
  }

  async readLocation(odsCode: string, id: string): Promise<Location | undefined> {
    return this.readOne<Location>('locations', odsCode, id);
  }

  private async readOne<T>(
    table: 'patients' | 'practitioners' | 'locations',
    odsCode: string,
    id: string,
  ): Promise<T | undefined> {
    if (odsCode !== this.odsCode) return undefined;
    const sql = `SELECT o.detail FROM ${table} o WHERE o.practice_ods = $1 AND o.id = $2`;
    const rows = await this.db.read<{ detail: T }>(sql, [odsCode, id]);
    return rows[0]?.detail;
  }

  /** Item round 1 and the practice in ONE statement (firstRoundSql). */
  async loadCandidates(patient: Patient, query: StructuredQuery): Promise<FirstRound> {
    const p = new Params(this.odsCode, patient.id);
    const rows = await this.db.read<HubOrItemRow>(firstRoundSql(query, p, 'patient'), p.values);
    return this.firstRound(rows);
  }

  /**
   * The patient by NHS number and item round 1 in ONE statement (D-PI3): the patient's row rides with
   * the candidates, which name their patient through the CTE; no patient, no candidates.
   */
  async findPatientWithCandidates(
    nhsNumber: string,
    query: StructuredQuery,
  ): Promise<{ patient: Patient | undefined; first: FirstRound | undefined }> {
    const p = new Params(this.odsCode, nhsNumber);
    const patientRow = `SELECT '${PATIENT_ROW}'::text, 0, id, detail::text FROM pt`;
    const rows = await this.db.read<HubOrItemRow>(
      `${PATIENT_BY_NHS_CTE}\n${firstRoundSql(query, p, 'nhs')}\nUNION ALL\n${patientRow}`,
      p.values,
    );
    const own = rows.find((r) => r.area === PATIENT_ROW);
    if (own === undefined || own.id === null) return { patient: undefined, first: undefined };
    const patient = this.parse<Patient>('patient', own.id, own.detail);
    return { patient, first: this.firstRound(rows.filter((r) => r !== own)) };
  }

  /** Item round 1's rows, the practice's among them → the round. */
  private firstRound(rows: readonly HubOrItemRow[]): FirstRound {
    const practiceRow = rows.find((r) => r.area === PRACTICE_ROW);
    if (practiceRow === undefined) throw new Error(`The database holds no practice ${this.odsCode}`);
    return {
      ...candidateRound(
        rows.filter((r) => r !== practiceRow),
        this.parse,
      ),
      practice: this.parse<Practice>('practice', this.odsCode, practiceRow.detail),
      ...(practiceRow.id !== null && { actorsVersion: practiceRow.id }),
    };
  }

  /**
   * Item round 1 for a batch of patients in ONE statement (BatchReads, docs/decisions.md D-EB1): the
   * single-patient statement with `patient_id = ANY($2)`, each row naming its patient.
   */
  async loadCandidatesBatch(
    patients: readonly Patient[],
    query: StructuredQuery,
  ): Promise<ReadonlyMap<string, CandidateRound>> {
    const ids = [...new Set(patients.map((patient) => patient.id))];
    const p = new Params(this.odsCode, ids);
    const candidates = candidateSql(query, p, 'batch');
    const hub = `
      SELECT 'topicLink'::text AS area, patient_id, seq, NULL::text AS id, ${TOPIC_LINK_DETAIL} AS detail
        FROM topic_problem_links WHERE practice_ods = $1 AND patient_id = ANY($2::text[])
      UNION ALL
      SELECT 'withheld'::text, patient_id, seq, NULL::text, ${WITHHELD_DETAIL}
        FROM withheld_items WHERE practice_ods = $1 AND patient_id = ANY($2::text[])`;
    const rows = await this.db.read<HubOrItemRow & { patient_id: string }>(
      [...candidates, hub].join('\nUNION ALL\n'),
      p.values,
    );
    const byPatient = groupBy(rows, (row) => row.patient_id);
    return new Map(ids.map((id) => [id, candidateRound(byPatient.get(id) ?? [], parseAfresh)]));
  }

  async loadItems(patient: Patient, refs: readonly ItemRef[]): Promise<PlacedItems> {
    const idsByArea = new Map<RecordArea, Set<string>>();
    const issueIds = new Set<string>();
    for (const ref of refs) {
      if (ref.kind === 'medicationIssue') issueIds.add(ref.id);
      else {
        const area = KIND_AREA[ref.kind];
        if (!idsByArea.has(area)) idsByArea.set(area, new Set());
        idsByArea.get(area)?.add(ref.id);
      }
    }
    if (idsByArea.size === 0 && issueIds.size === 0) return {};
    const p = new Params(this.odsCode, patient.id);
    const parts = [...idsByArea].map(([area, ids]) => {
      const list = p.add([...ids], 'text[]');
      const byIssue =
        area === 'medication' && issueIds.size > 0
          ? ` OR p.id IN (SELECT plan_id FROM medication_issues WHERE practice_ods = $1 AND id = ANY(${p.add([...issueIds], 'text[]')}))`
          : '';
      return selectArea(area, `p.id = ANY(${list})${byIssue}`);
    });
    if (issueIds.size > 0 && !idsByArea.has('medication')) {
      parts.push(
        selectArea(
          'medication',
          `p.id IN (SELECT plan_id FROM medication_issues WHERE practice_ods = $1 AND id = ANY(${p.add([...issueIds], 'text[]')}))`,
        ),
      );
    }
    const rows = await this.db.read<ItemRow>(parts.join('\nUNION ALL\n'), p.values);
    return placeRows(rows, this.parse).items;
  }

  /**
   * Item rounds 2 and 3 for a batch in ONE statement of one shape (BatchReads, D-EB1): for every record
   * area, the rows whose (patient, id) pair was asked for, and for plans also those holding an asked-for
   * issue of the same patient; an area with nothing asked gets empty arrays.
   */
  async loadItemsBatch(wanted: readonly PatientRefs[]): Promise<ReadonlyMap<string, PlacedItems>> {
    const pairs = new Map<RecordArea | 'medicationIssue', { patients: string[]; ids: string[] }>();
    const pairsOf = (key: RecordArea | 'medicationIssue') => {
      let list = pairs.get(key);
      if (!list) pairs.set(key, (list = { patients: [], ids: [] }));
      return list;
    };
    for (const { patient, refs } of wanted) {
      for (const ref of refs) {
        const list = pairsOf(ref.kind === 'medicationIssue' ? 'medicationIssue' : KIND_AREA[ref.kind]);
        list.patients.push(patient.id);
        list.ids.push(ref.id);
      }
    }
    const p = new Params(this.odsCode);
    const asked = (key: RecordArea | 'medicationIssue') => {
      const list = pairsOf(key);
      return `SELECT * FROM unnest(${p.add(list.patients, 'text[]')}, ${p.add(list.ids, 'text[]')})`;
    };
    const parts = RECORD_AREAS.map((area) => {
      // A UNION rather than OR: each side stays an index lookup (an OR of two subplans scans every plan).
      const byIssue =
        area === 'medication'
          ? ` UNION SELECT i.patient_id, i.plan_id FROM medication_issues i
              WHERE i.practice_ods = $1 AND (i.patient_id, i.id) IN (${asked('medicationIssue')})`
          : '';
      return `SELECT '${area}'::text AS area, p.patient_id, p.seq, p.id, p.detail::text AS detail FROM ${AREA_TABLE[area]} p
        WHERE p.practice_ods = $1 AND (p.patient_id, p.id) IN (${asked(area)}${byIssue})`;
    });
    const rows = await this.db.read<ItemRow & { patient_id: string }>(parts.join('\nUNION ALL\n'), p.values);
    const byPatient = groupBy(rows, (row) => row.patient_id);
    return new Map([...byPatient].map(([id, own]) => [id, placeRows(own, parseAfresh).items]));
  }

  async loadActors(ids: ActorIds): Promise<Actors> {
    // One statement: the requested actors of this practice and every organisation they could name.
    const rows = await this.db.read<{ kind: string; id: string; detail: string }>(
      `SELECT 'practitioner' AS kind, id, detail::text AS detail FROM practitioners WHERE practice_ods = $6 AND id = ANY($1::text[])
       UNION ALL SELECT 'location', id, detail::text FROM locations WHERE practice_ods = $6 AND id = ANY($2::text[])
       UNION ALL SELECT 'healthcareService', id, detail::text FROM healthcare_services WHERE practice_ods = $6 AND id = ANY($3::text[])
       UNION ALL SELECT 'device', id, detail::text FROM devices WHERE practice_ods = $6 AND id = ANY($4::text[])
       UNION ALL SELECT 'organisation', id, detail::text FROM organisations WHERE practice_ods = $6 AND (id = ANY($5::text[])
         OR id IN (SELECT jsonb_array_elements(detail->'roles')->>'organisationId' FROM practitioners
                   WHERE practice_ods = $6 AND id = ANY($1::text[]))
         OR id IN (SELECT managing_organisation_id FROM locations WHERE practice_ods = $6 AND id = ANY($2::text[]))
         OR id IN (SELECT provided_by_organisation_id FROM healthcare_services WHERE practice_ods = $6 AND id = ANY($3::text[])))
       UNION ALL SELECT 'organisation', id, detail::text FROM practice WHERE ods_code = $6
       UNION ALL SELECT '${VERSION_ROW}', version::text, NULL FROM practice WHERE ods_code = $6`,
      [
        ids.practitioners,
        ids.locations,
        ids.healthcareServices,
        ids.devices,
        ids.organisations,
        this.odsCode,
      ],
    );
    const of = <T>(kind: string) =>
      new Map(rows.filter((r) => r.kind === kind).map((r) => [r.id, this.parse<T>(kind, r.id, r.detail)]));
    const version = rows.find((r) => r.kind === VERSION_ROW)?.id;
    return {
      ...expandActors(ids, {
        practitioners: of<Practitioner>('practitioner'),
        organisations: of<Organisation>('organisation'),
        locations: of<Location>('location'),
        healthcareServices: of<HealthcareService>('healthcareService'),
        devices: of<Device>('device'),
      }),
      ...(version !== undefined && { actorsVersion: version }),
    };
  }

  async patientsAfter(after: number, limit: number): Promise<PlacedPatient[]> {
    // The (practice_ods, seq) unique index: a range scan, however far into the practice.
    const rows = await this.db.query<{ seq: number; detail: Patient }>(
      `SELECT seq, detail FROM patients WHERE practice_ods = $1 AND seq > $2::integer
        ORDER BY seq LIMIT $3::integer`,
      [this.odsCode, after, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), patient: r.detail }));
  }

  async patientCount(): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM patients WHERE practice_ods = $1',
      [this.odsCode],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async importedAt(): Promise<string> {
    const rows = await this.db.query<{ imported_at: Date }>(
      'SELECT imported_at FROM practice WHERE ods_code = $1',
      [this.odsCode],
    );
    if (rows.length === 0) throw new Error(`The database holds no practice ${this.odsCode}`);
    return rows[0].imported_at.toISOString();
  }

  async deletedAfter(
    since: Date,
    after: number,
    limit: number,
    types?: readonly string[],
  ): Promise<DeletedResource[]> {
    // The (practice_ods, seq) index: tombstones of one practice are numbered in the order of its imports.
    const rows = await this.db.query<{
      seq: string;
      resource_type: string;
      resource_id: string;
      deleted_at: Date;
    }>(
      `SELECT seq, resource_type, resource_id, deleted_at FROM export_tombstone
        WHERE practice_ods = $1 AND seq > $2::bigint AND deleted_at > $3 AND existed_from <= $3
          AND ($4::text[] IS NULL OR resource_type = ANY ($4::text[]))
        ORDER BY seq LIMIT $5::integer`,
      [this.odsCode, after, since, types ?? null, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      type: r.resource_type,
      id: r.resource_id,
      deletedAt: r.deleted_at.toISOString(),
    }));
  }

  async deletionsKnownFrom(): Promise<string | undefined> {
    const rows = await this.db.query<{ deletions_known_from: Date | null }>(
      'SELECT deletions_known_from FROM practice WHERE ods_code = $1',
      [this.odsCode],
    );
    return rows[0]?.deletions_known_from?.toISOString() ?? undefined;
  }

  isReady(): Promise<boolean> {
    return this.db.isReachable();
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
