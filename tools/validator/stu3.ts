/**
 * What the GP Connect snapshots leave out: the elements of the FHIR STU3 (3.0.1) datatypes that a
 * profile did not expand (a snapshot lists a datatype's children only where the profile touched them),
 * and the STU3 rules for primitive values.
 */
import { OPEN_TYPES } from '../../src/fhir/xml/datatypes';

/** One child of a datatype: its type codes (several for a choice `name[x]`), cardinality. */
export interface DatatypeChild {
  types: string[];
  min: number;
  /** -1 for `*`. */
  max: number;
}

const one = (...types: string[]): DatatypeChild => ({ types, min: 0, max: 1 });
const many = (...types: string[]): DatatypeChild => ({ types, min: 0, max: -1 });
const required = (...types: string[]): DatatypeChild => ({ types, min: 1, max: 1 });

const ELEMENT = { id: one('string'), extension: many('Extension') };
const QUANTITY = {
  ...ELEMENT,
  value: one('decimal'),
  comparator: one('code'),
  unit: one('string'),
  system: one('uri'),
  code: one('code'),
};

/** The complex datatypes of STU3 with their children (STU3 specification, "Data Types"). */
export const DATATYPES: Readonly<Record<string, Readonly<Record<string, DatatypeChild>>>> = {
  Element: ELEMENT,
  BackboneElement: { ...ELEMENT, modifierExtension: many('Extension') },
  Extension: { ...ELEMENT, url: required('uri'), 'value[x]': one(...OPEN_TYPES) },
  Coding: {
    ...ELEMENT,
    system: one('uri'),
    version: one('string'),
    code: one('code'),
    display: one('string'),
    userSelected: one('boolean'),
  },
  CodeableConcept: { ...ELEMENT, coding: many('Coding'), text: one('string') },
  Identifier: {
    ...ELEMENT,
    use: one('code'),
    type: one('CodeableConcept'),
    system: one('uri'),
    value: one('string'),
    period: one('Period'),
    assigner: one('Reference'),
  },
  Reference: { ...ELEMENT, reference: one('string'), identifier: one('Identifier'), display: one('string') },
  Period: { ...ELEMENT, start: one('dateTime'), end: one('dateTime') },
  Quantity: QUANTITY,
  SimpleQuantity: QUANTITY,
  Age: QUANTITY,
  Count: QUANTITY,
  Distance: QUANTITY,
  Duration: QUANTITY,
  Money: QUANTITY,
  Range: { ...ELEMENT, low: one('SimpleQuantity'), high: one('SimpleQuantity') },
  Ratio: { ...ELEMENT, numerator: one('Quantity'), denominator: one('Quantity') },
  HumanName: {
    ...ELEMENT,
    use: one('code'),
    text: one('string'),
    family: one('string'),
    given: many('string'),
    prefix: many('string'),
    suffix: many('string'),
    period: one('Period'),
  },
  Address: {
    ...ELEMENT,
    use: one('code'),
    type: one('code'),
    text: one('string'),
    line: many('string'),
    city: one('string'),
    district: one('string'),
    state: one('string'),
    postalCode: one('string'),
    country: one('string'),
    period: one('Period'),
  },
  ContactPoint: {
    ...ELEMENT,
    system: one('code'),
    value: one('string'),
    use: one('code'),
    rank: one('positiveInt'),
    period: one('Period'),
  },
  Attachment: {
    ...ELEMENT,
    contentType: one('code'),
    language: one('code'),
    data: one('base64Binary'),
    url: one('uri'),
    size: one('unsignedInt'),
    hash: one('base64Binary'),
    title: one('string'),
    creation: one('dateTime'),
  },
  Annotation: {
    ...ELEMENT,
    'author[x]': one('Reference', 'string'),
    time: one('dateTime'),
    text: required('string'),
  },
  Meta: {
    ...ELEMENT,
    versionId: one('id'),
    lastUpdated: one('instant'),
    profile: many('uri'),
    security: many('Coding'),
    tag: many('Coding'),
  },
  Narrative: { ...ELEMENT, status: required('code'), div: required('xhtml') },
  SampledData: {
    ...ELEMENT,
    origin: required('SimpleQuantity'),
    period: required('decimal'),
    factor: one('decimal'),
    lowerLimit: one('decimal'),
    upperLimit: one('decimal'),
    dimensions: required('positiveInt'),
    data: required('string'),
  },
  Signature: {
    ...ELEMENT,
    type: { types: ['Coding'], min: 1, max: -1 },
    when: required('instant'),
    'who[x]': { types: ['uri', 'Reference'], min: 1, max: 1 },
    'onBehalfOf[x]': one('uri', 'Reference'),
    contentType: one('code'),
    blob: one('base64Binary'),
  },
  Timing: { ...ELEMENT, event: many('dateTime'), repeat: one('TimingRepeat'), code: one('CodeableConcept') },
  /** Timing.repeat, an element of Timing given a name here so it can be walked like a datatype. */
  TimingRepeat: {
    ...ELEMENT,
    'bounds[x]': one('Duration', 'Range', 'Period'),
    count: one('positiveInt'),
    countMax: one('positiveInt'),
    duration: one('decimal'),
    durationMax: one('decimal'),
    durationUnit: one('code'),
    frequency: one('positiveInt'),
    frequencyMax: one('positiveInt'),
    period: one('decimal'),
    periodMax: one('decimal'),
    periodUnit: one('code'),
    dayOfWeek: many('code'),
    timeOfDay: many('time'),
    when: many('code'),
    offset: one('unsignedInt'),
  },
  Dosage: {
    ...ELEMENT,
    sequence: one('integer'),
    text: one('string'),
    additionalInstruction: many('CodeableConcept'),
    patientInstruction: one('string'),
    timing: one('Timing'),
    'asNeeded[x]': one('boolean', 'CodeableConcept'),
    site: one('CodeableConcept'),
    route: one('CodeableConcept'),
    method: one('CodeableConcept'),
    'dose[x]': one('Range', 'SimpleQuantity'),
    maxDosePerPeriod: one('Ratio'),
    maxDosePerAdministration: one('SimpleQuantity'),
    maxDosePerLifetime: one('SimpleQuantity'),
    'rate[x]': one('Ratio', 'Range', 'SimpleQuantity'),
  },
};

/** The JSON value rules of the STU3 primitive types (regular expressions from the STU3 specification). */
const DATE = /^-?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$/;
const ZONE = '(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))';
const CLOCK = '([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?';
const DAY = '[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])';
const DATE_TIME = new RegExp(
  `^-?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])(T${CLOCK}${ZONE})?)?)?$`,
);
const INSTANT = new RegExp(`^${DAY}T${CLOCK}${ZONE}$`);
const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$/;
const CODE = /^[^\s]+( [^\s]+)*$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const OID = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;
const URI = /^\S*$/;
const BASE64 = /^(\s*([0-9a-zA-Z+/=]){4}\s*)+$/;

const isString = (v: unknown): v is string => typeof v === 'string';
const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Primitive type → a test of its JSON value. */
export const PRIMITIVES: Readonly<Record<string, (v: unknown) => boolean>> = {
  boolean: (v) => typeof v === 'boolean',
  integer: (v) => isInteger(v) && v >= -2147483648 && v <= 2147483647,
  positiveInt: (v) => isInteger(v) && v >= 1 && v <= 2147483647,
  unsignedInt: (v) => isInteger(v) && v >= 0 && v <= 2147483647,
  decimal: (v) => typeof v === 'number' && Number.isFinite(v),
  string: (v) => isString(v) && v.trim().length > 0,
  markdown: (v) => isString(v) && v.trim().length > 0,
  uri: (v) => isString(v) && v.length > 0 && URI.test(v),
  code: (v) => isString(v) && CODE.test(v),
  id: (v) => isString(v) && ID.test(v),
  oid: (v) => isString(v) && OID.test(v),
  date: (v) => isString(v) && DATE.test(v),
  dateTime: (v) => isString(v) && DATE_TIME.test(v),
  instant: (v) => isString(v) && INSTANT.test(v),
  time: (v) => isString(v) && TIME.test(v),
  base64Binary: (v) => isString(v) && BASE64.test(v),
  xhtml: (v) => isString(v) && /^<div[\s>]/.test(v) && v.trimEnd().endsWith('</div>'),
};

/** `dateTime` → `DateTime`: the suffix a choice element takes for a type (`valueDateTime`). */
export function typeSuffix(code: string): string {
  return code.charAt(0).toUpperCase() + code.slice(1);
}
