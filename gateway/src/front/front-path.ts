import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Counter } from 'prom-client';
import {
  beginRequest,
  bearerTokenOf,
  httpDurationHistogram,
  problemBody,
  type HttpProblem,
  type AuthClaims,
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
  etag: (body: Buffer) => string | undefined;
}

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

/** A fast path's requests by outcome: answered (or proxied) itself, or handed to express after spending the budgets. */
export interface FrontPathCounter {
  answered: () => void;
  handedOver: () => void;
}

export function frontPathCounter(registry: Registry, name: string, help: string): FrontPathCounter {
  const existing = registry.getSingleMetric(name);
  const counter =
    existing instanceof Counter
      ? (existing as Counter<'outcome'>)
      : new Counter({ name, help, labelNames: ['outcome'], registers: [registry] });
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

/**
 * A refusal the fast path renders itself (the proxy's 502, 503, 504), as the express error
 * handler's sendProblem would: the problem's headers, Retry-After, problem+json, ETag.
 */
export function sendFrontProblem(
  res: ServerResponse,
  problem: HttpProblem,
  etag: (body: Buffer) => string | undefined,
): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  if (problem.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(0, Math.ceil(problem.retryAfterSeconds))));
  }
  const body = Buffer.from(JSON.stringify(problemBody(problem)), 'utf8');
  res.statusCode = problem.status;
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  const tag = etag(body);
  if (tag !== undefined) res.setHeader('ETag', tag);
  res.end(body);
}

/** The value, or undefined when the promise rejects (never an unhandled rejection). */
export function settle<T>(promise: Promise<T>): Promise<T | undefined> {
  return promise.then(
    (value) => value,
    () => undefined,
  );
}
