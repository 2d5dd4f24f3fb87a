/**
 * Every practice of a PostgreSQL database, over one connection pool. A practice's settings are read
 * from its row and reused for PRACTICE_CACHE_MS, so `gpc-admin practice …` takes effect within that
 * time without a restart, and a request normally costs no statement for them. ODS codes the database
 * does not hold are remembered for the same time (bounded), so a flood of made-up codes costs at most
 * one statement per code per period.
 */
import {
  applyChange,
  CLINICAL_AREAS,
  type PracticeSettings,
  type PracticeStore,
  type PracticeSummary,
  type ServedPractice,
  type SettingsChange,
} from '../practices';
import { Database, type DatabaseOptions } from './database';
import { DetailCache } from './detail-cache';
import { PostgresRepository } from './postgres-repository';

interface PracticeRow {
  ods_code: string;
  name: string;
  asid: string;
  gpc_enabled: boolean;
  structured_enabled: boolean;
  disabled_areas: string[];
  documents_disabled: boolean;
}

const SELECT = `SELECT ods_code, detail->>'name' AS name, asid, gpc_enabled, structured_enabled, disabled_areas,
  documents_disabled FROM practice`;

/** Most practices whose lookups are cached at once; beyond it the cache starts again (bounded memory). */
const CACHE_LIMIT = 20_000;

function settingsOf(row: PracticeRow): PracticeSettings {
  return {
    asid: row.asid,
    gpConnectEnabled: row.gpc_enabled,
    structuredEnabled: row.structured_enabled,
    disabledAreas: CLINICAL_AREAS.filter((a) => row.disabled_areas.includes(a)),
    documentsDisabled: row.documents_disabled,
  };
}

export class PostgresPracticeStore implements PracticeStore {
  readonly database: Database;
  private readonly cache = new Map<
    string,
    { readonly at: number; readonly found: ServedPractice | undefined }
  >();
  private readonly repositories = new Map<string, PostgresRepository>();
  private readonly ttlMs: number;
  /** Documents shared across requests, one budget for every practice (ITEM_CACHE_MB, D-PI1). */
  private readonly details: DetailCache | undefined;

  constructor(
    options: DatabaseOptions & {
      readonly practiceCacheMs?: number;
      /** ITEM_CACHE_MB in bytes; 0 or absent: every read parses afresh and nothing is remembered. */
      readonly itemCacheBytes?: number;
    },
    now: () => number = Date.now,
  ) {
    this.database = new Database(options);
    this.ttlMs = options.practiceCacheMs ?? 1000;
    this.now = now;
    const budget = options.itemCacheBytes ?? 0;
    this.details = budget > 0 ? new DetailCache(budget) : undefined;
  }

  private readonly now: () => number;

  async find(odsCode: string): Promise<ServedPractice | undefined> {
    const hit = this.cache.get(odsCode);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.found;
    // A read: from a replica when there are any (a change made on the primary is seen after the lag).
    const rows = await this.database.read<PracticeRow>(`${SELECT} WHERE ods_code = $1`, [odsCode]);
    const found = rows[0] && {
      odsCode,
      settings: settingsOf(rows[0]),
      repository: this.repositoryFor(odsCode),
    };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(odsCode, { at: this.now(), found });
    return found;
  }

  private repositoryFor(odsCode: string): PostgresRepository {
    let repository = this.repositories.get(odsCode);
    if (!repository) {
      if (this.repositories.size >= CACHE_LIMIT) this.repositories.clear();
      repository = new PostgresRepository(this.database, odsCode, this.details);
      this.repositories.set(odsCode, repository);
    }
    return repository;
  }

  async list(): Promise<PracticeSummary[]> {
    const rows = await this.database.query<PracticeRow>(`${SELECT} ORDER BY ods_code`);
    return rows.map((r) => ({ odsCode: r.ods_code, name: r.name, ...settingsOf(r) }));
  }

  /**
   * Change one practice's settings, recording who did it, the command, and the settings before and
   * after in practice_changes in the same transaction (the audit of run-time changes).
   */
  async change(
    odsCode: string,
    change: SettingsChange,
    audit: { readonly by: string; readonly command: string },
  ): Promise<{ before: PracticeSettings; after: PracticeSettings }> {
    return this.database.transaction(async (query) => {
      const rows = (await query(`${SELECT} WHERE ods_code = $1 FOR UPDATE`, [odsCode])) as PracticeRow[];
      if (!rows[0]) throw new Error(`the database holds no practice ${odsCode}`);
      const before = settingsOf(rows[0]);
      const after = applyChange(before, change);
      await query(
        `UPDATE practice SET asid = $2, gpc_enabled = $3, structured_enabled = $4, disabled_areas = $5,
           documents_disabled = $6, updated_at = now() WHERE ods_code = $1`,
        [
          odsCode,
          after.asid,
          after.gpConnectEnabled,
          after.structuredEnabled,
          after.disabledAreas,
          after.documentsDisabled,
        ],
      );
      await query(
        'INSERT INTO practice_changes (ods_code, changed_by, command, before, after) VALUES ($1, $2, $3, $4, $5)',
        [odsCode, audit.by, audit.command, JSON.stringify(before), JSON.stringify(after)],
      );
      this.cache.delete(odsCode);
      return { before, after };
    });
  }

  isReady(): Promise<boolean> {
    return this.database.isReachable();
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
