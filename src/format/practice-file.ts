/**
 * The practice file format (docs/data-format.md): JSON Lines, one header line describing the practice
 * (its organisation, settings and actors), then one line per patient (the patient and their clinical
 * record in the project's domain model). The in-memory store, `gpc-admin import` and `gpc-admin
 * export` all go through this module, so the format is exercised by every test run.
 */
import type { CalendarDate } from '../fhir/dates';
import { addDays, daysBetween, parseWholeDate } from '../fhir/dates';
import type { PatientData, PracticeDataset } from '../record/dataset';
import type {
  Device,
  HealthcareService,
  Location,
  Organisation,
  Practice,
  Practitioner,
} from '../record/model/people';
import type { PracticeSettings } from '../record/practices';
import { validateHeaderLine, validatePatientLine } from './schema';

export const FORMAT_NAME = 'gpconnect-structured-practice';
export const FORMAT_VERSION = 1;

/** The first line of a practice file. */
export interface PracticeHeader {
  readonly format: typeof FORMAT_NAME;
  readonly version: typeof FORMAT_VERSION;
  readonly practice: Practice;
  readonly settings: PracticeSettings;
  readonly practitioners: readonly Practitioner[];
  readonly organisations: readonly Organisation[];
  readonly locations: readonly Location[];
  readonly healthcareServices?: readonly HealthcareService[];
  readonly devices?: readonly Device[];
  /**
   * Test data only: the day the file's dates were written relative to. A reader shifts every full date
   * and dateTime by (today − this day), so a test practice's "last week" stays last week.
   */
  readonly datesRelativeTo?: CalendarDate;
}

/** A bad line: the message names the file, the line and the field. */
export class PracticeFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'PracticeFileError';
  }
}

/** Reads one file's lines in order: the header first, then patients, each checked against the schema. */
export class PracticeFileParser {
  private header: PracticeHeader | undefined;
  private shiftDays = 0;
  private lineNo = 0;
  private readonly patientIds = new Set<string>();
  private readonly nhsNumbers = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly today: CalendarDate,
  ) {}

  get lineNumber(): number {
    return this.lineNo;
  }

  /** The header, once the first line has been read. */
  get practiceHeader(): PracticeHeader {
    if (!this.header)
      throw new PracticeFileError(
        this.file,
        1,
        'the file is empty: the first line must be the practice header',
      );
    return this.header;
  }

  /** One line of text (without its newline): undefined for a blank line or the header, else a patient. */
  line(text: string): PatientData | undefined {
    this.lineNo += 1;
    if (text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return this.fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (this.header === undefined) {
      const problem = validateHeaderLine(value);
      if (problem) this.fail(`header: ${problem}`);
      const header = value as PracticeHeader;
      this.header = header;
      if (header.datesRelativeTo !== undefined)
        this.shiftDays = daysBetween(header.datesRelativeTo, this.today);
      return undefined;
    }
    const problem = validatePatientLine(value);
    if (problem) this.fail(`patient: ${problem}`);
    const data = (this.shiftDays === 0 ? value : shiftDates(value, this.shiftDays)) as PatientData;
    if (this.patientIds.has(data.patient.id))
      this.fail(`patient.id: ${data.patient.id} is used by an earlier line`);
    if (this.nhsNumbers.has(data.patient.nhsNumber))
      this.fail(`patient.nhsNumber: ${data.patient.nhsNumber} is used by an earlier line`);
    this.patientIds.add(data.patient.id);
    this.nhsNumbers.add(data.patient.nhsNumber);
    return data;
  }

  /** The header's actors with dates shifted like the patients'. */
  dataset(patients: readonly PatientData[]): PracticeDataset {
    const h = this.practiceHeader;
    const shifted = (this.shiftDays === 0 ? h : shiftDates(h, this.shiftDays)) as PracticeHeader;
    return {
      practice: shifted.practice,
      practitioners: shifted.practitioners,
      organisations: shifted.organisations,
      locations: shifted.locations,
      healthcareServices: shifted.healthcareServices ?? [],
      devices: shifted.devices ?? [],
      patients,
    };
  }

  fail(detail: string): never {
    throw new PracticeFileError(this.file, this.lineNo, detail);
  }
}

const FULL_DATE = /^(\d{4}-\d{2}-\d{2})(T.*)?$/;

/**
 * Every full date (YYYY-MM-DD) and dateTime moved by `days`, except birth dates; partial dates
 * (YYYY, YYYY-MM) and everything else unchanged. A dateTime keeps its time of day and offset.
 */
export function shiftDates(value: unknown, days: number): unknown {
  if (typeof value === 'string') {
    const m = FULL_DATE.exec(value);
    if (!m) return value;
    const day = parseWholeDate(m[1]);
    return day === undefined ? value : `${addDays(day, days)}${m[2] ?? ''}`;
  }
  if (Array.isArray(value)) return value.map((v) => shiftDates(v, days));
  if (value !== null && typeof value === 'object') {
    // A birth date is identity, not history: consumers find and confirm the patient by it, so it
    // never moves (the test practice's birth dates were always absolute).
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'birthDate' ? v : shiftDates(v, days)]),
    );
  }
  return value;
}

/** The header line for a practice (no anchor: a real practice's dates are absolute). */
export function headerOf(
  dataset: Omit<PracticeDataset, 'patients'>,
  settings: PracticeSettings,
  datesRelativeTo?: CalendarDate,
): PracticeHeader {
  return {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    practice: dataset.practice,
    settings,
    practitioners: dataset.practitioners,
    organisations: dataset.organisations,
    locations: dataset.locations,
    healthcareServices: dataset.healthcareServices ?? [],
    devices: dataset.devices ?? [],
    ...(datesRelativeTo === undefined ? {} : { datesRelativeTo }),
  };
}

/** One patient line. */
export function patientLine(data: PatientData): string {
  return JSON.stringify({ patient: data.patient, record: data.record });
}
