import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';

/** Response headers a page on an allowed origin may read (all the others are hidden from it by the browser). */
export const CORS_EXPOSED_HEADERS = [
  'X-Consistency-Token',
  'Location',
  'X-Next-Cursor',
  'Link',
  'Retry-After',
  'Idempotent-Replayed',
  'X-Request-Id',
  'ETag',
  'RateLimit',
  'RateLimit-Policy',
] as const;

/** Request headers such a page may send besides the CORS-safelisted ones. */
export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'Queue-Token',
  'X-Consistency-Token',
  'X-Request-Id',
  'If-None-Match',
] as const;

/** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours). */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * The CORS policy of the public port (CORS_ORIGINS). Tokens travel in `Authorization`, never
 * in cookies, so credentials are not allowed and an allowed origin is echoed, never `*`.
 */
export interface CorsPolicy {
  /** First in the pipeline: every answer to an allowed origin (refusals included) carries the allow and expose headers. */
  headers: RequestHandler;
  /** What `headers` does, on a response nothing has set `Vary` on yet, for a handler without express (the poll fast path). */
  setHeaders(req: IncomingMessage, res: ServerResponse): void;
  /** A preflight's allow headers on an OPTIONS answer, given the methods its path accepts. */
  answerPreflight(req: Request, res: Response, methods: readonly string[]): void;
}

export function corsPolicy(allowedOrigins: readonly string[]): CorsPolicy {
  const allowed = new Set(allowedOrigins);
  // Joined once, not per answer.
  const exposed = CORS_EXPOSED_HEADERS.join(', ');
  const allowedHeaders = CORS_ALLOWED_HEADERS.join(', ');
  const originOf = (req: Request): string | undefined => {
    const origin = req.headers.origin;
    return origin !== undefined && allowed.has(origin) ? origin : undefined;
  };
  return {
    headers: (req, res, next) => {
      if (allowed.size === 0) {
        next();
        return;
      }
      // The answer depends on Origin whenever CORS is on: a cache must not hand one origin's to another.
      res.vary('Origin');
      const origin = originOf(req);
      if (origin !== undefined) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Expose-Headers', exposed);
      }
      next();
    },
    setHeaders(req, res) {
      if (allowed.size === 0) return;
      res.setHeader('Vary', 'Origin');
      const origin = req.headers.origin;
      if (origin !== undefined && allowed.has(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Expose-Headers', exposed);
      }
    },
    answerPreflight(req, res, methods) {
      const requested = req.headers['access-control-request-method'];
      if (originOf(req) === undefined || requested === undefined || !methods.includes(requested)) return;
      res.setHeader('Access-Control-Allow-Methods', methods.join(', '));
      res.setHeader('Access-Control-Allow-Headers', allowedHeaders);
      res.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
      res.vary('Access-Control-Request-Method');
      res.vary('Access-Control-Request-Headers');
    },
  };
}
