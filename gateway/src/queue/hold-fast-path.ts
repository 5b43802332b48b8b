import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  bearerClaimsOf,
  consumeRateBudgets,
  isAcceptedJsonBody,
  plainJsonBodyLength,
  sendPlainProblem,
  type AuthClaims,
  type Logger,
  type QueueEntry,
  type QueueTokenClaims,
} from '@concert/infra';
import { frontAnswers, frontPathCounter, handOver, settle, type FrontPathOptions } from '../front/front-path.js';
import { rateSpendsOf } from '../rate-limits/index.js';
import { bodyLimitOf, PUBLIC_ROUTES } from '../routing/public-routes.js';
import type { UpstreamCall } from '../upstream/proxy-to-upstream.js';
import { followAdmittedCommand } from './admitted-command.js';
import type { PollFastPathSources } from './poll-fast-path.js';
import { queueTokensOf, waitingRoomOf } from './waiting-room-of.js';

export interface HoldFastPathOptions extends PollFastPathSources, FrontPathOptions {
  /** The proxy to the command API (upstreamForwarder over its pool), the one the express route uses. */
  forward: (call: UpstreamCall) => void;
}

const HOLD_ROUTE = '/reservations';
const BODY_LIMIT = bodyLimitOf(PUBLIC_ROUTES.find((route) => route.method === 'POST' && route.path === HOLD_ROUTE));

/**
 * The plain hold, `POST /reservations`, in front of express (issue 13): the write the on-sale
 * crowd sends most, which the generic pipeline (router, a dozen stages, two Redis round trips
 * one after the other) made cost the gateway 0.35 to 0.5 ms of CPU each in bench:gateway's part
 * (b), depending on the machine's load; 0.22 to 0.3 ms this way. It takes only the ordinary
 * request: a valid bearer token, a queue token issued to the caller, `Content-Type:
 * application/json`, a body within the limit with its length given, no Idempotency-Key, no
 * conditional or encoded body; it spends the command budgets and reads the caller's queue
 * entry in one Redis round trip (auto-pipelined), checks the body as jsonBody would, and hands
 * the bytes to the same proxy as the express route, with the same headers (X-Request-Id,
 * CORS, RateLimit, the verified queue concert), the request log, the duration histogram and
 * what follows an admitted command (followAdmittedCommand).
 *
 * Everything else goes to express untouched: another target, method or header set, a missing
 * or refused token; and, after the budgets were spent, a refusal (429, a session no longer
 * admitted), a Redis failure or a body jsonBody would refuse (its bytes put back into the
 * request stream); the budgets' decisions ride along (handOver).
 */
export function holdFastPath(options: HoldFastPathOptions): RequestListener {
  const { app, verifier, logger, clientIp, queue, forward } = options;
  const room = waitingRoomOf(queue);
  const tokens = queueTokensOf(queue);
  const spendsOf = rateSpendsOf(options.rateLimit);
  const begin = frontAnswers(options);
  const holds = frontPathCounter(
    options.registry,
    'gateway_hold_fast_path_total',
    'Holds the fast path proxied itself, or handed to express after spending the budgets (a refusal, an odd body)',
  );

  async function proxy(
    req: IncomingMessage,
    res: ServerResponse,
    hold: PlainHold,
    queueToken: QueueTokenClaims,
    startedAt: number,
  ): Promise<void> {
    const { userId } = hold.claims;
    const { spends } = spendsOf('commands', userId, clientIp(req));
    const checkedAt = performance.now();
    const spending = settle(consumeRateBudgets(queue.redis, spends));
    const reading = settle(room.entryOf(queueToken.concertId, userId));
    const [spent, entry] = await Promise.all([spending, reading]);
    if (spent === undefined || !spent.every((decision) => decision.allowed) || !admitted(entry, queueToken)) {
      // A refusal, or Redis failed: the express path decides and renders it.
      holds.handedOver();
      handOver(app, req, res, spent);
      return;
    }
    const body = await readBody(req, hold.length);
    if (body === 'aborted') {
      begin(req, res, { route: HOLD_ROUTE, startedAt, spends, spent });
      res.destroy();
      return;
    }
    if (body === undefined) {
      holds.handedOver();
      handOver(app, req, res, spent);
      return;
    }
    holds.answered();
    const requestId = begin(req, res, { route: HOLD_ROUTE, startedAt, spends, spent });
    // The request's child logger is made on first use: only when something is logged.
    const log = (): Logger => req.log;
    followAdmittedCommand(queue, res, {
      kind: 'hold',
      concertId: queueToken.concertId,
      userId,
      startedAt: checkedAt,
      log,
    });
    forward({
      req,
      res,
      target: HOLD_ROUTE,
      requestId,
      queueConcert: queueToken.concertId,
      body,
      log,
      fail: (problem) => sendPlainProblem(res, problem, options.etag),
    });
  }

  return (req, res) => {
    const startedAt = performance.now();
    const hold = plainHoldOf(req);
    const claims = hold === undefined ? undefined : bearerClaimsOf(req, verifier);
    const queueToken = claims === undefined || hold === undefined ? undefined : queueTokenOf(hold, claims);
    if (hold === undefined || claims === undefined || queueToken === undefined) {
      app(req, res);
      return;
    }
    proxy(req, res, { ...hold, claims }, queueToken, startedAt).catch((error: unknown) => {
      // Nothing above throws once the answer began; a bug before that: express answers (500 if it fails the same way).
      logger.error({ err: error }, 'hold fast path failed');
      if (!res.headersSent) app(req, res);
    });
  };

  /** The queue token's claims when it was issued to the caller; undefined otherwise (express refuses it, or fails the same way). */
  function queueTokenOf(hold: { queueToken: string }, claims: AuthClaims): QueueTokenClaims | undefined {
    try {
      return tokens.verifyForUser(hold.queueToken, claims.userId);
    } catch {
      return undefined;
    }
  }
}

interface PlainHold {
  claims: AuthClaims;
  /** The body's length (Content-Length). */
  length: number;
  /** The Queue-Token header, trimmed. */
  queueToken: string;
}

/** The body length and queue token of a plain hold the fast path may take; undefined otherwise. */
function plainHoldOf(req: IncomingMessage): Omit<PlainHold, 'claims'> | undefined {
  if (req.method !== 'POST' || req.url !== HOLD_ROUTE) return undefined;
  const { headers } = req;
  const queueToken = headers['queue-token'];
  if (
    typeof queueToken !== 'string' ||
    headers['idempotency-key'] !== undefined ||
    headers['if-match'] !== undefined ||
    headers['if-none-match'] !== undefined ||
    headers['if-modified-since'] !== undefined ||
    headers['if-unmodified-since'] !== undefined
  ) {
    return undefined;
  }
  const length = plainJsonBodyLength(headers, BODY_LIMIT);
  const trimmed = queueToken.trim();
  if (length === undefined || trimmed === '') return undefined;
  return { length, queueToken: trimmed };
}

/** What requireQueueToken demands of the session: still admitted, the token's entry. */
function admitted(entry: QueueEntry | undefined, token: QueueTokenClaims): boolean {
  return entry?.status === 'ADMITTED' && entry.entryId === token.entryId;
}

/**
 * The request's body of `length` bytes, when jsonBody would take it; undefined otherwise, with
 * the bytes put back into the stream (unshift, before its end was emitted) so that express
 * reads them as if nobody had; 'aborted' when the client broke off before sending it all.
 * Read in paused mode, and never past the body's last byte, so that putting back is allowed.
 */
function readBody(req: IncomingMessage, length: number): Promise<Buffer | undefined | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (outcome: Buffer | undefined | 'aborted'): void => {
      req.off('readable', onReadable);
      req.off('error', onAborted);
      req.off('close', onAborted);
      resolve(outcome);
    };
    const onAborted = (): void => done('aborted');
    const onReadable = (): void => {
      for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= length) break;
      }
      if (size < length) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      if (isAcceptedJsonBody(body)) {
        done(body);
        // Flowing to the end of the stream (nothing is left of the body): 'end', then 'close', as after any read.
        req.resume();
        return;
      }
      // Synchronously, before the stream's end (scheduled when the last byte was read) is emitted.
      req.unshift(body);
      done(undefined);
    };
    if (req.destroyed) {
      resolve('aborted');
      return;
    }
    req.on('error', onAborted);
    req.on('close', onAborted);
    req.on('readable', onReadable);
  });
}
