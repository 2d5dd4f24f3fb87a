/**
 * The embedded store: every practice of some practice files, each held in memory with its settings as
 * the file gives them. The files are read once at start through the same reader as `gpc-admin import`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { CalendarDate } from '../../fhir/dates';
import { type LoadedPractice, readPracticeFileSync } from '../../format/read-practice-file';
import type { PracticeDataset } from '../dataset';
import {
  applyChange,
  type PracticeSettings,
  type PracticeStore,
  type PracticeSummary,
  type ServedPractice,
  type SettingsChange,
} from '../practices';
import { MemoryRepository } from './memory-repository';

/** The embedded practices: the acceptance suite's test practice and two small ones (docs/data-format.md). */
export const EMBEDDED_PRACTICE_FILES = ['P99001.jsonl', 'P99002.jsonl', 'P99003.jsonl'];

/** data/practices of this package, found from here both under src/ and under dist/src/. */
export function embeddedPracticeDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the package root above ${__dirname}`);
    dir = up;
  }
  return join(dir, 'data', 'practices');
}

export function embeddedPracticeFiles(): string[] {
  return EMBEDDED_PRACTICE_FILES.map((f) => join(embeddedPracticeDir(), f));
}

const loaded = new Map<string, LoadedPractice>();

/** One embedded practice's file, read for `today` (kept for a few days: the data is read-only). */
export function embeddedPractice(odsCode: string, today: CalendarDate): LoadedPractice {
  const key = `${odsCode}@${today}`;
  let practice = loaded.get(key);
  if (!practice) {
    if (loaded.size >= 8) loaded.clear();
    practice = readPracticeFileSync(join(embeddedPracticeDir(), `${odsCode}.jsonl`), today);
    loaded.set(key, practice);
  }
  return practice;
}

/** P99001, the test practice holding the GP Connect provider acceptance suite's patients. */
export function testPractice(today: CalendarDate): PracticeDataset {
  return embeddedPractice('P99001', today).dataset;
}

export class MemoryPracticeStore implements PracticeStore {
  private readonly practices = new Map<
    string,
    { settings: PracticeSettings; name: string; repository: MemoryRepository }
  >();

  constructor(
    practices: readonly { readonly settings: PracticeSettings; readonly dataset: PracticeDataset }[],
  ) {
    for (const { settings, dataset } of practices) {
      const ods = dataset.practice.odsCode;
      if (this.practices.has(ods)) throw new Error(`practice ${ods} is given twice`);
      this.practices.set(ods, {
        settings,
        name: dataset.practice.name,
        repository: new MemoryRepository(dataset),
      });
    }
  }

  static fromFiles(files: readonly string[], today: CalendarDate): MemoryPracticeStore {
    return new MemoryPracticeStore(files.map((f): LoadedPractice => readPracticeFileSync(f, today)));
  }

  async find(odsCode: string): Promise<ServedPractice | undefined> {
    const p = this.practices.get(odsCode);
    return p && { odsCode, settings: p.settings, repository: p.repository };
  }

  async list(): Promise<PracticeSummary[]> {
    return [...this.practices].map(([odsCode, p]) => ({ odsCode, name: p.name, ...p.settings }));
  }

  /** In-process only (tests): the embedded store's settings otherwise come from its files. */
  change(odsCode: string, change: SettingsChange): void {
    const p = this.practices.get(odsCode);
    if (!p) throw new Error(`no practice ${odsCode}`);
    p.settings = applyChange(p.settings, change);
  }

  async isReady(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
