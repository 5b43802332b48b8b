import type { RequestHandler } from 'express';

/**
 * The catalog (concerts, dates, seat maps) is the same for every user: any cache may keep it,
 * but must revalidate it each time (its ETag, 304 when unchanged), as seats change by the second.
 */
export const CATALOG_CACHE_CONTROL = 'no-cache';

/** One user's data (reservations, payments, wallet, notifications) and the admin's statistics: only that user's own cache may keep it, revalidated each time. */
export const PRIVATE_CACHE_CONTROL = 'private, no-cache';

/** Sets `Cache-Control` on every answer of the routes it is mounted on (problems included). */
export function cacheControl(value: string): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Cache-Control', value);
    next();
  };
}
