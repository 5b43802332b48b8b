import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Algorithm, JwtPayload } from 'jsonwebtoken';
import { userIdSchema } from '@concert/domain';
import { ConfigError, type Config } from '../config/config.js';
import { isStorableText } from '../http/storable-text.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export type JwtConfig = Pick<
  Config,
  'JWT_SECRET' | 'JWT_PUBLIC_KEY' | 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'JWT_CLOCK_TOLERANCE_S'
>;

/** Who is calling, as far as the services care. */
export interface AuthClaims {
  userId: string;
  roles: string[];
}

/** The bearer token cannot be trusted: bad signature, expired, wrong issuer or audience, bad claims. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

export interface JwtVerifier {
  /** @throws InvalidTokenError */
  verify(token: string): AuthClaims;
}

/**
 * One algorithm, fixed by configuration and never read from the token: a token must not be
 * able to choose `none`, nor an HMAC keyed with our public key (the RS/HS confusion attack).
 */
/** Distinct live tokens remembered per process: about one per active user. */
const VERIFIED_TOKENS = 50_000;

export function createJwtVerifier(config: JwtConfig): JwtVerifier {
  const { algorithm, key } = verificationKey(config);
  // A signature checked once holds until `exp`: the same token on the next request costs a map lookup.
  const verified = new VerifiedTokenCache<AuthClaims>(VERIFIED_TOKENS);
  const options = {
    algorithms: [algorithm],
    clockTolerance: config.JWT_CLOCK_TOLERANCE_S,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  };
  return {
    verify(token) {
      const known = verified.get(token);
      if (known !== undefined) return known;
      let payload: string | JwtPayload;
      try {
        payload = jwt.verify(token, key, options);
      } catch (error) {
        throw new InvalidTokenError(error instanceof Error ? error.message : 'invalid token');
      }
      const claims = claimsOf(payload);
      // claimsOf refused a token without `exp`, so the payload has one.
      verified.set(token, claims, (payload as JwtPayload).exp! * 1000);
      return claims;
    },
  };
}

export interface DevTokenRequest {
  userId: string;
  roles: readonly string[];
  expiresInSeconds: number;
}

/** Tokens for tests and the development login; production tokens come from an issuer. */
export function signDevToken(config: JwtConfig, request: DevTokenRequest): string {
  if (!config.JWT_SECRET) throw new ConfigError('invalid configuration: JWT_SECRET is required to sign dev tokens');
  return jwt.sign({ roles: [...request.roles] }, config.JWT_SECRET, {
    algorithm: 'HS256',
    subject: request.userId,
    expiresIn: request.expiresInSeconds,
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  });
}

function verificationKey(config: JwtConfig): { algorithm: Algorithm; key: string | KeyObject } {
  if (config.JWT_PUBLIC_KEY && config.JWT_SECRET) {
    // Accepting both would mean accepting both families; make the operator pick one.
    throw new ConfigError('invalid configuration: set JWT_SECRET or JWT_PUBLIC_KEY, not both');
  }
  if (config.JWT_PUBLIC_KEY) return { algorithm: 'RS256', key: createPublicKey(config.JWT_PUBLIC_KEY) };
  // A KeyObject, made once: given a string, jsonwebtoken first tries (and fails) to parse it
  // as a public key on every verification, which cost a quarter of a hold's CPU.
  if (config.JWT_SECRET) return { algorithm: 'HS256', key: createSecretKey(Buffer.from(config.JWT_SECRET)) };
  throw new ConfigError('invalid configuration: JWT_SECRET or JWT_PUBLIC_KEY is required');
}

function claimsOf(payload: string | JwtPayload): AuthClaims {
  if (typeof payload === 'string') throw new InvalidTokenError('token payload is not a JSON object');
  // jsonwebtoken checks `exp` only when present; a token that never expires is refused.
  if (typeof payload.exp !== 'number') throw new InvalidTokenError('token has no expiry');
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new InvalidTokenError('token has no subject');
  // The subject becomes the user id in events and stream names: it must be one.
  if (!userIdSchema.safeParse(payload.sub).success || !isStorableText(payload.sub)) {
    throw new InvalidTokenError('token subject is not a valid user id');
  }
  const roles: unknown = payload['roles'] ?? [];
  if (!Array.isArray(roles) || !roles.every((role): role is string => typeof role === 'string')) {
    throw new InvalidTokenError('token roles must be a list of strings');
  }
  return { userId: payload.sub, roles };
}
