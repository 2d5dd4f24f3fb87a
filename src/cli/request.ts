/**
 * What a GP Connect consumer sends (Retrieve a patient’s structured record — Request headers;
 * Cross-organisation audit and provenance — JSON Web Token; Retrieve a patient’s structured record — Payload
 * request body; Retrieve a patient’s structured record — Not permitted parameter combinations): the Ssp-*
 * headers, an unsigned JWT for the consumer's user, organisation and device, the predefined searches, and
 * resolution of the spec's `today()-365 days` placeholder to a real date.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { londonDate } from '../clock';
import { addDays, type CalendarDate, parseWholeDate } from '../fhir/dates';
import { INTERACTIONS } from '../spine/interactions';

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const RECORD_INTERACTION = INTERACTIONS.getstructuredrecord.interactionId;

/** Who is asking: every value a consumer puts in the Ssp-* headers and the JWT. Test defaults below. */
export interface ConsumerIdentity {
  readonly consumerAsid: string;
  readonly providerAsid: string;
  /** JWT `iss`: the consumer system's Spine endpoint URL. */
  readonly issuer: string;
  /** JWT `aud`; the provider's service root unless given. */
  readonly audience?: string;
  readonly organisation: { readonly odsCode: string; readonly name: string };
  readonly practitioner: {
    readonly id: string;
    readonly sdsUserId: string;
    readonly sdsRoleProfileId: string;
    readonly family: string;
    readonly given: string;
    readonly prefix: string;
  };
  readonly device: {
    readonly system: string;
    readonly id: string;
    readonly model: string;
    readonly version: string;
  };
}

/** The spec's example ASIDs (Retrieve a patient’s structured record — Request headers) and a plausible
 * hospital user: what the embedded practice accepts. */
export const DEFAULT_IDENTITY: ConsumerIdentity = {
  consumerAsid: '200000000115',
  providerAsid: '200000000116',
  issuer: 'https://consumer.example.nhs.uk/',
  organisation: { odsCode: 'RR8', name: 'Leeds Teaching Hospitals NHS Trust' },
  practitioner: {
    id: '1',
    sdsUserId: '111222333444',
    sdsRoleProfileId: '444555666777',
    family: 'Jones',
    given: 'Claire',
    prefix: 'Dr',
  },
  device: {
    system: 'https://consumer.example.nhs.uk/Id/device',
    id: 'gpc-cli',
    model: 'gpc command line consumer',
    version: '1.0',
  },
};

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The JWT `reason_for_request` values GP Connect defines (Cross-organisation audit and provenance — JWT
 * claims); a bulk extract may be for secondary uses. */
export type ReasonForRequest = 'directcare' | 'secondaryuses';

/** The JWT claims (Cross-organisation audit and provenance — JWT claims): `exp` is exactly `iat + 300`, `sub`
 * equals the practitioner id. */
export function jwtClaims(
  identity: ConsumerIdentity,
  audience: string,
  nowSeconds: number,
  reasonForRequest: ReasonForRequest = 'directcare',
): Record<string, unknown> {
  const p = identity.practitioner;
  return {
    iss: identity.issuer,
    sub: p.id,
    aud: identity.audience ?? audience,
    exp: nowSeconds + 300,
    iat: nowSeconds,
    reason_for_request: reasonForRequest,
    requested_scope: 'patient/*.read',
    requesting_device: {
      resourceType: 'Device',
      identifier: [{ system: identity.device.system, value: identity.device.id }],
      model: identity.device.model,
      version: identity.device.version,
    },
    requesting_organization: {
      resourceType: 'Organization',
      identifier: [
        { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: identity.organisation.odsCode },
      ],
      name: identity.organisation.name,
    },
    requesting_practitioner: {
      resourceType: 'Practitioner',
      id: p.id,
      identifier: [
        { system: 'https://fhir.nhs.uk/Id/sds-user-id', value: p.sdsUserId },
        { system: 'https://fhir.nhs.uk/Id/sds-role-profile-id', value: p.sdsRoleProfileId },
      ],
      name: [{ family: p.family, given: [p.given], prefix: [p.prefix] }],
    },
  };
}

/** An unsigned GP Connect JWT: header `{"alg":"none","typ":"JWT"}`, empty signature, trailing dot
 * (Cross-organisation audit and provenance — JSON Web Token). */
export function unsignedJwt(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}

/** Every header of one getstructuredrecord request; a new trace id and a new token each time (Retrieve a
 * patient’s structured record — Request headers; Cross-organisation audit and provenance — JSON Web
 * Token). */
export function spineHeaders(
  identity: ConsumerIdentity,
  serviceRoot: string,
  options: {
    readonly traceId?: string;
    readonly now?: Date;
    readonly interactionId?: string;
    readonly reasonForRequest?: ReasonForRequest;
  } = {},
): { readonly traceId: string; readonly headers: Record<string, string> } {
  const traceId = options.traceId ?? randomUUID();
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims = jwtClaims(identity, serviceRoot, nowSeconds, options.reasonForRequest);
  return {
    traceId,
    headers: {
      'Ssp-TraceID': traceId,
      'Ssp-From': identity.consumerAsid,
      'Ssp-To': identity.providerAsid,
      'Ssp-InteractionID': options.interactionId ?? RECORD_INTERACTION,
      Authorization: `Bearer ${unsignedJwt(claims)}`,
      Accept: 'application/fhir+json',
      'Content-Type': 'application/fhir+json;charset=utf-8',
    },
  };
}

// ---- Parameters bodies -----------------------------------------------------------------------------

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The spec's placeholder for "one year ago" (multi-area search skeletons, Multi area searches). */
export const YEAR_AGO = 'today()-365 days';

/** Predefined search 1 exactly as the spec publishes it, placeholder included (Multi area searches). */
export function predefinedSearch(search: 1 | 2, nhsNumber: string): JsonObject {
  const parameter: Json[] = [
    { name: 'patientNHSNumber', valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } },
    { name: 'includeConsultations', part: [{ name: 'includeNumberOfMostRecent', valuePositiveInt: 3 }] },
    { name: 'includeProblems' },
    { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
    { name: 'includeMedication', part: [{ name: 'medicationSearchFromDate', valueDate: YEAR_AGO }] },
  ];
  if (search === 2) parameter.push({ name: 'includeImmunisations' }, { name: 'includeUncategorisedData' });
  return { resourceType: 'Parameters', parameter };
}

/** Every clinical area, all data: no part parameters except the mandatory includeResolvedAllergies. */
export function wholeRecordSearch(nhsNumber: string): JsonObject {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'patientNHSNumber', valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } },
      { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
      { name: 'includeMedication' },
      { name: 'includeConsultations' },
      { name: 'includeProblems' },
      { name: 'includeImmunisations' },
      { name: 'includeUncategorisedData' },
      { name: 'includeInvestigations' },
      { name: 'includeReferrals' },
      { name: 'includeDiaryEntries' },
    ],
  };
}

export class RequestFileError extends Error {}

/** A request file: a JSON `Parameters` resource (placeholders allowed). */
export function readRequestFile(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RequestFileError(`Cannot read request file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RequestFileError(`Request file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed) || parsed.resourceType !== 'Parameters' || !Array.isArray(parsed.parameter)) {
    throw new RequestFileError(
      `Request file ${file} must hold a FHIR Parameters resource with a "parameter" array`,
    );
  }
  return parsed;
}

/**
 * Set `patientNHSNumber`'s value, keeping whatever identifier system the body has; a body without the
 * parameter gets one only when `addIfMissing` (an example that leaves it out on purpose keeps it out).
 */
export function withNhsNumber(body: JsonObject, nhsNumber: string, addIfMissing = true): JsonObject {
  const copy = structuredClone(body);
  const parameters = copy.parameter as Json[];
  const existing = parameters.find((p) => isObject(p) && p.name === 'patientNHSNumber');
  if (isObject(existing) && isObject(existing.valueIdentifier)) {
    existing.valueIdentifier.value = nhsNumber;
  } else if (isObject(existing)) {
    existing.valueIdentifier = { system: NHS_NUMBER_SYSTEM, value: nhsNumber };
  } else if (addIfMissing) {
    parameters.unshift({
      name: 'patientNHSNumber',
      valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber },
    });
  }
  return copy;
}

export function nhsNumberOf(body: JsonObject): string | undefined {
  const parameters = Array.isArray(body.parameter) ? body.parameter : [];
  const p = parameters.find((x) => isObject(x) && x.name === 'patientNHSNumber');
  const value = isObject(p) && isObject(p.valueIdentifier) ? p.valueIdentifier.value : undefined;
  return typeof value === 'string' ? value : undefined;
}

// ---- Placeholders ----------------------------------------------------------------------------------

/** `today()`, `today()-365 days`, `today()+30 days` (whole string; spaces optional; "day" or "days"). */
const PLACEHOLDER = /^today\(\)\s*(?:([+-])\s*(\d{1,5})\s*days?)?$/;

/** Today as the provider sees it: the Europe/London calendar date (D-1). */
export function londonToday(now: Date = new Date()): CalendarDate {
  return londonDate(now);
}

export class PlaceholderError extends Error {}

/** The date a placeholder stands for, or undefined when the string is not a placeholder. */
export function resolvePlaceholder(value: string, today: CalendarDate): CalendarDate | undefined {
  const m = PLACEHOLDER.exec(value.trim());
  if (!m) {
    if (value.includes('today()')) {
      throw new PlaceholderError(
        `Cannot resolve "${value}": write today(), today()-N days or today()+N days`,
      );
    }
    return undefined;
  }
  if (m[1] === undefined) return today;
  const days = Number(m[2]);
  return addDays(today, m[1] === '-' ? -days : days);
}

/** A copy of the body with every placeholder string replaced by its date. */
export function resolvePlaceholders<T extends Json>(body: T, today: CalendarDate): T {
  const walk = (value: Json): Json => {
    if (typeof value === 'string') return resolvePlaceholder(value, today) ?? value;
    if (Array.isArray(value)) return value.map(walk);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(body) as T;
}

/** `includeMedication.medicationSearchFromDate` as written (a date, or a placeholder before resolution). */
export function medicationSearchFromValue(body: JsonObject): string | undefined {
  const parameters = Array.isArray(body.parameter) ? body.parameter : [];
  for (const p of parameters) {
    if (!isObject(p) || p.name !== 'includeMedication' || !Array.isArray(p.part)) continue;
    for (const part of p.part) {
      if (isObject(part) && part.name === 'medicationSearchFromDate' && typeof part.valueDate === 'string')
        return part.valueDate;
    }
  }
  return undefined;
}

/** The medication search date the request asks for (after placeholders), if any. */
export function medicationSearchFromDate(body: JsonObject): CalendarDate | undefined {
  const value = medicationSearchFromValue(body);
  return value === undefined ? undefined : parseWholeDate(value);
}
