/**
 * `gpc-admin import FILE…`: every line of every file is checked first (schema, then each patient's
 * consistency with the header's actors), so a bad line loads nothing; then each file's practice is
 * loaded in one transaction, replacing that practice only, and what the replacement removed is recorded
 * for the bulk export's `deleted` files (./tombstones.ts). Both passes stream the file.
 */
import type { CalendarDate } from '../../fhir/dates';
import { streamPracticeFile } from '../../format/read-practice-file';
import type { PatientData } from '../dataset';
import type { Database } from './database';
import { loadPractice } from './seed';

const rssMb = () => Math.round(process.memoryUsage.rss() / 1048576);
/** The process's peak resident set so far (maxRSS is in KiB). */
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

export interface ImportReport {
  readonly file: string;
  readonly odsCode: string;
  readonly patients: number;
  readonly seconds: number;
}

/** Reads a whole file and throws a PracticeFileError at its first bad line; returns its practice and size. */
export async function checkPracticeFile(
  file: string,
  today: CalendarDate,
  progress: (message: string) => void = () => undefined,
): Promise<{ odsCode: string; patients: number }> {
  let odsCode = '';
  let patients = 0;
  for await (const step of streamPracticeFile(file, today)) {
    if (!step.patient) odsCode = step.parser.practiceHeader.practice.odsCode;
    else if (++patients % 10_000 === 0)
      progress(`${file}: ${patients} patients checked (${rssMb()} MB resident)`);
  }
  return { odsCode, patients };
}

export async function importPracticeFiles(
  db: Database,
  files: readonly string[],
  today: CalendarDate,
  progress: (message: string) => void = () => undefined,
  options: { readonly keepDeletionsDays?: number } = {},
): Promise<ImportReport[]> {
  const seen = new Map<string, string>();
  for (const file of files) {
    const { odsCode, patients } = await checkPracticeFile(file, today, progress);
    const other = seen.get(odsCode);
    if (other !== undefined)
      throw new Error(`${file}: practice ${odsCode} is also in ${other}; import one file per practice`);
    seen.set(odsCode, file);
    progress(`${file}: valid, practice ${odsCode}, ${patients} patients`);
  }
  const reports: ImportReport[] = [];
  for (const file of files) {
    const started = Date.now();
    const steps = streamPracticeFile(file, today);
    const first = await steps.next();
    if (first.done) throw new Error(`${file}: the file is empty`);
    const { parser } = first.value;
    const header = parser.practiceHeader;
    async function* patients(): AsyncGenerator<PatientData> {
      for await (const step of steps) if (step.patient) yield step.patient;
    }
    const odsCode = header.practice.odsCode;
    const count = await loadPractice(db, {
      dataset: parser.dataset([]),
      settings: header.settings,
      datesRelativeTo: header.datesRelativeTo === undefined ? undefined : today,
      more: patients(),
      ...(options.keepDeletionsDays !== undefined && { keepDeletionsDays: options.keepDeletionsDays }),
      progress: (n) => {
        if (n % 5000 === 0) progress(`${file}: ${odsCode}: ${n} patients loaded (${rssMb()} MB resident)`);
      },
    });
    const seconds = (Date.now() - started) / 1000;
    progress(
      `${file}: practice ${odsCode} replaced: ${count} patients in ${seconds.toFixed(1)} s (peak ${peakRssMb()} MB resident)`,
    );
    reports.push({ file, odsCode, patients: count, seconds });
  }
  return reports;
}
