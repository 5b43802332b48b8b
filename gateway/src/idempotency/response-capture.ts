import type { OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';
import type { Response } from 'express';

/** Headers a replay carries: what a client reads from a command's answer. */
export const REPLAYED_HEADERS = ['content-type', 'content-encoding', 'location', 'x-consistency-token'] as const;

export interface CapturedResponse {
  status: number;
  /** Only REPLAYED_HEADERS, lower-case. */
  headers: Record<string, string>;
  body: Buffer;
  /** The body went past the bound: it was sent, but not kept. */
  overflowed: boolean;
}

/**
 * Records what is written into `res` by whoever answers it (a proxy piping the upstream's
 * response, or an express handler), by wrapping writeHead/write/end: the response goes out
 * unchanged, except that its last byte waits for `beforeEnd` (which gets the whole response),
 * so a client never holds an answer that is not yet recorded. A response that never ends (the
 * client left) never calls `beforeEnd`.
 */
export function captureResponse(
  res: Response,
  maxBodyBytes: number,
  beforeEnd: (response: CapturedResponse) => Promise<void>,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflowed = false;
  let headHeaders: Record<string, string> = {};

  const keep = (chunk: unknown, encoding: unknown): void => {
    if (overflowed || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk)
          : undefined;
    if (bytes === undefined) return;
    size += bytes.length;
    if (size > maxBodyBytes) {
      overflowed = true;
      chunks.length = 0;
      return;
    }
    chunks.push(bytes);
  };

  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  (res as { writeHead: unknown }).writeHead = (...args: unknown[]): Response => {
    // Headers handed to writeHead directly never show up in res.getHeaders().
    const headers = typeof args[1] === 'object' && args[1] !== null ? args[1] : args[2];
    headHeaders = replayedHeaders(headers);
    return writeHead(...args);
  };
  (res as { write: unknown }).write = (...args: unknown[]): boolean => {
    keep(args[0], args[1]);
    return write(...args);
  };
  let ended = false;
  (res as { end: unknown }).end = (...args: unknown[]): Response => {
    if (ended) return end(...args);
    ended = true;
    keep(args[0], args[1]);
    const captured = {
      status: res.statusCode,
      headers: { ...replayedHeaders(res.getHeaders()), ...headHeaders },
      body: Buffer.concat(chunks),
      overflowed,
    };
    // beforeEnd handles its own failures; the response ends whatever happens.
    void beforeEnd(captured).finally(() => end(...args));
    return res;
  };
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
