import type { IncomingHttpHeaders } from 'node:http';
import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { clientErrorProblem } from './client-error-problem.js';
import { unsupportedMediaTypeProblem, validationProblem } from './common-problems.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import type { HttpProblem } from './problem.js';
import { unstorableTextPath } from './storable-text.js';

export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * JSON bodies for POST/PUT/PATCH, refusing with the contract's problems instead of
 * body-parser's silent skip (a form post would otherwise reach the handler as an empty body).
 */
export type BodyLimit = number | ((req: Request, res: Response) => number);

export interface JsonBodyOptions {
  /** May depend on the request: a seat map upload needs more than a command. */
  limitBytes?: BodyLimit;
  /**
   * Also keep the exact bytes in `res.locals.rawBody` (see `rawBodyOf`): the gateway forwards
   * them unchanged, since re-serialising could alter what an Idempotency-Key fingerprint was
   * taken of. A request without a body gets an empty buffer.
   */
  keepRawBody?: boolean;
}

export function jsonBody(options: JsonBodyOptions = {}): RequestHandler {
  const limitOf = (req: Request, res: Response): number => {
    const limit = options.limitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
    return typeof limit === 'number' ? limit : limit(req, res);
  };
  // The content type is checked before a parser runs, so it may accept whatever reaches it.
  const parsers = new Map<number, RequestHandler>();
  const parserFor = (limit: number): RequestHandler => {
    let parser = parsers.get(limit);
    if (!parser) {
      parser = express.json({
        limit,
        type: () => true,
        ...(options.keepRawBody
          ? {
              verify: (_req, res, buffer) => {
                (res as Response).locals.rawBody = Buffer.from(buffer);
              },
            }
          : {}),
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
      // Commands without fields (`POST /reservations/:id/cancel`) are sent with no body at all.
      req.body = {};
      if (options.keepRawBody) res.locals.rawBody = Buffer.alloc(0);
      next();
      return;
    }
    if (!req.is(JSON_TYPES)) {
      next(unsupportedMediaTypeProblem('request body must be application/json'));
      return;
    }
    parserFor(limitOf(req, res))(req, res, (error?: unknown) => {
      if (error === undefined || error === null) {
        // An empty body with a length header: body-parser leaves `req.body` undefined.
        if (req.body === undefined) req.body = {};
        if (options.keepRawBody && !Buffer.isBuffer(res.locals.rawBody)) res.locals.rawBody = Buffer.alloc(0);
        next(parsedBodyProblem(req.body));
        return;
      }
      next(clientErrorProblem(error) ?? error);
    });
  };
}

/** What is refused in a body that parsed as JSON: too deep a nesting, or text the store cannot keep. */
export function parsedBodyProblem(body: unknown): HttpProblem | undefined {
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    return validationProblem(`the body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`, [
      { path: '(root)', message: 'nested too deeply' },
    ]);
  }
  const path = unstorableTextPath(body);
  return path === undefined
    ? undefined
    : validationProblem('text must not contain NUL characters or unpaired surrogates', [
        { path, message: 'unstorable text' },
      ]);
}

/**
 * The body as jsonBody reads these bytes, sent as `application/json` (UTF-8) within the limit:
 * a JSON object or array (body-parser's strict mode, a byte order mark dropped) that passes the
 * checks after parsing. Throws the problem jsonBody would answer. For a handler in front of
 * express (the command API's and the gateway's fast paths).
 */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  let body: unknown;
  try {
    if (!/^[ \t\n\r]*[{[]/.test(text)) throw new SyntaxError('not a JSON object or array');
    body = JSON.parse(text);
  } catch {
    throw validationProblem('request body is malformed JSON');
  }
  const problem = parsedBodyProblem(body);
  if (problem !== undefined) throw problem;
  return body;
}

/** `application/json` in UTF-8, spelled as clients send it; other JSON types and charsets are jsonBody's to judge. */
const PLAIN_JSON_TYPE = /^application\/json *(?:; *charset="?utf-8"?)? *$/i;

/**
 * The declared length of a body a handler in front of express may read itself: a JSON body in
 * UTF-8 with a Content-Length from 1 to `limitBytes`, no transfer or content encoding, no
 * `Expect`. Undefined for anything else, which jsonBody reads and judges.
 */
export function plainJsonBodyLength(headers: IncomingHttpHeaders, limitBytes: number): number | undefined {
  const declared = headers['content-length'];
  if (
    declared === undefined ||
    !/^[0-9]{1,9}$/.test(declared) ||
    headers['transfer-encoding'] !== undefined ||
    headers['content-encoding'] !== undefined ||
    headers.expect !== undefined ||
    !PLAIN_JSON_TYPE.test(headers['content-type'] ?? '')
  ) {
    return undefined;
  }
  const length = Number(declared);
  return length > 0 && length <= limitBytes ? length : undefined;
}

/** Whether jsonBody would take these bytes without a refusal (see parseJsonBody). */
export function isAcceptedJsonBody(raw: Buffer): boolean {
  try {
    parseJsonBody(raw);
    return true;
  } catch {
    return false;
  }
}

/** The exact request body `jsonBody({ keepRawBody: true })` read. */
export function rawBodyOf(res: Response): Buffer | undefined {
  const raw: unknown = res.locals.rawBody;
  return Buffer.isBuffer(raw) ? raw : undefined;
}

function carriesBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? '0');
  return Number.isFinite(length) && length > 0;
}
