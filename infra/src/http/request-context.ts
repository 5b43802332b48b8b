import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id (requestContext), as in X-Request-Id. */
    id: string;
    /** A child logger whose every line carries `requestId` (requestContext). */
    log: Logger;
  }
}

/**
 * A client's id is only reused when it cannot smuggle anything into logs or headers; the
 * length bound keeps one request from bloating every log line and event it touches.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Probes and scrapes arrive every few seconds; logging them would drown real traffic. */
const UNLOGGED_PATHS = new Set(['/health', '/ready', '/metrics']);

/** Which completed requests get a log line (REQUEST_LOG_SLOW_MS, REQUEST_LOG_SAMPLE_RATE; every one at LOG_LEVEL=debug). */
export interface RequestLogPolicy {
  /** A request that took longer than this is logged (warn). */
  slowMs: number;
  /** This share (0 to 1) of the other requests is logged (info). */
  sampleRate: number;
}

export const DEFAULT_REQUEST_LOG_POLICY: RequestLogPolicy = { slowMs: 1000, sampleRate: 0 };

export function requestLogPolicy(config: {
  REQUEST_LOG_SLOW_MS: number;
  REQUEST_LOG_SAMPLE_RATE: number;
}): RequestLogPolicy {
  return { slowMs: config.REQUEST_LOG_SLOW_MS, sampleRate: config.REQUEST_LOG_SAMPLE_RATE };
}

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Gives each request its id (echoed in X-Request-Id, kept on `res.locals` for event metadata)
 * and a child logger `req.log` that carries `requestId` on every line, made only when a line
 * is written. A completed request is logged when it failed (5xx: error), was slow (warn), was
 * sampled (info), or at debug level (debug, with its headers): no per-request line by default,
 * and nothing serialised for a request that is not logged.
 */
export function requestContext(logger: Logger, policy: RequestLogPolicy = DEFAULT_REQUEST_LOG_POLICY): RequestHandler {
  return (req, res, next) => {
    res.locals.requestId = beginRequest(logger, policy, req, res, performance.now());
    next();
  };
}

/**
 * What requestContext does, for a plain node handler that answers a request without express
 * (the gateway's status-poll fast path): the id in X-Request-Id and `req.id`, `req.log`, and
 * the completed request's log line (timed from `startedAt`, a `performance.now()`). Returns the id.
 */
export function beginRequest(
  logger: Logger,
  policy: RequestLogPolicy,
  req: IncomingMessage,
  res: ServerResponse,
  startedAt: number,
): string {
  const requestId = requestIdFrom(req.headers['x-request-id']);
  res.setHeader('X-Request-Id', requestId);
  req.id = requestId;
  let child: Logger | undefined;
  Object.defineProperty(req, 'log', {
    configurable: true,
    enumerable: false,
    get: () => (child ??= logger.child({ requestId })),
  });
  if (!UNLOGGED_PATHS.has(pathOf(req.url))) {
    res.once('close', () => logCompleted(logger, req, res, performance.now() - startedAt, policy));
  }
  return requestId;
}

function logCompleted(
  logger: Logger,
  req: IncomingMessage & { originalUrl?: string },
  res: ServerResponse,
  elapsedMs: number,
  policy: RequestLogPolicy,
): void {
  const line = {
    // express's originalUrl; the target itself where express never saw the request.
    req: { method: req.method, url: req.originalUrl ?? req.url },
    res: { statusCode: res.statusCode },
    responseTime: Math.round(elapsedMs),
    ...(res.writableFinished ? {} : { aborted: true }),
  };
  if (res.statusCode >= 500) req.log.error(line, 'request failed');
  else if (elapsedMs > policy.slowMs) req.log.warn(line, 'slow request');
  else if (logger.isLevelEnabled('debug'))
    req.log.debug({ ...line, req: { ...line.req, headers: req.headers } }, 'request completed');
  else if (policy.sampleRate > 0 && Math.random() < policy.sampleRate) req.log.info(line, 'request completed');
}

/** The correlation id of the request being answered; handlers put it in event metadata. */
export function requestIdOf(res: Response): string {
  const id: unknown = res.locals.requestId;
  if (typeof id !== 'string') throw new Error('requestIdOf: requestContext middleware is not installed');
  return id;
}

/** The request's logger (every line carries its request id). */
export function loggerOf(req: Request): Logger {
  return req.log;
}

function pathOf(url: string | undefined): string {
  const path = url ?? '';
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}
