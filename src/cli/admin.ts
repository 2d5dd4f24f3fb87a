#!/usr/bin/env node
/**
 * `gpc-admin`: the operator's tool for a PostgreSQL deployment (DATABASE_URL names the database).
 * Schema migrations, loading and exporting practices in the practice file format, the practices'
 * switches (audited in the database's practice_changes table; the server sees a change within
 * PRACTICE_CACHE_MS, no restart), and the audit trail's hash chain.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';

import { systemClock } from '../clock';
import { PracticeFileError } from '../format/practice-file';
import { describeTableCheck, verifyAuditTable } from '../ops/verify-audit-postgres';
import { embeddedPracticeFiles } from '../record/memory/memory-practices';
import { Database } from '../record/postgres/database';
import { exportPractice } from '../record/postgres/export';
import { importPracticeFiles } from '../record/postgres/import';
import { migrate } from '../record/postgres/migrate';
import { PostgresPracticeStore } from '../record/postgres/postgres-practices';
import { ASID, parseAreaList, type PracticeSummary, type SettingsChange } from '../record/practices';
import { verifyAuditCli } from './verify-audit';

export const ADMIN_EXIT = { ok: 0, failed: 1, usage: 64 } as const;

export interface AdminIo {
  out(line: string): void;
  err(line: string): void;
  readonly env: NodeJS.ProcessEnv;
}

const HELP = `Usage: gpc-admin COMMAND [options]      (DATABASE_URL names the PostgreSQL database)

  migrate                              create or update the schema (safe to re-run)
  seed                                 migrate, then import the embedded test practices (P99001-P99003)
  import FILE...                       check every line of every practice file, then load each practice
                                       in one transaction, replacing that practice only
  export --practice ODS [--out FILE]   write one practice as a practice file (stdout by default)
  practice list                        one line per practice: ODS code, name, ASID, switches
  practice enable ODS                  switch GP Connect and Access Record: Structured on
  practice disable ODS [--gp-connect]  switch Access Record: Structured off (--gp-connect: all of GP Connect)
  practice set ODS [--asid ASID] [--disabled-areas LIST]
                                       the practice's ASID; the areas switched off ("" for none), from
                                       allergies, medication, consultations, problems, immunisations,
                                       uncategorisedData, investigations, referrals, diaryEntries, documents
  verify-audit FILE...                 check audit trails' hash chains (as gpc-verify-audit; exit 2: unreadable)
  verify-audit --postgres              check the audit_trail table's chain (AUDIT_SINK=postgres; exit 1: broken)

docs/data-format.md describes the practice file format.`;

class UsageError extends Error {}

function database(io: AdminIo): Database {
  const url = io.env.DATABASE_URL;
  if (!url)
    throw new UsageError(
      'DATABASE_URL is not set: name the database, e.g. postgres://gpc@localhost/gpconnect',
    );
  return new Database({ url, poolSize: 2, statementTimeoutMs: 600_000, retryAfterSeconds: 5 });
}

function describe(p: PracticeSummary): string {
  const onOff = (on: boolean) => (on ? 'on' : 'off');
  const off = [...p.disabledAreas, ...(p.documentsDisabled ? ['documents'] : [])];
  return [
    p.odsCode.padEnd(8),
    p.name.padEnd(32),
    `asid=${p.asid}`,
    `gpconnect=${onOff(p.gpConnectEnabled)}`,
    `structured=${onOff(p.structuredEnabled)}`,
    `disabled=${off.length > 0 ? off.join(',') : 'none'}`,
  ].join('  ');
}

async function runMigrate(db: Database, io: AdminIo): Promise<void> {
  const applied = await migrate(db);
  io.out(`migrations applied: ${applied.length > 0 ? applied.join(', ') : 'none (up to date)'}`);
}

/** EXPORT_DELETIONS_KEEP_DAYS: how long an import keeps the record of deleted resources (D-SD4). */
function keepDeletionsDays(io: AdminIo): number | undefined {
  const raw = io.env.EXPORT_DELETIONS_KEEP_DAYS?.trim();
  if (raw === undefined || raw === '') return undefined;
  const days = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(days >= 1 && days <= 36_500))
    throw new UsageError(
      `EXPORT_DELETIONS_KEEP_DAYS "${raw}" must be a whole number of days from 1 to 36500`,
    );
  return days;
}

async function runImport(db: Database, files: readonly string[], io: AdminIo): Promise<void> {
  if (files.length === 0) throw new UsageError('import needs at least one FILE');
  const days = keepDeletionsDays(io);
  await importPracticeFiles(db, files, systemClock.today(), (line) => io.err(line), {
    ...(days !== undefined && { keepDeletionsDays: days }),
  });
}

async function runExport(db: Database, args: string[], io: AdminIo): Promise<void> {
  const { values } = parseArgs({ args, options: { practice: { type: 'string' }, out: { type: 'string' } } });
  if (!values.practice) throw new UsageError('export needs --practice ODS');
  const out = values.out ? createWriteStream(values.out) : undefined;
  let lines = 0;
  for await (const line of exportPractice(db, values.practice)) {
    lines += 1;
    if (!out) io.out(line);
    else if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  if (out) {
    out.end();
    await once(out, 'finish');
  }
  io.err(
    `exported practice ${values.practice}: ${lines - 1} patients${values.out ? ` to ${values.out}` : ''}`,
  );
}

async function runPractice(args: string[], io: AdminIo): Promise<void> {
  const [verb, ods, ...rest] = args;
  const url = io.env.DATABASE_URL;
  if (!url) throw new UsageError('DATABASE_URL is not set');
  const store = new PostgresPracticeStore({
    url,
    poolSize: 1,
    statementTimeoutMs: 30_000,
    retryAfterSeconds: 5,
    practiceCacheMs: 0,
  });
  try {
    if (verb === 'list') {
      for (const p of await store.list()) io.out(describe(p));
      return;
    }
    if (!ods) throw new UsageError(`practice ${verb ?? ''} needs an ODS code`);
    let change: SettingsChange;
    if (verb === 'enable') change = { gpConnectEnabled: true, structuredEnabled: true };
    else if (verb === 'disable') {
      const { values } = parseArgs({ args: rest, options: { 'gp-connect': { type: 'boolean' } } });
      change = values['gp-connect'] ? { gpConnectEnabled: false } : { structuredEnabled: false };
    } else if (verb === 'set') {
      const { values } = parseArgs({
        args: rest,
        options: { asid: { type: 'string' }, 'disabled-areas': { type: 'string' } },
      });
      if (values.asid !== undefined && !ASID.test(values.asid))
        throw new UsageError(`--asid ${values.asid} is not an ASID (1 to 12 digits)`);
      let areas: ReturnType<typeof parseAreaList> | undefined;
      try {
        areas = values['disabled-areas'] === undefined ? undefined : parseAreaList(values['disabled-areas']);
      } catch (error) {
        throw new UsageError(`--disabled-areas: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (values.asid === undefined && areas === undefined)
        throw new UsageError('practice set needs --asid or --disabled-areas');
      change = { asid: values.asid, disabledAreas: areas?.areas, documentsDisabled: areas?.documents };
    } else throw new UsageError(`unknown practice command "${verb ?? ''}"`);
    await store.change(ods, change, { by: userInfo().username, command: ['practice', ...args].join(' ') });
    const now = (await store.list()).find((p) => p.odsCode === ods);
    if (now) io.out(describe(now));
  } finally {
    await store.close();
  }
}

/** The AUDIT_SINK=postgres trail in DATABASE_URL: exit 0 when its chain verifies, 1 when it does not. */
async function verifyTable(io: AdminIo): Promise<number> {
  const url = io.env.DATABASE_URL;
  if (!url) throw new UsageError('DATABASE_URL is not set: name the database whose audit_trail to check');
  const check = await verifyAuditTable(url);
  io.out(describeTableCheck(check));
  return check.ok ? ADMIN_EXIT.ok : ADMIN_EXIT.failed;
}

export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  const [command, ...rest] = argv;
  let db: Database | undefined;
  try {
    switch (command) {
      case 'migrate':
        await runMigrate((db = database(io)), io);
        break;
      case 'seed':
        db = database(io);
        await runMigrate(db, io);
        await runImport(db, embeddedPracticeFiles(), io);
        break;
      case 'import':
        await runImport((db = database(io)), rest, io);
        break;
      case 'export':
        await runExport((db = database(io)), rest, io);
        break;
      case 'practice':
        await runPractice(rest, io);
        break;
      case 'verify-audit':
        // The same check as gpc-verify-audit (src/ops/verify-audit.ts): streamed; exit 0 intact,
        // 1 broken, 2 unreadable.
        if (rest.length === 1 && rest[0] === '--postgres') return await verifyTable(io);
        if (rest.length === 0) throw new UsageError('verify-audit needs FILE or --postgres');
        return await verifyAuditCli(rest, (line) => io.out(line));
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return command === undefined ? ADMIN_EXIT.usage : ADMIN_EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    return ADMIN_EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`gpc-admin: ${error.message}`);
      io.err('Run "gpc-admin --help" for usage.');
      return ADMIN_EXIT.usage;
    }
    // A bad line names file, line and field; anything else is one line, never a stack trace.
    const message =
      error instanceof PracticeFileError || error instanceof Error ? error.message : String(error);
    io.err(`gpc-admin ${command}: ${message}`);
    if (error instanceof PracticeFileError) io.err('nothing was loaded');
    return ADMIN_EXIT.failed;
  } finally {
    await db?.close().catch(() => undefined);
  }
}

if (require.main === module) {
  void runAdmin(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
