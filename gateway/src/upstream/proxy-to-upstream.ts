import { Agent, type ClientRequest } from 'node:http';
import { loggerOf, rawBodyOf, type Logger } from '@concert/infra';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { GatewayMetrics } from '../gateway-metrics.js';
import { isNotConnected, noteUpstreamAttempt, noteUpstreamError } from './upstream-contact.js';
import { badGatewayProblem, noHealthyInstanceProblem, upstreamTimeoutProblem } from './upstream-problems.js';
import type { UpstreamPool } from './upstream-pool.js';

export interface ProxyOptions {
  pool: UpstreamPool;
  timeoutMs: number;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** The connection broke after the request may have been sent: only a read may be repeated. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const REPEATABLE_METHODS = new Set(['GET', 'HEAD']);

class UpstreamTimeout extends Error {
  override readonly name = 'UpstreamTimeout';
}

interface Attempt {
  tried: Set<string>;
  target: string | undefined;
  next: NextFunction;
  timedOut: boolean;
}

/**
 * Forwards the request to a healthy instance of the pool through http-proxy-middleware.
 * The upstream's answer (problem+json included) passes through unchanged; the gateway only
 * answers for failures of the hop itself: 503 `unavailable` when no instance is healthy, 502
 * `bad-gateway` when the instance broke off, 504 `upstream-timeout` when it was too slow. A
 * refused connection is retried on another instance for any method (nothing was sent); a
 * read is also retried after a broken connection.
 */
export function proxyToUpstream(options: ProxyOptions): RequestHandler {
  const { pool, metrics, timeoutMs } = options;
  // Keep-alive to the upstreams; Node honours their Keep-Alive hint, so a reused socket is
  // never one the upstream is about to close.
  const agent = new Agent({ keepAlive: true });

  const proxy = createProxyMiddleware<Request, Response>({
    router: (req) => attemptOf(req.res!).target,
    changeOrigin: true,
    xfwd: true,
    agent,
    on: {
      proxyReq: (proxyReq, _req, res) => {
        const attempt = attemptOf(res);
        noteUpstreamAttempt(res);
        // X-Request-Id as the gateway settled it (generated when the client sent none).
        const requestId: unknown = res.locals.requestId;
        if (typeof requestId === 'string') proxyReq.setHeader('x-request-id', requestId);
        writeRawBody(proxyReq, res);
        const timer = setTimeout(() => {
          attempt.timedOut = true;
          proxyReq.destroy(new UpstreamTimeout(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        proxyReq.once('response', () => clearTimeout(timer));
        proxyReq.once('close', () => clearTimeout(timer));
      },
      proxyRes: (proxyRes) => {
        metrics.upstreamResponses.inc({ kind: pool.kind, status_class: `${String(proxyRes.statusCode ?? 0).charAt(0)}xx` });
      },
      error: (error, req, res) => {
        onProxyError(error as NodeJS.ErrnoException, req, res as Response);
      },
    },
  });

  const forward = (req: Request, res: Response, next: NextFunction): void => {
    const attempt = attemptOf(res, next);
    const target = pool.pickExcept(attempt.tried);
    if (target === undefined) {
      metrics.upstreamFailures.inc({ kind: pool.kind, reason: 'no-healthy-instance' });
      next(noHealthyInstanceProblem(pool.kind));
      return;
    }
    attempt.tried.add(target);
    attempt.target = target;
    void proxy(req, res, next);
  };

  function onProxyError(error: NodeJS.ErrnoException, req: Request, res: Response): void {
    const attempt = attemptOf(res);
    noteUpstreamError(res, error);
    const target = attempt.target ?? 'unknown';
    const log = (loggerOf(req) as Logger | undefined) ?? options.logger;
    if (attempt.timedOut) {
      metrics.upstreamFailures.inc({ kind: pool.kind, reason: 'timeout' });
      log.warn({ upstream: target, timeoutMs }, 'upstream timed out');
      answer(res, attempt, upstreamTimeoutProblem(pool.kind, timeoutMs));
      return;
    }
    const code = error.code ?? '';
    const notConnected = isNotConnected(error);
    const lost = CONNECTION_LOST.has(code) || /socket hang up/i.test(error.message);
    if (notConnected || lost) pool.markDown(target, `${code || error.message} while proxying`);
    metrics.upstreamFailures.inc({ kind: pool.kind, reason: notConnected ? 'refused' : lost ? 'connection-lost' : 'error' });
    log.warn({ upstream: target, err: error }, 'upstream request failed');

    const repeatable = notConnected || (lost && REPEATABLE_METHODS.has(req.method));
    if (repeatable && !res.headersSent && pool.pickExcept(attempt.tried) !== undefined) {
      metrics.upstreamRetries.inc({ kind: pool.kind });
      forward(req, res, attempt.next);
      return;
    }
    // Nothing reached any instance: the service is unavailable, not broken.
    answer(res, attempt, notConnected ? noHealthyInstanceProblem(pool.kind) : badGatewayProblem(pool.kind));
  }

  return forward;
}

function answer(res: Response, attempt: Attempt, problem: Error): void {
  // Headers already relayed from the upstream: too late for a problem, cut the response.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  attempt.next(problem);
}

function attemptOf(res: Response, next?: NextFunction): Attempt {
  let attempt = res.locals.upstreamAttempt as Attempt | undefined;
  if (attempt === undefined) {
    attempt = { tried: new Set(), target: undefined, next: next ?? (() => undefined), timedOut: false };
    res.locals.upstreamAttempt = attempt;
  } else if (next) {
    attempt.next = next;
  }
  return attempt;
}

/** Forwards the bytes the gateway parsed (the client's stream is already consumed). */
function writeRawBody(proxyReq: ClientRequest, res: Response): void {
  const raw = rawBodyOf(res);
  if (raw === undefined) return;
  proxyReq.removeHeader('transfer-encoding');
  // body-parser inflated a compressed body: what is forwarded is plain JSON.
  proxyReq.removeHeader('content-encoding');
  proxyReq.setHeader('content-length', raw.length);
  if (raw.length > 0) proxyReq.write(raw);
}
