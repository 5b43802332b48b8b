import { unsupportedMediaTypeProblem } from '@concert/infra';
import express, { type Request, type RequestHandler, type Response } from 'express';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Parses a JSON request body at the edge, so the waiting room and Idempotency-Key checks can
 * read it: `req.body` is the parsed value and `res.locals.rawBody` the exact bytes, which the
 * proxy forwards unchanged (re-serialising could alter what the fingerprint was taken of).
 * Too large: 413 `payload-too-large`; not JSON: 415; malformed: 400 `validation` (the error
 * handler maps body-parser's errors). A command without a body gets `{}` and an empty buffer.
 */
export function jsonBody(limitOf: (req: Request, res: Response) => number): RequestHandler {
  const parsers = new Map<number, RequestHandler>();
  const parserFor = (limit: number): RequestHandler => {
    let parser = parsers.get(limit);
    if (!parser) {
      parser = express.json({
        limit,
        // The content type is checked below, before a parser runs.
        type: () => true,
        verify: (_req, res, buffer) => {
          (res as Response).locals.rawBody = Buffer.from(buffer);
        },
      });
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
      req.body = {};
      res.locals.rawBody = Buffer.alloc(0);
      next();
      return;
    }
    if (!req.is(JSON_TYPES)) {
      next(unsupportedMediaTypeProblem('request body must be application/json'));
      return;
    }
    parserFor(limitOf(req, res))(req, res, (error?: unknown) => {
      // An empty body with a length header: body-parser leaves `req.body` undefined.
      if ((error === undefined || error === null) && !Buffer.isBuffer(res.locals.rawBody)) {
        req.body = {};
        res.locals.rawBody = Buffer.alloc(0);
      }
      next(error);
    });
  };
}

/** The exact request body the gateway read, for the proxy to forward. */
export function rawBodyOf(res: Response): Buffer | undefined {
  const raw: unknown = res.locals.rawBody;
  return Buffer.isBuffer(raw) ? raw : undefined;
}

function carriesBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? '0');
  return Number.isFinite(length) && length > 0;
}
