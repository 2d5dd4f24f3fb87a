/** src/fhir/xml: the writer and reader on each construct of the STU3 XML representation. */
import { parseFhirXml, XmlReadError } from '../../src/fhir/xml/read-xml';
import { escapeAttribute, toFhirXml, XmlWriteError } from '../../src/fhir/xml/write-xml';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const NS = 'xmlns="http://hl7.org/fhir"';

/** Writes `resource`, checks the XML is `expected`, and that it reads back to `resource`. */
function roundTrip(resource: Record<string, unknown>, expected: string): void {
  const xml = toFhirXml(resource);
  expect(xml).toBe(`${DECL}${expected}`);
  expect(parseFhirXml(xml)).toEqual(resource);
}

describe('writer and reader', () => {
  it('puts children in the STU3 order whatever the JSON key order', () => {
    const xml = toFhirXml({
      resourceType: 'Patient',
      gender: 'female',
      name: [{ given: ['Ann'], family: 'Lee', use: 'official' }],
      id: 'p1',
      meta: { profile: ['https://example.org/p'] },
    });
    expect(xml).toBe(
      `${DECL}<Patient ${NS}><id value="p1"/><meta><profile value="https://example.org/p"/></meta>` +
        '<name><use value="official"/><family value="Lee"/><given value="Ann"/></name><gender value="female"/></Patient>',
    );
  });

  it('choice types: value[x] is named for its type, and reads back by that name', () => {
    roundTrip(
      {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'Weight' },
        valueQuantity: { value: 72.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
      },
      `<Observation ${NS}><status value="final"/><code><text value="Weight"/></code><valueQuantity>` +
        '<value value="72.5"/><unit value="kg"/><system value="http://unitsofmeasure.org"/><code value="kg"/>' +
        '</valueQuantity></Observation>',
    );
  });

  it('booleans and numbers are JSON booleans and numbers again', () => {
    roundTrip(
      {
        resourceType: 'Parameters',
        parameter: [
          { name: 'a', valueBoolean: false },
          { name: 'b', valuePositiveInt: 3 },
          { name: 'c', valueDecimal: -0.25 },
          { name: 'd', valueInteger: 0 },
        ],
      },
      `<Parameters ${NS}><parameter><name value="a"/><valueBoolean value="false"/></parameter>` +
        '<parameter><name value="b"/><valuePositiveInt value="3"/></parameter>' +
        '<parameter><name value="c"/><valueDecimal value="-0.25"/></parameter>' +
        '<parameter><name value="d"/><valueInteger value="0"/></parameter></Parameters>',
    );
  });

  it('primitive extensions and ids: `_field` ↔ attributes and children of the element', () => {
    roundTrip(
      {
        resourceType: 'Patient',
        birthDate: '1950-01-02',
        _birthDate: {
          id: 'b1',
          extension: [
            {
              url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
              valueDateTime: '1950-01-02T10:00:00Z',
            },
          ],
        },
      },
      `<Patient ${NS}><birthDate id="b1" value="1950-01-02"><extension ` +
        'url="http://hl7.org/fhir/StructureDefinition/patient-birthTime"><valueDateTime value="1950-01-02T10:00:00Z"/>' +
        '</extension></birthDate></Patient>',
    );
  });

  it('repeating primitives with extensions on some: the arrays line up with nulls', () => {
    roundTrip(
      {
        resourceType: 'Patient',
        name: [
          {
            given: ['Ann', null, 'Jo'],
            _given: [
              null,
              { extension: [{ url: 'http://example.org/x', valueString: 'no value' }] },
              { id: 'g3' },
            ],
          },
        ],
      },
      `<Patient ${NS}><name><given value="Ann"/><given><extension url="http://example.org/x">` +
        '<valueString value="no value"/></extension></given><given id="g3" value="Jo"/></name></Patient>',
    );
  });

  it('element ids and extension urls are attributes; nested extensions keep their order', () => {
    roundTrip(
      {
        resourceType: 'List',
        extension: [
          {
            id: 'e1',
            url: 'https://example.org/outer',
            extension: [
              { url: 'inner', valueCode: 'a' },
              { url: 'other', valueReference: { reference: 'Patient/1' } },
            ],
          },
        ],
        status: 'current',
        mode: 'snapshot',
      },
      `<List ${NS}><extension id="e1" url="https://example.org/outer"><extension url="inner">` +
        '<valueCode value="a"/></extension><extension url="other"><valueReference><reference value="Patient/1"/>' +
        '</valueReference></extension></extension><status value="current"/><mode value="snapshot"/></List>',
    );
  });

  it('contained resources and Bundle entries are wrapped in their element; no repeated namespace', () => {
    roundTrip(
      {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          {
            resource: {
              resourceType: 'List',
              contained: [
                { resourceType: 'AllergyIntolerance', id: 'a1', patient: { reference: 'Patient/1' } },
              ],
              status: 'current',
              mode: 'snapshot',
              entry: [{ item: { reference: '#a1' } }],
            },
          },
        ],
      },
      `<Bundle ${NS}><type value="collection"/><entry><resource><List><contained><AllergyIntolerance>` +
        '<id value="a1"/><patient><reference value="Patient/1"/></patient></AllergyIntolerance></contained>' +
        '<status value="current"/><mode value="snapshot"/><entry><item><reference value="#a1"/></item></entry>' +
        '</List></resource></entry></Bundle>',
    );
  });

  it('Parameters.parameter.resource and nested parts', () => {
    roundTrip(
      {
        resourceType: 'Parameters',
        parameter: [
          { name: 'r', resource: { resourceType: 'Patient', id: 'x' } },
          { name: 'p', part: [{ name: 'q', part: [{ name: 's', valueString: 't' }] }] },
        ],
      },
      `<Parameters ${NS}><parameter><name value="r"/><resource><Patient><id value="x"/></Patient></resource>` +
        '</parameter><parameter><name value="p"/><part><name value="q"/><part><name value="s"/>' +
        '<valueString value="t"/></part></part></parameter></Parameters>',
    );
  });

  it('the narrative div is XHTML markup, passed through both ways', () => {
    const div = '<div xmlns="http://www.w3.org/1999/xhtml"><p class="x">A &amp; B &lt;3<br/>two</p></div>';
    roundTrip(
      { resourceType: 'Organization', text: { status: 'generated', div }, name: 'Practice' },
      `<Organization ${NS}><text><status value="generated"/>${div}</text><name value="Practice"/></Organization>`,
    );
  });

  it('escapes the markup characters, quotes and whitespace controls in attributes', () => {
    const name = 'A & B <c> "d" \'e\'\tf\ng\rh';
    const xml = toFhirXml({ resourceType: 'Organization', name });
    expect(xml).toContain('<name value="A &amp; B &lt;c&gt; &quot;d&quot; \'e\'&#9;f&#10;g&#13;h"/>');
    expect(parseFhirXml(xml)).toEqual({ resourceType: 'Organization', name });
  });

  it('characters XML cannot carry become U+FFFD; astral characters are kept', () => {
    expect(escapeAttribute('a\u0000b\u001fc\ufffed')).toBe('a\ufffdb\ufffdc\ufffdd');
    expect(escapeAttribute('lone \ud800 surrogate')).toBe('lone \ufffd surrogate');
    expect(escapeAttribute('emoji 😀')).toBe('emoji 😀');
    const xml = toFhirXml({ resourceType: 'Organization', name: 'bell\u0007 😀' });
    expect(parseFhirXml(xml)).toEqual({ resourceType: 'Organization', name: 'bell\ufffd 😀' });
  });

  it('the CapabilityStatement and OperationOutcome (hand-written and profile tables) round-trip', () => {
    const outcome = {
      resourceType: 'OperationOutcome',
      meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1'] },
      issue: [
        {
          severity: 'error',
          code: 'invalid',
          details: { coding: [{ system: 's', code: 'C', display: 'D' }] },
          diagnostics: 'x',
        },
      ],
    };
    expect(parseFhirXml(toFhirXml(outcome))).toEqual(outcome);
    const statement = {
      resourceType: 'CapabilityStatement',
      status: 'active',
      format: ['application/fhir+json', 'application/fhir+xml'],
      rest: [
        {
          mode: 'server',
          security: { cors: true },
          operation: [{ name: 'op', definition: { reference: 'r' } }],
        },
      ],
    };
    expect(parseFhirXml(toFhirXml(statement))).toEqual(statement);
  });
});

describe('writer faults (a defect in the resource built, never silent)', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an element the type does not have',
      { resourceType: 'Patient', colour: 'red' },
      /Patient: colour is not an element of Patient/,
    ],
    ['an unknown resource type', { resourceType: 'Wibble' }, /unknown resourceType Wibble/],
    [
      'a single element given as an array',
      { resourceType: 'Patient', gender: ['f'] },
      /Patient.gender: not a repeating element/,
    ],
    [
      'a repeating element not an array',
      { resourceType: 'Patient', name: { family: 'x' } },
      /Patient.name: a repeating element must be an array/,
    ],
    [
      'an extension without url',
      { resourceType: 'Patient', extension: [{ valueString: 'x' }] },
      /needs its url/,
    ],
    [
      'an object where a primitive goes',
      { resourceType: 'Patient', gender: { x: 1 } },
      /a primitive must be/,
    ],
    [
      'a narrative that is not a div',
      { resourceType: 'Patient', text: { status: 'generated', div: '<p>x</p>' } },
      /XHTML <div>/,
    ],
  ])('%s', (_what, resource, message) => {
    expect(() => toFhirXml(resource)).toThrow(XmlWriteError);
    expect(() => toFhirXml(resource)).toThrow(message);
  });
});

describe('reader faults', () => {
  it.each<[string, string, RegExp]>([
    ['a DOCTYPE', `<!DOCTYPE x><Patient ${NS}/>`, /DOCTYPE is not allowed/],
    [
      'an unknown attribute',
      `<Patient ${NS}><gender value="f" colour="red"/></Patient>`,
      /Unexpected attribute colour/,
    ],
    [
      'an id element inside a data type',
      `<Patient ${NS}><name><id value="x"/></name></Patient>`,
      /Unknown element <id> in Patient.name/,
    ],
    [
      'a primitive with neither value nor extension',
      `<Patient ${NS}><gender/></Patient>`,
      /Patient.gender has neither/,
    ],
    [
      'a primitive with a child other than extension',
      `<Patient ${NS}><gender value="f"><x/></gender></Patient>`,
      /only extensions/,
    ],
    [
      'two value[x] on one parameter',
      `<Parameters ${NS}><parameter><name value="a"/><valueString value="x"/><valueBoolean value="true"/></parameter></Parameters>`,
      /may occur only once/,
    ],
    [
      'two resources in one resource element',
      `<Parameters ${NS}><parameter><name value="a"/><resource><Patient/><Patient/></resource></parameter></Parameters>`,
      /more than one resource/,
    ],
    [
      'an empty resource element',
      `<Parameters ${NS}><parameter><name value="a"/><resource/></parameter></Parameters>`,
      /holds no resource/,
    ],
    [
      'a div outside the XHTML namespace',
      `<Patient ${NS}><text><status value="generated"/><div/></text></Patient>`,
      /XHTML div/,
    ],
    [
      'an extension without url',
      `<Patient ${NS}><extension><valueString value="x"/></extension></Patient>`,
      /no url attribute/,
    ],
    ['two root elements', `<Patient ${NS}/><Patient ${NS}/>`, /not well-formed/],
  ])('%s', (_what, xml, message) => {
    expect(() => parseFhirXml(xml)).toThrow(XmlReadError);
    expect(() => parseFhirXml(xml)).toThrow(message);
  });

  it('every fault names its position', () => {
    expect(() => parseFhirXml(`<Patient ${NS}>\n  <wibble/></Patient>`)).toThrow(/line 2, column \d+/);
  });

  it("a value that does not have its type's syntax stays a string (the later checks then see what JSON would send)", () => {
    const xml = `<Parameters ${NS}><parameter><name value="n"/><valuePositiveInt value="three"/></parameter></Parameters>`;
    expect(parseFhirXml(xml)).toEqual({
      resourceType: 'Parameters',
      parameter: [{ name: 'n', valuePositiveInt: 'three' }],
    });
  });

  it('comments and whitespace are ignored; a byte-order-free UTF-8 declaration is fine', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>\n<!-- c --><Patient ${NS}>\n  <!-- c --><gender value="male"/>\n</Patient>\n`;
    expect(parseFhirXml(xml)).toEqual({ resourceType: 'Patient', gender: 'male' });
  });
});
