import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unavailableProblem } from '@concert/infra';
import express, { Router } from 'express';

/** The pages' bytes never change between builds of one deployment; the HTML is revalidated, the bundles cached briefly. */
const ASSET_MAX_AGE_MS = 60_000;
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * GET / (the buyer page), GET /console (the ops console) and GET /assets/* (their bundles),
 * static files built by `npm run build` (web/, esbuild) into `dir`. Both pages are clients of
 * the public API: the console asks for an admin token and reads GET /admin/console/snapshot,
 * which the allow-list keeps admin-only. Without a build: 503 saying how to make one.
 */
export function webPages(dir: string): Router {
  const router = Router({ caseSensitive: true, strict: true });
  const page =
    (file: string): express.RequestHandler =>
    (_req, res, next) => {
      const path = join(dir, file);
      if (!existsSync(path)) {
        next(unavailableProblem(`the web pages are not built (no ${path}): run npm run build`));
        return;
      }
      res.set({ ...SECURITY_HEADERS, 'Cache-Control': 'no-cache' }).sendFile(path);
    };
  router.get('/', page('index.html'));
  router.get('/console', page('console.html'));
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      index: false,
      fallthrough: true,
      maxAge: ASSET_MAX_AGE_MS,
      setHeaders: (res) => res.set(SECURITY_HEADERS),
    }),
  );
  return router;
}
