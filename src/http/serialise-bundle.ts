/**
 * A searchset Bundle to the bytes sent, giving the event loop back between slices of its entries
 * (src/ops/time-slice.ts): JSON.stringify of a whole record of several MB holds the loop for tens of
 * milliseconds, during which every other request waits. The bytes are exactly JSON.stringify(bundle):
 * the Bundle's own elements are written once with a marker where `entry` goes, and each entry is
 * written as JSON.stringify writes an array's elements, a block at a time.
 */
import type { Bundle, BundleEntry } from 'fhir/r3';

import { rememberedJson } from '../bundle/engine/resource-memo';
import type { WireFormat } from '../fhir/content-negotiation';
import { type TimeSlice, timeSlice } from '../ops/time-slice';
import { serialise } from './respond';

/** Stands for the entries in the Bundle's shell; a NUL cannot appear unescaped in any JSON text. */
const MARK = '\u0000entries\u0000';
const MARKED = `"entry":${JSON.stringify(MARK)}`;
/** Entries written per JSON.stringify call (a few hundred KB at most for typical entries). */
const BLOCK = 64;

/**
 * JSON of the Bundle, exactly as JSON.stringify(bundle), yielding whenever the request's slice is
 * spent (a fresh slice when none is given).
 */
export async function bundleJson(bundle: Bundle, slice: TimeSlice = timeSlice()): Promise<Buffer> {
  const entries = bundle.entry;
  await slice.pause();
  if (entries === undefined || entries.length === 0) return serialise(bundle, 'json');
  // Spreading keeps `entry` where it was among the Bundle's keys.
  const shell = JSON.stringify({ ...bundle, entry: MARK });
  const at = shell.indexOf(MARKED);
  if (at < 0 || shell.indexOf(MARKED, at + 1) >= 0) return serialise(bundle, 'json');
  const chunks: Buffer[] = [];
  let parts: string[] = [shell.slice(0, at), '"entry":['];
  // A remembered resource's JSON is written once (resource-memo.ts) and reused as it stands; the
  // others are written in runs, one JSON.stringify per run of up to BLOCK entries (a call per entry
  // costs more), with the slice looked at between blocks.
  let run: BundleEntry[] = [];
  let comma = '';
  const flush = () => {
    if (run.length === 0) return;
    parts.push(comma, JSON.stringify(run).slice(1, -1));
    comma = ',';
    run = [];
  };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    // Only a plain `{ resource }` entry (an array may hold holes, which JSON.stringify writes as null).
    const json =
      typeof entry === 'object' && entry !== null && entry.resource && Object.keys(entry).length === 1
        ? rememberedJson(entry.resource)
        : undefined;
    if (json === undefined) run.push(entry);
    else {
      flush();
      parts.push(comma, '{"resource":', json, '}');
      comma = ',';
    }
    if (run.length === BLOCK) flush();
    if ((i + 1) % BLOCK === 0 && slice.spent && i + 1 < entries.length) {
      flush();
      chunks.push(Buffer.from(parts.join(''), 'utf8'));
      parts = [];
      await slice.pause();
    }
  }
  flush();
  parts.push(']', shell.slice(at + MARKED.length));
  chunks.push(Buffer.from(parts.join(''), 'utf8'));
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** The Bundle in the wire format asked for (FHIR XML is written in one go). */
export async function serialiseBundle(
  bundle: Bundle,
  format: WireFormat,
  slice?: TimeSlice,
): Promise<Buffer> {
  if (format === 'json') return bundleJson(bundle, slice);
  await slice?.pause();
  return serialise(bundle, format);
}
