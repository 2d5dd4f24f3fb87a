/**
 * A searchset Bundle to the bytes sent, giving the event loop back between slices of its entries
 * (src/ops/time-slice.ts): JSON.stringify of a whole record of several MB holds the loop for tens of
 * milliseconds, during which every other request waits. The bytes are exactly JSON.stringify(bundle):
 * the Bundle's own elements are written once with a marker where `entry` goes, and each entry is
 * written as JSON.stringify writes an array's elements, a block at a time.
 *
 * The bytes are written straight into one Buffer of the answer's exact length (a slice's worth at a
 * time): a remembered resource's UTF-8 bytes (resource-memo.ts) are copied as they stand, a query
 * List written as JSON text for this request (WrittenResource, D-LJ2) is encoded in place as it
 * stands, and the other entries' JSON text is encoded in place, rather than joining every piece into
 * one string and encoding all of it again (docs/decisions.md D-SJ1).
 */
import type { Bundle, BundleEntry } from 'fhir/r3';

import { rememberedJson } from '../bundle/engine/resource-memo';
import type { WireFormat } from '../fhir/content-negotiation';
import { type TimeSlice, timeSlice } from '../ops/time-slice';
import { type Bytes, serialise } from './respond';

/** Stands for the entries in the Bundle's shell; a NUL cannot appear unescaped in any JSON text. */
const MARK = '\u0000entries\u0000';
const MARKED = `"entry":${JSON.stringify(MARK)}`;
/** Entries written per JSON.stringify call (a few hundred KB at most for typical entries). */
const BLOCK = 64;

const TEXT = 0;
const RUN = 1;
const ENTRY = 2;
const COMMA = 4;
const COMMA_BYTE = 0x2c;
/** What a `{ resource }` entry writes around its resource's JSON. */
const OPEN_ENTRY = Buffer.from('{"resource":', 'latin1');
const CLOSE_ENTRY = 0x7d;

/**
 * One slice's worth of the answer, in order: text (the shell's parts), runs of entries (the text of
 * JSON.stringify(run), `[...]`) and remembered or written resources' JSON (`{ resource }` entries'
 * resources), and the number of bytes they come to.
 */
class Pieces {
  private readonly parts: (string | Buffer)[] = [];
  /** Per part: TEXT, RUN or ENTRY (a remembered or written resource), with COMMA added after another. */
  private readonly kinds: number[] = [];
  /** Per part: its UTF-8 length (for an entry, its resource's). */
  private readonly sizes: number[] = [];
  private total = 0;

  text(text: string): void {
    this.add(text, TEXT, Buffer.byteLength(text, 'utf8'));
  }

  /**
   * A run's `[...]`: its elements are written without the brackets (a copy of them as a slice of the
   * text would be a string of its own to measure), after a comma unless they come first, where the
   * `[` is the entry array's own, already written.
   */
  run(json: string, first: boolean): void {
    const size = Buffer.byteLength(json, 'utf8');
    this.add(json, first ? RUN : RUN | COMMA, size);
    this.total -= 2;
  }

  /**
   * A `{ resource }` entry whose resource's JSON is `json` (UTF-8 bytes, or text written for this
   * request), after a comma unless it comes first.
   */
  entry(json: Buffer | string, first: boolean): void {
    const size = typeof json === 'string' ? Buffer.byteLength(json, 'utf8') : json.length;
    this.add(json, first ? ENTRY : ENTRY | COMMA, size);
    this.total += OPEN_ENTRY.length + 1;
  }

  private add(part: string | Buffer, kind: number, size: number): void {
    this.parts.push(part);
    this.kinds.push(kind);
    this.sizes.push(size);
    this.total += size + (kind & COMMA ? 1 : 0);
  }

  /** The pieces' bytes, in a Buffer of their exact length. */
  bytes(): Buffer {
    const out = Buffer.allocUnsafe(this.total);
    let at = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i];
      const kind = this.kinds[i];
      const size = this.sizes[i];
      if (kind & ENTRY) {
        if (kind & COMMA) out[at++] = COMMA_BYTE;
        out.set(OPEN_ENTRY, at);
        at += OPEN_ENTRY.length;
        if (typeof part === 'string') out.write(part, at, size, 'utf8');
        else out.set(part, at);
        at += size;
        out[at++] = CLOSE_ENTRY;
      } else if (kind === TEXT) {
        out.write(part as string, at, size, 'utf8');
        at += size;
      } else {
        // Without its `]` (the length given stops before it): `[` and the elements, where the
        // `[` becomes the comma, or falls on the entry array's `[` just before.
        if (!(kind & COMMA)) at--;
        out.write(part as string, at, size - 1, 'utf8');
        if (kind & COMMA) out[at] = COMMA_BYTE;
        at += size - 1;
      }
    }
    return out;
  }
}

/** The JSON of a plain `{ resource }` entry whose resource is remembered or written, else undefined. */
function rememberedEntry(entry: BundleEntry | undefined): Buffer | string | undefined {
  // An array may hold holes, which JSON.stringify writes as null.
  if (typeof entry !== 'object' || entry === null || !entry.resource) return undefined;
  const json = rememberedJson(entry.resource);
  if (json === undefined) return undefined;
  // Its only own enumerable key must be `resource` (as the engine builds entries), counted without
  // the array Object.keys would make; for-in also counts inherited enumerable keys, which only makes
  // such an odd entry go through JSON.stringify.
  let keys = 0;
  for (const key in entry) if (++keys > 1 || key !== 'resource') return undefined;
  return json;
}

/**
 * JSON of the Bundle, exactly as JSON.stringify(bundle), yielding whenever the request's slice is
 * spent (a fresh slice when none is given): the bytes of each slice, in order (one Buffer unless it
 * yielded), sent as they are rather than copied into one (respond.ts).
 */
export async function bundleJson(bundle: Bundle, slice: TimeSlice = timeSlice()): Promise<Buffer[]> {
  const entries = bundle.entry;
  await slice.pause();
  if (entries === undefined || entries.length === 0) return [serialise(bundle, 'json')];
  // Spreading keeps `entry` where it was among the Bundle's keys.
  const shell = JSON.stringify({ ...bundle, entry: MARK });
  const at = shell.indexOf(MARKED);
  if (at < 0 || shell.indexOf(MARKED, at + 1) >= 0) return [serialise(bundle, 'json')];
  const chunks: Buffer[] = [];
  let pieces = new Pieces();
  pieces.text(`${shell.slice(0, at)}"entry":[`);
  // A remembered (or written) resource's JSON is written once (resource-memo.ts) and copied as it
  // stands; the others are written in runs, one JSON.stringify per run of up to BLOCK entries (a call
  // per entry costs more), with the slice looked at between blocks.
  let run: BundleEntry[] = [];
  let first = true;
  const flush = () => {
    if (run.length === 0) return;
    pieces.run(JSON.stringify(run), first);
    first = false;
    run = [];
  };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const json = rememberedEntry(entry);
    if (json === undefined) run.push(entry);
    else {
      flush();
      pieces.entry(json, first);
      first = false;
    }
    if ((i + 1) % BLOCK === 0) {
      flush();
      if (slice.spent && i + 1 < entries.length) {
        chunks.push(pieces.bytes());
        pieces = new Pieces();
        await slice.pause();
      }
    }
  }
  flush();
  pieces.text(`]${shell.slice(at + MARKED.length)}`);
  chunks.push(pieces.bytes());
  return chunks;
}

/** The Bundle in the wire format asked for (FHIR XML is written in one go). */
export async function serialiseBundle(bundle: Bundle, format: WireFormat, slice?: TimeSlice): Promise<Bytes> {
  if (format === 'json') return bundleJson(bundle, slice);
  await slice?.pause();
  return serialise(bundle, format);
}
