import { GpcError } from '../fhir/gpc-error';
import { isJsonObject, type JsonObject } from '../fhir/json';
import { SYSTEM } from '../fhir/profiles';
import { truncate } from '../fhir/text';
import type { Interaction } from './interactions';
import { STU3_ELEMENTS, STU3_RESOURCE_TYPES } from './stu3-resources';

/** What the consumer's JWT tells us; kept for audit. Never used to route or look up data. */
export interface JwtClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly audience: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly reasonForRequest: ReasonForRequest;
  readonly requestedScope: string;
  readonly algorithm: string;
  readonly organization: { readonly odsCode: string; readonly odsSystem: string; readonly name: string };
  readonly practitioner: {
    readonly id: string;
    readonly sdsUserId: string;
    readonly sdsRoleProfileId?: string;
    readonly name: string;
  };
  readonly device: { readonly identifier: string; readonly model: string; readonly version: string };
}

/** The reason_for_request values known; each interaction says which it accepts (D-B2). */
const REASONS = ['directcare', 'migration', 'secondaryuses'] as const;
export type ReasonForRequest = (typeof REASONS)[number];

const REQUIRED_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'reason_for_request',
  'requested_scope',
  'requesting_device',
  'requesting_organization',
  'requesting_practitioner',
] as const;

const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  'patient/*.read',
  'patient/*.write',
  'organization/*.read',
  'organization/*.write',
  'conf/N',
  'conf/R',
]);

/** JWT lifetime the spec fixes: exp SHALL be exactly iat + 300 seconds. */
const TOKEN_LIFETIME_SECONDS = 300;

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

type Json = JsonObject;

function bad(diagnostics: string): GpcError {
  return new GpcError('BAD_REQUEST', diagnostics, { 'WWW-Authenticate': 'Bearer' });
}

function decodeSegment(segment: string, what: string): Json {
  if (!BASE64URL.test(segment)) throw bad(`JWT ${what} is not base64url encoded`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw bad(`JWT ${what} is not valid JSON`);
  }
  if (!isJsonObject(parsed)) throw bad(`JWT ${what} is not a JSON object`);
  return parsed;
}

function nonEmptyString(claims: Json, name: string): string {
  const value = claims[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw bad(`JWT ${name} claim must be a non-empty string`);
  return value;
}

function integerClaim(claims: Json, name: string): number {
  const value = claims[name];
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw bad(`JWT ${name} claim must be an integer`);
  return value;
}

/**
 * A claim resource must be the expected base STU3 resource. An unknown resource type or an element
 * STU3 does not define fails validation (422 INVALID_RESOURCE); a real but wrong type is a bad
 * request (400) (decision D-15).
 */
function claimResource(claims: Json, claim: string, expected: keyof typeof STU3_ELEMENTS): Json {
  const value = claims[claim];
  if (!isJsonObject(value)) throw bad(`JWT ${claim} claim must be a FHIR ${expected} resource`);
  const type = value.resourceType;
  if (typeof type !== 'string' || !STU3_RESOURCE_TYPES.has(type)) {
    throw new GpcError(
      'INVALID_RESOURCE',
      // Only a string is echoed: String() of a deeply nested array overflows the stack.
      `JWT ${claim} claim has resourceType ${typeof type === 'string' ? `"${truncate(type)}"` : `of type ${Array.isArray(type) ? 'array' : typeof type}`}, which is not a FHIR STU3 resource`,
    );
  }
  if (type !== expected) throw bad(`JWT ${claim} claim must be a ${expected} resource, not ${type}`);
  const unknown = Object.keys(value).find((key) => !STU3_ELEMENTS[expected].has(key));
  if (unknown !== undefined) {
    throw new GpcError(
      'INVALID_RESOURCE',
      `JWT ${claim} claim: element "${truncate(unknown)}" is not defined for a FHIR STU3 ${expected}`,
    );
  }
  return value;
}

interface IdentifierLike {
  system?: unknown;
  value?: unknown;
}

function identifiers(resource: Json): IdentifierLike[] {
  const list = resource.identifier;
  return Array.isArray(list) ? list.filter(isJsonObject) : [];
}

function identifierValue(list: IdentifierLike[], system: string): string | undefined {
  const found = list.find((i) => i.system === system && typeof i.value === 'string' && i.value.trim() !== '');
  return found?.value as string | undefined;
}

function humanName(resource: Json, claim: string): string {
  const names = resource.name;
  const first = Array.isArray(names) ? names.find(isJsonObject) : undefined;
  if (!first) throw bad(`JWT ${claim} claim must have a name`);
  const parts = [first.prefix, first.given, first.family]
    .flatMap((p): unknown[] => (Array.isArray(p) ? (p as unknown[]) : [p]))
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (parts.length === 0) throw bad(`JWT ${claim} claim must have a name`);
  return parts.join(' ');
}

function checkScope(scope: string, interaction: Interaction): void {
  const tokens = scope.split(' ').filter((t) => t !== '');
  const unknown = tokens.find((t) => !KNOWN_SCOPES.has(t));
  if (unknown !== undefined) throw bad(`JWT requested_scope "${truncate(unknown)}" is not a valid scope`);
  checkScopeFor(tokens, interaction);
}

// The checks that depend on the request as well as the token (its time, its interaction): made by
// checkJwt and again by jwtChecker for a token it remembers.

function checkNotExpired(expiresAt: number, now: Date): void {
  if (now.getTime() >= expiresAt * 1000) throw bad('JWT has expired (exp is in the past)');
}

function checkReasonFor(reason: string, interaction: Interaction): void {
  const accepted: readonly ReasonForRequest[] = interaction.reasons ?? ['directcare'];
  if (!(accepted as readonly string[]).includes(reason))
    throw bad(`JWT reason_for_request must be ${accepted.join(' or ')} for this interaction`);
}

function checkScopeFor(tokens: readonly string[], interaction: Interaction): void {
  if (!tokens.includes(interaction.requiredScope)) {
    throw bad(`JWT requested_scope must include ${interaction.requiredScope} for this interaction`);
  }
}

/** Decode the unsigned GP Connect JWT and apply every claim rule of Cross-organisation audit and provenance —
 * JSON Web Token (D-10 to D-16). */
export function checkJwt(authorization: string | undefined, interaction: Interaction, now: Date): JwtClaims {
  if (authorization === undefined || authorization.trim() === '')
    throw bad('Authorization header is missing');
  const match = /^Bearer\s+(\S+)$/.exec(authorization.trim());
  if (!match) throw bad('Authorization header must be "Bearer <JWT>"');
  const segments = match[1].split('.');
  if (segments.length !== 3) throw bad('JWT must have three segments: header.payload.signature');
  const header = decodeSegment(segments[0], 'header');
  const claims = decodeSegment(segments[1], 'payload');
  // D-10: tokens are unsigned; a signed one is decoded without verification and accepted.
  const algorithm = typeof header.alg === 'string' ? header.alg : 'none';

  for (const name of REQUIRED_CLAIMS) {
    if (claims[name] === undefined || claims[name] === null)
      throw bad(`JWT ${name} claim is missing or empty`);
  }
  const issuer = nonEmptyString(claims, 'iss');
  const subject = nonEmptyString(claims, 'sub');
  const audience = nonEmptyString(claims, 'aud');
  const expiresAt = integerClaim(claims, 'exp');
  const issuedAt = integerClaim(claims, 'iat');
  if (expiresAt - issuedAt !== TOKEN_LIFETIME_SECONDS) {
    throw bad(`JWT exp claim must be exactly iat + ${TOKEN_LIFETIME_SECONDS} seconds`);
  }
  // D-12: iat is not compared with our clock (the test pack sends future iat and expects success).
  checkNotExpired(expiresAt, now);

  const reason = nonEmptyString(claims, 'reason_for_request');
  if (!(REASONS as readonly string[]).includes(reason)) {
    throw bad(`JWT reason_for_request "${truncate(reason)}" must be ${REASONS.join(', ')}`);
  }
  checkReasonFor(reason, interaction);
  const requestedScope = nonEmptyString(claims, 'requested_scope');
  checkScope(requestedScope, interaction);

  const device = claimResource(claims, 'requesting_device', 'Device');
  const deviceIdentifier = identifiers(device).find(
    (i) => typeof i.value === 'string' && i.value.trim() !== '',
  );
  if (!deviceIdentifier) throw bad('JWT requesting_device claim must have an identifier with a value');
  if (typeof device.model !== 'string' || device.model.trim() === '') {
    throw bad('JWT requesting_device claim must have a model');
  }
  if (typeof device.version !== 'string' || device.version.trim() === '') {
    throw bad('JWT requesting_device claim must have a version');
  }

  const organization = claimResource(claims, 'requesting_organization', 'Organization');
  if (typeof organization.name !== 'string' || organization.name.trim() === '') {
    throw bad('JWT requesting_organization claim must have a name');
  }
  // D-14b: a legacy ODS system is accepted (and visible in the audit record).
  const odsIdentifier = identifiers(organization).find(
    (i) =>
      typeof i.system === 'string' &&
      /ods-organization-code$/.test(i.system) &&
      typeof i.value === 'string' &&
      i.value.trim() !== '',
  );
  if (!odsIdentifier)
    throw bad('JWT requesting_organization claim must have an ODS organization code identifier');

  const practitioner = claimResource(claims, 'requesting_practitioner', 'Practitioner');
  if (typeof practitioner.id !== 'string' || practitioner.id.trim() === '') {
    throw bad('JWT requesting_practitioner claim must have an id');
  }
  if (practitioner.id !== subject) throw bad('JWT sub claim must equal requesting_practitioner.id');
  const practitionerName = humanName(practitioner, 'requesting_practitioner');
  const practitionerIds = identifiers(practitioner);
  const sdsUserId = identifierValue(practitionerIds, SYSTEM.sdsUserId);
  if (sdsUserId === undefined) {
    throw bad(`JWT requesting_practitioner claim must have an identifier with system ${SYSTEM.sdsUserId}`);
  }

  return {
    issuer,
    subject,
    audience,
    issuedAt,
    expiresAt,
    reasonForRequest: reason as ReasonForRequest,
    requestedScope,
    algorithm,
    organization: {
      odsCode: odsIdentifier.value as string,
      odsSystem: odsIdentifier.system as string,
      name: organization.name,
    },
    practitioner: {
      id: practitioner.id,
      sdsUserId,
      sdsRoleProfileId: identifierValue(practitionerIds, SYSTEM.sdsRoleProfileId),
      name: practitionerName,
    },
    device: { identifier: deviceIdentifier.value as string, model: device.model, version: device.version },
  };
}

/**
 * Tokens remembered by a checker. A consumer that sends the same token again (it is valid for 300
 * seconds) skips the decoding and the checks that depend on the token alone; a caller sending new
 * tokens evicts the oldest, so memory stays bounded (about 2 KB a token).
 */
export const REMEMBERED_TOKENS = 256;

/** checkJwt with a memo (jwtChecker). */
export interface JwtChecker {
  readonly check: (authorization: string | undefined, interaction: Interaction, now: Date) => JwtClaims;
  /** How many tokens are remembered (at most REMEMBERED_TOKENS). */
  readonly remembered: number;
}

/**
 * checkJwt with a memo of tokens that passed it, keyed by the exact Authorization header (issue 15).
 * A remembered token is still checked on every request for everything that is not the token's alone:
 * expiry against `now`, and the interaction's reason and scope, in checkJwt's order. Every check
 * before them depends only on the token and passed, and every check after them too, so a remembered
 * token fails (or passes) with exactly the error checkJwt would give. Failures are never remembered.
 */
export function jwtChecker(): JwtChecker {
  const passed = new Map<string, JwtClaims>();
  const check: JwtChecker['check'] = (authorization, interaction, now) => {
    const known = authorization === undefined ? undefined : passed.get(authorization);
    if (known === undefined) {
      const claims = checkJwt(authorization, interaction, now);
      if (authorization !== undefined) {
        if (passed.size >= REMEMBERED_TOKENS) passed.delete(passed.keys().next().value as string);
        passed.set(authorization, claims);
      }
      return claims;
    }
    checkNotExpired(known.expiresAt, now);
    checkReasonFor(known.reasonForRequest, interaction);
    checkScopeFor(known.requestedScope.split(' '), interaction);
    return known;
  };
  return {
    check,
    get remembered() {
      return passed.size;
    },
  };
}
