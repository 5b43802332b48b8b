import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  beginRequest,
  httpDurationHistogram,
  registeredCounter,
  type EtagOf,
  type JwtVerifier,
  type Logger,
  type RateDecision,
  type RateSpend,
  type Registry,
  type RequestLogPolicy,
} from '@concert/infra';
import type { CorsPolicy } from '../cors/cors-policy.js';
import { markBudgetsSpent, setRateLimitHeaders } from '../rate-limits/index.js';

/**
 * What every fast path in front of express (the status poll, the plain hold) is given: the
 * same policies as the express pipeline, so that both answer a request alike.
 */
export interface FrontPathOptions {
  verifier: JwtVerifier;
  cors: CorsPolicy;
  logger: Logger;
  requestLog: RequestLogPolicy;
  registry: Registry;
  /** `req.ip` as express computes it (its 'trust proxy'), for a request express has not seen. */
  clientIp: (req: IncomingMessage) => string | undefined;
  /** Where every request the fast path does not answer itself goes (express, or another fast path before it). */
  app: RequestListener;
  /** express's ETag function ('etag fn'), so both paths tag the same body alike. */
  etag: EtagOf;
}

/** A fast path's requests by outcome: answered (or proxied) itself, or handed to express after spending the budgets. */
export interface FrontPathCounter {
  answered: () => void;
  handedOver: () => void;
}

export function frontPathCounter(registry: Registry, name: string, help: string): FrontPathCounter {
  const counter = registeredCounter(registry, name, help, ['outcome']);
  const answered = counter.labels('answered');
  const handedOver = counter.labels('handed_over');
  return { answered: () => answered.inc(), handedOver: () => handedOver.inc() };
}

/**
 * Hands a request the fast path will not answer to express after its budgets were spent (a
 * refusal, or something only express renders): their decisions ride along, so the rate-limit
 * stage does not spend them twice.
 */
export function handOver(
  app: RequestListener,
  req: IncomingMessage,
  res: ServerResponse,
  spent: readonly RateDecision[] | undefined,
): void {
  if (spent !== undefined) markBudgetsSpent(req, spent);
  app(req, res);
}

/** What a fast path answers: under which route pattern, since when, with which budgets spent. */
export interface FrontAnswer {
  route: string;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  spends: readonly RateSpend[];
  spent: readonly RateDecision[];
}

/**
 * What the express pipeline does for every answer before its route runs, for an answer a fast
 * path gives: the duration histogram under the route's pattern, the request id and log line
 * (requestContext), the CORS headers, the RateLimit headers of the budgets spent. The returned
 * function returns the request id.
 */
export function frontAnswers(
  options: FrontPathOptions,
): (req: IncomingMessage, res: ServerResponse, answer: FrontAnswer) => string {
  const histogram = httpDurationHistogram(options.registry);
  return (req, res, answer) => {
    const stop = histogram.startTimer();
    res.once('finish', () => {
      stop({ method: req.method, route: answer.route, status_code: String(res.statusCode) });
    });
    const requestId = beginRequest(options.logger, options.requestLog, req, res, answer.startedAt);
    options.cors.setHeaders(req, res);
    setRateLimitHeaders(res, answer.spends, answer.spent);
    return requestId;
  };
}

/** The value, or undefined when the promise rejects (never an unhandled rejection). */
export function settle<T>(promise: Promise<T>): Promise<T | undefined> {
  return promise.then(
    (value) => value,
    () => undefined,
  );
}
