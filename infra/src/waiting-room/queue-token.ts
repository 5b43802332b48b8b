import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { JwtPayload } from 'jsonwebtoken';
import { VerifiedTokenCache } from '../auth/verified-token-cache.js';

/** What a queue token proves: this user was admitted to this concert's sale until `expiresAt`. */
export interface QueueTokenClaims {
  userId: string;
  concertId: string;
  entryId: string;
  /** Epoch ms, rounded down to the second (JWT `exp`). */
  expiresAt: number;
}

/** The Queue-Token cannot be trusted for this request: forged, expired, or for another user or concert. */
export class InvalidQueueTokenError extends Error {
  override readonly name = 'InvalidQueueTokenError';
}

/**
 * The audience keeps the two token kinds apart: even when an operator gives QUEUE_TOKEN_SECRET
 * the value of JWT_SECRET, an access token is not a queue token, nor the other way round.
 */
const AUDIENCE = 'concert-queue';

/**
 * The concert of the queue token the gateway verified for a hold, as the gateway forwards it
 * to the command API, which knows each schedule's concert and refuses a hold on another
 * concert's schedule (401 `queue-token-invalid`). Only the gateway sets it: it drops the
 * header from every client request.
 */
export const VERIFIED_QUEUE_CONCERT_HEADER = 'x-verified-queue-concert';
const ALGORITHM = 'HS256';
/** Distinct live queue tokens remembered per process: at most one per admitted user. */
const VERIFIED_TOKENS = 50_000;

/**
 * Short-lived proof of admission, signed with HMAC-SHA256 under QUEUE_TOKEN_SECRET. The
 * algorithm is fixed here and never read from the token (no `none`, no algorithm confusion).
 */
export class QueueTokens {
  readonly #key: KeyObject;
  /** Signature and expiry checked once per token per process; the expected user and concert on every call. */
  readonly #verified = new VerifiedTokenCache<QueueTokenClaims>(VERIFIED_TOKENS);

  constructor(secret: string) {
    if (secret.length < 16) throw new RangeError('the queue token secret must have at least 16 characters');
    // A KeyObject made once: given a string, jsonwebtoken tries it as a public key first on every call.
    this.#key = createSecretKey(Buffer.from(secret));
  }

  sign(claims: QueueTokenClaims): string {
    return jwt.sign(
      { concert: claims.concertId, entry: claims.entryId, exp: Math.floor(claims.expiresAt / 1000) },
      this.#key,
      {
        algorithm: ALGORITHM,
        subject: claims.userId,
        audience: AUDIENCE,
      },
    );
  }

  /**
   * The claims, when the signature holds, the token has not expired, and it was issued to
   * `expected.userId` for `expected.concertId`. @throws InvalidQueueTokenError
   */
  verify(token: string, expected: { userId: string; concertId: string }): QueueTokenClaims {
    const claims = this.verifyForUser(token, expected.userId);
    if (claims.concertId !== expected.concertId) throw new InvalidQueueTokenError('queue token is for another concert');
    return claims;
  }

  /**
   * The claims, when the signature holds, the token has not expired, and it was issued to
   * `userId`, whatever its concert: for a caller that has the concert checked where it is
   * known (a hold: the command API, see VERIFIED_QUEUE_CONCERT_HEADER). @throws InvalidQueueTokenError
   */
  verifyForUser(token: string, userId: string): QueueTokenClaims {
    const claims = this.#verified.get(token) ?? this.#verifySignature(token);
    if (claims.userId !== userId) throw new InvalidQueueTokenError('queue token was issued to another user');
    return claims;
  }

  #verifySignature(token: string): QueueTokenClaims {
    let payload: string | JwtPayload;
    try {
      payload = jwt.verify(token, this.#key, { algorithms: [ALGORITHM], audience: AUDIENCE });
    } catch (error) {
      throw new InvalidQueueTokenError(error instanceof Error ? error.message : 'invalid queue token');
    }
    if (typeof payload === 'string') throw new InvalidQueueTokenError('queue token payload is not a JSON object');
    const { sub, exp } = payload;
    const concert: unknown = payload['concert'];
    const entry: unknown = payload['entry'];
    if (typeof exp !== 'number') throw new InvalidQueueTokenError('queue token has no expiry');
    if (typeof sub !== 'string' || typeof concert !== 'string' || typeof entry !== 'string') {
      throw new InvalidQueueTokenError('queue token claims are missing');
    }
    const claims = { userId: sub, concertId: concert, entryId: entry, expiresAt: exp * 1000 };
    this.#verified.set(token, claims, claims.expiresAt);
    return claims;
  }
}
