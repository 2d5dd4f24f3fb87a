/**
 * gpc's request side, in-process: the headers and JWT it builds pass the server's own checks, and the
 * spec's placeholders resolve to Europe/London dates.
 */
import {
  DEFAULT_IDENTITY,
  type JsonObject,
  londonToday,
  medicationSearchFromDate,
  nhsNumberOf,
  PlaceholderError,
  predefinedSearch,
  resolvePlaceholder,
  resolvePlaceholders,
  spineHeaders,
  withNhsNumber,
} from '../../src/cli/request';
import type { CalendarDate } from '../../src/fhir/dates';
import { INTERACTIONS } from '../../src/spine/interactions';
import { checkJwt } from '../../src/spine/jwt';
import { checkSspHeaders } from '../../src/spine/ssp-headers';

const TODAY = '2026-11-21' as CalendarDate;

describe('gpc request: headers and JWT', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const { traceId, headers } = spineHeaders(
    DEFAULT_IDENTITY,
    'http://127.0.0.1:1/P99001/STU3/1/gpconnect/structured',
    { now },
  );
  const lookup = (name: string) =>
    Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

  it('sends every Ssp-* header the provider checks, with a new UUID trace id', () => {
    expect(traceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const envelope = checkSspHeaders(lookup, INTERACTIONS.getstructuredrecord, '200000000116');
    expect(envelope).toEqual({
      traceId,
      fromAsid: '200000000115',
      toAsid: '200000000116',
      interactionId: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
    });
  });

  it('sends an unsigned JWT that passes every claim rule (exp = iat + 300, sub = practitioner id)', () => {
    const token = lookup('Authorization')!;
    expect(token).toMatch(/^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.$/);
    const claims = checkJwt(token, INTERACTIONS.getstructuredrecord, now);
    expect(claims).toMatchObject({
      algorithm: 'none',
      reasonForRequest: 'directcare',
      requestedScope: 'patient/*.read',
      expiresAt: claims.issuedAt + 300,
      audience: 'http://127.0.0.1:1/P99001/STU3/1/gpconnect/structured',
      organization: { odsCode: 'RR8', odsSystem: 'https://fhir.nhs.uk/Id/ods-organization-code' },
      practitioner: {
        id: '1',
        sdsUserId: '111222333444',
        sdsRoleProfileId: '444555666777',
        name: 'Dr Claire Jones',
      },
      device: { identifier: 'gpc-cli' },
    });
  });

  it('puts a configured identity in the headers and the token', () => {
    const identity = {
      ...DEFAULT_IDENTITY,
      consumerAsid: '918999198738',
      providerAsid: '918999198993',
      organisation: { odsCode: 'A11111', name: 'Test Hospital' },
      practitioner: {
        ...DEFAULT_IDENTITY.practitioner,
        id: 'u-7',
        sdsUserId: 'UNK',
        sdsRoleProfileId: 'UNK',
      },
    };
    const built = spineHeaders(identity, 'https://provider.example/A11111/STU3/1/gpconnect/structured', {
      now,
      traceId: 'trace-1',
    });
    expect(built.headers['Ssp-From']).toBe('918999198738');
    expect(built.headers['Ssp-To']).toBe('918999198993');
    expect(built.headers['Ssp-TraceID']).toBe('trace-1');
    const claims = checkJwt(built.headers.Authorization, INTERACTIONS.getstructuredrecord, now);
    expect(claims.subject).toBe('u-7');
    expect(claims.organization.odsCode).toBe('A11111');
    expect(claims.practitioner.sdsUserId).toBe('UNK');
  });
});

describe('gpc request: placeholders', () => {
  it.each([
    ['today()', '2026-11-21'],
    ['today()-365 days', '2025-11-21'],
    ['today() - 1 day', '2026-11-20'],
    ['today()+30 days', '2026-12-21'],
  ])('%s resolves to %s', (placeholder, date) => {
    expect(resolvePlaceholder(placeholder, TODAY)).toBe(date);
  });

  it('leaves ordinary strings alone and refuses a placeholder it cannot read', () => {
    expect(resolvePlaceholder('2019-02-21', TODAY)).toBeUndefined();
    expect(() => resolvePlaceholder('today()-1 year', TODAY)).toThrow(PlaceholderError);
  });

  it('resolves the predefined search skeleton (valueDate) and periods (start/end) anywhere in the body', () => {
    const body = resolvePlaceholders(predefinedSearch(1, '9690937286'), TODAY);
    expect(medicationSearchFromDate(body)).toBe('2025-11-21');
    const withPeriod = resolvePlaceholders(
      {
        resourceType: 'Parameters',
        parameter: [
          {
            name: 'includeConsultations',
            part: [
              { name: 'consultationSearchPeriod', valuePeriod: { start: 'today()-62 days', end: 'today()' } },
            ],
          },
        ],
      },
      TODAY,
    );
    expect(JSON.stringify(withPeriod)).toContain('"valuePeriod":{"start":"2026-09-20","end":"2026-11-21"}');
  });

  it('today is the Europe/London date: 23:30 UTC in summer is already tomorrow in London', () => {
    expect(londonToday(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
    expect(londonToday(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
  });

  it('replaces the patient, keeping the identifier system; adds one only when asked', () => {
    const body = predefinedSearch(2, '9690937286');
    expect(nhsNumberOf(withNhsNumber(body, '9690939009'))).toBe('9690939009');
    const none: JsonObject = { resourceType: 'Parameters', parameter: [{ name: 'includeProblems' }] };
    expect(nhsNumberOf(withNhsNumber(none, '9690939009', false))).toBeUndefined();
    expect(nhsNumberOf(withNhsNumber(none, '9690939009'))).toBe('9690939009');
  });
});
