/**
 * Patient search parameters → a typed query. The rules are tables: which parameters exist, how often
 * each may appear, and which belong to the demographic search that a deployment may switch off.
 * Sources: GP Connect 1.6.2 "Foundations — Find a patient" and "Error handling guidance — Identity
 * validation errors" for the identifier; FHIR STU3 search (date prefixes, `_count`) for the rest
 * (docs/decisions.md D-61 to D-63).
 */
import { parseWholeDate } from '../../fhir/dates';
import { GpcError } from '../../fhir/gpc-error';
import { SYSTEM } from '../../fhir/profiles';
import { truncate } from '../../fhir/text';
import {
  type BirthDateCondition,
  type DateComparator,
  normaliseName,
  type PatientCriteria,
} from '../../record/patient-directory';
import { isValidNhsNumber } from '../structured-record/nhs-number';

export interface PatientSearchQuery {
  readonly criteria: PatientCriteria;
  /** Most patients to return; more matches than this ask the caller to narrow the search. */
  readonly count: number;
  /** Whether a demographic parameter was used (for the audit trail and the switch). */
  readonly demographic: boolean;
}

interface ParameterRule {
  /** How many times it may appear. */
  readonly max: number;
  /** Part of the demographic search (switchable), not of GP Connect's identifier search. */
  readonly demographic: boolean;
}

/** Every parameter the search understands; anything else is a 400 (as the Foundations test pack expects). */
const PARAMETERS: Readonly<Record<string, ParameterRule>> = {
  identifier: { max: 1, demographic: false },
  family: { max: 1, demographic: true },
  given: { max: 1, demographic: true },
  // Two, so that a range (ge and le) can be asked for.
  birthdate: { max: 2, demographic: true },
  _count: { max: 1, demographic: false },
  // Content negotiation, handled by the gate.
  _format: { max: 1, demographic: false },
};

const DATE_PREFIXES: readonly DateComparator[] = ['eq', 'ge', 'le'];

/** Longest name accepted (PDS holds at most 35 characters per name part). */
const MAX_NAME_LENGTH = 35;

/** Letters (any script), spaces, hyphens and apostrophes: what a person's name is made of. */
const NAME = /^[\p{L}' -]+$/u;

export interface SearchLimits {
  readonly demographicEnabled: boolean;
  readonly maxResults: number;
}

function invalid(diagnostics: string): GpcError {
  return new GpcError('INVALID_PARAMETER', diagnostics);
}

/** `system|value` of the identifier parameter → the NHS number. */
function parseIdentifier(raw: string): string {
  const bar = raw.indexOf('|');
  if (bar < 0) {
    throw invalid('identifier must be system|value, e.g. https://fhir.nhs.uk/Id/nhs-number|9690937286');
  }
  const system = raw.slice(0, bar).trim();
  const value = raw.slice(bar + 1).trim();
  if (system === '') throw invalid('identifier has no system; use https://fhir.nhs.uk/Id/nhs-number');
  if (value === '') throw invalid('identifier has no value; give the NHS number after the |');
  if (system !== SYSTEM.nhsNumber) {
    throw new GpcError(
      'INVALID_IDENTIFIER_SYSTEM',
      `identifier system "${truncate(system)}" is not supported; use ${SYSTEM.nhsNumber}`,
    );
  }
  if (!isValidNhsNumber(value)) {
    throw new GpcError(
      'INVALID_IDENTIFIER_VALUE',
      `identifier value "${truncate(value)}" is not a valid NHS number (10 digits, Modulus 11)`,
    );
  }
  return value;
}

function parseName(name: 'family' | 'given', raw: string): string {
  const trimmed = raw.trim();
  if (trimmed === '') throw invalid(`${name} is empty; give the start of the name`);
  if ([...trimmed].length > MAX_NAME_LENGTH)
    throw invalid(`${name} is longer than ${MAX_NAME_LENGTH} characters`);
  const normalised = normaliseName(trimmed);
  if (!NAME.test(normalised) || !/\p{L}/u.test(normalised)) {
    throw invalid(
      `${name} "${truncate(trimmed)}" must hold letters, and only letters, spaces, hyphens and apostrophes`,
    );
  }
  return normalised;
}

function parseBirthDate(raw: string): BirthDateCondition {
  const m = /^([a-z]{2})?(.*)$/.exec(raw.trim());
  const prefix = (m?.[1] ?? 'eq') as DateComparator;
  const text = m?.[2] ?? '';
  if (!DATE_PREFIXES.includes(prefix)) {
    throw invalid(`birthdate prefix "${truncate(prefix)}" is not supported; use eq, ge or le`);
  }
  const date = parseWholeDate(text);
  if (date === undefined)
    throw invalid(`birthdate "${truncate(raw)}" must be a date YYYY-MM-DD, optionally after eq, ge or le`);
  return { comparator: prefix, date };
}

function parseCount(raw: string, max: number): number {
  const n = /^[0-9]{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw invalid(`_count must be a whole number from 1 to ${max}`);
  return n;
}

/** The query string of a Patient search → the query; throws a GpcError naming what is wrong. */
export function parsePatientSearch(params: URLSearchParams, limits: SearchLimits): PatientSearchQuery {
  const seen = new Map<string, string[]>();
  for (const [name, value] of params) {
    const rule = Object.prototype.hasOwnProperty.call(PARAMETERS, name) ? PARAMETERS[name] : undefined;
    if (!rule) {
      throw new GpcError(
        'BAD_REQUEST',
        `Patient search parameter "${truncate(name)}" is not supported; ` +
          `use ${Object.keys(PARAMETERS).join(', ')}`,
      );
    }
    const values = seen.get(name) ?? [];
    values.push(value);
    if (values.length > rule.max)
      throw new GpcError(
        'BAD_REQUEST',
        `Patient search parameter ${name} may appear at most ${rule.max} time(s)`,
      );
    seen.set(name, values);
  }
  const one = (name: string) => seen.get(name)?.[0];
  const demographic = ['family', 'given', 'birthdate'].some((n) => seen.has(n));
  if (demographic && !limits.demographicEnabled) {
    throw new GpcError(
      'ACCESS DENIED',
      'The demographic patient search (family, given, birthdate) is switched off at this practice; ' +
        'search by identifier',
    );
  }
  if (!seen.has('identifier') && !demographic) {
    throw new GpcError(
      'BAD_REQUEST',
      'Patient search needs identifier=https://fhir.nhs.uk/Id/nhs-number|NNNNNNNNNN',
    );
  }
  const identifier = one('identifier');
  const family = one('family');
  const given = one('given');
  const birthDates = seen.get('birthdate') ?? [];
  const count = one('_count');
  const criteria: PatientCriteria = {
    ...(identifier !== undefined && { nhsNumber: parseIdentifier(identifier) }),
    ...(family !== undefined && { family: parseName('family', family) }),
    ...(given !== undefined && { given: parseName('given', given) }),
    ...(birthDates.length > 0 && { birthDate: birthDates.map(parseBirthDate) }),
  };
  return {
    criteria,
    count: count === undefined ? limits.maxResults : parseCount(count, limits.maxResults),
    demographic,
  };
}

/** The search terms as sent, bounded, for the audit trail (kept even when the search then fails). */
export function searchTerms(params: URLSearchParams): Record<string, string[]> {
  const terms: Record<string, string[]> = {};
  let kept = 0;
  for (const [name, value] of params) {
    if (name === '_format' || kept >= 10) continue;
    (terms[truncate(name, 40)] ??= []).push(truncate(value, 80));
    kept += 1;
  }
  return terms;
}
