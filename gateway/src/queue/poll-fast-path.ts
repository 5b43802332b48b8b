import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  bearerClaimsOf,
  consumeRateBudgets,
  sendPlainJson,
  type AuthClaims,
  type JwtVerifier,
  type QueueEntry,
} from '@concert/infra';
import { frontAnswers, frontPathCounter, handOver, settle, type FrontPathOptions } from '../front/front-path.js';
import { rateSpendsOf, type RateLimitOptions } from '../rate-limits/index.js';
import { entryView, setPollPace } from './entry-view.js';
import type { QueueOptions } from './queue-options.js';
import { queueTokensOf, waitingRoomOf } from './waiting-room-of.js';

/** What the fast paths share with the express pipeline's stages: the same options, so the same room and budgets. */
export interface PollFastPathSources {
  queue: QueueOptions;
  rateLimit: RateLimitOptions;
}

export interface PollFastPathOptions extends PollFastPathSources, FrontPathOptions {}

/** The pattern the express path labels these requests' metrics with (PUBLIC_ROUTES). */
const POLL_ROUTE = '/queue/entries/:entryId';
/** The target exactly, no query: plain segment characters, at most 128 (the router's entryId bound). */
const POLL_TARGET = /^\/queue\/entries\/([A-Za-z0-9._~-]{1,128})$/;

/**
 * The waiting room's status poll, `GET|HEAD /queue/entries/{entryId}`, answered in front of
 * express (issue 13): the crowd's most frequent request, which the generic pipeline (router,
 * middleware chain, two Redis round trips) made cost ~0.35 ms of CPU each. It answers only
 * the ordinary case, exactly as the express path would (X-Request-Id, CORS, RateLimit headers,
 * Retry-After, JSON body, weak ETag, the request log and the duration histogram), and spends
 * the poll budgets and reads the entry in one Redis round trip (auto-pipelined).
 *
 * Everything else goes to express untouched: another target or method, a body, a query, a
 * conditional request (If-None-Match: express answers 304), a missing or refused token (401),
 * and, after the budgets were spent, a refusal (429, 403, 404) or a Redis failure; then the
 * budgets' decisions ride along (markBudgetsSpent) so the express path does not spend them twice.
 */
export function pollFastPath(options: PollFastPathOptions): RequestListener {
  const { app, verifier, logger, clientIp, etag, queue } = options;
  const room = waitingRoomOf(queue);
  const tokens = queueTokensOf(queue);
  const spendsOf = rateSpendsOf(options.rateLimit);
  const begin = frontAnswers(options);
  const polls = frontPathCounter(
    options.registry,
    'gateway_poll_fast_path_total',
    'Status polls the fast path answered itself, or handed to express after spending the budgets (a refusal)',
  );

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    entryId: string,
    claims: AuthClaims,
    startedAt: number,
  ): Promise<void> {
    const { spends } = spendsOf('polls', claims.userId, clientIp(req));
    const spending = settle(consumeRateBudgets(queue.redis, spends));
    let entry: QueueEntry | undefined;
    try {
      const owner = await room.ownerOf(entryId);
      if (owner !== undefined && owner.userId === claims.userId)
        entry = await room.entryOf(owner.concertId, claims.userId);
    } catch {
      entry = undefined;
    }
    const spent = await spending;
    const allowed = spent !== undefined && spent.every((decision) => decision.allowed);
    if (!allowed || entry === undefined || entry.entryId !== entryId) {
      // A refusal, or Redis failed: the express path decides and renders it.
      polls.handedOver();
      handOver(app, req, res, spent);
      return;
    }
    polls.answered();
    begin(req, res, { route: POLL_ROUTE, startedAt, spends, spent });
    setPollPace(res, entry);
    sendPlainJson(res, 200, {}, entryView(entry, tokens), etag);
  }

  return (req, res) => {
    const startedAt = performance.now();
    const claims = pollOf(req, verifier);
    const entryId = claims === undefined ? undefined : POLL_TARGET.exec(req.url ?? '')?.[1];
    if (claims === undefined || entryId === undefined || entryId === '.' || entryId === '..') {
      app(req, res);
      return;
    }
    answer(req, res, entryId, claims, startedAt).catch((error: unknown) => {
      // Nothing above throws once the answer began; a bug before that: express answers (500 if it fails the same way).
      logger.error({ err: error }, 'poll fast path failed');
      if (!res.headersSent) app(req, res);
    });
  };
}

/** The caller's claims when this is a plain status poll the fast path may answer; undefined otherwise. */
function pollOf(req: IncomingMessage, verifier: JwtVerifier): AuthClaims | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  if (!(req.url ?? '').startsWith('/queue/entries/')) return undefined;
  const { headers } = req;
  if (
    headers['content-length'] !== undefined ||
    headers['transfer-encoding'] !== undefined ||
    headers['if-none-match'] !== undefined ||
    headers['if-modified-since'] !== undefined
  ) {
    return undefined;
  }
  return bearerClaimsOf(req, verifier);
}
