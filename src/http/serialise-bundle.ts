/**
 * A searchset Bundle to the bytes sent, giving the event loop back between slices of its entries
 * (src/ops/time-slice.ts): JSON.stringify of a whole record of several MB holds the loop for tens of
 * milliseconds, during which every other request waits. The bytes are exactly JSON.stringify(bundle):
 * the Bundle's own elements are written once with a marker where `entry` goes, and each entry is
 * written as JSON.stringify writes an array's elements, a block at a time.
 */
import type { Bundle } from 'fhir/r3';

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
  // Entries in blocks: one JSON.stringify per block (an array, its brackets dropped) costs next to
  // nothing over one call for the whole Bundle, and the slice is looked at between blocks.
  for (let i = 0; i < entries.length; i += BLOCK) {
    if (i > 0) parts.push(',');
    const block = JSON.stringify(entries.slice(i, i + BLOCK));
    parts.push(block.slice(1, -1));
    if (slice.spent && i + BLOCK < entries.length) {
      chunks.push(Buffer.from(parts.join(''), 'utf8'));
      parts = [];
      await slice.pause();
    }
  }
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
