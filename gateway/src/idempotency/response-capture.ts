import type { OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';
import type { Response } from 'express';

/** Headers a replay carries: what a client reads from a command's answer. */
export const REPLAYED_HEADERS = ['content-type', 'content-encoding', 'location', 'x-consistency-token'] as const;

export interface CapturedResponse {
  status: number;
  /** Only REPLAYED_HEADERS, lower-case. */
  headers: Record<string, string>;
  body: Buffer;
  /** The body went past the bound: it was sent as it came, and not kept (body is empty). */
  overflowed: boolean;
}

/**
 * Records what is written into `res` by whoever answers it (a proxy piping the upstream's
 * response, or an express handler), by wrapping writeHead/write/end. The body is held back
 * until the response ends and `beforeEnd` (which gets the whole response) has run, then sent
 * unchanged: a client never holds an answer that is not yet recorded (with Content-Length, a
 * client is done at the last body byte, before `end`). A body past `maxBodyBytes` is not held:
 * it flows as it comes and is reported as overflowed. A response that never ends (the client
 * left) never calls `beforeEnd`.
 */
export function captureResponse(
  res: Response,
  maxBodyBytes: number,
  beforeEnd: (response: CapturedResponse) => Promise<void>,
): void {
  const held: Buffer[] = [];
  let size = 0;
  let overflowed = false;
  let ended = false;
  let headHeaders: Record<string, string> = {};

  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;

  /** Holds `bytes`; false once the bound is passed (what was held has been sent on). */
  const hold = (bytes: Buffer): boolean => {
    if (overflowed) return false;
    size += bytes.length;
    if (size <= maxBodyBytes) {
      held.push(bytes);
      return true;
    }
    overflowed = true;
    for (const chunk of held) write(chunk);
    held.length = 0;
    return false;
  };

  (res as { writeHead: unknown }).writeHead = (...args: unknown[]): Response => {
    // Headers handed to writeHead directly never show up in res.getHeaders().
    const headers = typeof args[1] === 'object' && args[1] !== null ? args[1] : args[2];
    headHeaders = replayedHeaders(headers);
    return writeHead(...args);
  };
  (res as { write: unknown }).write = (...args: unknown[]): boolean => {
    const bytes = bytesOf(args[0], args[1]);
    if (bytes === undefined || ended || !hold(bytes)) return write(...args);
    const callback = args.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback) process.nextTick(callback);
    return true;
  };
  (res as { end: unknown }).end = (...args: unknown[]): Response => {
    if (ended) return end(...args);
    ended = true;
    const bytes = bytesOf(args[0], args[1]);
    const finalHeld = bytes === undefined || hold(bytes);
    const body = Buffer.concat(held);
    const captured = {
      status: res.statusCode,
      headers: { ...replayedHeaders(res.getHeaders()), ...headHeaders },
      body: overflowed ? Buffer.alloc(0) : body,
      overflowed,
    };
    const callback = args.find((arg) => typeof arg === 'function');
    // beforeEnd handles its own failures; the response ends whatever happens.
    void beforeEnd(captured).finally(() => {
      if (overflowed && !finalHeld) end(...args);
      else if (overflowed) end(...(callback ? [callback] : []));
      else end(body, ...(callback ? [callback] : []));
    });
    return res;
  };
}

function bytesOf(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return undefined;
}

function replayedHeaders(headers: unknown): Record<string, string> {
  const entries: Array<[string, OutgoingHttpHeader | undefined]> = Array.isArray(headers)
    ? pairs(headers as unknown[])
    : typeof headers === 'object' && headers !== null
      ? Object.entries(headers as OutgoingHttpHeaders)
      : [];
  const kept: Record<string, string> = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (value === undefined || !(REPLAYED_HEADERS as readonly string[]).includes(lower)) continue;
    kept[lower] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return kept;
}

/** writeHead also takes headers as a flat array: [name, value, name, value...]. */
function pairs(flat: readonly unknown[]): Array<[string, OutgoingHttpHeader]> {
  const result: Array<[string, OutgoingHttpHeader]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push([String(flat[i]), flat[i + 1] as OutgoingHttpHeader]);
  return result;
}
