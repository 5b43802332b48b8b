import type { RequestHandler, Response } from 'express';
import { InvalidTokenError, type AuthClaims, type JwtVerifier } from '../auth/jwt.js';
import { forbiddenProblem, unauthenticatedProblem } from './common-problems.js';

/** RFC 6750: the scheme, then the token68 characters. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Requires a valid `Authorization: Bearer <jwt>` and puts its claims on `res.locals.auth`.
 * Every refused token gets the same 401; why it was refused goes to the log only, so a
 * client cannot probe which check failed.
 */
export function authenticate(verifier: JwtVerifier): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined) {
      next(unauthenticatedProblem('an Authorization: Bearer token is required'));
      return;
    }
    const token = bearerTokenOf(header);
    if (token === undefined) {
      next(
        unauthenticatedProblem('the Authorization header must be "Bearer <token>"', 'Bearer error="invalid_request"'),
      );
      return;
    }
    try {
      res.locals.auth = verifier.verify(token);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      req.log?.info({ reason: error.message }, 'bearer token refused');
      next(unauthenticatedProblem('the bearer token is invalid or expired', 'Bearer error="invalid_token"'));
      return;
    }
    next();
  };
}

/** The token of an `Authorization: Bearer <token>` header; undefined when the header is not so spelled. */
export function bearerTokenOf(header: string): string | undefined {
  return BEARER.exec(header)?.[1];
}

/** Refuses callers without `role` (403); runs after `authenticate`. */
export function requireRole(role: string): RequestHandler {
  return (_req, res, next) => {
    const auth = authOrUndefined(res);
    if (auth === undefined) {
      next(unauthenticatedProblem('an Authorization: Bearer token is required'));
      return;
    }
    if (!auth.roles.includes(role)) {
      next(forbiddenProblem(`the ${role} role is required`));
      return;
    }
    next();
  };
}

/** The caller's claims; only valid behind `authenticate`. */
export function authOf(res: Response): AuthClaims {
  const auth = authOrUndefined(res);
  if (auth === undefined) throw new Error('authOf: the route is not behind authenticate()');
  return auth;
}

function authOrUndefined(res: Response): AuthClaims | undefined {
  const auth: unknown = res.locals.auth;
  return isAuthClaims(auth) ? auth : undefined;
}

function isAuthClaims(value: unknown): value is AuthClaims {
  if (typeof value !== 'object' || value === null) return false;
  const { userId, roles } = value as Record<string, unknown>;
  return typeof userId === 'string' && Array.isArray(roles);
}
