import type { Request, Response } from 'express';
import { encodeCursor, type Cursor } from './cursor.js';

/** A row with its keyset sort key. */
export interface KeysetRow {
  cursor: Cursor;
}

export interface Page<R> {
  items: R[];
  nextCursor: string | undefined;
}

/**
 * `rows` were fetched with LIMIT limit + 1 (or more): one row past the page proves that
 * another page exists, without a COUNT, and the last item of this page is where it starts.
 */
export function pageOf<R extends KeysetRow>(rows: readonly R[], limit: number): Page<R> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.cursor) : undefined };
}

/**
 * docs/api.md gives the lists as bare JSON arrays, so the next page travels in headers:
 * `X-Next-Cursor` for clients that build the URL, and an RFC 8288 `Link: <...>; rel="next"`
 * (relative to the request) for those that follow links. No header: this was the last page.
 */
export function sendPage<R, V>(req: Request, res: Response, page: Page<R>, limit: number, view: (row: R) => V): void {
  if (page.nextCursor !== undefined) {
    const next = new URLSearchParams({ limit: String(limit), cursor: page.nextCursor });
    res.setHeader('X-Next-Cursor', page.nextCursor);
    res.setHeader('Link', `<${req.path}?${next.toString()}>; rel="next"`);
  }
  res.status(200).json(page.items.map(view));
}
