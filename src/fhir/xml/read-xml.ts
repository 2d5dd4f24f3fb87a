/**
 * FHIR XML → FHIR JSON (STU3 "XML Representation of Resources" and "JSON Representation of
 * Resources"), with the same structure tables the writer uses: unknown elements or attributes,
 * elements out of the definitions' order, a repeated single element and text where none may be are
 * refused, each with the path and position of the fault.
 *
 * Safety: saxes is a strict, non-validating XML 1.0 parser that expands only the five predefined
 * entities and character references; any DOCTYPE is refused outright, so no external entity (XXE) is
 * fetched and no entity is expanded (no billion laughs). Depth is bounded; work is linear in the input.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

import type { JsonObject } from '../json';
import { type Child, FHIR_NS, isKnownResource, type Structure, structureOf, XHTML_NS } from './model';

/** The body is not a FHIR resource in XML; the message says what and where. */
export class XmlReadError extends Error {}

const MAX_DEPTH = 100;

interface ObjectFrame {
  readonly kind: 'object';
  readonly structure: Structure;
  readonly target: JsonObject;
  readonly path: string;
  lastIndex: number;
  lastName: string;
  /** Repeating primitives whose `name` / `_name` arrays may need trimming when the object closes. */
  primitiveArrays?: Set<string>;
}

interface PrimitiveFrame {
  readonly kind: 'primitive';
  readonly path: string;
  readonly hasValue: boolean;
  readonly extra: JsonObject;
  readonly finish: (extra: JsonObject | undefined) => void;
}

interface ResourceHolderFrame {
  readonly kind: 'holder';
  readonly path: string;
  readonly place: (resource: JsonObject) => void;
  filled: boolean;
}

interface XhtmlFrame {
  readonly kind: 'xhtml';
  readonly parts: string[];
  readonly finish: (markup: string) => void;
  depth: number;
}

type Frame = ObjectFrame | PrimitiveFrame | ResourceHolderFrame | XhtmlFrame;

const INTEGER = /^[-+]?[0-9]+$/;
const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/**
 * A primitive's JSON value. A value that does not have its type's syntax stays a string, so that the
 * checks after parsing answer exactly as they do for the same value sent in JSON.
 */
function jsonValue(child: Child, text: string): string | number | boolean {
  switch (child.json) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'integer':
      return INTEGER.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
    case 'decimal':
      return DECIMAL.test(text) && Number.isFinite(Number(text)) ? Number(text) : text;
    default:
      return text;
  }
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

function escapeAttr(text: string): string {
  return text.replace(/[&<>"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? `&#${c.charCodeAt(0)};`);
}

function isNamespaceDeclaration(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:');
}

function isBlank(text: string): boolean {
  return /^[ \t\r\n]*$/.test(text);
}

class Reader {
  readonly stack: Frame[] = [];
  root: JsonObject | undefined;

  constructor(private readonly where: () => string) {}

  fail(message: string): never {
    throw new XmlReadError(`${message} (${this.where()})`);
  }

  open(tag: SaxesTagNS): void {
    if (this.stack.length >= MAX_DEPTH) this.fail('The XML is nested too deeply');
    const top = this.stack[this.stack.length - 1];
    if (top?.kind === 'xhtml') return this.openXhtml(top, tag);
    if (top?.kind === 'object') return this.openChild(top, tag);
    this.inFhirNamespace(tag);
    if (!top) {
      if (this.root) this.fail('More than one root element');
      const resource = this.openResource(tag, '');
      this.root = resource;
      return;
    }
    switch (top.kind) {
      case 'holder':
        if (top.filled) this.fail(`${top.path} holds more than one resource`);
        top.filled = true;
        top.place(this.openResource(tag, `${top.path}/`));
        return;
      case 'primitive':
        if (tag.local !== 'extension') {
          this.fail(`${top.path} may contain only extensions, not <${tag.local}>`);
        }
        this.openComplex(tag, structureOf('Extension')!, `${top.path}.extension`, (value) => {
          const list = (top.extra.extension ??= []) as unknown[];
          list.push(value);
        });
        return;
    }
  }

  unexpected(attribute: string, path: string): never {
    this.fail(`Unexpected attribute ${attribute} on ${path}`);
  }

  inFhirNamespace(tag: SaxesTagNS): void {
    if (tag.uri !== FHIR_NS) this.fail(`Element <${tag.name}> is not in the FHIR namespace ${FHIR_NS}`);
  }

  openResource(tag: SaxesTagNS, path: string): JsonObject {
    if (!isKnownResource(tag.local)) {
      this.fail(`<${tag.local}> is not a FHIR resource type this server reads`);
    }
    for (const attribute of Object.values(tag.attributes)) {
      if (!isNamespaceDeclaration(attribute.name)) {
        this.fail(`Unexpected attribute ${attribute.name} on <${tag.local}>`);
      }
    }
    const target: JsonObject = { resourceType: tag.local };
    const structure = structureOf(tag.local)!;
    const where = `${path}${tag.local}`;
    this.stack.push({ kind: 'object', structure, target, path: where, lastIndex: -1, lastName: '' });
    return target;
  }

  openChild(parent: ObjectFrame, tag: SaxesTagNS): void {
    const name = tag.local;
    const child = parent.structure.children.get(name);
    if (child?.kind !== 'xhtml') this.inFhirNamespace(tag);
    if (!child) this.fail(`Unknown element <${name}> in ${parent.path}`);
    if (child.index < parent.lastIndex) {
      const before = parent.lastName;
      this.fail(`Element <${name}> is out of order in ${parent.path}: it belongs before <${before}>`);
    }
    if (child.index === parent.lastIndex && !child.repeats) {
      this.fail(`Element <${name}> may occur only once in ${parent.path}`);
    }
    parent.lastIndex = child.index;
    parent.lastName = name;
    const path = `${parent.path}.${name}`;
    const target = parent.target;
    const add = (value: unknown) => {
      if (child.repeats) ((target[name] ??= []) as unknown[]).push(value);
      else target[name] = value;
    };
    switch (child.kind) {
      case 'primitive':
        return this.openPrimitive(parent, child, tag, path);
      case 'complex':
        return this.openComplex(tag, structureOf(child.structure!)!, path, add);
      case 'resource':
        this.noAttributes(tag, path);
        this.stack.push({ kind: 'holder', path, place: add, filled: false });
        return;
      case 'xhtml':
        if (tag.uri !== XHTML_NS) this.fail(`${path} must be an XHTML div in namespace ${XHTML_NS}`);
        return this.openXhtml({ kind: 'xhtml', parts: [], depth: 0, finish: (markup) => add(markup) }, tag);
    }
  }

  noAttributes(tag: SaxesTagNS, path: string): void {
    for (const attribute of Object.values(tag.attributes)) {
      if (!isNamespaceDeclaration(attribute.name)) this.unexpected(attribute.name, path);
    }
  }

  openPrimitive(parent: ObjectFrame, child: Child, tag: SaxesTagNS, path: string): void {
    let value: string | undefined;
    const extra: JsonObject = {};
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.name === 'value') value = attribute.value;
      else if (attribute.name === 'id') extra.id = attribute.value;
      else if (!isNamespaceDeclaration(attribute.name)) this.unexpected(attribute.name, path);
    }
    const target = parent.target;
    const name = child.name;
    const finish = (ext: JsonObject | undefined) => {
      const json = value === undefined ? null : jsonValue(child, value);
      if (child.repeats) {
        ((target[name] ??= []) as unknown[]).push(json);
        ((target[`_${name}`] ??= []) as unknown[]).push(ext ?? null);
        (parent.primitiveArrays ??= new Set()).add(name);
      } else {
        if (json !== null) target[name] = json;
        if (ext) target[`_${name}`] = ext;
      }
    };
    this.stack.push({ kind: 'primitive', path, hasValue: value !== undefined, extra, finish });
  }

  openComplex(tag: SaxesTagNS, structure: Structure, path: string, add: (value: JsonObject) => void): void {
    const target: JsonObject = {};
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.name === 'id') target.id = attribute.value;
      else if (attribute.name === 'url' && structure.key === 'Extension') target.url = attribute.value;
      else if (!isNamespaceDeclaration(attribute.name)) this.unexpected(attribute.name, path);
    }
    if (structure.key === 'Extension' && target.url === undefined) this.fail(`${path} has no url attribute`);
    add(target);
    this.stack.push({ kind: 'object', structure, target, path, lastIndex: -1, lastName: '' });
  }

  /** Narrative XHTML is kept as markup: the element, its attributes and text, re-escaped. */
  openXhtml(frame: XhtmlFrame, tag: SaxesTagNS): void {
    let markup = `<${tag.name}`;
    if (frame.depth === 0) {
      if (tag.local !== 'div') this.fail('The narrative must be a <div>');
      markup = `<div xmlns="${XHTML_NS}"`;
    }
    for (const attribute of Object.values(tag.attributes)) {
      if (frame.depth === 0 && attribute.name === 'xmlns') continue;
      markup += ` ${attribute.name}="${escapeAttr(attribute.value)}"`;
    }
    frame.parts.push(tag.isSelfClosing ? `${markup}/>` : `${markup}>`);
    frame.depth++;
    if (frame.depth === 1) this.stack.push(frame);
  }

  text(text: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top?.kind === 'xhtml') {
      top.parts.push(escapeText(text));
      return;
    }
    if (!isBlank(text)) {
      this.fail(`Unexpected text ${JSON.stringify(text.trim().slice(0, 40))}${top ? ` in ${top.path}` : ''}`);
    }
  }

  close(tag: SaxesTagNS): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    if (top.kind === 'xhtml') {
      if (!tag.isSelfClosing) top.parts.push(`</${tag.name}>`);
      top.depth--;
      if (top.depth === 0) {
        this.stack.pop();
        top.finish(top.parts.join(''));
      }
      return;
    }
    this.stack.pop();
    switch (top.kind) {
      case 'primitive': {
        const hasExtra = top.extra.id !== undefined || top.extra.extension !== undefined;
        if (!top.hasValue && top.extra.extension === undefined) {
          this.fail(`${top.path} has neither a value attribute nor extensions`);
        }
        top.finish(hasExtra ? top.extra : undefined);
        return;
      }
      case 'holder':
        if (!top.filled) this.fail(`${top.path} holds no resource`);
        return;
      case 'object':
        for (const name of top.primitiveArrays ?? []) {
          const values = top.target[name] as unknown[];
          const extras = top.target[`_${name}`] as unknown[];
          if (extras.every((e) => e === null)) delete top.target[`_${name}`];
          if (values.every((v) => v === null)) delete top.target[name];
        }
        return;
    }
  }
}

/** Parses a FHIR resource in XML into its JSON form. Throws XmlReadError with a diagnostic. */
export function parseFhirXml(text: string): JsonObject {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const reader = new Reader(() => `line ${parser.line}, column ${parser.column}`);
  parser.on('doctype', () => reader.fail('A DOCTYPE is not allowed (no DTDs or entity declarations)'));
  parser.on('opentag', (tag) => reader.open(tag));
  parser.on('closetag', (tag) => reader.close(tag));
  parser.on('text', (text) => reader.text(text));
  parser.on('cdata', (text) => reader.text(text));
  parser.on('processinginstruction', (pi) => {
    reader.fail(`Processing instruction <?${pi.target}?> is not allowed`);
  });
  parser.on('xmldecl', (decl) => {
    if (decl.encoding !== undefined && decl.encoding.toLowerCase() !== 'utf-8') {
      reader.fail(`The XML declaration names encoding ${decl.encoding}; only UTF-8 is accepted`);
    }
  });
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof XmlReadError) throw error;
    // saxes reports well-formedness faults as "line:column: message".
    const message = error instanceof Error ? error.message : String(error);
    throw new XmlReadError(`The XML is not well-formed: ${message}`);
  }
  if (!reader.root) throw new XmlReadError('The XML holds no resource');
  return reader.root;
}
