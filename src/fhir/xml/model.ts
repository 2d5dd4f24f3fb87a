/**
 * The STU3 structure the XML writer and reader walk: for each resource, backbone element and data type,
 * its children in order, by their JSON name (a choice `value[x]` appears once per type, as
 * `valueQuantity`, `valueString`…), with whether they repeat and what kind of value they hold.
 */
import { DATATYPE_ELEMENTS, OPEN_TYPES, PRIMITIVE_TYPES } from './datatypes';
import { RESOURCE_ELEMENTS } from './element-order';

export type ChildKind = 'primitive' | 'complex' | 'resource' | 'xhtml';

/** How a primitive's XML `value` attribute reads back into JSON. */
export type JsonPrimitive = 'string' | 'boolean' | 'integer' | 'decimal';

export interface Child {
  readonly name: string;
  /** Position among the parent's children: every type of one choice shares it. */
  readonly index: number;
  readonly repeats: boolean;
  readonly kind: ChildKind;
  /** The structure of a complex child (a data type or a backbone path). */
  readonly structure?: string;
  readonly json?: JsonPrimitive;
  /** `_name`: the JSON key of a primitive's id and extensions. */
  readonly extraKey: string;
  /** `<name` and `</name>`, made once for the writer. */
  readonly openTag: string;
  readonly closeTag: string;
}

export interface Structure {
  readonly key: string;
  readonly isResource: boolean;
  readonly children: ReadonlyMap<string, Child>;
  /**
   * For the writer: every JSON key an object of this structure may have (`name` and `_name` alike) →
   * its child; null for keys written as attributes (an element's id, an extension's url) or not at
   * all (resourceType).
   */
  readonly keys: ReadonlyMap<string, Child | null>;
}

const INTEGER_TYPES = new Set(['integer', 'positiveInt', 'unsignedInt']);

function jsonOf(type: string): JsonPrimitive {
  if (type === 'boolean') return 'boolean';
  if (type === 'decimal') return 'decimal';
  return INTEGER_TYPES.has(type) ? 'integer' : 'string';
}

function childOf(name: string, index: number, repeats: boolean, type: string): Child {
  const common = { name, index, repeats, extraKey: `_${name}`, openTag: `<${name}`, closeTag: `</${name}>` };
  if (PRIMITIVE_TYPES.has(type)) return { ...common, kind: 'primitive', json: jsonOf(type) };
  if (type === 'xhtml') return { ...common, kind: 'xhtml' };
  if (type === 'Resource') return { ...common, kind: 'resource' };
  const structure = type.startsWith('@') ? type.slice(1) : type;
  return { ...common, kind: 'complex', structure };
}

function parseEntry(key: string, entry: string, isResource: boolean): Structure {
  const children = new Map<string, Child>();
  entry.split(' ').forEach((item, index) => {
    const colon = item.indexOf(':');
    let name = item.slice(0, colon);
    const repeats = name.endsWith('*');
    if (repeats) name = name.slice(0, -1);
    const typeList = item.slice(colon + 1);
    const types = typeList === '*' ? OPEN_TYPES : typeList.split('|');
    if (!name.endsWith('[x]')) {
      children.set(name, childOf(name, index, repeats, types[0]));
      return;
    }
    const base = name.slice(0, -3);
    for (const type of types) {
      const choice = `${base}${type[0].toUpperCase()}${type.slice(1)}`;
      children.set(choice, childOf(choice, index, repeats, type));
    }
  });
  const keys = new Map<string, Child | null>();
  for (const [name, child] of children) keys.set(name, child).set(`_${name}`, child);
  if (isResource) keys.set('resourceType', null);
  else keys.set('id', null);
  if (key === 'Extension') keys.set('url', null);
  return { key, isResource, children, keys };
}

function buildStructures(): ReadonlyMap<string, Structure> {
  const structures = new Map<string, Structure>();
  for (const [key, entry] of Object.entries(DATATYPE_ELEMENTS)) {
    structures.set(key, parseEntry(key, entry, key === 'CapabilityStatement' || key === 'Parameters'));
  }
  for (const [key, entry] of Object.entries(RESOURCE_ELEMENTS)) {
    structures.set(key, parseEntry(key, entry, !key.includes('.')));
  }
  return structures;
}

const STRUCTURES = buildStructures();

/** The structure of a data type, a backbone element path or a resource type; undefined if unknown. */
export function structureOf(key: string): Structure | undefined {
  return STRUCTURES.get(key);
}

/** Whether `type` is a resource this model can read and write. */
export function isKnownResource(type: string): boolean {
  return STRUCTURES.get(type)?.isResource === true;
}

export const FHIR_NS = 'http://hl7.org/fhir';
export const XHTML_NS = 'http://www.w3.org/1999/xhtml';
