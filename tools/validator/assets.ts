/**
 * The official GP Connect assets (profiles/gpconnect-fhir-1.5.0) compiled into what the validator
 * walks: each StructureDefinition's snapshot as a tree of elements (children by JSON name, slices by
 * name), and each ValueSet as the set of `system|code` it holds. Parsing the 11 MB of XML takes a
 * couple of seconds, so the compiled form is cached on disk, keyed by a hash of every asset file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { XMLParser } from 'fast-xml-parser';

export const ASSETS_DIR = join(__dirname, '..', '..', 'profiles', 'gpconnect-fhir-1.5.0');

/** Bump when the compiled shape changes, so an old cache is not read. */
const COMPILED_VERSION = 4;

export interface TypeRef {
  code: string;
  /** Profiles the value must conform to (an extension's definition URL). */
  profiles: string[];
  /** Reference target profiles. */
  targets: string[];
}

export interface CompiledElement {
  id: string;
  /** The JSON name (last path segment, `value[x]` for a choice). */
  key: string;
  sliceName?: string;
  min: number;
  /** -1 for `*`. */
  max: number;
  /** Whether the base resource repeats the element (then it is a JSON array whatever the profile's max). */
  array: boolean;
  types: TypeRef[];
  fixed?: string | number | boolean;
  binding?: { strength: string; valueSet: string };
  slicing?: { paths: string[]; rules: string };
  children: Record<string, CompiledElement>;
  slices: CompiledElement[];
}

export interface CompiledStructure {
  url: string;
  name: string;
  type: string;
  root: CompiledElement;
}

export interface CompiledValueSet {
  url: string;
  /** `system|code` of every concept. */
  codes: string[];
  /** Why membership cannot be decided from these files (a SNOMED CT filter, a code system not here). */
  uncheckable?: string;
}

export interface CompiledAssets {
  structures: Record<string, CompiledStructure>;
  valueSets: Record<string, CompiledValueSet>;
}

type Xml = Record<string, unknown>;

/** Every attribute is a string and every child element an array, so the walk below never guesses. */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

const kids = (node: Xml | undefined, name: string): Xml[] => (node?.[name] as Xml[] | undefined) ?? [];
const child = (node: Xml | undefined, name: string): Xml | undefined => kids(node, name)[0];
const attr = (node: Xml | undefined, name = 'value'): string | undefined =>
  node?.[name] as string | undefined;
const valueOf = (node: Xml | undefined, name: string): string | undefined => attr(child(node, name));

function xmlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...xmlFiles(path));
    else if (entry.name.endsWith('.xml')) out.push(path);
  }
  return out.sort();
}

/** `a:b` where b is the concrete name of a renamed choice (or repeats a) is the element b itself. */
function segmentKey(segment: string): { key: string; slice?: string } {
  const colon = segment.indexOf(':');
  if (colon < 0) return { key: segment };
  const name = segment.slice(0, colon);
  const slice = segment.slice(colon + 1);
  if (slice === name || (name.endsWith('[x]') && slice.startsWith(name.slice(0, -3)))) return { key: slice };
  return { key: name, slice };
}

function fixedValue(element: Xml): string | number | boolean | undefined {
  for (const name of Object.keys(element)) {
    if (!name.startsWith('fixed') && !name.startsWith('pattern')) continue;
    const raw = attr(child(element, name));
    if (raw === undefined) continue;
    const type = name.replace(/^(fixed|pattern)/, '');
    if (type === 'Boolean') return raw === 'true';
    if (['Integer', 'PositiveInt', 'UnsignedInt', 'Decimal'].includes(type)) return Number(raw);
    return raw;
  }
  return undefined;
}

function compileElement(element: Xml): CompiledElement {
  const id = attr(element, 'id') ?? valueOf(element, 'path') ?? '';
  const path = valueOf(element, 'path') ?? id;
  const max = valueOf(element, 'max') ?? '*';
  const baseMax = valueOf(child(element, 'base'), 'max') ?? max;
  const compiled: CompiledElement = {
    id,
    key: path.split('.').pop() ?? path,
    min: Number(valueOf(element, 'min') ?? 0),
    max: max === '*' ? -1 : Number(max),
    array: baseMax !== '1' && baseMax !== '0',
    types: kids(element, 'type').map((t) => ({
      code: valueOf(t, 'code') ?? '',
      profiles: kids(t, 'profile').map((p) => attr(p) ?? ''),
      targets: kids(t, 'targetProfile').map((p) => attr(p) ?? ''),
    })),
    children: {},
    slices: [],
  };
  const sliceName = valueOf(element, 'sliceName');
  if (sliceName !== undefined) compiled.sliceName = sliceName;
  const fixed = fixedValue(element);
  if (fixed !== undefined) compiled.fixed = fixed;
  const binding = child(element, 'binding');
  const valueSet =
    attr(child(child(binding, 'valueSetReference'), 'reference')) ?? valueOf(binding, 'valueSetUri');
  if (binding && valueSet) compiled.binding = { strength: valueOf(binding, 'strength') ?? '', valueSet };
  const slicing = child(element, 'slicing');
  if (slicing) {
    compiled.slicing = {
      paths: kids(slicing, 'discriminator').map((d) => valueOf(d, 'path') ?? ''),
      rules: valueOf(slicing, 'rules') ?? 'open',
    };
  }
  return compiled;
}

/** The snapshot's flat element list as a tree, following each element's id. */
function compileStructure(sd: Xml): CompiledStructure | undefined {
  const elements = kids(child(sd, 'snapshot'), 'element');
  if (elements.length === 0) return undefined;
  const root = compileElement(elements[0]);
  for (const element of elements.slice(1)) {
    const compiled = compileElement(element);
    const segments = compiled.id.split('.').slice(1);
    let parent = root;
    for (const segment of segments.slice(0, -1)) {
      const { key, slice } = segmentKey(segment);
      const next = parent.children[key];
      if (!next) break;
      parent = slice === undefined ? next : (next.slices.find((s) => s.sliceName === slice) ?? next);
    }
    const { key, slice } = segmentKey(segments[segments.length - 1]);
    compiled.key = key;
    const base = parent.children[key];
    if (slice !== undefined && base) {
      compiled.sliceName = slice;
      base.slices.push(compiled);
    } else {
      delete compiled.sliceName;
      parent.children[key] = compiled;
    }
  }
  return {
    url: valueOf(sd, 'url') ?? '',
    name: valueOf(sd, 'name') ?? '',
    type: valueOf(sd, 'type') ?? root.key,
    root,
  };
}

interface CodeSystemConcepts {
  url: string;
  codes: string[];
  complete: boolean;
}

function conceptCodes(node: Xml | undefined, out: string[]): void {
  for (const concept of kids(node, 'concept')) {
    const code = valueOf(concept, 'code');
    if (code !== undefined) out.push(code);
    conceptCodes(concept, out);
  }
}

function compileValueSet(vs: Xml, codeSystems: Map<string, CodeSystemConcepts>): CompiledValueSet {
  const url = valueOf(vs, 'url') ?? '';
  const codes: string[] = [];
  const reasons: string[] = [];
  for (const include of kids(child(vs, 'compose'), 'include')) {
    const system = valueOf(include, 'system') ?? '';
    if (kids(include, 'filter').length > 0) {
      reasons.push(`a filter on ${system}`);
      continue;
    }
    const listed = kids(include, 'concept').map((c) => valueOf(c, 'code') ?? '');
    if (listed.length > 0) {
      codes.push(...listed.map((c) => `${system}|${c}`));
      continue;
    }
    const cs = codeSystems.get(system);
    if (cs && cs.complete) codes.push(...cs.codes.map((c) => `${system}|${c}`));
    else reasons.push(`all of ${system}, which is not in these files`);
  }
  if (kids(child(vs, 'compose'), 'exclude').length > 0) reasons.push('an exclude');
  return reasons.length > 0 ? { url, codes, uncheckable: reasons.join('; ') } : { url, codes };
}

function compileAll(files: string[]): CompiledAssets {
  const structures: Record<string, CompiledStructure> = {};
  const valueSetXml: Xml[] = [];
  const codeSystems = new Map<string, CodeSystemConcepts>();
  for (const file of files) {
    const doc = parser.parse(readFileSync(file, 'utf8')) as Xml;
    const sd = child(doc, 'StructureDefinition');
    if (sd) {
      const compiled = compileStructure(sd);
      if (compiled) structures[compiled.url] = compiled;
      continue;
    }
    const vs = child(doc, 'ValueSet');
    if (vs) {
      valueSetXml.push(vs);
      continue;
    }
    const cs = child(doc, 'CodeSystem');
    if (cs) {
      const codes: string[] = [];
      conceptCodes(cs, codes);
      const url = valueOf(cs, 'url') ?? '';
      codeSystems.set(url, { url, codes, complete: (valueOf(cs, 'content') ?? 'complete') === 'complete' });
    }
  }
  const valueSets: Record<string, CompiledValueSet> = {};
  for (const vs of valueSetXml) {
    const compiled = compileValueSet(vs, codeSystems);
    valueSets[compiled.url] = compiled;
  }
  return { structures, valueSets };
}

let compiled: CompiledAssets | undefined;

/** The compiled assets: from memory, else from the disk cache if every file is unchanged, else parsed. */
export function loadAssets(dir: string = ASSETS_DIR): CompiledAssets {
  if (compiled && dir === ASSETS_DIR) return compiled;
  const files = xmlFiles(dir);
  const hash = createHash('sha256').update(String(COMPILED_VERSION));
  for (const file of files) hash.update(file.slice(dir.length)).update(readFileSync(file));
  const cacheDir = join(tmpdir(), 'gpconnect-structured-validator');
  const cacheFile = join(cacheDir, `${hash.digest('hex').slice(0, 32)}.json`);
  let assets: CompiledAssets;
  try {
    assets = JSON.parse(readFileSync(cacheFile, 'utf8')) as CompiledAssets;
  } catch {
    assets = compileAll(files);
    try {
      mkdirSync(cacheDir, { recursive: true });
      // Written under a unique name then renamed, so parallel test workers never read half a file.
      const partial = `${cacheFile}.${process.pid}.${Date.now()}`;
      writeFileSync(partial, JSON.stringify(assets));
      renameSync(partial, cacheFile);
    } catch {
      // A read-only temp directory only costs the next process the parse.
    }
  }
  if (dir === ASSETS_DIR) compiled = assets;
  return assets;
}
