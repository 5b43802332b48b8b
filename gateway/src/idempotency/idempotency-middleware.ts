import {
  authOf,
  HttpProblem,
  idempotencyKeyOf,
  loggerOf,
  unavailableProblem,
  type IdempotencyClaim,
  type IdempotencyStore,
  type Logger,
  type Registry,
  type StoredResponse,
} from '@concert/infra';
import type { Request, RequestHandler, Response } from 'express';
import { idempotencyMetrics } from './idempotency-metrics.js';
import { requestFingerprint } from './request-fingerprint.js';
import { mayHaveReachedUpstream } from '../upstream/upstream-contact.js';
import { captureResponse, type CapturedResponse } from './response-capture.js';

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** Counters land here (`gateway_idempotency_hits_total`). */
  registry: Registry;
  /** Used when the request has no `req.log`. */
  logger?: Logger;
  /** POST paths that refuse a request without a key (docs/api.md: /payments and /wallet/charges). */
  requiredPaths?: readonly string[];
  /** A response body larger than this is sent but not stored (the key stays in flight). */
  maxStoredBodyBytes?: number;
}

export const DEFAULT_REQUIRED_PATHS: readonly string[] = ['/payments', '/wallet/charges'];
const DEFAULT_MAX_STORED_BODY_BYTES = 256 * 1024;
/** Seconds a client should wait before repeating a request whose twin is still running. */
const IN_USE_RETRY_AFTER_S = 1;

/**
 * Statuses that mean "this request was not acted upon": the gateway's own refusals (401, 403,
 * 413, 415, 429, a 400 validation, 404 for no route) and the upstream's equivalents. They are
 * not stored, so the client may fix the cause and retry with the same key (docs/architecture.md, 'Facts the code relies on': Stripe
 * does not store validation failures). 5xx are never final either. Every other answer,
 * success or a business refusal such as 409 `reservation-not-held` or 422 `insufficient-funds`,
 * is what the command decided, and is what a repeat gets back.
 */
const NOT_ACTED_UPON = new Set([400, 401, 403, 404, 405, 408, 413, 415, 429]);
/** 409s that say "someone else was busy, try again": the command did nothing, nothing to replay. */
const CONCURRENCY_CONFLICTS = new Set(['payment-in-progress', 'concurrent-update']);

export function isFinalStatus(status: number): boolean {
  return status < 500 && !NOT_ACTED_UPON.has(status);
}

/** What becomes of the key once the answer is known. */
type Settlement = 'complete' | 'release' | 'keep-in-flight';

function settlementOf(response: CapturedResponse | undefined, res: Response): Settlement {
  if (response !== undefined && (NOT_ACTED_UPON.has(response.status) || isConcurrencyConflict(response)))
    return 'release';
  if (response !== undefined && isFinalStatus(response.status) && !response.overflowed) return 'complete';
  // A failure, a response too large to store, or a client gone: whether the command ran is
  // unknown unless the request provably never reached an upstream.
  return mayHaveReachedUpstream(res) ? 'keep-in-flight' : 'release';
}

function isConcurrencyConflict(response: CapturedResponse): boolean {
  if (response.status !== 409 || !/json/.test(response.headers['content-type'] ?? '')) return false;
  try {
    const problem: unknown = JSON.parse(response.body.toString('utf8'));
    const code = typeof problem === 'object' && problem !== null ? (problem as { code?: unknown }).code : undefined;
    return typeof code === 'string' && CONCURRENCY_CONFLICTS.has(code);
  } catch {
    return false;
  }
}

/**
 * Idempotency-Key for POSTs (IETF draft-ietf-httpapi-idempotency-key-header-07, Stripe).
 * Mount it after authentication and JSON body parsing, in front of whatever answers the request
 * (the proxy): it claims (user, key) in the Idempotency DB, lets the request through, records
 * the final response it sees written into `res`, and answers repeats itself:
 * - same key, same request, finished: the stored status, headers and body, `Idempotent-Replayed: true`;
 * - same key still running: 409 `idempotency-key-in-use` with Retry-After;
 * - same key, another method/path/body: 422 `idempotency-key-reused`.
 * A store that cannot answer gives 503 `unavailable`, and the request is not let through.
 */
export function idempotency(options: IdempotencyOptions): RequestHandler {
  const required = new Set(options.requiredPaths ?? DEFAULT_REQUIRED_PATHS);
  const maxBody = options.maxStoredBodyBytes ?? DEFAULT_MAX_STORED_BODY_BYTES;
  const metrics = idempotencyMetrics(options.registry);

  return async (req, res, next) => {
    if (req.method !== 'POST') {
      next();
      return;
    }
    let key: string | undefined;
    try {
      // Express routes `/payments/` like `/payments`: a trailing slash must not skip the requirement.
      key = idempotencyKeyOf(req, required.has(req.path.replace(/(.)\/+$/, '$1')));
    } catch (problem) {
      next(problem);
      return;
    }
    if (key === undefined) {
      next();
      return;
    }
    const log = logOf(req, options.logger);
    const { userId } = authOf(res);
    const fingerprint = requestFingerprint(req.method, req.originalUrl, req.body);

    let begun;
    try {
      begun = await options.store.begin(userId, key, fingerprint);
    } catch (error) {
      log?.warn({ err: error }, 'idempotency store unavailable');
      next(unavailableProblem('the idempotency store is unavailable; retry shortly'));
      return;
    }

    switch (begun.kind) {
      case 'completed':
        metrics.hits.inc({ outcome: 'replayed' });
        replay(res, begun.response);
        return;
      case 'in-flight':
        metrics.hits.inc({ outcome: 'in-use' });
        next(
          new HttpProblem({
            status: 409,
            code: 'idempotency-key-in-use',
            detail: 'a request with this Idempotency-Key is still being processed; retry after it finishes',
            retryAfterSeconds: IN_USE_RETRY_AFTER_S,
          }),
        );
        return;
      case 'mismatch':
        metrics.hits.inc({ outcome: 'reused' });
        next(
          new HttpProblem({
            status: 422,
            code: 'idempotency-key-reused',
            detail: 'this Idempotency-Key was used for a different request (method, path or body); use a new key',
          }),
        );
        return;
      case 'started':
        settleWhenDone(res, begun.claim, options.store, maxBody, log);
        if (req.socket.destroyed) {
          // The client left while the key was being claimed: its 'close' came before our listener.
          res.destroy();
          return;
        }
        next();
        return;
    }
  };
}

function replay(res: Response, stored: StoredResponse): void {
  for (const [name, value] of Object.entries(stored.headers)) res.setHeader(name, value);
  res.setHeader('Idempotent-Replayed', 'true');
  res.status(stored.status).end(stored.body);
}

/**
 * Before the response's last byte goes out: store it when final, release the key when nothing
 * was done (see `settlementOf`), so a client that has the answer and repeats the request is
 * replayed, never told "in use". Otherwise (a 5xx or a client gone once the request may have
 * reached an upstream) the key stays in flight until the in-flight timeout: the command may
 * have run or still be running, and an immediate retry must not run it again.
 */
function settleWhenDone(
  res: Response,
  claim: IdempotencyClaim,
  store: IdempotencyStore,
  maxBody: number,
  log: Logger | undefined,
): void {
  let settled = false;
  const settle = async (response: CapturedResponse | undefined): Promise<void> => {
    if (settled) return;
    settled = true;
    const settlement = settlementOf(response, res);
    if (response?.overflowed)
      log?.warn({ status: response.status }, 'response too large to store; Idempotency-Key left in flight');
    if (settlement === 'keep-in-flight') {
      log?.warn(
        { key: claim.key, status: response?.status },
        'outcome unknown after reaching an upstream; Idempotency-Key left in flight',
      );
      return;
    }
    try {
      const ok =
        settlement === 'complete' && response !== undefined
          ? await store.complete(claim, { status: response.status, headers: response.headers, body: response.body })
          : await store.release(claim);
      if (!ok) log?.warn({ key: claim.key }, 'Idempotency-Key was taken over before this request settled it');
    } catch (error) {
      // The record stays in flight until the in-flight timeout lets a retry take it over.
      log?.error(
        { err: error, key: claim.key },
        `could not ${settlement === 'complete' ? 'store the response of' : 'release'} an Idempotency-Key`,
      );
    }
  };
  captureResponse(res, maxBody, settle);
  res.once('close', () => {
    if (!res.writableEnded) void settle(undefined);
  });
}

function logOf(req: Request, fallback: Logger | undefined): Logger | undefined {
  return Object.hasOwn(req, 'log') ? loggerOf(req) : fallback;
}
