/** src/fhir/content-negotiation.ts: FHIR API guidance — Content types; D-7; D-8; D-9. */
import { FHIR_JSON_CONTENT_TYPE, formatOf, negotiateFormat } from '../../src/fhir/content-negotiation';

describe('formatOf: the accepted spellings (D-9)', () => {
  it.each([
    ['application/fhir+json', 'json'],
    ['application/json', 'json'],
    ['application/json+fhir', 'json'],
    ['json', 'json'],
    ['application/fhir+json;charset=utf-8', 'json'],
    ['application/fhir+json; charset=utf-8', 'json'],
    ['Application/FHIR+JSON', 'json'],
    ['  application/fhir+json  ', 'json'],
    ['application/fhir+xml', 'xml'],
    ['application/xml', 'xml'],
    ['application/xml+fhir', 'xml'],
    ['xml', 'xml'],
    ['text/xml', 'xml'],
    ['*/*', 'any'],
    ['application/*', 'any'],
  ])('%s → %s', (type, format) => {
    expect(formatOf(type)).toBe(format);
  });

  it.each([
    'text/html',
    'text/plain',
    'text/json',
    'application/fhir+turtle',
    'ttl',
    '',
    'fhir+json',
    'text/*',
  ])('%s → not a FHIR format', (type) => {
    expect(formatOf(type)).toBeUndefined();
  });
});

describe('negotiateFormat', () => {
  it('nothing at all → JSON', () => {
    expect(negotiateFormat({})).toBe('json');
  });

  it('_format overrides Accept (H17)', () => {
    expect(
      negotiateFormat({ formatParameter: 'application/fhir+json', accept: 'application/fhir+xml' }),
    ).toBe('json');
    expect(negotiateFormat({ formatParameter: 'xml', accept: 'application/fhir+json' })).toBe('xml');
  });

  it('_format with the "+" decoded to a space (an unencoded query string) still means fhir+json', () => {
    expect(negotiateFormat({ formatParameter: 'application/fhir json' })).toBe('json');
    expect(negotiateFormat({ formatParameter: 'application/fhir xml' })).toBe('xml');
  });

  it.each(['json', 'application/json', '*/*'])('_format=%s → JSON', (f) => {
    expect(negotiateFormat({ formatParameter: f })).toBe('json');
  });

  it('an unknown _format → unsupported, quoting it', () => {
    expect(negotiateFormat({ formatParameter: 'text/html', accept: 'application/fhir+json' })).toEqual({
      unsupported: '_format=text/html',
    });
  });

  it('an empty _format is ignored', () => {
    expect(negotiateFormat({ formatParameter: '', accept: 'application/fhir+xml' })).toBe('xml');
  });

  it.each([
    ['application/fhir+json', 'json'],
    ['application/fhir+xml', 'xml'],
    ['*/*', 'json'],
    ['application/fhir+xml, application/fhir+json', 'xml'],
    ['application/fhir+json, application/fhir+xml', 'json'],
    ['application/fhir+xml;q=1.0, application/fhir+json;q=0.1', 'xml'],
    ['application/fhir+xml;q=0.5, application/fhir+json', 'json'],
    ['application/fhir+xml, */*;q=0.1', 'xml'],
    ['text/html, application/fhir+xml', 'xml'],
    ['text/html, */*;q=0.8', 'json'],
  ])('Accept: %s → %s', (accept, format) => {
    expect(negotiateFormat({ accept })).toBe(format);
  });

  it.each(['text/html', 'application/fhir+json;q=0', 'image/png, text/plain', 'garbage'])(
    'Accept: %s → unsupported (415)',
    (accept) => {
      expect(negotiateFormat({ accept })).toEqual({ unsupported: `Accept: ${accept}` });
    },
  );

  it('with no Accept and no _format, the Content-Type decides', () => {
    expect(negotiateFormat({ contentType: 'application/fhir+xml' })).toBe('xml');
    expect(negotiateFormat({ contentType: 'application/fhir+json;charset=utf-8' })).toBe('json');
    expect(negotiateFormat({ contentType: 'text/plain' })).toBe('json');
  });

  it('Accept wins over Content-Type', () => {
    expect(negotiateFormat({ accept: 'application/fhir+json', contentType: 'application/fhir+xml' })).toBe(
      'json',
    );
  });

  it('the response Content-Type is written without a space before charset', () => {
    expect(FHIR_JSON_CONTENT_TYPE).toBe('application/fhir+json;charset=utf-8');
  });
});
