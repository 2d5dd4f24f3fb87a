/** The patient search's parameter rules and name normalisation, one rule per case. */
import { GpcError } from '../../src/fhir/gpc-error';
import { parsePatientSearch } from '../../src/operations/patient/search-parameters';
import { normaliseName } from '../../src/record/patient-directory';

const limits = { demographicEnabled: true, maxResults: 50 };
const parse = (query: string) => parsePatientSearch(new URLSearchParams(query), limits);

function codeOf(query: string): string | undefined {
  try {
    parse(query);
    return undefined;
  } catch (error) {
    return error instanceof GpcError ? `${error.status} ${error.spineCode}` : String(error);
  }
}

describe('normaliseName', () => {
  it.each([
    ['Ångström', 'angstrom'],
    ['  NÚÑEZ-García ', 'nunez-garcia'],
    ['O\u2019Neill', "o'neill"],
    ['Strauß', 'strauss'],
    ['Søren   Łukasz', 'soren lukasz'],
    ['ﬁnn', 'finn'],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseName(raw)).toBe(expected);
  });
});

describe('parsePatientSearch', () => {
  it('builds the criteria of a combined search', () => {
    expect(
      parse('family=H%C3%BCghes&given=Ann&birthdate=ge1948-01-01&birthdate=le1948-12-31&_count=5'),
    ).toEqual({
      criteria: {
        family: 'hughes',
        given: 'ann',
        birthDate: [
          { comparator: 'ge', date: '1948-01-01' },
          { comparator: 'le', date: '1948-12-31' },
        ],
      },
      count: 5,
      demographic: true,
    });
    expect(parse('identifier=https://fhir.nhs.uk/Id/nhs-number|9690937286').criteria).toEqual({
      nhsNumber: '9690937286',
    });
  });

  it.each([
    ['', '400 BAD_REQUEST'],
    ['_count=5', '400 BAD_REQUEST'],
    ['name=smith', '400 BAD_REQUEST'],
    ['family:exact=smith', '400 BAD_REQUEST'],
    ['identifier=https://example.org|1', '400 INVALID_IDENTIFIER_SYSTEM'],
    ['identifier=https://fhir.nhs.uk/Id/nhs-number|96909372860', '400 INVALID_IDENTIFIER_VALUE'],
    ['identifier=https://fhir.nhs.uk/Id/nhs-number| 969 093 7286', '400 INVALID_IDENTIFIER_VALUE'],
    ['identifier=9690937286', '422 INVALID_PARAMETER'],
    ['family=-', '422 INVALID_PARAMETER'],
    ['family=smith_', '422 INVALID_PARAMETER'],
    ['birthdate=ne1948-09-30', '422 INVALID_PARAMETER'],
    ['birthdate=1948-09-30T00:00:00Z', '422 INVALID_PARAMETER'],
    ['family=smith&_count=51', '422 INVALID_PARAMETER'],
    ['family=smith&_count=1e1', '422 INVALID_PARAMETER'],
  ])('%j → %s', (query, expected) => {
    expect(codeOf(query)).toBe(expected);
  });

  it('refuses the demographic parameters when switched off, not the identifier', () => {
    const off = { demographicEnabled: false, maxResults: 50 };
    expect(() => parsePatientSearch(new URLSearchParams('given=ann'), off)).toThrow(/switched off/);
    expect(
      parsePatientSearch(new URLSearchParams('identifier=https://fhir.nhs.uk/Id/nhs-number|9690937286'), off)
        .demographic,
    ).toBe(false);
  });
});
