/**
 * Reading practice files: whole (the in-memory store, at start) or streamed line by line (`gpc-admin
 * import`, so a 100,000-patient file never sits in memory whole).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

import type { CalendarDate } from '../fhir/dates';
import type { PatientData, PracticeDataset } from '../record/dataset';
import type { PracticeSettings } from '../record/practices';
import { DatasetError, validateDataset } from '../record/validate-dataset';
import { PracticeFileParser, type PracticeHeader } from './practice-file';

/** A whole practice file, parsed and checked: every line against the schema, the record for consistency. */
export interface LoadedPractice {
  readonly header: PracticeHeader;
  readonly settings: PracticeSettings;
  readonly dataset: PracticeDataset;
}

export function readPracticeFileSync(file: string, today: CalendarDate): LoadedPractice {
  const parser = new PracticeFileParser(file, today);
  const patients: PatientData[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    const patient = parser.line(text);
    if (patient) patients.push(patient);
  }
  const dataset = parser.dataset(patients);
  try {
    validateDataset(dataset);
  } catch (error) {
    if (error instanceof DatasetError) throw new Error(`${file}: ${error.message}`);
    throw error;
  }
  return { header: parser.practiceHeader, settings: parser.practiceHeader.settings, dataset };
}

/**
 * A practice file streamed: the header (dates shifted) once read, then each patient as it is parsed,
 * each checked for consistency with the header's actors (references, ids, dates) as it comes.
 */
export async function* streamPracticeFile(
  file: string,
  today: CalendarDate,
): AsyncGenerator<{ parser: PracticeFileParser; patient?: PatientData }> {
  const parser = new PracticeFileParser(file, today);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let headerSent = false;
  let actors: PracticeDataset | undefined;
  for await (const text of lines) {
    const patient = parser.line(text);
    if (!headerSent && parser.lineNumber >= 1 && text.trim() !== '') {
      headerSent = true;
      actors = parser.dataset([]);
      yield { parser };
    }
    if (!patient || !actors) continue;
    try {
      validateDataset({ ...actors, patients: [patient] });
    } catch (error) {
      if (error instanceof DatasetError) parser.fail(error.issues.slice(0, 3).join('; '));
      throw error;
    }
    yield { parser, patient };
  }
  if (!headerSent) void parser.practiceHeader;
}
