/**
 * FHIR JSON → FHIR XML (STU3 "XML Representation of Resources"): children in the order the
 * definitions give, primitives as `value` attributes with their `_name` id and extensions, element ids
 * and extension urls as attributes, contained and entry resources wrapped in their element, the
 * narrative div passed through as XHTML markup.
 *
 * Written straight to one string from the precomputed structure tables, with no DOM or builder library
 * in between (bench/record-stages.ts measures it beside JSON.stringify).
 */
import { isJsonObject, type JsonObject } from '../json';
import { type Child, FHIR_NS, type Structure, structureOf } from './model';

/** A resource that cannot be written as FHIR XML: a defect in the code that built it. */
export class XmlWriteError extends Error {}

// Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; U+FFFE/U+FFFF; lone surrogates)
// become U+FFFD; the three markup characters and quotes are escaped; tab, LF and CR in attributes are
// written as character references so that a reader's attribute normalisation keeps them.
/* eslint-disable no-control-regex -- matching control characters is the point */
const NEEDS_ESCAPE = /[&<>"\u0000-\u001f\ufffe\uffff\ud800-\udfff]/;
const ESCAPES =
  /[&<>"\t\n\r]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g;
/* eslint-enable no-control-regex */
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

function escapeChar(match: string): string {
  if (match.length === 2) return match; // a valid surrogate pair
  return REPLACEMENTS[match] ?? '\ufffd';
}

/** Escapes text for a double-quoted attribute value. */
export function escapeAttribute(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, escapeChar) : value;
}

function primitiveText(value: unknown): string | undefined {
  if (typeof value === 'string') return escapeAttribute(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

const EXTENSION = structureOf('Extension')!;
const EXTENSION_CHILD = structureOf('Element')!.children.get('extension')!;

function byIndex(a: Child, b: Child): number {
  return a.index - b.index;
}

/**
 * Writes by string concatenation (V8 keeps the pieces as a rope until the Buffer is made) and keeps no
 * path while writing: `trail` names the elements open, for the message of an XmlWriteError.
 */
/**
 * UTF-8 bytes, encoded 16 K characters at a time: one string for the whole document kept every small
 * piece alive until the end (garbage collection became most of the cost), and encoding each piece on
 * its own cost a native call per piece. Measured with bench/record-stages.ts.
 */
class ByteSink {
  private readonly chunks: Buffer[] = [];
  private pending = '';

  write(text: string): void {
    this.pending += text;
    if (this.pending.length > 16384) this.flush();
  }

  private flush(): void {
    this.chunks.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }

  bytes(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }
}

class Writer {
  readonly sink = new ByteSink();
  readonly trail: string[] = [];
  readonly scratch: Child[][] = [];

  fail(message: string): never {
    throw new XmlWriteError(`${this.trail.join('.')}: ${message}`);
  }

  resource(resource: JsonObject, root: boolean): void {
    const type = resource.resourceType;
    const structure = typeof type === 'string' ? structureOf(type) : undefined;
    if (!structure || !structure.isResource) this.fail(`unknown resourceType ${String(type)}`);
    const name = structure.key;
    this.trail.push(name);
    // Resources inside the root inherit its default namespace.
    this.sink.write(root ? `<${name} xmlns="${FHIR_NS}">` : `<${name}>`);
    this.children(resource, structure);
    this.sink.write(`</${name}>`);
    this.trail.pop();
  }

  /** The children of one object in definition order; `_name` siblings travel with `name`. */
  children(object: JsonObject, structure: Structure): void {
    // One scratch list per nesting depth, reused: most objects have a handful of keys.
    const depth = this.trail.length;
    const present = (this.scratch[depth] ??= []);
    present.length = 0;
    let sorted = true;
    let last = -1;
    for (const key in object) {
      const child = structure.keys.get(key);
      if (child === null) continue;
      if (child === undefined) this.fail(`${key} is not an element of ${structure.key}`);
      // `_name` with its `name`: the child is written once, from whichever key comes first.
      if (key.charCodeAt(0) === 95 && object[child.name] !== undefined) continue;
      present.push(child);
      if (child.index < last) sorted = false;
      last = child.index;
    }
    if (!sorted) present.sort(byIndex);
    const count = present.length;
    for (let c = 0; c < count; c++) {
      const child = present[c];
      const value = object[child.name];
      const extra = object[child.extraKey];
      this.trail.push(child.name);
      if (child.repeats) {
        const values = Array.isArray(value) ? value : value === undefined ? [] : undefined;
        const extras = Array.isArray(extra) ? extra : extra === undefined || extra === null ? [] : undefined;
        if (!values || !extras) this.fail('a repeating element must be an array');
        const n = values.length > extras.length ? values.length : extras.length;
        for (let i = 0; i < n; i++) this.element(child, values[i], extras[i]);
      } else {
        if (Array.isArray(value)) this.fail('not a repeating element');
        this.element(child, value, extra);
      }
      this.trail.pop();
    }
  }

  element(child: Child, value: unknown, extra: unknown): void {
    switch (child.kind) {
      case 'complex':
        this.complex(child, value, structureOf(child.structure!)!);
        return;
      case 'primitive':
        this.primitive(child, value, extra);
        return;
      case 'xhtml':
        if (typeof value !== 'string' || !value.startsWith('<div')) {
          this.fail('the narrative must be an XHTML <div>');
        }
        this.sink.write(value);
        return;
      case 'resource':
        if (!isJsonObject(value)) this.fail('must be a resource');
        this.sink.write(`${child.openTag}>`);
        this.resource(value, false);
        this.sink.write(child.closeTag);
        return;
    }
  }

  primitive(child: Child, value: unknown, extra: unknown): void {
    const hasValue = value !== undefined && value !== null;
    const ext = extra !== undefined && extra !== null && isJsonObject(extra) ? extra : undefined;
    if (!hasValue && !ext) return; // a null kept only to line up an array with its extensions
    let tag = child.openTag;
    if (ext && ext.id !== undefined) tag += ` id="${this.text(ext.id)}"`;
    if (hasValue) tag += ` value="${this.text(value)}"`;
    const extensions = ext?.extension;
    if (Array.isArray(extensions) && extensions.length > 0) {
      this.sink.write(`${tag}>`);
      for (const extension of extensions) this.complex(EXTENSION_CHILD, extension, EXTENSION);
      this.sink.write(child.closeTag);
    } else this.sink.write(`${tag}/>`);
  }

  text(value: unknown): string {
    return primitiveText(value) ?? this.fail('a primitive must be a string, a finite number or a boolean');
  }

  complex(child: Child, value: unknown, structure: Structure): void {
    if (!isJsonObject(value)) this.fail('must be an object');
    let tag = child.openTag;
    if (value.id !== undefined) tag += ` id="${this.text(value.id)}"`;
    if (structure === EXTENSION) {
      if (typeof value.url !== 'string') this.fail('an extension needs its url');
      tag += ` url="${escapeAttribute(value.url)}"`;
    }
    this.sink.write(`${tag}>`);
    this.children(value, structure);
    this.sink.write(child.closeTag);
  }
}

/** One resource (with everything inside it) as a FHIR XML document in UTF-8. Throws XmlWriteError. */
export function toFhirXmlBytes(resource: object): Buffer {
  if (!isJsonObject(resource)) throw new XmlWriteError('not a resource');
  const writer = new Writer();
  writer.sink.write('<?xml version="1.0" encoding="UTF-8"?>');
  writer.resource(resource, true);
  return writer.sink.bytes();
}

/** The same as a string. */
export function toFhirXml(resource: object): string {
  return toFhirXmlBytes(resource).toString('utf8');
}
