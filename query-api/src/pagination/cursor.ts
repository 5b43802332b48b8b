/**
 * The opaque `cursor` of the paginated lists: the sort key of the last item of the previous
 * page (keyset pagination), so a page is an index range scan however deep it is, and rows
 * added meanwhile neither shift nor repeat items the way an offset would.
 *
 * Encoded as base64url JSON so clients treat it as a token, not as something to build.
 * It carries no authority: every query still filters by the caller.
 */
export interface Cursor {
  /** The item's time in microseconds since the epoch (PostgreSQL's precision; a JS Date would round). */
  atMicros: string;
  id: string;
}

const MICROS = /^\d{1,18}$/;
/** 9999-12-31T23:59:59.999999Z: past it, PostgreSQL's interval arithmetic overflows (a 500, not a page). */
const MAX_MICROS = 253_402_300_799_999_999n;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_CURSOR_LENGTH = 256;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.atMicros, cursor.id])).toString('base64url');
}

/** undefined for anything `encodeCursor` could not have produced. */
export function decodeCursor(text: string): Cursor | undefined {
  if (text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [atMicros, id] = parsed as unknown[];
  if (
    typeof atMicros !== 'string' ||
    !MICROS.test(atMicros) ||
    BigInt(atMicros) > MAX_MICROS ||
    typeof id !== 'string' ||
    !ID.test(id)
  )
    return undefined;
  return { atMicros, id };
}
