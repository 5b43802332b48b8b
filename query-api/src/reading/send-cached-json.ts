import type { Request, Response } from 'express';
import type { CachedEntry } from './cached-entry.js';

type ETagFn = (body: Buffer, encoding?: string) => string | undefined;

/** ETags of the bodies sent lately: the same entry is sent many times, hashed once. */
const etags = new WeakMap<Buffer, string>();

/**
 * Sends a cache entry's JSON text as a 200, as `res.json` would have (same Content-Type, same
 * ETag from the app's `etag fn`, 304 for a matching If-None-Match), without serialising or
 * hashing it again.
 */
export function sendCachedJson(req: Request, res: Response, entry: CachedEntry): void {
  const etagOf = req.app.get('etag fn') as ETagFn | undefined;
  if (etagOf) {
    let etag = etags.get(entry.body);
    if (etag === undefined) {
      etag = etagOf(entry.body);
      if (etag !== undefined) etags.set(entry.body, etag);
    }
    if (etag !== undefined) res.setHeader('ETag', etag);
  }
  res.status(200).type('application/json').send(entry.body);
}
