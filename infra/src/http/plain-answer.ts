import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthClaims, JwtVerifier } from '../auth/jwt.js';
import { bearerTokenOf } from './authenticate.js';
import { problemBody, setProblemHeaders, type HttpProblem } from './problem.js';

/**
 * What a handler in front of express (a fast path: the command API's hold, the gateway's poll and
 * hold) needs to answer as express would, without express's request and response objects.
 */

/**
 * The caller's claims when the request carries a valid `Authorization: Bearer` token;
 * undefined otherwise (a missing, malformed or refused token: express answers the 401).
 */
export function bearerClaimsOf(req: IncomingMessage, verifier: JwtVerifier): AuthClaims | undefined {
  const header = req.headers.authorization;
  const token = header === undefined ? undefined : bearerTokenOf(header);
  if (token === undefined) return undefined;
  try {
    return verifier.verify(token);
  } catch {
    return undefined;
  }
}

/** express's ETag function ('etag fn'), or none, as a fast path tags an answer. */
export type EtagOf = (body: Buffer) => string | undefined;

/**
 * A JSON answer as express's `res.json` sends it: the type with its charset, Content-Length, the
 * ETag; to a HEAD request, the same headers without the body.
 */
export function sendPlainJson(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  value: unknown,
  etag: EtagOf,
  type = 'application/json',
): void {
  if (res.headersSent || res.destroyed) return;
  for (const name in headers) res.setHeader(name, headers[name]!);
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.setHeader('Content-Length', body.length);
  const tag = etag(body);
  if (tag !== undefined) res.setHeader('ETag', tag);
  res.statusCode = status;
  if (res.req.method === 'HEAD') res.end();
  else res.end(body);
}

/** A problem as the express error handler's sendProblem answers it: its headers, Retry-After, problem+json, ETag. */
export function sendPlainProblem(res: ServerResponse, problem: HttpProblem, etag: EtagOf): void {
  if (res.headersSent || res.destroyed) return;
  setProblemHeaders(res, problem);
  sendPlainJson(res, problem.status, {}, problemBody(problem), etag, 'application/problem+json');
}
