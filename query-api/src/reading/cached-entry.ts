import { randomBytes } from 'node:crypto';
import { formatPosition, parsePosition, type GlobalPosition } from '@concert/infra';

/**
 * Bumped whenever the layout or the shape of a cached value changes: entries written by an
 * older release then read as misses instead of being served in the old shape until their TTL.
 */
const ENTRY_VERSION = 2;

/** Longest header: version, two 20-digit positions, a 16-digit tag, separators. */
export const MAX_HEADER_BYTES = 96;

const NEWLINE = 0x0a;

/**
 * A cache entry as stored in Redis: one header line, then the value's JSON text as it is sent.
 * `2 <position> <tag>\n<json>`. The position is the lowest checkpoint of the entry's projections
 * in the snapshot it was read from; the tag is random per write, so two entries with the same
 * header are the same write and a process may keep the body in memory and check only the header.
 */
export interface CachedEntry {
  header: string;
  position: GlobalPosition;
  /** The value's JSON text, as UTF-8. */
  body: Buffer;
}

export function newEntry(position: GlobalPosition, json: string): CachedEntry {
  const header = `${ENTRY_VERSION} ${formatPosition(position)} ${randomBytes(8).toString('hex')}`;
  return { header, position, body: Buffer.from(json) };
}

export function encodeEntry(entry: CachedEntry): Buffer {
  return Buffer.concat([Buffer.from(`${entry.header}\n`), entry.body]);
}

/** The header line of a stored entry (or of its first bytes); undefined when it is not one of ours. */
export function headerOf(stored: Buffer): { header: string; position: GlobalPosition } | undefined {
  const end = stored.indexOf(NEWLINE);
  if (end < 0 || end > MAX_HEADER_BYTES) return undefined;
  const header = stored.toString('latin1', 0, end);
  const [version, position, tag] = header.split(' ');
  if (version !== String(ENTRY_VERSION) || tag === undefined || position === undefined) return undefined;
  const parsed = parsePosition(position);
  return parsed === undefined ? undefined : { header, position: parsed };
}

export function decodeEntry(stored: Buffer): CachedEntry | undefined {
  const head = headerOf(stored);
  if (head === undefined) return undefined;
  return { ...head, body: stored.subarray(head.header.length + 1) };
}
