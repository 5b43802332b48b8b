import express from 'express';
import type { Request, RequestHandler } from 'express';
import { clientErrorProblem } from './client-error-problem.js';
import { unsupportedMediaTypeProblem, validationProblem } from './common-problems.js';
import { unstorableTextPath } from './storable-text.js';

export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * JSON bodies for POST/PUT/PATCH, refusing with the contract's problems instead of
 * body-parser's silent skip (a form post would otherwise reach the handler as an empty body).
 */
export type BodyLimit = number | ((req: Request) => number);

/** `limitBytes` may depend on the request: a seat map upload needs more than a command. */
export function jsonBody(options: { limitBytes?: BodyLimit } = {}): RequestHandler {
  const limitOf = (req: Request): number => {
    const limit = options.limitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
    return typeof limit === 'number' ? limit : limit(req);
  };
  // The content type is checked before a parser runs, so it may accept whatever reaches it.
  const parsers = new Map<number, RequestHandler>();
  const parserFor = (limit: number): RequestHandler => {
    let parser = parsers.get(limit);
    if (!parser) {
      parser = express.json({ limit, type: () => true });
      parsers.set(limit, parser);
    }
    return parser;
  };

  return (req, res, next) => {
    if (!BODY_METHODS.has(req.method)) {
      next();
      return;
    }
    if (!carriesBody(req)) {
      // Commands without fields (`POST /reservations/:id/cancel`) are sent with no body at all.
      req.body = {};
      next();
      return;
    }
    if (!req.is(JSON_TYPES)) {
      next(unsupportedMediaTypeProblem('request body must be application/json'));
      return;
    }
    parserFor(limitOf(req))(req, res, (error?: unknown) => {
      if (error === undefined || error === null) {
        const path = unstorableTextPath(req.body);
        next(path === undefined ? undefined : validationProblem('text must not contain NUL characters or unpaired surrogates', [{ path, message: 'unstorable text' }]));
        return;
      }
      next(clientErrorProblem(error) ?? error);
    });
  };
}

function carriesBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? '0');
  return Number.isFinite(length) && length > 0;
}
