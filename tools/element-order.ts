/**
 * Generates src/fhir/xml/element-order.ts: the STU3 element order of every resource a GP Connect
 * profile in profiles/gpconnect-fhir-1.5.0 defines, taken from the profiles' snapshots, in the format
 * described in src/fhir/xml/datatypes.ts. Also checks the hand-written data-type table against every
 * data type a snapshot expands (the snapshot lists a type's children in the specification's order).
 *
 * Run: npm run gen:element-order, then commit the generated file (test/unit/element-order.test.ts
 * fails while the committed file differs from what this produces).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { SaxesParser } from 'saxes';

import { DATATYPE_ELEMENTS, PRIMITIVE_TYPES } from '../src/fhir/xml/datatypes';

const ROOT = join(__dirname, '..');
const ASSETS = join(ROOT, 'profiles', 'gpconnect-fhir-1.5.0');
const OUT = join(ROOT, 'src', 'fhir', 'xml', 'element-order.ts');

interface SnapshotElement {
  path: string;
  baseMax: string;
  types: string[];
  contentReference?: string;
}

interface Definition {
  file: string;
  kind: string;
  type: string;
  derivation: string;
  elements: SnapshotElement[];
}

/** Reads the snapshot of one StructureDefinition (XML): each element's path, base max, types. */
function readDefinition(file: string): Definition {
  const def: Definition = { file, kind: '', type: '', derivation: '', elements: [] };
  const stack: string[] = [];
  let current: SnapshotElement | undefined;
  const parser = new SaxesParser({ xmlns: false });
  parser.on('doctype', () => {
    throw new Error(`${file}: DOCTYPE not expected`);
  });
  parser.on('opentag', (tag) => {
    stack.push(tag.name);
    const value = typeof tag.attributes.value === 'string' ? tag.attributes.value : undefined;
    const where = stack.join('/');
    if (stack.length === 2 && value !== undefined) {
      if (tag.name === 'kind') def.kind = value;
      if (tag.name === 'type') def.type = value;
      if (tag.name === 'derivation') def.derivation = value;
    }
    if (where === 'StructureDefinition/snapshot/element') {
      current = { path: '', baseMax: '', types: [] };
      def.elements.push(current);
    }
    if (!current || value === undefined) return;
    if (where === 'StructureDefinition/snapshot/element/path') current.path = value;
    if (where === 'StructureDefinition/snapshot/element/base/max') current.baseMax = value;
    const typed = where === 'StructureDefinition/snapshot/element/type/code';
    // A Reference lists one type entry per target profile: the type itself once.
    if (typed && !current.types.includes(value)) current.types.push(value);
    if (where === 'StructureDefinition/snapshot/element/contentReference') current.contentReference = value;
  });
  parser.on('closetag', () => {
    if (stack.join('/') === 'StructureDefinition/snapshot/element') current = undefined;
    stack.pop();
  });
  parser.write(readFileSync(file, 'utf8')).close();
  return def;
}

function definitionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return definitionFiles(path);
    return entry.name.endsWith('.xml') ? [path] : [];
  });
}

const STRUCTURAL = new Set(['BackboneElement', 'Element']);

/** The children table of one resource: key → entry string (see datatypes.ts). */
function resourceTable(def: Definition): Map<string, string[]> {
  const byPath = new Map<string, SnapshotElement>();
  for (const element of def.elements) if (!byPath.has(element.path)) byPath.set(element.path, element);
  const table = new Map<string, string[]>([[def.type, []]]);
  for (const element of byPath.values()) {
    const cut = element.path.lastIndexOf('.');
    if (cut < 0) continue;
    const parent = element.path.slice(0, cut);
    const name = element.path.slice(cut + 1);
    const children = table.get(parent);
    if (!children) continue; // a data type's expansion: the data-type table describes it
    if (name === 'id' && parent !== def.type) continue; // an element id is an XML attribute
    let types: string;
    if (element.contentReference) types = `@${element.contentReference.replace(/^#/, '')}`;
    else if (element.types.length === 1 && STRUCTURAL.has(element.types[0])) {
      types = `@${element.path}`;
      table.set(element.path, []);
    } else if (element.types.length > 0) types = element.types.join('|');
    else throw new Error(`${def.file}: ${element.path} has no type`);
    const repeats = element.baseMax !== '1' && element.baseMax !== '0';
    children.push(`${name}${repeats ? '*' : ''}:${types}`);
  }
  return table;
}

/** Hand-written data-type entry → its element names in order. */
function datatypeOrder(type: string): string[] | undefined {
  const entry = DATATYPE_ELEMENTS[type];
  return entry?.split(' ').map((child) => child.slice(0, child.indexOf(':')).replace(/\*$/, ''));
}

/**
 * Every data type a snapshot expands (an element of one data type followed by its children) must list
 * those children in the hand-written table's order.
 */
function checkDatatypes(def: Definition, problems: string[]): void {
  const byPath = new Map<string, SnapshotElement>();
  for (const element of def.elements) if (!byPath.has(element.path)) byPath.set(element.path, element);
  const seen = new Map<string, string[]>();
  for (const element of byPath.values()) {
    const cut = element.path.lastIndexOf('.');
    if (cut < 0) continue;
    const parent = byPath.get(element.path.slice(0, cut));
    if (!parent || parent.types.length !== 1 || STRUCTURAL.has(parent.types[0]) || parent.contentReference)
      continue;
    if (PRIMITIVE_TYPES.has(parent.types[0])) continue; // a primitive's children are its extensions
    const name = element.path.slice(cut + 1);
    // Attributes in XML: an element's id, an extension's url.
    if (name === 'id' || (name === 'url' && parent.types[0] === 'Extension')) continue;
    const list = seen.get(parent.path) ?? [];
    list.push(name);
    seen.set(parent.path, list);
  }
  for (const [path, names] of seen) {
    const type = byPath.get(path)?.types[0] ?? '';
    const order = datatypeOrder(type);
    if (!order) {
      problems.push(`${def.file}: ${path} expands ${type}, which the data-type table does not define`);
      continue;
    }
    let last = -1;
    for (const name of names) {
      // A constrained choice may be listed under its type's name (valueDateTime for value[x]).
      const index = order.findIndex(
        (n) => n === name || (n.endsWith('[x]') && name.startsWith(n.slice(0, -3))),
      );
      if (index < last || index < 0) {
        problems.push(
          `${def.file}: ${path} (${type}) lists ${names.join(', ')}; the table has ${order.join(', ')}`,
        );
        break;
      }
      last = index;
    }
  }
}

/** The children as string literals joined by `+`, each line at most about 100 characters. */
function wrap(children: string[]): string {
  const chunks: string[] = [];
  let line = '';
  for (const child of children) {
    if (line !== '' && line.length + child.length + 1 > 90) {
      chunks.push(`${line} `);
      line = '';
    }
    line += line === '' ? child : ` ${child}`;
  }
  chunks.push(line);
  return chunks.map((chunk) => `    '${chunk}'`).join(' +\n');
}

/** The text of element-order.ts as the profiles and the data-type table give it today. */
export function generate(): string {
  const problems: string[] = [];
  const tables = new Map<string, { file: string; entries: Map<string, string[]> }>();
  for (const file of definitionFiles(ASSETS).sort()) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('<StructureDefinition')) continue;
    const def = readDefinition(file);
    const relative = file.slice(ROOT.length + 1);
    def.file = relative;
    checkDatatypes(def, problems);
    if (def.kind !== 'resource') continue;
    const entries = resourceTable(def);
    const earlier = tables.get(def.type);
    if (earlier) {
      // Two profiles of one resource (e.g. both Bundles): the base order must agree.
      for (const [key, children] of entries) {
        const other = earlier.entries.get(key);
        if (other && other.join(' ') !== children.join(' ')) {
          problems.push(`${relative} and ${earlier.file} disagree on ${key}`);
        }
        if (!other) earlier.entries.set(key, children);
      }
    } else tables.set(def.type, { file: relative, entries });
  }
  if (problems.length > 0) throw new Error(`element order:\n${problems.join('\n')}`);
  const lines = [
    '/**',
    ' * GENERATED by tools/element-order.ts from the snapshots in profiles/gpconnect-fhir-1.5.0: do not edit.',
    ' * The STU3 element order of each resource the GP Connect profiles define (format: datatypes.ts).',
    ' */',
    'export const RESOURCE_ELEMENTS: Readonly<Record<string, string>> = {',
  ];
  for (const type of [...tables.keys()].sort()) {
    const { file, entries } = tables.get(type)!;
    lines.push(`  // ${type}: ${file.slice(file.lastIndexOf('/') + 1)}`);
    for (const [key, children] of entries) lines.push(`  '${key}':`, `${wrap(children)},`);
  }
  lines.push('};', '');
  return lines.join('\n');
}

export const ELEMENT_ORDER_FILE = OUT;

if (require.main === module) {
  writeFileSync(OUT, generate());
  console.log(`wrote ${OUT}`);
}
